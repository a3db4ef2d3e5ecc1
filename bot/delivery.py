"""Sending what the bot decided, after the transaction committed.

Rate limits are python-telegram-bot's AIORateLimiter's job (it waits out `RetryAfter`). Here:
a 5xx or a connection failure is retried a few times, since Telegram did not take the message;
a time-out is not, since Telegram may have taken it and a retry could send it twice; a message that
still could not go out is kept in the outbox table and sent later by `flush_outbox`. A text split
into several messages is retried part by part, so a part Telegram took is never sent again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.outgoing import Keyboard, Outgoing, split_html
from storage.models import utcnow
from storage.repositories import outbox

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
OUTBOX_BACKOFF = (dt.timedelta(seconds=5), dt.timedelta(seconds=30), dt.timedelta(minutes=5))


class _CannotEdit(Exception):
    """The message to edit is gone or too old: the new text goes out as a new message."""


def _markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in buttons
        ]
    )


async def _attempt(call: Callable[[], Awaitable[object]]) -> bool:
    """Make one Bot API call, retrying what may help; False when it should be tried again later."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            await call()
        except (BadRequest, Forbidden) as error:
            # Retrying cannot help (a blocked bot, a deleted chat); it is logged, not queued.
            log.warning("Telegram refused a message: %s", error)
            return True
        except TimedOut:
            log.warning("Sending timed out; not retried, Telegram may already have it")
            return True
        except RetryAfter as error:
            retry_after = error.retry_after
            seconds = (
                retry_after.total_seconds()
                if isinstance(retry_after, dt.timedelta)
                else float(retry_after)
            )
            if attempt == SEND_ATTEMPTS - 1:
                return False
            await asyncio.sleep(min(seconds, 30.0))
        except NetworkError as error:
            log.warning("Sending failed (attempt %d): %s", attempt + 1, error)
            if attempt == SEND_ATTEMPTS - 1:
                return False
            await asyncio.sleep(0.5 * 2**attempt)
        else:
            return True
    return False


async def _edit(
    bot: ExtBot[None], message: Outgoing, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    assert message.edit_message_id is not None
    try:
        await bot.edit_message_text(
            text,
            chat_id=message.chat_id,
            message_id=message.edit_message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    except BadRequest as error:
        reason = str(error).lower()
        if "not modified" in reason:
            return
        if "not found" in reason or "can't be edited" in reason:
            raise _CannotEdit from None
        raise


async def send(bot: ExtBot[None], message: Outgoing) -> Outgoing | None:
    """Send one message; None when Telegram took it all, else what is left to try again later."""
    markup = _markup(message.buttons)
    if message.photo is not None:
        photo = InputFile(message.photo, filename=message.filename or "chart.png")
        call = functools.partial(
            bot.send_photo,
            message.chat_id,
            photo,
            caption=message.text or None,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return None if await _attempt(call) else message
    if message.document is not None:
        document = InputFile(message.document, filename=message.filename or "export.csv")
        call = functools.partial(
            bot.send_document,
            message.chat_id,
            document,
            caption=message.text or None,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return None if await _attempt(call) else message
    parts = split_html(message.text)
    if message.edit_message_id is not None and len(parts) == 1:
        try:
            edited = await _attempt(functools.partial(_edit, bot, message, parts[0], markup))
        except _CannotEdit:
            pass  # sent as a new message below
        else:
            return None if edited else message
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        call = functools.partial(
            bot.send_message,
            message.chat_id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
        )
        if not await _attempt(call):
            # The parts before this one went out; only the rest is kept for later.
            return dataclasses.replace(message, text="".join(parts[index:]), edit_message_id=None)
    return None


async def deliver(
    bot: ExtBot[None],
    messages: Sequence[Outgoing],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Send each message in order; keep what failed in the outbox for later."""
    failed = [rest for message in messages if (rest := await send(bot, message)) is not None]
    if not failed:
        return
    async with sessionmaker.begin() as session:
        for message in failed:
            await outbox.enqueue(
                session,
                message.chat_id,
                message.to_payload(),
                not_before=utcnow() + OUTBOX_BACKOFF[0],
            )
    log.warning("%d message(s) kept in the outbox to send later", len(failed))


async def flush_outbox(
    bot: ExtBot[None], sessionmaker: async_sessionmaker[AsyncSession], *, claimer: str
) -> int:
    """Send queued messages that are due; returns how many went out."""
    async with sessionmaker.begin() as session:
        pending = [
            (m.id, m.chat_id, m.payload, m.attempts)
            for m in await outbox.claim_pending(session, claimer=claimer)
        ]
    sent = 0
    for message_id, chat_id, payload, attempts in pending:
        rest = await send(bot, Outgoing.from_payload(chat_id, payload))
        async with sessionmaker.begin() as session:
            if rest is None:
                await outbox.mark_sent(session, message_id)
                sent += 1
            else:
                delay = OUTBOX_BACKOFF[min(attempts + 1, len(OUTBOX_BACKOFF) - 1)]
                await outbox.retry_later(
                    session, message_id, at=utcnow() + delay, payload=rest.to_payload()
                )
    return sent
