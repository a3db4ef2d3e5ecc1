"""The typed context handlers receive: the services created in `post_init`, never module globals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from bot.settings import Settings


@dataclass
class Services:
    """What every handler and job needs; filled in at start-up (PTB builds it with no arguments)."""

    settings: Settings | None = None
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    bot_username: str = ""
    # Names this process when it claims reminders and queued messages, so leases can be told apart.
    process_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def ready(self) -> tuple[Settings, async_sessionmaker[AsyncSession]]:
        if self.settings is None or self.sessionmaker is None:
            raise RuntimeError("services are used before start-up finished")
        return self.settings, self.sessionmaker


class CoachContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]):
    """CallbackContext whose `bot_data` is our Services."""

    @property
    def services(self) -> Services:
        return self.bot_data


CoachApplication = Application[
    ExtBot[None], CoachContext, dict[Any, Any], dict[Any, Any], Services, Any
]
