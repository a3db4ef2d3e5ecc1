"""The call coach in Telegram: /call, /after, /cancel, the case buttons and typed notes.

Each handler parses the update, calls one use-case of `bot.call_service` inside the update's
transaction and renders the `CaseView` it returns as HTML with inline buttons. Button presses edit
the message they came from, so the case stays on one screen.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callback_data
from bot.call_service import CallService, Result, render_html
from bot.context import CoachApplication, CoachContext
from bot.outgoing import escape
from bot.pipeline import Turn, turn_handler
from storage.models import CaseMode


def register(application: CoachApplication) -> None:
    application.add_handler(CommandHandler("call", call_command))
    application.add_handler(CommandHandler("after", after_command))
    application.add_handler(CommandHandler("cancel", cancel_command))
    application.add_handler(CallbackQueryHandler(case_button, pattern=callback_data.CASE_PATTERN))


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


async def take_text(turn: Turn, text: str) -> None:
    """Typed text in the open case: the field the coach asked for, or a note on the current stage.

    Called by the bot's one text route (`bot.handlers.typed_text`) inside the update's transaction.
    """
    _show(turn, await _service(turn).take_text(text))
