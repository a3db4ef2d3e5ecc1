"""Typed text: one route for the whole bot, decided inside the update's own transaction.

A running practice session takes the text first (a reply to the simulated client), else the
employee's open case (the field the coach asked for, or a note), else it is text nobody expects and
gets the catch-all's answer. Deciding inside the one transaction of `turn_handler()` reads the
employee once and cannot disagree with what the chosen handler then sees.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import CoachApplication, CoachContext
from bot.handlers import call, common, practice
from bot.pipeline import Turn, turn_handler

# Before group 0, as the areas' text routers were: typed text is this route's alone.
TEXT_GROUP = -1


def register(application: CoachApplication) -> None:
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, typed_text),
        group=TEXT_GROUP,
    )


@turn_handler()
async def typed_text(turn: Turn, update: Update, context: CoachContext) -> None:
    """A reply in practice while it runs, else a field or note of the open case, else neither."""
    assert turn.employee is not None  # turn_handler() refuses strangers before we get here
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    if turn.employee.active_practice_id is not None:
        await practice.reply_to_client(turn, text)
    elif turn.employee.active_case_id is not None:
        await call.take_text(turn, text)
    else:
        common.answer_unsupported(turn)
