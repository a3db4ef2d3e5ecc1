"""Messages waiting to be delivered: written in the same transaction as the change they report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, utcnow

CLAIM_LEASE = dt.timedelta(minutes=2)


async def enqueue(
    session: AsyncSession,
    chat_id: int,
    payload: dict[str, Any],
    *,
    not_before: dt.datetime | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        chat_id=chat_id, payload=payload, next_attempt_at=not_before or utcnow()
    )
    session.add(message)
    await session.flush()
    return message


async def claim_pending(
    session: AsyncSession, *, claimer: str, now: dt.datetime | None = None, limit: int = 50
) -> Sequence[OutboxMessage]:
    """Messages due for (another) attempt, leased to this process for CLAIM_LEASE."""
    now = now or utcnow()
    candidate_ids = (
        await session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                or_(
                    OutboxMessage.claimed_by.is_(None),
                    OutboxMessage.next_attempt_at < now - CLAIM_LEASE,
                ),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not candidate_ids:
        return []
    claimed = (
        await session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidate_ids), OutboxMessage.sent_at.is_(None))
            .values(claimed_by=claimer, next_attempt_at=now + CLAIM_LEASE)
            .returning(OutboxMessage.id)
        )
    ).all()
    if not claimed:
        return []
    return (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    ).all()


async def mark_sent(
    session: AsyncSession, message_id: int, *, now: dt.datetime | None = None
) -> None:
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(sent_at=now or utcnow())
    )


async def retry_later(
    session: AsyncSession,
    message_id: int,
    *,
    at: dt.datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Give the message back for another attempt at `at` (with only what is left, if given)."""
    values: dict[str, Any] = {
        "claimed_by": None,
        "next_attempt_at": at,
        "attempts": OutboxMessage.attempts + 1,
    }
    if payload is not None:
        values["payload"] = payload
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
    )


async def prune_sent(session: AsyncSession, *, older_than: dt.datetime) -> int:
    """Forget messages delivered before `older_than`: their copies hold what users typed."""
    result = await session.execute(delete(OutboxMessage).where(OutboxMessage.sent_at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)
