"""The desk's queries on SQLite and PostgreSQL: visibility, report rows, erasure, praise."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Role, utcnow
from storage.repositories import cases, clients, employees, follow_ups, reports
from storage.repositories import praise as praise_repository


async def _employee(session: AsyncSession, telegram_id: int, name: str) -> int:
    employee = await employees.add(
        session, telegram_id=telegram_id, name=name, role=Role.STAFF, language="ru"
    )
    return employee.id


async def test_a_staff_query_holds_own_and_handed_cases_only(session: AsyncSession) -> None:
    anna, oleg = await _employee(session, 1, "Анна"), await _employee(session, 2, "Олег")
    own = await cases.create(session, owner_id=anna, stage="listen")
    handed = await cases.create(session, owner_id=oleg, stage="handed_off")
    handed.handoff_to_id = anna
    await cases.create(session, owner_id=oleg, stage="listen")
    await session.flush()
    found, total = await reports.list_cases(
        session, reports.CaseQuery(visible_to=anna), page=0, page_size=10
    )
    assert total == 2
    assert [c.id for c in found] == [handed.id, own.id]


async def test_case_rows_carry_follow_ups_and_names(session: AsyncSession) -> None:
    anna, oleg = await _employee(session, 1, "Анна"), await _employee(session, 2, "Олег")
    case = await cases.create(session, owner_id=anna, stage="listen", temperature=4)
    case.handoff_to_id = oleg
    due = utcnow() - dt.timedelta(hours=1)
    await follow_ups.schedule(session, case.id, due)
    await follow_ups.complete_pending(session, case.id, "resolved", now=due)
    [row] = await reports.case_rows(session)
    assert (row.owner_name, row.handoff_to_name, row.temperature_start) == ("Анна", "Олег", 4)
    assert row.follow_up_kept


async def test_erasing_a_client_blanks_free_text_but_keeps_outcomes(
    session: AsyncSession,
) -> None:
    anna = await _employee(session, 1, "Анна")
    client = await clients.add(session, display_name="Пётр", phone_key="79990001122")
    case = await cases.create(session, owner_id=anna, stage="listen")
    case.client_id = client.id
    case.what_happened = "Пётр, +7 999 000 11 22"
    case.outcome = "resolved"
    await cases.add_event(session, case, actor_id=anna, kind="note", text="Пётр зол")
    await clients.erase(session, client.id)
    assert await reports.erase_client_free_text(session, client.id) == 1
    session.expunge_all()
    loaded = await cases.get(session, case.id)
    assert loaded is not None
    assert loaded.what_happened is None
    assert loaded.outcome == "resolved"
    assert all(event.text is None for event in await cases.timeline(session, case.id))


async def test_praise_between_dates_with_names(session: AsyncSession) -> None:
    anna = await _employee(session, 1, "Анна")
    note = await praise_repository.record(
        session, employee_id=anna, recorded_by_id=anna, text="Спасибо!"
    )
    start = note.at - dt.timedelta(minutes=1)
    notes = await praise_repository.between(session, start, note.at + dt.timedelta(minutes=1))
    assert [(n.employee_name, n.text) for n in notes] == [("Анна", "Спасибо!")]
    total, latest = await praise_repository.of_employee(session, anna)
    assert total == 1
    assert latest[0].text == "Спасибо!"


async def test_ideas_are_the_idea_lines_of_the_period(session: AsyncSession) -> None:
    anna = await _employee(session, 1, "Анна")
    case = await cases.create(session, owner_id=anna, stage="listen")
    await cases.add_event(session, case, actor_id=anna, kind="idea", text="СМС о задержке")
    await cases.add_event(session, case, actor_id=anna, kind="note", text="просто заметка")
    now = utcnow()
    ideas = await reports.ideas_between(session, now - dt.timedelta(hours=1), now)
    assert [(i.case_id, i.text) for i in ideas] == [(case.id, "СМС о задержке")]
