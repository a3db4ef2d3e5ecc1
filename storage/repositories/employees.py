"""Employees: who they are, their role and language, and what their next message belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import Employee, Role

# Every update looks its sender up: the statement is built once, so neither building it nor its
# cache key is paid per update (a fresh select() costs about 60 µs in all before it is sent).
_BY_TELEGRAM_ID = (
    select(Employee)
    .options(joinedload(Employee.active_case))
    .where(Employee.telegram_id == bindparam("telegram_id"), Employee.is_active.is_(True))
)


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> Employee | None:
    """The active employee behind a Telegram account, if any.

    The case they are working on comes in the same query: nearly every button and typed line is
    about that case, and `session.get(Case, id)` then finds it in the session without a query.
    """
    return (await session.scalars(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})).first()


async def get(session: AsyncSession, employee_id: int) -> Employee | None:
    return await session.get(Employee, employee_id)


async def add(
    session: AsyncSession, *, telegram_id: int, name: str, role: Role, language: str
) -> Employee:
    employee = Employee(telegram_id=telegram_id, name=name, role=role, language=language)
    session.add(employee)
    await session.flush()
    return employee


async def ensure_admin(
    session: AsyncSession, *, telegram_id: int, name: str, language: str
) -> Employee:
    """The admin row for an id listed in ADMIN_IDS, created or promoted on first contact."""
    employee = await session.scalar(select(Employee).where(Employee.telegram_id == telegram_id))
    if employee is None:
        return await add(
            session, telegram_id=telegram_id, name=name, role=Role.ADMIN, language=language
        )
    employee.role = Role.ADMIN
    employee.is_active = True
    await session.flush()
    return employee


async def list_by_role(
    session: AsyncSession,
    roles: Iterable[Role],
    *,
    excluding_id: int | None = None,
    limit: int | None = None,
) -> Sequence[Employee]:
    """Active employees with any of `roles`, oldest first (e.g. every supervisor for an alert).

    Args:
        excluding_id: leave this employee out (the one asking, say).
        limit: at most this many, for a menu that shows only the first few.
    """
    query = (
        select(Employee)
        .where(Employee.role.in_(list(roles)), Employee.is_active.is_(True))
        .order_by(Employee.id)
    )
    if excluding_id is not None:
        query = query.where(Employee.id != excluding_id)
    return (await session.scalars(query.limit(limit))).all()


async def list_all(session: AsyncSession) -> Sequence[Employee]:
    return (await session.scalars(select(Employee).order_by(Employee.id))).all()
