"""Two real bot processes on one PostgreSQL, in webhook mode, the emulator delivering alternately.

The emulator posts each update to the two webhooks in turn (a load balancer in front of them), and
a webhook answers before it handles, so the processes work side by side. Three people walk cases
at once, one tap is delivered twice (its copy lands on the other process), then the call-backs of
all three fall due while both processes start together and race for them.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from dialogs.i18n import Language
from storage.models import Case, CaseEvent, Employee, ProcessedUpdate
from tests.e2e.harness import Webhook
from tests.e2e.steps import (
    case_with_events,
    database,
    label,
    make_follow_ups_due,
    plain,
    settle,
    solution,
    taps,
    team,
)
from tests.emulator.server import BotApiEmulator, FakeUser
from tests.reliability.conftest import Launch
from tests.reliability.timelines import assert_timeline_consistent

pytestmark = pytest.mark.e2e

RU = Language.RU
TRIGGERS = [
    "heard_out",
    "facts_clear",
    "fault_ours",
    "error_owned",
    "accepted",
    "apologised",
    "schedule",
]


async def _walk_to_follow_up(emulator: BotApiEmulator, user: FakeUser) -> None:
    """The user opens a case and walks it to a pending call-back; its first tap is sent twice."""
    user.send("/call")
    opened = await user.reply()
    version = opened.version
    pressed = user.press(opened, label(RU, "heard_out"), exact=True)
    emulator.deliver_twice(emulator.updates[pressed.update_id])
    await emulator.wait_until(lambda: opened.version > version, what="the first tap")
    await taps(
        user,
        label(RU, "facts_clear"),
        label(RU, "fault_ours"),
        label(RU, "error_owned"),
        solution(RU, "replace"),
        label(RU, "accepted"),
        label(RU, "apologised"),
        label(RU, "tomorrow"),
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_handle_every_update_and_reminder_once(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    hooks = [Webhook(), Webhook()]
    bots = [await launch(database_url, webhook=hook) for hook in hooks]
    emulator.balance_webhook([hook.url for hook in hooks])
    staff, supervisor = await team(admin)
    people = [admin, staff, supervisor]

    await asyncio.gather(*(_walk_to_follow_up(emulator, person) for person in people))
    for person in people:
        await settle(person)

    # Both processes go down; the promised times pass; both come back at the same moment.
    await asyncio.gather(*(bot.kill() for bot in bots))
    case_ids = []
    for person in people:
        case, _ = await _case_of(database_url, person)
        case_ids.append(case.id)
        await make_follow_ups_due(database_url, case.id)
    await asyncio.gather(*(bot.start() for bot in bots))
    for person, case_id in zip(people, case_ids, strict=True):
        await emulator.wait_for_text(person.id, plain(RU, "call.reminder.due", case_id=case_id))
    for person in people:
        await settle(person)

    assert {d.url for d in emulator.webhook_deliveries} == {hook.url for hook in hooks}
    async with database(database_url) as session:
        handled = set((await session.scalars(select(ProcessedUpdate.update_id))).all())
    assert handled == {d.update_id for d in emulator.webhook_deliveries if d.status == 200}
    for person, case_id in zip(people, case_ids, strict=True):
        case, events = await case_with_events(database_url, case_id)
        assert [e.trigger for e in events if e.kind == "transition"] == TRIGGERS
        assert [e.kind for e in events].count("follow_up") == 1
        assert_timeline_consistent(case, events)
        reminder = plain(RU, "call.reminder.due", case_id=case_id)
        assert len([m for m in person.inbox if reminder in m.content]) == 1, person.id
        # The doubled tap was taken once: the copy did not even draw a "button out of date".
        assert not [q for q in emulator.answers_to(person.id) if q.show_alert], person.id


async def _case_of(database_url: str, person: FakeUser) -> tuple[Case, list[CaseEvent]]:
    async with database(database_url) as session:
        case_id = await session.scalar(
            select(Case.id)
            .join(Employee, Case.owner_id == Employee.id)
            .where(Employee.telegram_id == person.id)
            .order_by(Case.id.desc())
            .limit(1)
        )
    assert case_id is not None
    return await case_with_events(database_url, case_id)
