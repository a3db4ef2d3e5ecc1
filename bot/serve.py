"""`complaint-coach run`: the Telegram bot, after its settings and database are checked."""

from __future__ import annotations

import argparse
import asyncio

from bot.app import run as run_application
from bot.log_redaction import configure_logging
from bot.settings import Settings, require_token
from bot.startup import migrate_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`run` takes no arguments: everything comes from the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    token = require_token(settings)
    secrets = [token]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, secrets)
    # Migrating first means an unreachable database ends start-up with one line and exit code 2.
    asyncio.run(migrate_database(settings.database_url))
    run_application(settings)
    return 0
