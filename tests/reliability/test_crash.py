"""The real bot process killed with SIGKILL at every stage of a case, then started again.

One case is walked from `listen` to `closed`; at each stage the process is killed (no shutdown code
runs) and a new one started on the same database: one walk with eleven crashes, rather than a
process per stage. The case must be at the same stage with the same timeline, and the screen drawn
before the crash must still work. A call-back that fell due while the bot was down is sent once
after the restart, and not again after the next crash. On the way, one tap is delivered twice by
the long poll and then pressed again on the old screen: the case moves once.
"""

from __future__ import annotations

import pytest

from dialogs.i18n import Language
from tests.e2e.harness import BotProcess
from tests.e2e.steps import (
    case_with_events,
    department,
    label,
    make_follow_ups_due,
    plain,
    root_cause,
    solution,
    taps,
    team,
)
from tests.emulator.server import BotApiEmulator, FakeUser
from tests.reliability.conftest import Launch
from tests.reliability.timelines import assert_timeline_consistent

pytestmark = pytest.mark.e2e

RU = Language.RU

# The stage a case is at, and the taps that take it to the next one.
WALK: list[tuple[str, tuple[str, ...]]] = [
    ("listen", (label(RU, "heard_out"),)),
    ("clarify", (label(RU, "facts_clear"),)),
    ("decide", (label(RU, "fault_ours"),)),
    ("own_error", (label(RU, "error_owned"),)),
    ("propose", (solution(RU, "replace"), label(RU, "accepted"))),
    ("apologise", (label(RU, "apologised"),)),
    ("follow_up", (label(RU, "tomorrow"),)),
    ("awaiting_follow_up", (label(RU, "resolved"),)),
    ("closing", (root_cause(RU, "delivery"), department(RU, "delivery"), label(RU, "close"))),
]


async def _crash_and_restart(bot: BotProcess) -> None:
    assert await bot.kill() == -9
    await bot.start()


async def _move(
    emulator: BotApiEmulator, user: FakeUser, stage: str, moves: tuple[str, ...]
) -> None:
    """Tap through; at `clarify` the tap is delivered twice and then the old button pressed."""
    if stage != "clarify":
        await taps(user, *moves)
        return
    [move] = moves
    screen = user.last_with_buttons()
    old_data = screen.button(move, exact=True)["callback_data"]
    version = screen.version
    pressed = user.press(screen, move, exact=True)
    emulator.deliver_twice(emulator.updates[pressed.update_id])
    await emulator.wait_until(lambda: screen.version > version, what="the doubled tap")
    late = emulator.press_data(user, screen, old_data)
    await emulator.wait_for_answer(late)
    assert late.show_alert
    assert late.text in {plain(RU, "error.stale_button"), plain(RU, "error.stale_button_redrawn")}


async def _open_case_to_awaiting(user: FakeUser, schedule: str) -> None:
    """The user opens a case and takes it to a pending call-back."""
    user.send("/call")
    await user.reply()
    await taps(
        user,
        label(RU, "heard_out"),
        label(RU, "facts_clear"),
        label(RU, "fault_ours"),
        label(RU, "error_owned"),
        solution(RU, "redo"),
        label(RU, "accepted"),
        label(RU, "apologised"),
        label(RU, schedule),
    )


async def test_a_case_survives_a_kill_at_every_stage_and_its_reminder_is_sent_once(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    staff, supervisor = await team(admin)
    # Another call-back, not yet due: it proves, later, that the reminder job ran after a restart.
    await _open_case_to_awaiting(supervisor, "in_3d")
    marker, _ = await case_with_events(database_url, None)

    staff.send("/call")
    await staff.reply()
    staff.send("Клиент кричит, что заказ не пришёл")  # a note: a timeline line that is not a move
    await staff.reply()
    case, _ = await case_with_events(database_url, None)
    reminder_text = plain(RU, "call.reminder.due", case_id=case.id)

    killed_at = [stage for stage, _ in WALK]
    for stage, moves in WALK:
        before, events_before = await case_with_events(database_url, case.id)
        assert before.stage == stage
        if stage not in killed_at:
            await _move(emulator, staff, stage, moves)
            continue

        await _crash_and_restart(bot)
        if stage == "awaiting_follow_up":
            # The promised time comes while the bot is down.
            await bot.kill()
            await make_follow_ups_due(database_url, case.id)
            await bot.start()
            reminder = await emulator.wait_for_text(staff.id, reminder_text)
            staff.mark_read()
            # Crash again before the reminder is acted on, with another call-back due now.
            await bot.kill()
            await make_follow_ups_due(database_url, marker.id)
            await bot.start()
            await emulator.wait_for_text(
                supervisor.id, plain(RU, "call.reminder.due", case_id=marker.id)
            )
            assert [m for m in staff.inbox if reminder_text in m.content] == [reminder], stage

        after, events_after = await case_with_events(database_url, case.id)
        kinds = [e.kind for e in events_after]
        reminder_lines = 1 if stage == "awaiting_follow_up" else 0
        assert after.stage == stage, f"killed at {stage}, found at {after.stage}"
        assert [e.id for e in events_after[: len(events_before)]] == [
            e.id for e in events_before
        ], stage
        assert len(events_after) == len(events_before) + reminder_lines, kinds
        assert_timeline_consistent(after, events_after)

        # The screen drawn before the crash (or the reminder) carries on the case.
        await _move(emulator, staff, stage, moves)

    closed, timeline = await case_with_events(database_url, case.id)
    assert closed.stage == "closed"
    assert [e.kind for e in timeline].count("follow_up") == 1
    assert [e.trigger for e in timeline if e.kind == "transition"] == [
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
    assert "note" in [e.kind for e in timeline]
    assert_timeline_consistent(closed, timeline)
    assert bot.exit_codes.count(-9) == len(killed_at) + 2
