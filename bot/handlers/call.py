"""The call coach in Telegram: /call, /after, /cancel, the case buttons and typed notes.

Each handler parses the update, calls one use-case of `bot.call_service` inside the update's
transaction and renders the `CaseView` it returns as HTML with inline buttons. Button presses edit
the message they came from, so the case stays on one screen.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callback_data
from bot.call_service import CallService, Result, render_html
from bot.context import CoachApplication, CoachContext
from bot.outgoing import escape
from bot.pipeline import Turn, turn_handler
from storage.models import CaseMode
from storage.repositories import employees

# Typed text is offered to the call coach before any other area (its group runs first); the
# coach takes it only when the employee has a case open and no practice session running.
TEXT_GROUP = -1


def register(application: CoachApplication) -> None:
    application.add_handler(CommandHandler("call", call_command))
    application.add_handler(CommandHandler("after", after_command))
    application.add_handler(CommandHandler("cancel", cancel_command))
    application.add_handler(CallbackQueryHandler(case_button, pattern=callback_data.CASE_PATTERN))
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, route_text),
        group=TEXT_GROUP,
    )


def _service(turn: Turn) -> CallService:
    assert turn.employee is not None  # turn_handler() refuses strangers before we get here
    return CallService(turn.session, turn.settings, turn.employee, now=turn.now)


def _show(turn: Turn, result: Result, *, edit_message_id: int | None = None) -> None:
    """Render the result: the screen (edited in place for a button), a notice, others' messages."""
    if edit_message_id is not None and result.notice:
        turn.callback_answer = result.notice
        turn.callback_alert = result.refused or result.redraw
    if result.redraw and result.view is not None:
        text, keyboard = render_html(turn.language, result.view, None)
        turn.say(text, keyboard, edit_message_id=edit_message_id)
    elif result.view is not None and not (result.refused and edit_message_id is not None):
        notice = None if edit_message_id is not None and result.refused else result.notice
        text, keyboard = render_html(turn.language, result.view, notice)
        turn.say(text, keyboard, edit_message_id=edit_message_id)
    elif result.view is None and result.notice and edit_message_id is None:
        turn.say(escape(result.notice))
    for message in result.others:
        turn.tell(message)


@turn_handler()
async def call_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Open a live case at `listen`."""
    _show(turn, await _service(turn).start(CaseMode.LIVE))


@turn_handler()
async def after_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Log a call that already happened as a checklist of the same stages."""
    _show(turn, await _service(turn).start(CaseMode.AFTER))


@turn_handler()
async def cancel_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Cancel the case the employee opened by mistake."""
    _show(turn, await _service(turn).cancel_active())


@turn_handler()
async def case_button(turn: Turn, update: Update, context: CoachContext) -> None:
    """A case button: the case id and version it was drawn at come back with the action."""
    query = update.callback_query
    assert query is not None
    action = callback_data.parse_case(query.data or "")
    if action is None:
        turn.callback_answer = turn.t("error.stale_button")
        turn.callback_alert = True
        return
    message_id = query.message.message_id if query.message is not None else None
    _show(turn, await _service(turn).act(action), edit_message_id=message_id)


@turn_handler()
async def case_text(turn: Turn, update: Update, context: CoachContext) -> None:
    """Typed text: the field the coach asked for, or a note on the current stage."""
    assert update.effective_message is not None
    _show(turn, await _service(turn).take_text(update.effective_message.text or ""))


async def route_text(update: Update, context: CoachContext) -> None:
    """Take the text only when it belongs to an open case; otherwise leave it to other areas."""
    user = update.effective_user
    if user is None:
        return
    _, sessionmaker = context.services.ready()
    async with sessionmaker() as session:
        employee = await employees.get_by_telegram_id(session, user.id)
    if (
        employee is None
        or employee.active_case_id is None
        or employee.active_practice_id is not None
    ):
        return
    await case_text(update, context)
