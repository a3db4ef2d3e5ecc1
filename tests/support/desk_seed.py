"""Seeding the database for desk tests straight through the repositories, not the call flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.access import Role
from storage.models import Case, utcnow
from storage.repositories import cases, clients, employees
from tests.support.offline_telegram import CoachHarness


def sessionmaker_of(coach: CoachHarness) -> async_sessionmaker[AsyncSession]:
    _, sessionmaker = coach.application.bot_data.ready()
    return sessionmaker


async def add_employee(
    coach: CoachHarness, telegram_id: int, name: str, role: Role, *, language: str = "ru"
) -> int:
    async with sessionmaker_of(coach).begin() as session:
        if role is Role.ADMIN:
            employee = await employees.ensure_admin(
                session, telegram_id=telegram_id, name=name, language=language
            )
        else:
            employee = await employees.add(
                session, telegram_id=telegram_id, name=name, role=role, language=language
            )
        return employee.id


async def add_client(coach: CoachHarness, name: str = "Пётр Клиентов") -> int:
    async with sessionmaker_of(coach).begin() as session:
        client = await clients.add(
            session, display_name=name, company="ООО Ромашка", phone_key="79990001122"
        )
        return client.id


async def make_case(
    session: AsyncSession,
    owner_id: int,
    *,
    created_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    stage: str = "listen",
    temperature: int | None = 3,
    **fields: Any,
) -> Case:
    """A case opened by `owner_id`, moved to `stage` and given `fields` (outcome, flags…)."""
    case = await cases.create(session, owner_id=owner_id, stage="listen", temperature=temperature)
    if stage != "listen":
        await cases.record_transition(
            session, case, actor_id=owner_id, to_stage=stage, trigger="test"
        )
    for name, value in fields.items():
        setattr(case, name, value)
    if created_at is not None:
        case.created_at = created_at
    if closed_at is not None:
        case.closed_at = closed_at
    await session.flush()
    return case


async def add_case(coach: CoachHarness, owner_id: int, **fields: Any) -> int:
    async with sessionmaker_of(coach).begin() as session:
        return (await make_case(session, owner_id, **fields)).id


def days_ago(days: float, *, now: dt.datetime | None = None) -> dt.datetime:
    return (now or utcnow()) - dt.timedelta(days=days)
