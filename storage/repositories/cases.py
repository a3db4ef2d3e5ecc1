"""Cases and their timelines.

A stage change and the event that records it are written by one call, so they can only be committed
together. The optimistic lock (`Case.version`) turns a write based on a stale read into
`StaleDataError` at flush time; `ensure_version` catches a stale button before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CaseEvent, CaseMode, utcnow

CLOSED_STAGES = frozenset({"closed", "cancelled"})


class StaleCaseError(Exception):
    """The case changed since the message the user acted on was drawn."""


class EventKind:
    """The kinds of timeline line, as stored in `case_events.kind`."""

    OPENED = "opened"
    TRANSITION = "transition"
    NOTE = "note"
    FIELD = "field"
    ALERT = "alert"
    FOLLOW_UP = "follow_up"


async def create(
    session: AsyncSession,
    *,
    owner_id: int,
    stage: str,
    mode: CaseMode = CaseMode.LIVE,
    temperature: int | None = None,
) -> Case:
    """Open a case at its first stage, with the opening line of its timeline."""
    case = Case(
        owner_id=owner_id,
        created_by_id=owner_id,
        mode=mode,
        stage=stage,
        temperature=temperature,
        temperature_start=temperature,
    )
    session.add(case)
    await session.flush()
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=owner_id,
            kind=EventKind.OPENED,
            to_stage=stage,
            temperature=temperature,
            data={"mode": str(mode)},
        )
    )
    await session.flush()
    return case


async def get(session: AsyncSession, case_id: int) -> Case | None:
    return await session.get(Case, case_id)


def ensure_version(case: Case, expected_version: int) -> None:
    """Refuse to act on a case that moved on since the user's message was drawn."""
    if case.version != expected_version:
        raise StaleCaseError(f"case {case.id} is at version {case.version}, not {expected_version}")


async def record_transition(
    session: AsyncSession,
    case: Case,
    *,
    actor_id: int | None,
    to_stage: str,
    trigger: str,
    text: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Move the case to `to_stage` and add the event saying who moved it, when and why."""
    event = CaseEvent(
        case_id=case.id,
        actor_id=actor_id,
        kind=EventKind.TRANSITION,
        from_stage=case.stage,
        to_stage=to_stage,
        trigger=trigger,
        text=text,
        temperature=case.temperature,
        data=data,
    )
    case.stage = to_stage
    now = utcnow()
    case.updated_at = now
    if to_stage in CLOSED_STAGES and case.closed_at is None:
        case.closed_at = now
    session.add(event)
    await session.flush()
    return event


async def add_event(
    session: AsyncSession,
    case: Case,
    *,
    actor_id: int | None,
    kind: str,
    text: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """A timeline line that does not change the stage (a note, a field, an alert).

    The case's version is bumped too, so a button drawn before the note is recognised as stale.
    """
    event = CaseEvent(
        case_id=case.id,
        actor_id=actor_id,
        kind=kind,
        from_stage=case.stage,
        to_stage=case.stage,
        text=text,
        temperature=case.temperature,
        data=data,
    )
    case.updated_at = utcnow()
    session.add(event)
    await session.flush()
    return event


async def timeline(session: AsyncSession, case_id: int) -> Sequence[CaseEvent]:
    return (
        await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
    ).all()


async def stage_changes(session: AsyncSession, case_id: int) -> Sequence[tuple[str, str, str]]:
    """The case's stage changes in order, as (from stage, to stage, trigger): just those columns.

    The call coach reads these to find where `back` leads and how a case ended; loading whole
    timeline events for that would build an ORM object per note and field too.
    """
    rows = await session.execute(
        select(CaseEvent.from_stage, CaseEvent.to_stage, CaseEvent.trigger)
        .where(
            CaseEvent.case_id == case_id,
            CaseEvent.kind == EventKind.TRANSITION,
            CaseEvent.from_stage.is_not(None),
            CaseEvent.to_stage.is_not(None),
            CaseEvent.trigger.is_not(None),
        )
        .order_by(CaseEvent.id)
    )
    return [
        (from_stage or "", to_stage or "", trigger or "") for from_stage, to_stage, trigger in rows
    ]


async def open_case_of(session: AsyncSession, owner_id: int) -> Case | None:
    """The employee's most recent case still in progress, if any."""
    return (
        await session.scalars(
            select(Case)
            .where(Case.owner_id == owner_id, Case.stage.not_in(CLOSED_STAGES))
            .order_by(Case.id.desc())
            .limit(1)
        )
    ).first()


async def count_open(session: AsyncSession) -> int:
    return (
        await session.scalar(select(func.count(Case.id)).where(Case.stage.not_in(CLOSED_STAGES)))
        or 0
    )


FREE_TEXT_FIELDS = ("what_happened", "client_wants", "solution_text")


async def erase_notes_before(session: AsyncSession, cutoff: dt.datetime) -> int:
    """Blank free text written before `cutoff` (the retention setting); returns how many lines.

    That is every timeline line's text (notes, fields, reasons, ideas), and the case's own copy of a
    field when it is the text of such a line, or when the case was closed before `cutoff`.
    """
    events = (
        await session.scalars(
            select(CaseEvent).where(CaseEvent.at < cutoff, CaseEvent.text.is_not(None))
        )
    ).all()
    old_texts: dict[int, set[str]] = {}
    for event in events:
        old_texts.setdefault(event.case_id, set()).add(event.text or "")
        event.text = None
    holders = (
        await session.scalars(
            select(Case).where(
                or_(*(getattr(Case, name).is_not(None) for name in FREE_TEXT_FIELDS)),
                or_(Case.id.in_(old_texts), Case.closed_at < cutoff),
            )
        )
    ).all()
    for case in holders:
        closed_long_ago = case.closed_at is not None and case.closed_at < cutoff
        for name in FREE_TEXT_FIELDS:
            value = getattr(case, name)
            if value is not None and (closed_long_ago or value in old_texts.get(case.id, ())):
                setattr(case, name, None)
    await session.flush()
    return len(events)


async def handoffs_overdue(session: AsyncSession, *, now: dt.datetime) -> Sequence[Case]:
    """Cases handed to a colleague who has not accepted them by the deadline."""
    return (
        await session.scalars(
            select(Case)
            .where(
                Case.stage == "handed_off",
                Case.handoff_due_at.is_not(None),
                Case.handoff_due_at <= now,
            )
            .order_by(Case.id)
        )
    ).all()
