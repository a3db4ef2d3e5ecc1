"""The call flow: every stage × every trigger is either a move or a clear refusal."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dialogs.call_flow import (
    TRIGGERS,
    Facts,
    Refusal,
    Step,
    allowed_triggers,
    fire,
    is_hot,
    outcome_of,
    previous_stage,
)
from dialogs.case_terms import Fault, Outcome, Stage
from dialogs.follow_up_time import QuickTime

S = Stage
ON_THE_CALL = [S.LISTEN, S.CLARIFY, S.DECIDE, S.OWN_ERROR, S.EXPLAIN, S.PROPOSE, S.APOLOGISE]
WORKING = [*ON_THE_CALL, S.FOLLOW_UP, S.AWAITING_FOLLOW_UP]

# Facts under which every guard holds: a case went back to `listen`, was paused at `propose`.
EVERYTHING_KNOWN = Facts(
    fault=Fault.COLLEAGUE,
    department="delivery",
    solution_kind="refund",
    follow_up_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    no_follow_up_reason="solved on the call",
    root_cause="delivery",
    handoff_to_id=7,
    previous_stage=S.LISTEN,
    paused_stage=S.PROPOSE,
    actor_supervises=True,
    actor_is_handoff_colleague=True,
)

# The specification, written out by hand: (stage, trigger) → the stage it leads to.
EXPECTED: dict[tuple[Stage, str], Stage] = {
    (S.LISTEN, "heard_out"): S.CLARIFY,
    (S.CLARIFY, "facts_clear"): S.DECIDE,
    (S.DECIDE, "fault_ours"): S.OWN_ERROR,
    (S.DECIDE, "fault_colleague"): S.OWN_ERROR,
    (S.DECIDE, "fault_shared"): S.OWN_ERROR,
    (S.DECIDE, "fault_client"): S.EXPLAIN,
    (S.DECIDE, "fault_unclear"): S.EXPLAIN,
    (S.OWN_ERROR, "error_owned"): S.PROPOSE,
    (S.EXPLAIN, "explained"): S.PROPOSE,
    (S.PROPOSE, "accepted"): S.APOLOGISE,
    (S.PROPOSE, "rejected"): S.PROPOSE,
    (S.APOLOGISE, "apologised"): S.FOLLOW_UP,
    (S.FOLLOW_UP, "schedule"): S.AWAITING_FOLLOW_UP,
    (S.FOLLOW_UP, "no_follow_up"): S.CLOSING,
    (S.AWAITING_FOLLOW_UP, "resolved"): S.CLOSING,
    (S.AWAITING_FOLLOW_UP, "still_unhappy"): S.PROPOSE,
    (S.AWAITING_FOLLOW_UP, "reschedule"): S.AWAITING_FOLLOW_UP,
    (S.CLOSING, "close"): S.CLOSED,
    **{(stage, "escalate"): S.ESCALATED for stage in WORKING},
    **{(stage, "hand_off"): S.HANDED_OFF for stage in WORKING},
    **{(stage, "hung_up"): S.FOLLOW_UP for stage in ON_THE_CALL},
    **{(stage, "cancel"): S.CANCELLED for stage in Stage if stage not in (S.CLOSED, S.CANCELLED)},
    **{(stage, "back"): S.LISTEN for stage in [*WORKING[1:], S.CLOSING]},
    (S.ESCALATED, "take"): S.PROPOSE,
    (S.HANDED_OFF, "take"): S.PROPOSE,
    (S.HANDED_OFF, "acknowledge"): S.PROPOSE,
}

# Refusals more specific than "not here".
EXPECTED_REFUSALS = {(S.LISTEN, "back"): "nothing_to_go_back_to"}


@pytest.mark.parametrize(
    ("stage", "trigger"),
    list(itertools.product(Stage, TRIGGERS)),
    ids=[f"{stage.value}-{trigger}" for stage, trigger in itertools.product(Stage, TRIGGERS)],
)
def test_every_trigger_from_every_stage_moves_as_specified_or_is_refused(
    stage: Stage, trigger: str
) -> None:
    result = fire(stage, trigger, EVERYTHING_KNOWN)
    expected = EXPECTED.get((stage, trigger))
    if expected is None:
        reason = EXPECTED_REFUSALS.get((stage, trigger), "not_allowed_here")
        assert result == Refusal(reason, trigger, stage)
    else:
        assert result is expected


def test_the_table_has_no_trigger_the_specification_does_not_know() -> None:
    specified = {trigger for _, trigger in EXPECTED}
    assert set(TRIGGERS) == specified


@pytest.mark.parametrize(
    ("stage", "trigger", "facts", "reason"),
    [
        (S.DECIDE, "fault_colleague", Facts(fault=Fault.COLLEAGUE), "department_missing"),
        (S.PROPOSE, "accepted", Facts(), "solution_missing"),
        (S.PROPOSE, "rejected", Facts(), "solution_missing"),
        (S.FOLLOW_UP, "schedule", Facts(), "follow_up_time_missing"),
        (S.AWAITING_FOLLOW_UP, "reschedule", Facts(), "follow_up_time_missing"),
        (S.FOLLOW_UP, "no_follow_up", Facts(), "reason_missing"),
        (S.CLOSING, "close", Facts(department="sales"), "root_cause_missing"),
        (S.PROPOSE, "hand_off", Facts(), "colleague_missing"),
        (S.CLARIFY, "back", Facts(), "nothing_to_go_back_to"),
        (S.ESCALATED, "take", Facts(paused_stage=S.PROPOSE), "supervisor_only"),
        (S.ESCALATED, "take", Facts(actor_supervises=True), "nothing_to_resume"),
        (S.HANDED_OFF, "acknowledge", Facts(paused_stage=S.LISTEN), "not_handed_to_you"),
        (S.LISTEN, "frobnicate", Facts(), "unknown_trigger"),
        (S.CLOSED, "cancel", EVERYTHING_KNOWN, "not_allowed_here"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_guard_that_fails_names_what_is_missing(
    stage: Stage, trigger: str, facts: Facts, reason: str
) -> None:
    result = fire(stage, trigger, facts)
    assert isinstance(result, Refusal)
    assert result.reason == reason


@pytest.mark.parametrize("paused_at", WORKING, ids=lambda stage: stage.value)
def test_a_paused_case_resumes_where_it_was_paused(paused_at: Stage) -> None:
    facts = Facts(paused_stage=paused_at, actor_supervises=True, actor_is_handoff_colleague=True)
    assert fire(S.ESCALATED, "take", facts) is paused_at
    assert fire(S.HANDED_OFF, "acknowledge", facts) is paused_at


def test_side_exits_are_offered_at_every_working_stage() -> None:
    for stage in WORKING:
        assert {"escalate", "hand_off", "cancel"} <= set(allowed_triggers(stage))
    assert allowed_triggers(S.CLOSED) == ()


def test_carp_warns_from_temperature_four() -> None:
    assert [is_hot(value) for value in (None, 1, 2, 3, 4, 5)] == [False] * 4 + [True] * 2


def _steps(*moves: tuple[Stage, Stage, str]) -> list[Step]:
    return [Step(source, dest, trigger) for source, dest, trigger in moves]


HAPPY = _steps(
    (S.LISTEN, S.CLARIFY, "heard_out"),
    (S.CLARIFY, S.DECIDE, "facts_clear"),
    (S.DECIDE, S.OWN_ERROR, "fault_ours"),
    (S.OWN_ERROR, S.PROPOSE, "error_owned"),
    (S.PROPOSE, S.APOLOGISE, "accepted"),
    (S.APOLOGISE, S.FOLLOW_UP, "apologised"),
)


def test_back_returns_along_the_path_and_twice_goes_two_steps() -> None:
    assert previous_stage(HAPPY[:2]) is S.CLARIFY
    once = [*HAPPY[:3], Step(S.OWN_ERROR, S.DECIDE, "back")]
    assert previous_stage(once) is S.CLARIFY
    twice = [*once, Step(S.DECIDE, S.CLARIFY, "back")]
    assert previous_stage(twice) is S.LISTEN


def test_back_after_hanging_up_returns_to_where_the_client_hung_up() -> None:
    history = [*HAPPY[:2], Step(S.DECIDE, S.FOLLOW_UP, "hung_up")]
    assert previous_stage(history) is S.DECIDE


def test_a_rejected_proposal_does_not_count_as_a_place_to_go_back_to() -> None:
    history = [*HAPPY[:4], Step(S.PROPOSE, S.PROPOSE, "rejected")]
    assert previous_stage(history) is S.OWN_ERROR


def test_nothing_to_go_back_to_from_the_first_stage_or_after_a_pause() -> None:
    assert previous_stage([]) is None
    assert previous_stage([Step(S.ESCALATED, S.PROPOSE, "take")]) is None


@pytest.mark.parametrize(
    ("history", "escalated", "outcome"),
    [
        (
            [*HAPPY, Step(S.FOLLOW_UP, S.CLOSING, "no_follow_up")],
            False,
            Outcome.RESOLVED,
        ),
        (
            [
                *HAPPY,
                Step(S.FOLLOW_UP, S.AWAITING_FOLLOW_UP, "schedule"),
                Step(S.AWAITING_FOLLOW_UP, S.CLOSING, "resolved"),
            ],
            False,
            Outcome.RESOLVED_AFTER_FOLLOW_UP,
        ),
        (
            [
                Step(S.LISTEN, S.FOLLOW_UP, "hung_up"),
                Step(S.FOLLOW_UP, S.CLOSING, "no_follow_up"),
            ],
            False,
            Outcome.HUNG_UP,
        ),
        (
            [
                *HAPPY,
                Step(S.FOLLOW_UP, S.AWAITING_FOLLOW_UP, "schedule"),
                Step(S.AWAITING_FOLLOW_UP, S.PROPOSE, "still_unhappy"),
                Step(S.PROPOSE, S.ESCALATED, "escalate"),
                Step(S.ESCALATED, S.PROPOSE, "take"),
                Step(S.PROPOSE, S.FOLLOW_UP, "hung_up"),
                Step(S.FOLLOW_UP, S.CLOSING, "no_follow_up"),
            ],
            True,
            Outcome.HUNG_UP,
        ),
        (
            [
                *HAPPY,
                Step(S.FOLLOW_UP, S.AWAITING_FOLLOW_UP, "schedule"),
                Step(S.AWAITING_FOLLOW_UP, S.PROPOSE, "still_unhappy"),
                Step(S.PROPOSE, S.ESCALATED, "escalate"),
            ],
            True,
            Outcome.ESCALATED,
        ),
        (
            [
                *HAPPY,
                Step(S.FOLLOW_UP, S.AWAITING_FOLLOW_UP, "schedule"),
                Step(S.AWAITING_FOLLOW_UP, S.PROPOSE, "still_unhappy"),
            ],
            False,
            Outcome.STILL_UNHAPPY,
        ),
    ],
    ids=[
        "resolved",
        "after-follow-up",
        "hung-up",
        "hung-up-after-escalation",
        "escalated",
        "unhappy",
    ],
)
def test_the_outcome_is_read_from_the_path(
    history: list[Step], escalated: bool, outcome: Outcome
) -> None:
    assert outcome_of(history, escalated=escalated) is outcome


def test_quick_times_are_the_ones_the_buttons_offer() -> None:
    assert [choice.value for choice in QuickTime] == ["in_1h", "tomorrow", "in_3d"]
