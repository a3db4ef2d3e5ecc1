"""Read-side queries of the supervisor's desk: case lists, report rows, alert candidates.

Rows for statistics, exports and the digest come back as dialogs' plain dataclasses, so the
computing and the rendering never touch a session. The one writer here is the free-text erasure
that goes with `/forget_client`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dialogs.case_rows import CaseRow, FollowUpRow
from dialogs.desk_alerts import ClientCase, PendingFollowUp, WellbeingScore
from dialogs.digest import Idea
from storage.models import (
    Alert,
    Case,
    CaseEvent,
    Client,
    Employee,
    FollowUp,
    WellbeingAnswer,
)
from storage.repositories.cases import CLOSED_STAGES

IDEA_KIND = "idea"  # a timeline line holding a client's idea or suggestion


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """What a `/cases` page shows. `visible_to` narrows it to one staff member's cases."""

    visible_to: int | None = None
    owner_id: int | None = None
    open_only: bool = False
    overdue_at: dt.datetime | None = None
    escalated: bool = False
    legal_threat: bool = False
    returning_client: bool = False
    created_from: dt.datetime | None = None
    created_to: dt.datetime | None = None


def _where(query: Select[Any], case_query: CaseQuery) -> Select[Any]:
    if case_query.visible_to is not None:
        query = query.where(
            or_(Case.owner_id == case_query.visible_to, Case.handoff_to_id == case_query.visible_to)
        )
    if case_query.owner_id is not None:
        query = query.where(Case.owner_id == case_query.owner_id)
    if case_query.open_only:
        query = query.where(Case.stage.not_in(CLOSED_STAGES))
    if case_query.escalated:
        query = query.where(Case.escalated.is_(True))
    if case_query.legal_threat:
        query = query.where(Case.legal_threat.is_(True))
    if case_query.returning_client:
        query = query.where(Case.returning_client.is_(True))
    if case_query.created_from is not None:
        query = query.where(Case.created_at >= case_query.created_from)
    if case_query.created_to is not None:
        query = query.where(Case.created_at < case_query.created_to)
    if case_query.overdue_at is not None:
        overdue = select(FollowUp.case_id).where(
            FollowUp.completed_at.is_(None),
            FollowUp.cancelled_at.is_(None),
            FollowUp.due_at < case_query.overdue_at,
        )
        query = query.where(Case.id.in_(overdue), Case.stage.not_in(CLOSED_STAGES))
    return query


async def list_cases(
    session: AsyncSession, case_query: CaseQuery, *, page: int, page_size: int
) -> tuple[Sequence[Case], int]:
    """One page of matching cases, newest first, and how many match in all."""
    total = await session.scalar(_where(select(func.count(Case.id)), case_query)) or 0
    rows = (
        await session.scalars(
            _where(select(Case), case_query)
            .options(selectinload(Case.owner))
            .order_by(Case.id.desc())
            .offset(page * page_size)
            .limit(page_size)
        )
    ).all()
    return rows, total


