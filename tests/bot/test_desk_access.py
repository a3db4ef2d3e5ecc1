"""Who sees which case: the access matrix through the real application, on both databases.

Staff see their own cases and those handed to them; supervisors and admins see all; trainees none.
Asking for someone else's case by number, by an "open" button, by a forged button or through a
filter gets the same answer as a case that does not exist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot import callback_data as callback
from dialogs.access import Role
from tests.support.desk_seed import add_case, add_employee
from tests.support.offline_telegram import CoachHarness, Sent, coach_harness, make_user

ADMIN = make_user(1, first_name="Ирина")
SUPERVISOR = make_user(2, first_name="Сергей")
STAFF = make_user(3, first_name="Анна")
OTHER_STAFF = make_user(4, first_name="Олег")
TRAINEE = make_user(5, first_name="Тимур")
MISSING_CASE = 999_999
BEYOND_ANY_ID = 999_999_999_999  # fits a button, not a PostgreSQL integer


@dataclass
class Office:
    coach: CoachHarness
    own_case: int  # STAFF's
    other_case: int  # OTHER_STAFF's
    handed_case: int  # OTHER_STAFF's, handed to STAFF
    staff_id: int


@pytest.fixture
async def office(database_url: str) -> AsyncIterator[Office]:
    async with coach_harness(database_url) as coach:
        await add_employee(coach, 1, "Ирина", Role.ADMIN)
        await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
        staff_id = await add_employee(coach, 3, "Анна", Role.STAFF)
        other_id = await add_employee(coach, 4, "Олег", Role.STAFF)
        await add_employee(coach, 5, "Тимур", Role.TRAINEE)
        own = await add_case(coach, staff_id, what_happened="Анна: доставка опоздала")
        other = await add_case(
            coach, other_id, what_happened="Секрет Олега", legal_threat=True, escalated=True
        )
        handed = await add_case(
            coach, other_id, what_happened="Передано Анне", handoff_to_id=staff_id
        )
        yield Office(coach, own, other, handed, staff_id)


def _forged_press(coach: CoachHarness, user_id: int, data: str) -> Sent:
    """A message carrying a button with whatever data an attacker chose."""
    return Sent(
        "sendMessage",
        {
            "chat_id": user_id,
            "text": "forged",
            "reply_markup": {"inline_keyboard": [[{"text": "forged", "callback_data": data}]]},
        },
        message_id=424242,
    )


async def _reply_text(replies: list[Sent]) -> str:
    return "\n".join(r.text for r in replies if r.method != "answerCallbackQuery")


async def _case_by_number(office: Office, user_id: int, case_id: int) -> str:
    user = make_user(user_id)
    return await _reply_text(await office.coach.send(user, f"/case {case_id}"))


async def _case_by_button(office: Office, user_id: int, case_id: int) -> list[Sent]:
    user = make_user(user_id)
    forged = _forged_press(office.coach, user_id, callback.encode_open(case_id))
    return await office.coach.press(user, forged, "forged")


@pytest.mark.parametrize(
    ("user_id", "case_name", "visible"),
    [
        (1, "own_case", True),
        (1, "other_case", True),
        (2, "own_case", True),
        (2, "other_case", True),
        (3, "own_case", True),
        (3, "handed_case", True),
        (3, "other_case", False),
        (4, "own_case", False),
    ],
    ids=[
        "admin-staff-case",
        "admin-other-case",
        "supervisor-staff-case",
        "supervisor-other-case",
        "staff-own",
        "staff-handed-to-them",
        "staff-other",
        "other-staff-anna-case",
    ],
)
async def test_a_case_by_number_and_by_button(
    office: Office, user_id: int, case_name: str, visible: bool
) -> None:
    case_id = getattr(office, case_name)
    by_number = await _case_by_number(office, user_id, case_id)
    by_button = await _reply_text(await _case_by_button(office, user_id, case_id))
    for text in (by_number, by_button):
        if visible:
            assert f"#{case_id}" in text or f"№{case_id}" in text
            assert "Ход обращения" in text  # the timeline heading
        else:
            assert text == f"Обращение №{case_id} не найдено."


async def test_someone_elses_case_looks_exactly_like_a_missing_one(office: Office) -> None:
    hidden = await _case_by_number(office, 3, office.other_case)
    missing = await _case_by_number(office, 3, MISSING_CASE)
    assert hidden.replace(str(office.other_case), "N") == missing.replace(str(MISSING_CASE), "N")
    assert "Секрет Олега" not in hidden


async def test_a_trainee_sees_no_case_and_no_list(office: Office) -> None:
    for text in (f"/case {office.own_case}", "/cases", "/cases open"):
        [reply] = await office.coach.send(TRAINEE, text)
        assert reply.text == "Эта команда вам недоступна."
    replies = await _case_by_button(office, 5, office.own_case)
    assert [r.method for r in replies] == ["answerCallbackQuery"]
    assert "недоступна" in replies[0].params["text"]


@pytest.mark.parametrize(
    "data",
    [
        "open:abc",
        "open:1:2",
        "list:nonsense:0:0",
        "list:dates:1:0",
        "list:all:0",
        f"list:employee:{BEYOND_ANY_ID}:0",
    ],
)
async def test_a_malformed_button_changes_nothing(office: Office, data: str) -> None:
    replies = await office.coach.press(STAFF, _forged_press(office.coach, 3, data), "forged")
    assert [r.method for r in replies] == ["answerCallbackQuery"]
    assert "устарела" in replies[0].params["text"]


@pytest.mark.parametrize(
    "command",
    ["/cases", "/cases open", "/cases legal", "/cases escalated", "/cases week", "/cases mine"],
)
async def test_staff_filters_never_list_a_colleagues_case(office: Office, command: str) -> None:
    [listing] = await office.coach.send(STAFF, command)
    assert f"№{office.other_case} " not in listing.text
    assert not any(b["callback_data"] == f"open:{office.other_case}" for b in listing.buttons)


async def test_staff_see_their_own_and_handed_cases_in_the_list(office: Office) -> None:
    [listing] = await office.coach.send(STAFF, "/cases")
    opened = {b["callback_data"] for b in listing.buttons if b["callback_data"].startswith("open:")}
    assert opened == {f"open:{office.own_case}", f"open:{office.handed_case}"}


async def test_a_forged_employee_filter_shows_staff_nothing(office: Office) -> None:
    other_id = office.staff_id + 1
    forged = callback.ListPage("employee", other_id, 0).encode()
    replies = await office.coach.press(STAFF, _forged_press(office.coach, 3, forged), "forged")
    [edit] = [r for r in replies if r.method == "editMessageText"]
    # Only the case Олег handed to Анна is hers to see; his own case stays invisible.
    assert "найдено 1" in edit.text
    assert [b["callback_data"] for b in edit.buttons] == [f"open:{office.handed_case}"]


async def test_staff_cannot_list_a_colleague_by_name(office: Office) -> None:
    [reply] = await office.coach.send(STAFF, "/cases employee Олег")
    assert reply.text == "Коллеги с именем «Олег» нет."


async def test_supervisors_see_every_case_in_the_list(office: Office) -> None:
    [listing] = await office.coach.send(SUPERVISOR, "/cases")
    opened = {b["callback_data"] for b in listing.buttons if b["callback_data"].startswith("open:")}
    assert opened == {
        f"open:{office.own_case}",
        f"open:{office.other_case}",
        f"open:{office.handed_case}",
    }


@pytest.mark.parametrize("command", ["/stats", "/export", "/forget_client 1", "/praise 1 спасибо"])
async def test_staff_cannot_use_the_supervisors_commands(office: Office, command: str) -> None:
    [reply] = await office.coach.send(STAFF, command)
    assert reply.text == "Эта команда вам недоступна."


async def test_an_admin_has_the_same_desk_as_a_supervisor(office: Office) -> None:
    [listing] = await office.coach.send(ADMIN, "/cases legal")
    assert {b["callback_data"] for b in listing.buttons} == {f"open:{office.other_case}"}


async def test_the_other_staff_member_cannot_open_annas_case_by_button(office: Office) -> None:
    replies = await _case_by_button(office, 4, office.own_case)
    text = await _reply_text(replies)
    assert text == f"Обращение №{office.own_case} не найдено."
    assert "доставка" not in text
    assert OTHER_STAFF.id == 4


async def test_a_number_beyond_any_case_id_is_simply_not_found(office: Office) -> None:
    by_number = await _case_by_number(office, 2, BEYOND_ANY_ID)
    by_button = await _reply_text(await _case_by_button(office, 2, BEYOND_ANY_ID))
    assert by_number == by_button == f"Обращение №{BEYOND_ANY_ID} не найдено."
