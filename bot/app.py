"""Building and running the Telegram application: polling or webhook, same handlers, same jobs."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot import handlers, jobs
from bot.commands import register_commands
from bot.context import CoachApplication, CoachContext, Services
from bot.settings import Settings, require_token
from storage.db import create_engine, create_sessionmaker

log = logging.getLogger(__name__)

# Telegram tolerates about 30 messages a second overall; 429s are waited out and retried.
RATE_LIMIT_RETRIES = 3


def file_url_for(base_url: str) -> str:
    """Telegram serves files from `/file/bot…` beside `/bot…`; so does a self-hosted server."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> CoachApplication:
    """The application with every handler, the error handler and the periodic jobs registered.

    Start-up (database, migrations, commands menu) happens in `post_init`, so nothing here connects.
    """
    # PTB's builder is generic over six types that change with each call; mypy cannot follow it.
    builder: Any = (
        ApplicationBuilder()
        .token(require_token(settings))
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_url_for(settings.telegram_api_base_url))
        .context_types(ContextTypes(context=CoachContext, bot_data=Services))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application: CoachApplication = builder.build()
    application.bot_data.settings = settings
    handlers.register(application)
    return application


async def on_startup(
    application: Application,  # type: ignore[type-arg]
    *,
    schedule_jobs: bool = True,
) -> None:
    """Connect the database, publish the commands menu, start the jobs (PTB's `post_init`).

    Tests that drive the application update by update pass `schedule_jobs=False` and run the jobs
    themselves, at the moment they choose.
    """
    services: Services = application.bot_data
    settings = services.settings
    if settings is None:
        raise RuntimeError("build_application() sets the settings")
    services.engine = create_engine(settings.database_url)
    services.sessionmaker = create_sessionmaker(services.engine)
    services.bot_username = application.bot.username or ""
    await register_commands(application.bot)
    if schedule_jobs and application.job_queue is not None:
        jobs.schedule(application.job_queue, settings)


async def on_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    services: Services = application.bot_data
    if services.engine is not None:
        await services.engine.dispose()


def run(settings: Settings) -> None:
    """Serve until stopped: webhook when WEBHOOK_URL is set, long polling otherwise."""
    application = build_application(settings)
    if settings.webhook_url:
        host, port = settings.listen_host_port
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        log.info("Serving the webhook on %s:%s", host, port)
        application.run_webhook(
            listen=host,
            port=port,
            url_path=_url_path(settings.webhook_url),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("Polling for updates")
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=30)


def _url_path(webhook_url: str) -> str:
    return urlparse(webhook_url).path.lstrip("/")
