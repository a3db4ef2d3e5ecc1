"""`complaint-coach migrate`: create or upgrade the database schema."""

from __future__ import annotations

import argparse
import asyncio

from bot.settings import Settings
from bot.startup import migrate_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="overrides DATABASE_URL")


def run(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(migrate_database(args.database_url or settings.database_url))
    print("The database is up to date.")
    return 0
