"""Processed Telegram update ids: a redelivered update (polling retry, webhook retry) runs once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate, utcnow
from storage.repositories._insert_once import insert_once


async def mark_processed(session: AsyncSession, update_id: int) -> bool:
    """Record the update id; False when some process already handled (or is handling) it."""
    return await insert_once(
        session, ProcessedUpdate, {"update_id": update_id, "processed_at": utcnow()}
    )


async def prune(session: AsyncSession, *, older_than: dt.datetime) -> int:
    """Forget ids older than Telegram keeps redelivering (a day is plenty)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)
