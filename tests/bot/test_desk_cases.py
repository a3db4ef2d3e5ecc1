"""`/cases`: every filter, and paging that edits the one list message, on both databases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest

from dialogs.access import Role
from storage.models import utcnow
from storage.repositories import follow_ups
from tests.support.desk_seed import add_employee, make_case, sessionmaker_of
from tests.support.offline_telegram import CoachHarness, Sent, coach_harness, make_user

SUPERVISOR = make_user(2, first_name="Сергей")
ENGLISH_SUPERVISOR = make_user(6, first_name="Mary", language_code="en")


def _opened(listing: Sent) -> set[int]:
    return {
        int(b["callback_data"].removeprefix("open:"))
        for b in listing.buttons
        if b["callback_data"].startswith("open:")
    }


def _found(listing: Sent) -> int:
    match = re.search(r"найдено (\d+)", listing.text)
    assert match, listing.text
    return int(match.group(1))


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        yield harness


async def test_paging_over_105_cases_edits_the_same_message(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    staff_id = await add_employee(coach, 3, "Анна", Role.STAFF)
    async with sessionmaker_of(coach).begin() as session:
        ids = [(await make_case(session, staff_id)).id for _ in range(105)]

    [listing] = await coach.send(SUPERVISOR, "/cases")
    assert "найдено 105, страница 1 из 11" in listing.text
    assert _opened(listing) == set(ids[-10:])  # newest first
    seen = set(_opened(listing))
    current = listing
    for page in range(2, 12):
        replies = await coach.press(SUPERVISOR, current, "Дальше")
        [edit] = [r for r in replies if r.method != "answerCallbackQuery"]
        assert edit.method == "editMessageText"
        assert edit.message_id == listing.message_id
        assert f"страница {page} из 11" in edit.text
        seen |= _opened(edit)
        current = edit
    assert seen == set(ids)
    assert len(_opened(current)) == 5
    assert all("Дальше" not in b["text"] for b in current.buttons)
    replies = await coach.press(SUPERVISOR, current, "Назад")
    [back] = [r for r in replies if r.method != "answerCallbackQuery"]
    assert "страница 10 из 11" in back.text
    assert back.message_id == listing.message_id
    assert sum(1 for s in coach.api.sent if s.method == "sendMessage") == 1


@pytest.fixture
async def seeded(coach: CoachHarness) -> dict[str, int]:
    """One case per filter, each matching that filter alone (besides "all")."""
    supervisor_id = await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    anna = await add_employee(coach, 3, "Анна Смирнова", Role.STAFF)
    oleg = await add_employee(coach, 4, "Олег", Role.STAFF)
    now = utcnow()
    async with sessionmaker_of(coach).begin() as session:
        closed = await make_case(
            session,
            anna,
            stage="closed",
            outcome="resolved",
            created_at=now - dt.timedelta(days=40),
        )
        legal = await make_case(
            session, oleg, stage="closed", legal_threat=True, created_at=now - dt.timedelta(days=41)
        )
        escalated = await make_case(
            session, oleg, stage="closed", escalated=True, created_at=now - dt.timedelta(days=42)
        )
        returning = await make_case(
            session,
            oleg,
            stage="closed",
            returning_client=True,
            created_at=now - dt.timedelta(days=43),
        )
        overdue = await make_case(
            session, oleg, stage="awaiting_follow_up", created_at=now - dt.timedelta(days=44)
        )
        await follow_ups.schedule(session, overdue.id, now - dt.timedelta(hours=3))
        mine = await make_case(
            session,
            supervisor_id,
            stage="closed",
            created_at=dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC),
        )
        recent = await make_case(
            session, anna, stage="closed", created_at=now - dt.timedelta(hours=1)
        )
        waiting = await make_case(
            session, anna, stage="awaiting_follow_up", created_at=now - dt.timedelta(days=45)
        )
        await follow_ups.schedule(session, waiting.id, now + dt.timedelta(days=1))
    return {
        "closed": closed.id,
        "legal": legal.id,
        "escalated": escalated.id,
        "returning": returning.id,
        "overdue": overdue.id,
        "mine": mine.id,
        "recent": recent.id,
        "waiting": waiting.id,
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/cases open", {"overdue", "waiting"}),
        ("/cases overdue", {"overdue"}),
        ("/cases escalated", {"escalated"}),
        ("/cases legal", {"legal"}),
        ("/cases returning", {"returning"}),
        ("/cases mine", {"mine"}),
        ("/cases employee Анна", {"closed", "recent", "waiting"}),
        ("/cases employee смирн", {"closed", "recent", "waiting"}),
        ("/cases week", {"recent"}),
        ("/cases 2026-03-01 2026-03-31", {"mine"}),
        ("/cases 10.03.2026 10.03.2026", {"mine"}),
    ],
    ids=[
        "open",
        "overdue",
        "escalated",
        "legal",
        "returning",
        "mine",
        "employee",
        "employee-part-of-name",
        "week",
        "dates",
        "dotted-dates",
    ],
)
async def test_each_filter_lists_exactly_its_cases(
    coach: CoachHarness, seeded: dict[str, int], command: str, expected: set[str]
) -> None:
    [listing] = await coach.send(SUPERVISOR, command)
    assert _opened(listing) == {seeded[name] for name in expected}
    assert _found(listing) == len(expected)


async def test_all_cases_without_a_filter(coach: CoachHarness, seeded: dict[str, int]) -> None:
    [listing] = await coach.send(SUPERVISOR, "/cases")
    assert _opened(listing) == set(seeded.values())


async def test_an_ambiguous_name_offers_the_colleagues_as_buttons(
    coach: CoachHarness, seeded: dict[str, int]
) -> None:
    [choice] = await coach.send(SUPERVISOR, "/cases employee")
    labels = {b["text"] for b in choice.buttons}
    assert {"Анна Смирнова", "Олег", "Сергей"} <= labels
    replies = await coach.press(SUPERVISOR, choice, "Олег")
    [listing] = [r for r in replies if r.method != "answerCallbackQuery"]
    assert "сотрудник Олег" in listing.text
    assert _found(listing) == 4


async def test_a_paging_filter_keeps_its_period(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    staff_id = await add_employee(coach, 3, "Анна", Role.STAFF)
    inside = dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC)
    async with sessionmaker_of(coach).begin() as session:
        for _ in range(12):
            await make_case(session, staff_id, created_at=inside)
        await make_case(session, staff_id, created_at=inside + dt.timedelta(days=30))
    [listing] = await coach.send(SUPERVISOR, "/cases 2026-02-01 2026-02-28")
    assert "найдено 12, страница 1 из 2" in listing.text
    replies = await coach.press(SUPERVISOR, listing, "Дальше")
    [edit] = [r for r in replies if r.method == "editMessageText"]
    assert "найдено 12, страница 2 из 2" in edit.text
    assert len(_opened(edit)) == 2


async def test_an_unknown_filter_word_is_explained(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    [reply] = await coach.send(SUPERVISOR, "/cases frobnicate")
    assert "Не понял «frobnicate»" in reply.text
    assert "/cases open" in reply.text


async def test_the_list_speaks_english_to_an_english_supervisor(coach: CoachHarness) -> None:
    await add_employee(coach, 6, "Mary", Role.SUPERVISOR, language="en")
    staff_id = await add_employee(coach, 3, "Анна", Role.STAFF)
    async with sessionmaker_of(coach).begin() as session:
        await make_case(session, staff_id, legal_threat=True)
    [listing] = await coach.send(ENGLISH_SUPERVISOR, "/cases legal")
    assert "Cases: legal threats" in listing.text
    assert "1 found, page 1 of 1" in listing.text
    assert "Анна" in listing.text


async def test_the_unfiltered_list_offers_filters_as_buttons(
    coach: CoachHarness, seeded: dict[str, int]
) -> None:
    [listing] = await coach.send(SUPERVISOR, "/cases")
    replies = await coach.press(SUPERVISOR, listing, "Угрозы судом")
    [edit] = [r for r in replies if r.method == "editMessageText"]
    assert edit.message_id == listing.message_id
    assert "Обращения: угрозы судом" in edit.text
    assert _opened(edit) == {seeded["legal"]}
    assert all("Открытые" not in b["text"] for b in edit.buttons)
