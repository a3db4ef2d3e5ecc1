"""The private after-call wellbeing answers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WellbeingAnswer


async def record(
    session: AsyncSession, *, employee_id: int, case_id: int | None, score: int
) -> WellbeingAnswer:
    if not 1 <= score <= 5:
        raise ValueError("a wellbeing score is 1 to 5")
    answer = WellbeingAnswer(employee_id=employee_id, case_id=case_id, score=score)
    session.add(answer)
    await session.flush()
    return answer


async def latest(
    session: AsyncSession, employee_id: int, *, count: int
) -> Sequence[WellbeingAnswer]:
    """The employee's most recent answers, newest first."""
    return (
        await session.scalars(
            select(WellbeingAnswer)
            .where(WellbeingAnswer.employee_id == employee_id)
            .order_by(WellbeingAnswer.id.desc())
            .limit(count)
        )
    ).all()
