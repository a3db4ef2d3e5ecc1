"""Repositories on SQLite and PostgreSQL: what a case, its timeline and its follow-ups keep."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from storage.db import create_sessionmaker
from storage.models import Case, CaseEvent, Role, utcnow
from storage.repositories import (
    alerts,
    cases,
    clients,
    employees,
    follow_ups,
    invites,
    reports,
    updates,
)


async def _employee(session: AsyncSession, telegram_id: int = 1001) -> int:
    employee = await employees.add(
        session, telegram_id=telegram_id, name="Анна", role=Role.STAFF, language="ru"
    )
    return employee.id


async def test_a_case_and_its_timeline_round_trip(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    case = await cases.create(session, owner_id=owner_id, stage="listen", temperature=4)
    await cases.add_event(
        session, case, actor_id=owner_id, kind=cases.EventKind.NOTE, text="Клиент ждёт 3 недели"
    )
    await cases.record_transition(
        session, case, actor_id=owner_id, to_stage="clarify", trigger="next"
    )
    session.expunge_all()

    loaded = await cases.get(session, case.id)
    assert loaded is not None
    assert loaded.stage == "clarify"
    assert loaded.temperature_start == 4
    events = await cases.timeline(session, case.id)
    assert [(e.kind, e.from_stage, e.to_stage, e.trigger) for e in events] == [
        ("opened", None, "listen", None),
        ("note", "listen", "listen", None),
        ("transition", "listen", "clarify", "next"),
    ]
    assert events[1].text == "Клиент ждёт 3 недели"
    assert all(e.at.tzinfo is not None for e in events)


async def test_closing_stamps_closed_at(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    case = await cases.create(session, owner_id=owner_id, stage="closing")
    await cases.record_transition(
        session, case, actor_id=owner_id, to_stage="closed", trigger="close"
    )
    assert case.closed_at is not None


async def test_the_optimistic_lock_rejects_a_stale_write(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    case = await cases.create(session, owner_id=owner_id, stage="listen")
    # Another process moves the case on behind this session's back.
    await session.execute(
        update(Case).where(Case.id == case.id).values(stage="clarify", version=Case.version + 1),
        execution_options={"synchronize_session": False},
    )
    case.temperature = 2
    with pytest.raises(StaleDataError):
        await session.flush()


async def test_a_button_drawn_for_an_older_version_is_refused(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    case = await cases.create(session, owner_id=owner_id, stage="listen")
    drawn_at_version = case.version
    await cases.record_transition(
        session, case, actor_id=owner_id, to_stage="clarify", trigger="next"
    )
    with pytest.raises(cases.StaleCaseError):
        cases.ensure_version(case, drawn_at_version)
    cases.ensure_version(case, case.version)


async def test_erasing_a_client_keeps_the_case_statistics(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    client = await clients.add(
        session,
        display_name="Пётр Иванов",
        company="ООО Ромашка",
        phone_key="79161234567",
        email_key="petr@example.com",
        name_key="петр иванов|ооо ромашка",
    )
    for outcome in ("resolved", "escalated"):
        case = await cases.create(session, owner_id=owner_id, stage="closed")
        case.client_id = client.id
        case.outcome = outcome
        case.fault = "ours"
    await session.flush()

    assert await clients.erase(session, client.id)
    session.expunge_all()

    erased = await clients.get(session, client.id)
    assert erased is not None
    assert (
        erased.display_name,
        erased.company,
        erased.phone_key,
        erased.email_key,
        erased.name_key,
    ) == (None,) * 5
    assert erased.erased_at is not None
    assert await clients.find_matching(session, phone_key="79161234567") is None
    outcomes = (
        await session.scalars(
            select(Case.outcome).where(Case.client_id == client.id).order_by(Case.id)
        )
    ).all()
    assert outcomes == ["resolved", "escalated"]


async def test_a_returning_client_is_found_by_any_key(session: AsyncSession) -> None:
    client = await clients.add(session, phone_key="79161234567", email_key="a@b.ru")
    by_email = await clients.find_matching(session, email_key="a@b.ru")
    by_phone = await clients.find_matching(session, phone_key="79161234567", email_key="x@y.ru")
    assert by_email is not None
    assert by_email.id == client.id
    assert by_phone is not None
    assert by_phone.id == client.id
    assert await clients.find_matching(session, name_key="nobody|none") is None
    assert await clients.find_matching(session) is None


async def test_an_update_is_processed_once(session: AsyncSession) -> None:
    assert await updates.mark_processed(session, 424242)
    assert not await updates.mark_processed(session, 424242)
    assert await updates.mark_processed(session, 424243)


async def test_an_alert_is_raised_once(session: AsyncSession) -> None:
    assert await alerts.raise_once(session, key="legal:7", kind="legal")
    assert not await alerts.raise_once(session, key="legal:7", kind="legal")


async def test_invite_codes_are_single_use_and_expire(session: AsyncSession) -> None:
    code = await invites.create(
        session, role=Role.SUPERVISOR, created_by_id=None, valid_for=dt.timedelta(hours=1)
    )
    assert len(code) >= 20
    redeemed = await invites.redeem(session, code)
    assert redeemed is not None
    assert redeemed.role is Role.SUPERVISOR
    assert await invites.redeem(session, code) is None

    late = await invites.create(
        session, role=Role.STAFF, created_by_id=None, valid_for=dt.timedelta(hours=1)
    )
    assert await invites.redeem(session, late, now=utcnow() + dt.timedelta(hours=2)) is None
    assert await invites.redeem(session, "made-up-code") is None


async def test_the_case_list_filters_and_counts(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    other_id = await _employee(session, telegram_id=1002)
    for index in range(7):
        case = await cases.create(
            session, owner_id=owner_id if index % 2 == 0 else other_id, stage="listen"
        )
        case.legal_threat = index == 3
    closed = await cases.create(session, owner_id=owner_id, stage="closed")
    await session.flush()

    page, total = await reports.list_cases(
        session, reports.CaseQuery(owner_id=owner_id), page=0, page_size=3
    )
    assert total == 5
    assert [c.id for c in page] == sorted((c.id for c in page), reverse=True)
    assert len(page) == 3
    _, open_total = await reports.list_cases(
        session, reports.CaseQuery(open_only=True), page=0, page_size=50
    )
    assert open_total == 7
    legal, legal_total = await reports.list_cases(
        session, reports.CaseQuery(legal_threat=True), page=0, page_size=50
    )
    assert legal_total == 1
    assert legal[0].owner_id == other_id
    assert closed.id not in [
        c.id
        for c in (
            await reports.list_cases(
                session, reports.CaseQuery(open_only=True), page=0, page_size=50
            )
        )[0]
    ]


async def test_a_due_follow_up_is_claimed_once(session: AsyncSession) -> None:
    owner_id = await _employee(session)
    case = await cases.create(session, owner_id=owner_id, stage="awaiting_follow_up")
    now = utcnow()
    await follow_ups.schedule(session, case.id, now - dt.timedelta(minutes=1))
    await follow_ups.schedule(session, case.id, now + dt.timedelta(hours=1))

    first = await follow_ups.claim_due(session, claimer="a", now=now)
    second = await follow_ups.claim_due(session, claimer="b", now=now)
    assert [f.case.id for f in first] == [case.id]
    assert first[0].case.owner.telegram_id == 1001
    assert second == []


async def test_two_processes_claiming_at_once_fire_each_reminder_once(engine: AsyncEngine) -> None:
    """Two sessions on separate connections race for the same due rows."""
    import asyncio

    sessionmaker = create_sessionmaker(engine)
    now = utcnow()
    async with sessionmaker.begin() as db:
        owner_id = await _employee(db)
        for _ in range(20):
            case = await cases.create(db, owner_id=owner_id, stage="awaiting_follow_up")
            await follow_ups.schedule(db, case.id, now - dt.timedelta(seconds=5))

    async def claim(name: str) -> list[int]:
        claimed: list[int] = []
        for _ in range(10):
            try:
                async with sessionmaker.begin() as db:
                    rows = await follow_ups.claim_due(db, claimer=name, now=now, limit=3)
                    claimed += [row.id for row in rows]
            except Exception as error:  # SQLite may report the other writer's lock; try again
                if "locked" not in str(error):
                    raise
            await asyncio.sleep(0)
        return claimed

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert len(first) + len(second) == 20
    assert set(first).isdisjoint(second)
    async with sessionmaker() as db:
        events = await db.scalar(select(func.count(CaseEvent.id)))
    assert events == 20
