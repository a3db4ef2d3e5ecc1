"""One update, one transaction: the wrapper every handler runs in.

It skips an update some process already handled, finds the employee, lets the handler decide inside
`sessionmaker.begin()`, and only after the commit sends the replies and answers the button press.
So a reply never announces a change that was rolled back, and a redelivered update does nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from asyncpg import PostgresError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from telegram import Chat, Update, User
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import CoachContext
from bot.delivery import deliver
from bot.outgoing import Button, Keyboard, Outgoing
from bot.settings import Settings
from dialogs.i18n import Language, t
from storage.models import Employee, utcnow
from storage.repositories import employees, updates
from storage.repositories.cases import StaleCaseError

log = logging.getLogger(__name__)

# asyncpg raises some failures to connect (no such database, connections not allowed) unwrapped.
DATABASE_DOWN = (OperationalError, InterfaceError, DBAPIError, OSError, TimeoutError, PostgresError)


def language_of(employee: Employee | None, user: User | None, default: str) -> Language:
    """The employee's chosen language, else Telegram's hint, else the configured default."""
    if employee is not None and employee.language in Language.__members__.values():
        return Language(employee.language)
    code = (user.language_code or "") if user else ""
    if code.startswith("en"):
        return Language.EN
    if code.startswith("ru"):
        return Language.RU
    return Language(default)


@dataclass(slots=True)
class Turn:
    """Everything a handler needs for one update, and the replies it decides on."""

    session: AsyncSession
    settings: Settings
    employee: Employee | None
    language: Language
    chat_id: int
    user: User
    now: dt.datetime
    replies: list[Outgoing] = field(default_factory=list)
    callback_answer: str | None = None
    callback_alert: bool = False
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def t(self, key: str, **values: object) -> str:
        return t(self.language, key, **values)

    def say(self, text: str, buttons: Keyboard = (), *, edit_message_id: int | None = None) -> None:
        self.replies.append(Outgoing(self.chat_id, text, buttons, edit_message_id=edit_message_id))

    def tell(self, message: Outgoing) -> None:
        """Queue a message for someone else: an alert to a supervisor, a hand-off to a colleague."""
        self.replies.append(message)


TurnHandler = Callable[[Turn, Update, CoachContext], Awaitable[None]]
PTBCallback = Callable[[Update, CoachContext], Coroutine[Any, Any, None]]


async def _answer(update: Update, text: str | None, *, alert: bool = False) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text, show_alert=alert)
    except Exception as error:  # a late or repeated answer is harmless; the user sees the reply
        log.info("callback answer not delivered: %s", error)


def turn_handler(*, employees_only: bool = True) -> Callable[[TurnHandler], PTBCallback]:
    """Wrap a handler in the one-transaction-per-update pipeline.

    Args:
        employees_only: refuse strangers politely before the handler runs (they learn nothing).
    """

    def decorate(handler: TurnHandler) -> PTBCallback:
        @functools.wraps(handler)
        async def run(update: Update, context: CoachContext) -> None:
            chat, user = update.effective_chat, update.effective_user
            if chat is None or user is None or chat.type != ChatType.PRIVATE:
                return
            await _take(update, context, chat, user)
            # The update is this handler's, whatever became of it: no later group (the catch-alls)
            # may answer it again, e.g. after a stale press or a database failure rolled back.
            raise ApplicationHandlerStop

        async def _take(update: Update, context: CoachContext, chat: Chat, user: User) -> None:
            settings, sessionmaker = context.services.ready()
            turn: Turn | None = None
            try:
                async with sessionmaker.begin() as session:
                    if not await updates.mark_processed(session, update.update_id):
                        log.info("update %s was already handled", update.update_id)
                        return
                    employee = await employees.get_by_telegram_id(session, user.id)
                    turn = Turn(
                        session=session,
                        settings=settings,
                        employee=employee,
                        language=language_of(employee, user, settings.default_language),
                        chat_id=chat.id,
                        user=user,
                        now=utcnow(),
                    )
                    if employee is None and employees_only:
                        turn.say(turn.t("access.stranger"))
                    else:
                        await handler(turn, update, context)
            except (StaleCaseError, StaleDataError):
                language = (
                    turn.language if turn else language_of(None, user, settings.default_language)
                )
                await _answer(update, t(language, "error.stale_button"), alert=True)
                if update.callback_query is None:
                    await deliver(
                        context.bot,
                        [Outgoing(chat.id, t(language, "error.stale_button"))],
                        sessionmaker,
                    )
                return
            except DATABASE_DOWN as error:
                log.warning(
                    "database unavailable while handling an update: %s", type(error).__name__
                )
                language = (
                    turn.language if turn else language_of(None, user, settings.default_language)
                )
                await _answer(update, t(language, "error.try_again_shortly"), alert=True)
                if update.callback_query is None:
                    try:
                        await context.bot.send_message(
                            chat.id, t(language, "error.try_again_shortly")
                        )
                    except Exception as send_error:
                        log.warning("could not tell the user: %s", send_error)
                return
            await _answer(update, turn.callback_answer, alert=turn.callback_alert)
            await deliver(context.bot, turn.replies, sessionmaker)
            for action in turn.after_commit:
                await action()

        return run

    return decorate


def button(label: str, data: str) -> Button:
    return Button(label=label, data=data)
