"""A client's thanks for an employee: recorded once, then forwarded (praise travels)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.digest import PraiseNote
from storage.models import Employee, Praise


async def record(
    session: AsyncSession,
    *,
    employee_id: int,
    recorded_by_id: int,
    text: str,
    case_id: int | None = None,
) -> Praise:
    praise = Praise(
        employee_id=employee_id, recorded_by_id=recorded_by_id, case_id=case_id, text=text
    )
    session.add(praise)
    await session.flush()
    return praise


async def between(session: AsyncSession, start: dt.datetime, end: dt.datetime) -> list[PraiseNote]:
    """Praise recorded in [start, end), oldest first, with the praised employee's name."""
    rows = await session.execute(
        select(Employee.name, Praise.text)
        .join(Employee, Employee.id == Praise.employee_id)
        .where(Praise.at >= start, Praise.at < end)
        .order_by(Praise.id)
    )
    return [PraiseNote(row.name, row.text) for row in rows]


async def of_employee(
    session: AsyncSession, employee_id: int, *, limit: int = 5
) -> tuple[int, Sequence[Praise]]:
    """How much praise the employee has received, and the latest `limit` of it, newest first."""
    total = (
        await session.scalar(select(func.count(Praise.id)).where(Praise.employee_id == employee_id))
        or 0
    )
    latest = (
        await session.scalars(
            select(Praise)
            .where(Praise.employee_id == employee_id)
            .order_by(Praise.id.desc())
            .limit(limit)
        )
    ).all()
    return total, latest
