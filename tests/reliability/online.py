"""The real application in this process, talking HTTP to the Bot API emulator.

Nothing between the bot and "Telegram" is replaced: python-telegram-bot's own HTTP client and
rate limiter send every request to the emulator, which can answer 429, 5xx or slowly. Updates are
handed to `process_update` as the polling loop would, and the periodic jobs are run when the test
says, so a test waits for nothing but the emulator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.app import build_application, on_shutdown, on_startup
from bot.context import CoachApplication, CoachContext
from bot.settings import Settings
from storage import migrate
from storage.db import create_engine
from tests.emulator.server import BotApiEmulator


@dataclass
class OnlineCoach:
    application: CoachApplication

    async def handle(self, update: dict[str, Any]) -> None:
        """Handle one update the emulator queued (a user's message or tap)."""
        await self.application.process_update(Update.de_json(update, self.application.bot))

    @property
    def context(self) -> CoachContext:
        """A context as the job queue gives a job."""
        return CoachContext(self.application)  # type: ignore[arg-type]


@asynccontextmanager
async def online_coach(
    emulator: BotApiEmulator, database_url: str, **overrides: Any
) -> AsyncIterator[OnlineCoach]:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=emulator.token,
        telegram_api_base_url=emulator.base_url,
        database_url=database_url,
        admin_ids=[1],
        **overrides,
    )
    application = build_application(settings)
    async with application:
        await on_startup(application, schedule_jobs=False)
        try:
            yield OnlineCoach(application)
        finally:
            await on_shutdown(application)