async def employee_names(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def _follow_up_row(follow_up: FollowUp) -> FollowUpRow:
    return FollowUpRow(
        due_at=follow_up.due_at,
        completed_at=follow_up.completed_at,
        outcome=follow_up.outcome,
        cancelled_at=follow_up.cancelled_at,
    )


async def case_rows(
    session: AsyncSession,
    *,
    created_from: dt.datetime | None = None,
    created_to: dt.datetime | None = None,
) -> list[CaseRow]:
    """Every case opened in [created_from, created_to), oldest first, as plain rows."""
    query = select(Case).options(selectinload(Case.owner), selectinload(Case.follow_ups))
    if created_from is not None:
        query = query.where(Case.created_at >= created_from)
    if created_to is not None:
        query = query.where(Case.created_at < created_to)
    found = (await session.scalars(query.order_by(Case.id))).all()
    handed_to = await employee_names(session, (case.handoff_to_id for case in found))
    return [
        CaseRow(
            case_id=case.id,
            created_at=case.created_at,
            stage=case.stage,
            owner_id=case.owner_id,
            owner_name=case.owner.name,
            mode=case.mode,
            closed_at=case.closed_at,
            outcome=case.outcome,
            fault=case.fault,
            department=case.department,
            root_cause=case.root_cause,
            solution_kind=case.solution_kind,
            temperature_start=case.temperature_start,
            temperature=case.temperature,
            legal_threat=case.legal_threat,
            returning_client=case.returning_client,
            escalated=case.escalated,
            handoff_to_name=handed_to.get(case.handoff_to_id or 0, ""),
            client_id=case.client_id,
            rejection_count=case.rejection_count,
            follow_ups=tuple(_follow_up_row(f) for f in case.follow_ups),
        )
        for case in found
    ]


async def client_cases_since(session: AsyncSession, since: dt.datetime) -> list[ClientCase]:
    """Cases with a known client opened since `since`: the candidates for a repeat alert."""
    rows = await session.execute(
        select(Case.id, Case.client_id, Case.created_at)
        .where(Case.client_id.is_not(None), Case.created_at >= since)
        .order_by(Case.id)
    )
    return [ClientCase(row.id, row.client_id, row.created_at) for row in rows]


async def unfinished_follow_ups(
    session: AsyncSession, *, due_before: dt.datetime
) -> list[PendingFollowUp]:
    """Call-backs of open cases due before `due_before`, with no outcome and not cancelled."""
    rows = await session.execute(
        select(FollowUp.id, FollowUp.case_id, FollowUp.due_at)
        .join(Case, Case.id == FollowUp.case_id)
        .where(
            FollowUp.completed_at.is_(None),
            FollowUp.cancelled_at.is_(None),
            FollowUp.due_at < due_before,
            Case.stage.not_in(CLOSED_STAGES),
        )
        .order_by(FollowUp.due_at)
    )
    return [PendingFollowUp(row.id, row.case_id, row.due_at) for row in rows]


async def employees_answering_since(session: AsyncSession, since: dt.datetime) -> list[int]:
    """Employees who gave a wellbeing answer since `since`."""
    return list(
        (
            await session.scalars(
                select(WellbeingAnswer.employee_id)
                .where(WellbeingAnswer.at >= since)
                .distinct()
                .order_by(WellbeingAnswer.employee_id)
            )
        ).all()
    )


async def latest_wellbeing(
    session: AsyncSession, employee_id: int, *, count: int
) -> list[WellbeingScore]:
    """The employee's latest answers, newest first, as plain scores."""
    rows = await session.execute(
        select(WellbeingAnswer.id, WellbeingAnswer.score)
        .where(WellbeingAnswer.employee_id == employee_id)
        .order_by(WellbeingAnswer.id.desc())
        .limit(count)
    )
    return [WellbeingScore(row.id, row.score) for row in rows]


async def existing_alert_keys(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of `keys` were raised before (checked first so a quiet run writes nothing)."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            (
                await session.scalars(
                    select(Alert.key).where(Alert.key.in_(wanted[start : start + 500]))
                )
            ).all()
        )
    return found


async def alerts_about(session: AsyncSession, employee_id: int) -> Sequence[Alert]:
    """Alerts that named this employee (not a case): what supervisors were told about them."""
    return (
        await session.scalars(
            select(Alert)
            .where(Alert.employee_id == employee_id, Alert.case_id.is_(None))
            .order_by(Alert.id)
        )
    ).all()


async def ideas_between(session: AsyncSession, start: dt.datetime, end: dt.datetime) -> list[Idea]:
    """Clients' ideas and suggestions noted in cases in [start, end), oldest first."""
    rows = await session.execute(
        select(CaseEvent.case_id, CaseEvent.text)
        .where(
            CaseEvent.kind == IDEA_KIND,
            CaseEvent.at >= start,
            CaseEvent.at < end,
            CaseEvent.text.is_not(None),
        )
        .order_by(CaseEvent.id)
    )
    return [Idea(row.case_id, row.text) for row in rows if row.text]


async def outcomes_of(session: AsyncSession, owner_id: int) -> dict[str, int]:
    """The employee's cases counted by outcome; open ones under "open"."""
    rows = await session.execute(
        select(Case.outcome, Case.stage, func.count(Case.id))
        .where(Case.owner_id == owner_id)
        .group_by(Case.outcome, Case.stage)
    )
    counts: dict[str, int] = {}
    for outcome, stage, count in rows.tuples():
        key = outcome or ("open" if stage not in CLOSED_STAGES else "no_outcome")
        counts[key] = counts.get(key, 0) + count
    return counts


async def client_of_case(session: AsyncSession, case_id: int) -> Client | None:
    case = await session.get(Case, case_id)
    if case is None or case.client_id is None:
        return None
    return await session.get(Client, case.client_id)


async def erase_client_free_text(session: AsyncSession, client_id: int) -> int:
    """Blank the free text of every case of the client; returns how many cases that was.

    Notes and the "what happened" fields may quote the client's name or number, so they go with
    the client's record. Stages, outcomes, causes and times stay: the statistics do not change.
    """
    found = (
        await session.scalars(
            select(Case).where(Case.client_id == client_id).options(selectinload(Case.events))
        )
    ).all()
    for case in found:
        case.what_happened = None
        case.client_wants = None
        case.solution_text = None
        for event in case.events:
            event.text = None
            if event.kind not in ("opened", "transition"):
                event.data = None
    await session.flush()
    return len(found)


async def follow_ups_of(session: AsyncSession, case_id: int) -> Sequence[FollowUp]:
    """Every call-back of the case, in the order they were promised."""
    return (
        await session.scalars(
            select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.id)
        )
    ).all()
