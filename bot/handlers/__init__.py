"""Every Telegram handler, registered in one place in the order they must be tried.

Each area of the product keeps its handlers in its own module with a `register(application)`
function; the catch-alls (unknown commands, unsupported messages) go last, in group 1, so they only
see what no area took.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callback_data
from bot.context import CoachApplication, CoachContext
from bot.handlers import common, typed_text
from bot.pipeline import DATABASE_DOWN
from dialogs.i18n import t

log = logging.getLogger(__name__)

# Runs before every area's group (the one typed-text route uses -1).
EARLY_GROUP = -10

# The areas, in the order their handlers are tried. A module joins here when its area lands.
AREAS: tuple[str, ...] = ("desk", "call", "practice")


def register(application: CoachApplication) -> None:
    """Add every area's handlers, then the catch-alls and the error handler."""
    import importlib

    # Before every area: edits of earlier messages and commands typed in a group are answered
    # here and go no further (a command handler would otherwise act on an edited "/call" again).
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED & filters.ChatType.PRIVATE, common.edited),
        group=EARLY_GROUP,
    )
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, common.group_command),
        group=EARLY_GROUP,
    )
    application.add_handler(CommandHandler("start", common.start))
    application.add_handler(CommandHandler("help", common.help_command))
    application.add_handler(CommandHandler("invite", common.invite))
    application.add_handler(CommandHandler("language", common.language))
    application.add_handler(
        CallbackQueryHandler(common.language_chosen, pattern=callback_data.LANGUAGE_PATTERN)
    )
    for area in AREAS:
        importlib.import_module(f"bot.handlers.{area}").register(application)
    # Typed text belongs to practice or to the call coach, whichever the employee is in.
    typed_text.register(application)
    # Catch-alls: group 1 runs only for updates no handler above took.
    application.add_handler(MessageHandler(filters.COMMAND, common.unknown_command), group=1)
    application.add_handler(
        MessageHandler(~filters.COMMAND & ~filters.UpdateType.EDITED, common.unsupported),
        group=1,
    )
    application.add_handler(CallbackQueryHandler(common.unknown_button), group=1)
    application.add_error_handler(on_error)


async def on_error(update: object, context: CoachContext) -> None:
    """Log the failure with its traceback and apologise to the user in their language.

    A database that cannot be reached is not a bug: it is logged as a warning without a traceback
    (a periodic job simply runs again later) and the user is asked to try again shortly. Nor is
    Telegram failing the long poll or a job's request: PTB tries again.
    """
    key = "error.unexpected"
    if isinstance(context.error, DATABASE_DOWN):
        log.warning("database unavailable: %s", type(context.error).__name__)
        key = "error.try_again_shortly"
    elif update is None and _telegram_unavailable(context.error):
        # The long poll or a job met a Telegram outage; PTB retries, nothing was lost.
        log.warning("Telegram unavailable: %s", context.error)
    else:
        log.error("unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    await _apologise(update, update.effective_chat.id, context, key)
    # The update has had its answer: the catch-alls of later groups must not add another.
    raise ApplicationHandlerStop


def _telegram_unavailable(error: BaseException | None) -> bool:
    """A 5xx, a time-out or flood control: Telegram's trouble, not a bad request of ours."""
    return isinstance(error, NetworkError | RetryAfter) and not isinstance(error, BadRequest)


async def _apologise(update: Update, chat_id: int, context: CoachContext, key: str) -> None:
    settings = context.services.settings
    user = update.effective_user
    language = "en" if user and (user.language_code or "").startswith("en") else None
    language = language or (settings.default_language if settings else "ru")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(language, key), show_alert=True)
        else:
            await context.bot.send_message(chat_id, t(language, key))
    except Exception as error:  # the apology is best effort; the failure is already logged
        log.warning("could not apologise to the user: %s", type(error).__name__)
