"""Alerts the desk raises over time: each once, only to supervisors and admins, with a button."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.desk_jobs import queue_alerts, run_alerts
from dialogs.access import Role
from storage.models import utcnow
from storage.repositories import follow_ups, outbox, wellbeing
from tests.support.desk_seed import add_client, add_employee, make_case, sessionmaker_of
from tests.support.offline_telegram import CoachHarness, Sent, coach_harness, make_user

ADMIN_ID, SUPERVISOR_ID, STAFF_ID, OTHER_STAFF_ID, TRAINEE_ID = 1, 2, 3, 4, 5


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        await add_employee(harness, ADMIN_ID, "Ирина", Role.ADMIN)
        await add_employee(harness, SUPERVISOR_ID, "Mary", Role.SUPERVISOR, language="en")
        await add_employee(harness, STAFF_ID, "Анна", Role.STAFF)
        await add_employee(harness, OTHER_STAFF_ID, "Олег", Role.STAFF)
        await add_employee(harness, TRAINEE_ID, "Тимур", Role.TRAINEE)
        yield harness


async def _run(coach: CoachHarness, now: dt.datetime | None = None) -> list[Sent]:
    before = len(coach.api.sent)
    settings, sessionmaker = coach.application.bot_data.ready()
    await run_alerts(coach.application.bot, sessionmaker, settings, claimer="test", now=now)
    return coach.api.sent[before:]


def _recipients(sent: list[Sent]) -> list[int]:
    return sorted(s.chat_id or 0 for s in sent)


async def test_a_clients_third_case_in_30_days_alerts_supervisors_once(
    coach: CoachHarness,
) -> None:
    client_id = await add_client(coach)
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        for days in (20, 5):
            await make_case(
                session, STAFF_ID, client_id=client_id, created_at=now - dt.timedelta(days=days)
            )
    assert await _run(coach) == []
    async with sessionmaker_of(coach).begin() as session:
        third = await make_case(session, OTHER_STAFF_ID, client_id=client_id)

    sent = await _run(coach)
    assert _recipients(sent) == [ADMIN_ID, SUPERVISOR_ID]
    english = next(s for s in sent if s.chat_id == SUPERVISOR_ID)
    assert f"case #{third.id} (Олег)" in english.text
    assert "3 cases in 30 days" in english.text
    assert english.buttons[0]["callback_data"] == f"open:{third.id}"
    assert await _run(coach) == []


async def test_cases_spread_over_more_than_30_days_raise_nothing(coach: CoachHarness) -> None:
    client_id = await add_client(coach)
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        for days in (50, 31, 0):
            await make_case(
                session, STAFF_ID, client_id=client_id, created_at=now - dt.timedelta(days=days)
            )
    assert await _run(coach) == []


async def test_a_follow_up_overdue_by_more_than_an_hour_alerts_once(coach: CoachHarness) -> None:
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        late = await make_case(session, STAFF_ID, stage="awaiting_follow_up")
        await follow_ups.schedule(session, late.id, now - dt.timedelta(minutes=61))
        just_due = await make_case(session, STAFF_ID, stage="awaiting_follow_up")
        await follow_ups.schedule(session, just_due.id, now - dt.timedelta(minutes=50))
        done = await make_case(session, STAFF_ID, stage="closed")
        await follow_ups.schedule(session, done.id, now - dt.timedelta(hours=5))
        await follow_ups.complete_pending(session, done.id, "resolved", now=now)

    sent = await _run(coach, now)
    assert _recipients(sent) == [ADMIN_ID, SUPERVISOR_ID]
    russian = next(s for s in sent if s.chat_id == ADMIN_ID)
    assert f"обращение №{late.id} (Анна)" in russian.text
    assert "Перезвон просрочен" in russian.text
    assert await _run(coach, now + dt.timedelta(minutes=5)) == []
    # Ten minutes later the second one is past the hour too: it alerts, the first does not again.
    later = await _run(coach, now + dt.timedelta(minutes=15))
    assert {s.buttons[0]["callback_data"] for s in later} == {f"open:{just_due.id}"}


async def test_three_low_wellbeing_answers_in_a_row_show_as_a_pattern_once(
    coach: CoachHarness,
) -> None:
    async with sessionmaker_of(coach).begin() as session:
        for score in (4, 2, 1):
            await wellbeing.record(session, employee_id=STAFF_ID, case_id=None, score=score)
    assert await _run(coach) == []
    async with sessionmaker_of(coach).begin() as session:
        await wellbeing.record(session, employee_id=STAFF_ID, case_id=None, score=2)

    sent = await _run(coach)
    assert _recipients(sent) == [ADMIN_ID, SUPERVISOR_ID]
    english = next(s for s in sent if s.chat_id == SUPERVISOR_ID)
    assert english.text == (
        "💬 <b>A pattern worth a quiet word</b>: Анна's last 3 after-call check-ins were low."
    )
    assert english.buttons[0]["callback_data"] == f"list:employee_new:{STAFF_ID}:0"
    supervisor = make_user(SUPERVISOR_ID, language_code="en")
    replies = await coach.press(supervisor, english, "Cases of Анна")
    # The list comes as a new message: the alert itself stays as it was.
    [listing] = [r for r in replies if r.method != "answerCallbackQuery"]
    assert listing.method == "sendMessage"
    assert "Cases: employee Анна" in listing.text
    async with sessionmaker_of(coach).begin() as session:
        await wellbeing.record(session, employee_id=STAFF_ID, case_id=None, score=1)
    assert await _run(coach) == []  # the same run growing longer is the same pattern


async def test_a_new_low_run_after_a_good_answer_is_a_new_pattern(coach: CoachHarness) -> None:
    async with sessionmaker_of(coach).begin() as session:
        for score in (1, 1, 1):
            await wellbeing.record(session, employee_id=STAFF_ID, case_id=None, score=score)
    assert len(await _run(coach)) == 2
    async with sessionmaker_of(coach).begin() as session:
        for score in (5, 2, 2, 2):
            await wellbeing.record(session, employee_id=STAFF_ID, case_id=None, score=score)
    assert len(await _run(coach)) == 2


async def test_the_alert_button_opens_the_case_for_the_supervisor(coach: CoachHarness) -> None:
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        late = await make_case(session, STAFF_ID, stage="awaiting_follow_up")
        await follow_ups.schedule(session, late.id, now - dt.timedelta(hours=2))
    sent = await _run(coach, now)
    alert = next(s for s in sent if s.chat_id == SUPERVISOR_ID)
    replies = await coach.press(make_user(SUPERVISOR_ID, language_code="en"), alert, "Open case")
    [card] = [r for r in replies if r.method == "sendMessage"]
    assert f"<b>Case #{late.id}</b>" in card.text
    assert "Timeline" in card.text


async def test_nothing_is_raised_while_there_is_no_supervisor(database_url: str) -> None:
    async with coach_harness(database_url) as coach:
        await add_employee(coach, STAFF_ID, "Анна", Role.STAFF)
        async with sessionmaker_of(coach).begin() as session:
            for _ in range(3):
                await wellbeing.record(session, employee_id=1, case_id=None, score=1)
        assert await _run(coach) == []
        await add_employee(coach, SUPERVISOR_ID, "Mary", Role.SUPERVISOR, language="en")
        assert _recipients(await _run(coach)) == [SUPERVISOR_ID]


async def test_a_closed_case_with_a_forgotten_follow_up_raises_nothing(
    coach: CoachHarness,
) -> None:
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        case = await make_case(session, STAFF_ID, stage="closed", outcome="resolved")
        await follow_ups.schedule(session, case.id, now - dt.timedelta(hours=3))
    assert await _run(coach, now) == []


async def test_two_processes_raising_at_once_tell_supervisors_once(coach: CoachHarness) -> None:
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        late = await make_case(session, STAFF_ID, stage="awaiting_follow_up")
        await follow_ups.schedule(session, late.id, now - dt.timedelta(hours=2))
    settings, sessionmaker = coach.application.bot_data.ready()

    async def one_process() -> int:
        async with sessionmaker.begin() as session:
            return await queue_alerts(session, settings, now=now)

    raised = await asyncio.gather(one_process(), one_process())
    assert sorted(raised) == [0, 1]
    async with sessionmaker() as session:
        queued = await outbox.claim_pending(session, claimer="test")
    assert sorted(message.chat_id for message in queued) == [ADMIN_ID, SUPERVISOR_ID]
