"""Practice sessions and the trainee's turns in them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PracticeSession, PracticeTurn, utcnow


async def start(
    session: AsyncSession,
    *,
    employee_id: int,
    scenario_id: str,
    language: str,
    state: dict[str, Any],
) -> PracticeSession:
    practice = PracticeSession(
        employee_id=employee_id, scenario_id=scenario_id, language=language, state=state
    )
    session.add(practice)
    await session.flush()
    return practice


async def get(session: AsyncSession, practice_id: int) -> PracticeSession | None:
    return await session.get(PracticeSession, practice_id)


async def add_turn(
    session: AsyncSession,
    practice: PracticeSession,
    *,
    stage: str,
    reply: str,
    score: int,
    result: dict[str, Any],
    state: dict[str, Any],
) -> PracticeTurn:
    """Record a scored reply together with the simulated client's new state."""
    turn = PracticeTurn(
        session_id=practice.id, stage=stage, reply=reply, score=score, result=result
    )
    practice.state = state
    session.add(turn)
    await session.flush()
    return turn


async def finish(
    session: AsyncSession,
    practice: PracticeSession,
    *,
    total_score: int | None,
    stage_scores: dict[str, Any] | None,
    state: dict[str, Any] | None = None,
) -> None:
    practice.finished_at = utcnow()
    practice.total_score = total_score
    practice.stage_scores = stage_scores
    if state is not None:
        practice.state = state
    await session.flush()


async def finished_of(
    session: AsyncSession, employee_id: int, *, exclude_id: int | None = None
) -> Sequence[PracticeSession]:
    """The employee's finished sessions, oldest first: the trend of their scores."""
    query = (
        select(PracticeSession)
        .where(
            PracticeSession.employee_id == employee_id,
            PracticeSession.finished_at.is_not(None),
        )
        .order_by(PracticeSession.id)
    )
    if exclude_id is not None:
        query = query.where(PracticeSession.id != exclude_id)
    return (await session.scalars(query)).all()


async def all_finished(session: AsyncSession) -> Sequence[PracticeSession]:
    return (
        await session.scalars(
            select(PracticeSession)
            .where(PracticeSession.finished_at.is_not(None))
            .order_by(PracticeSession.employee_id, PracticeSession.id)
        )
    ).all()
