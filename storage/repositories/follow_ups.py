"""Follow-up reminders kept in the database, claimed so that exactly one bot process sends each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Case, FollowUp, utcnow

CLAIM_LEASE = dt.timedelta(minutes=5)


async def schedule(session: AsyncSession, case_id: int, due_at: dt.datetime) -> FollowUp:
    follow_up = FollowUp(case_id=case_id, due_at=due_at)
    session.add(follow_up)
    await session.flush()
    return follow_up


async def pending_for_case(session: AsyncSession, case_id: int) -> Sequence[FollowUp]:
    """Follow-ups of the case not yet completed or cancelled."""
    return (
        await session.scalars(
            select(FollowUp)
            .where(
                FollowUp.case_id == case_id,
                FollowUp.completed_at.is_(None),
                FollowUp.cancelled_at.is_(None),
            )
            .order_by(FollowUp.due_at)
        )
    ).all()


async def cancel_pending(
    session: AsyncSession, case_id: int, *, now: dt.datetime | None = None
) -> int:
    pending = await pending_for_case(session, case_id)
    for follow_up in pending:
        follow_up.cancelled_at = now or utcnow()
    await session.flush()
    return len(pending)


async def complete_pending(
    session: AsyncSession, case_id: int, outcome: str, *, now: dt.datetime | None = None
) -> int:
    pending = await pending_for_case(session, case_id)
    for follow_up in pending:
        follow_up.completed_at = now or utcnow()
        follow_up.outcome = outcome
    await session.flush()
    return len(pending)


async def claim_due(
    session: AsyncSession, *, claimer: str, now: dt.datetime | None = None, limit: int = 50
) -> Sequence[FollowUp]:
    """Take the due, unfired reminders for this process and mark them fired.

    PostgreSQL skips rows another process holds (`FOR UPDATE SKIP LOCKED`); the conditional UPDATE
    keeps SQLite, which ignores row locks, just as safe. Marking them fired in the same transaction
    as the caller queues the reminder message means a reminder fires once whoever crashes when.
    """
    now = now or utcnow()
    candidate_ids = (
        await session.scalars(
            select(FollowUp.id)
            .where(
                FollowUp.fired_at.is_(None),
                FollowUp.cancelled_at.is_(None),
                FollowUp.completed_at.is_(None),
                FollowUp.due_at <= now,
                or_(FollowUp.claimed_at.is_(None), FollowUp.claimed_at < now - CLAIM_LEASE),
            )
            .order_by(FollowUp.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not candidate_ids:
        return []
    claimed_ids = (
        await session.scalars(
            update(FollowUp)
            .where(FollowUp.id.in_(candidate_ids), FollowUp.fired_at.is_(None))
            .values(claimed_by=claimer, claimed_at=now, fired_at=now)
            .returning(FollowUp.id)
        )
    ).all()
    if not claimed_ids:
        return []
    return (
        await session.scalars(
            select(FollowUp)
            .where(FollowUp.id.in_(claimed_ids))
            .options(selectinload(FollowUp.case).selectinload(Case.owner))
            .order_by(FollowUp.due_at)
            .execution_options(populate_existing=True)
        )
    ).all()


async def overdue(session: AsyncSession, *, older_than: dt.datetime) -> Sequence[FollowUp]:
    """Fired reminders still without an outcome although they were due before `older_than`."""
    return (
        await session.scalars(
            select(FollowUp)
            .where(
                FollowUp.completed_at.is_(None),
                FollowUp.cancelled_at.is_(None),
                FollowUp.due_at < older_than,
            )
            .options(selectinload(FollowUp.case))
            .order_by(FollowUp.due_at)
        )
    ).all()
