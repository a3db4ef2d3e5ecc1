"""A button pressed twice at once: two callback updates handled concurrently on a real database.

Telegram sends one update per tap, so a double tap is two updates with the same button data. They
race through the pipeline side by side (as two bot processes, or concurrent updates, would run
them); the case's version lets exactly one of them through and the other is told, politely, that
the button is out of date.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from dialogs.i18n import t
from tests.bot.call_support import cases_in, label, only, team, transitions
from tests.reliability.timelines import assert_timeline_consistent
from tests.support.offline_telegram import CoachHarness, coach_harness

STALE = {t("en", "error.stale_button"), t("en", "error.stale_button_redrawn")}


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        yield harness


@pytest.mark.parametrize(
    ("first", "second"),
    [("heard_out", "heard_out"), ("heard_out", "cancel")],
    ids=["same-button-twice", "two-buttons-at-once"],
)
async def test_two_presses_at_once_move_the_case_once(
    coach: CoachHarness, database_url: str, first: str, second: str
) -> None:
    _, staff, _ = await team(coach, "en")
    [screen] = await coach.send(staff, "/call")
    presses = [
        coach.press_update(staff, only(screen, label("en", name)), label("en", name))
        for name in (first, second)
    ]
    sent_before = len(coach.api.sent)

    await asyncio.gather(*(coach.application.process_update(press) for press in presses))

    [(case, events)] = await cases_in(database_url)
    moves = transitions(events)
    assert len(moves) == 1, moves
    assert case.stage == moves[0][1]
    assert_timeline_consistent(case, events)
    replies = coach.api.sent[sent_before:]
    answers = [r for r in replies if r.method == "answerCallbackQuery"]
    assert len(answers) == 2  # both taps are answered: neither spinner is left turning
    refused = [a.params["text"] for a in answers if a.params.get("show_alert")]
    # The loser is told the button is out of date (and may get its screen redrawn at the stage
    # the winner moved the case to, when it read the case after the winner's commit).
    assert len(refused) == 1
    assert refused[0] in STALE
    stage_title = t("en", f"terms.stage.{case.stage}")
    edits = [r for r in replies if r.method == "editMessageText"]
    assert edits
    assert all(stage_title in edit.text for edit in edits)
    assert t("en", "error.unexpected") not in [r.text for r in replies]
