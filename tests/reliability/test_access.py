"""Access by every route the desk tests do not take: another's case through the call coach's
buttons and through typed text, a trainee's buttons, invite codes that expire or are raced for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update
from telegram import User

from bot.callback_data import CaseAction
from dialogs.call_flow import TRIGGERS
from dialogs.i18n import t
from storage.models import Case, Employee, Invite, utcnow
from tests.bot.call_support import cases_in, join, label, only, taps, team
from tests.support.desk_seed import sessionmaker_of
from tests.support.offline_telegram import CoachHarness, Sent, coach_harness, make_user

EN = "en"
SECRET = "Client shouted about order 4711"
# Every action a case button can carry, with an argument that would be valid for its owner.
ACTIONS = [
    *((trigger, "") for trigger in TRIGGERS),
    ("fault_colleague", "0"),
    ("hand_off", "2"),
    ("temp", "3"),
    ("solution", "refund"),
    ("ask", "what"),
    ("menu", "colleague"),
    ("view", ""),
    ("worth", "0"),
    ("root", "product"),
    ("dept", "0"),
    ("wellbeing", "5"),
]


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        yield harness


async def _case(coach: CoachHarness, case_id: int = 1) -> Case:
    async with sessionmaker_of(coach)() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case


def _screen_with(user: User, data: str) -> Sent:
    """A message the user got from the bot, with one button carrying `data`."""
    return Sent(
        "sendMessage",
        {
            "chat_id": user.id,
            "text": "a screen",
            "reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": data}]]},
        },
        message_id=1,
    )


async def test_no_call_coach_button_reaches_another_staff_members_case(
    coach: CoachHarness,
) -> None:
    admin, staff, _ = await team(coach, EN)
    colleague = make_user(4, first_name="Pat", language_code=EN)
    trainee = make_user(5, first_name="Nick", language_code=EN)
    await join(coach, admin, colleague, "staff")
    await join(coach, admin, trainee, "trainee")
    await coach.send(staff, "/call")
    await taps(coach, staff, label(EN, "heard_out"), label(EN, "ask_what"))
    await coach.send(staff, SECRET)
    before = await _case(coach)

    for intruder in (colleague, trainee):
        for action, argument in ACTIONS:
            data = CaseAction(before.id, before.version, action, argument).encode()
            replies = await coach.press(intruder, _screen_with(intruder, data), "Go")

            [answer] = [r for r in replies if r.method == "answerCallbackQuery"]
            assert answer.params.get("show_alert"), (intruder.id, action)
            assert all(SECRET not in r.text for r in replies), (intruder.id, action)
            assert [r for r in replies if r.method != "answerCallbackQuery"] == [], action
    after = await _case(coach)
    assert (after.stage, after.version, after.owner_id) == (before.stage, before.version, 2)


async def test_typed_text_never_lands_in_a_case_that_is_no_longer_yours(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, supervisor = await team(coach, EN)
    await coach.send(staff, "/call")
    await taps(coach, staff, label(EN, "escalate"))
    alert = next(s for s in reversed(coach.api.sent) if s.chat_id == supervisor.id and s.buttons)
    await coach.press(supervisor, only(alert, label(EN, "take")), label(EN, "take"))
    [(case, events_before)] = await cases_in(database_url)
    assert case.owner_id != 2

    replies = await coach.send(staff, "my note for the case I gave away")
    await coach.send(staff, "/cancel")

    [(case_after, events_after)] = await cases_in(database_url)
    assert [e.id for e in events_after] == [e.id for e in events_before]
    assert case_after.stage == case.stage
    assert [r.text for r in replies] == [t(EN, "call.view.no_open_case")]


async def test_an_expired_invite_lets_nobody_in(coach: CoachHarness) -> None:
    admin = make_user(1, first_name="Irene", language_code=EN)
    newcomer = make_user(2, first_name="Oleg", language_code=EN)
    await coach.send(admin, "/start")
    [link] = await coach.send(admin, "/invite staff")
    code = _code(link.text)
    async with sessionmaker_of(coach).begin() as session:
        await session.execute(update(Invite).values(expires_at=utcnow() - dt.timedelta(minutes=1)))

    [reply] = await coach.send(newcomer, f"/start {code}")

    assert reply.text == t(EN, "access.invite_invalid")
    [again] = await coach.send(newcomer, "/call")
    assert again.text == t(EN, "access.stranger")


async def test_two_people_racing_for_one_invite_let_one_in(coach: CoachHarness) -> None:
    admin = make_user(1, first_name="Irene", language_code=EN)
    first, second = make_user(2, first_name="Oleg"), make_user(3, first_name="Ann")
    await coach.send(admin, "/start")
    [link] = await coach.send(admin, "/invite staff")
    code = _code(link.text)

    await asyncio.gather(coach.send(first, f"/start {code}"), coach.send(second, f"/start {code}"))

    async with sessionmaker_of(coach)() as session:
        joined = (
            await session.scalars(select(Employee.telegram_id).where(Employee.telegram_id != 1))
        ).all()
    assert len(joined) == 1


def _code(text: str) -> str:
    match = re.search(r"start=([\w-]+)", text)
    assert match, text
    return match.group(1)
