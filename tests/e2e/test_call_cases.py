"""Whole call-coach cases over HTTP: the real bot process, staff tapping through, restarts between.

Each step waits for the screen to be redrawn (case buttons edit their message), so the tests never
sleep; the database is read after the bot answered, as a supervisor's report would read it.
"""

from __future__ import annotations

import pytest

from dialogs.i18n import Language
from tests.e2e.conftest import Launch
from tests.e2e.steps import (
    case_with_events,
    department,
    label,
    latest_case,
    make_follow_ups_due,
    plain,
    root_cause,
    solution,
    tap,
    taps,
    team,
    transitions,
)
from tests.emulator.server import BotApiEmulator, FakeUser

pytestmark = pytest.mark.e2e

# Each case runs on one database kind (the reminder on both) to keep the suite quick; the
# storage tests already run every query on both.

RU, EN = Language.RU, Language.EN


def to_propose(language: Language) -> tuple[str, ...]:
    """From `listen` to `propose` on a case that is our fault, client calm enough."""
    return (
        "🌡3",
        label(language, "heard_out"),
        label(language, "facts_clear"),
        label(language, "fault_ours"),
        label(language, "error_owned"),
    )


def propose_to_follow_up(language: Language) -> tuple[str, ...]:
    return (
        solution(language, "replace"),
        label(language, "accepted"),
        label(language, "apologised"),
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_our_fault_is_closed_after_the_follow_up(
    launch: Launch, admin: FakeUser, database_url: str
) -> None:
    await launch(database_url)
    staff, _ = await team(admin)
    staff.send("/call")
    await staff.reply()
    await taps(staff, *to_propose(RU), *propose_to_follow_up(RU), label(RU, "tomorrow"))
    await taps(
        staff,
        label(RU, "resolved"),
        root_cause(RU, "delivery"),
        department(RU, "delivery"),
    )
    closed = await tap(staff, label(RU, "close"))

    case, events = await latest_case(database_url)
    assert (case.stage, case.fault, case.outcome, case.root_cause) == (
        "closed",
        "ours",
        "resolved_after_follow_up",
        "delivery",
    )
    assert [trigger for _, _, trigger in transitions(events)] == [
        "heard_out",
        "facts_clear",
        "fault_ours",
        "error_owned",
        "accepted",
        "apologised",
        "schedule",
        "resolved",
        "close",
    ]
    assert plain(RU, "call.wellbeing.question") in closed.content


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_clients_fault_is_explained_and_closed_in_english(
    launch: Launch, admin: FakeUser, database_url: str
) -> None:
    await launch(database_url)
    staff, _ = await team(admin)
    staff.send("/language")
    staff.press(await staff.reply(), "English")
    await staff.reply()
    staff.send("/call")
    await staff.reply()
    await taps(
        staff,
        label(EN, "heard_out"),
        label(EN, "facts_clear"),
        label(EN, "fault_client"),
        label(EN, "explained"),
        *propose_to_follow_up(EN),
        label(EN, "no_follow_up"),
        label(EN, "reason_solved"),
        root_cause(EN, "communication"),
        department(EN, "sales"),
    )
    closed = await tap(staff, label(EN, "close"))

    case, events = await latest_case(database_url)
    assert (case.stage, case.fault, case.outcome) == ("closed", "client", "resolved")
    assert ("explain", "propose", "explained") in transitions(events)
    assert "closed" in closed.content.lower()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_rejected_twice_then_escalated_reaches_the_supervisor(
    launch: Launch, admin: FakeUser, database_url: str
) -> None:
    await launch(database_url)
    staff, supervisor = await team(admin)
    staff.send("/call")
    await staff.reply()
    await taps(
        staff,
        *to_propose(RU),
        solution(RU, "refund"),
        label(RU, "rejected"),
        solution(RU, "discount"),
        label(RU, "rejected"),
    )
    supervisor.mark_read()
    escalated = await tap(staff, label(RU, "escalate"))
    assert plain(RU, "call.view.escalated") in escalated.content

    alert = await supervisor.reply()
    assert "Олег" in alert.content
    await tap(supervisor, label(RU, "take"))
    taken = await staff.reply()
    assert "Мария" in taken.content

    case, events = await latest_case(database_url)
    assert (case.stage, case.rejection_count, case.escalated) == ("propose", 2, True)
    assert [trigger for _, _, trigger in transitions(events)][-4:] == [
        "rejected",
        "rejected",
        "escalate",
        "take",
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_restart_mid_case_resumes_at_the_same_stage(
    launch: Launch, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    staff, _ = await team(admin)
    staff.send("/call")
    await staff.reply()
    await taps(staff, *to_propose(RU), solution(RU, "redo"))
    before, events_before = await latest_case(database_url)

    await bot.restart()
    during, events_during = await latest_case(database_url)
    # The screen from before the restart still works: its buttons carry the case's version.
    await tap(staff, label(RU, "accepted"))
    after, events_after = await latest_case(database_url)

    assert bot.exit_codes == [0]
    assert (during.stage, during.solution_kind) == (before.stage, before.solution_kind)
    assert [e.id for e in events_during] == [e.id for e in events_before]
    assert after.stage == "apologise"
    assert [e.id for e in events_after[: len(events_before)]] == [e.id for e in events_before]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_crash_mid_case_loses_nothing_that_was_answered(
    launch: Launch, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    staff, _ = await team(admin)
    staff.send("/call")
    await staff.reply()
    await taps(staff, "🌡4", label(RU, "heard_out"), label(RU, "facts_clear"))
    _, events_before = await latest_case(database_url)

    assert await bot.kill() == -9
    await bot.start()
    await taps(staff, label(RU, "fault_colleague"), department(RU, "billing"))
    case, events = await latest_case(database_url)

    assert [e.id for e in events[: len(events_before)]] == [e.id for e in events_before]
    assert (case.stage, case.fault, case.department) == ("own_error", "colleague", "billing")
    assert [trigger for _, _, trigger in transitions(events)] == [
        "heard_out",
        "facts_clear",
        "fault_colleague",
    ]


async def test_a_reminder_due_while_the_bot_was_down_is_sent_once(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    staff, supervisor = await team(admin)
    staff.send("/call")
    await staff.reply()
    await taps(staff, *to_propose(RU), *propose_to_follow_up(RU), label(RU, "tomorrow"))
    case, _ = await latest_case(database_url)
    # The supervisor has a call-back pending too; it becomes due only before the second restart.
    supervisor.send("/call")
    await supervisor.reply()
    await taps(supervisor, *to_propose(RU), *propose_to_follow_up(RU), label(RU, "in_3d"))
    marker, _ = await latest_case(database_url)

    await bot.stop()
    await make_follow_ups_due(database_url, case.id)
    await bot.start()
    reminder_text = plain(RU, "call.reminder.due", case_id=case.id)
    reminder = await emulator.wait_for_text(staff.id, reminder_text)
    assert label(RU, "resolved") in reminder.labels

    await bot.stop()
    await make_follow_ups_due(database_url, marker.id)
    await bot.start()
    # The job that sends the supervisor's reminder would have claimed the first one again too.
    await emulator.wait_for_text(supervisor.id, plain(RU, "call.reminder.due", case_id=marker.id))
    case_after, timeline = await case_with_events(database_url, case.id)
    assert [e.kind for e in timeline].count("follow_up") == 1
    assert [m for m in staff.inbox if reminder_text in m.content] == [reminder]
    assert case_after.stage == "awaiting_follow_up"
