"""The call flow: one table of stages and triggers, and the pure function that applies it.

Every stage a case can be in is a `Stage`; every move between stages is a row of `TRANSITIONS`
(the `transitions` library's own table format). Guards are small functions of `Facts` (what the
bot already knows about the case) and each names the refusal a user sees when it fails. Nothing
else assigns a stage: the bot calls `fire`, persists the stage it returns with its event, and only
then renders.

`back` and resuming a paused case (after an escalation or a hand-off) return to a stage known only
at run time; the table spells them out as one row per possible destination, guarded by
`returns_to(stage)` / `resumes_at(stage)`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine, MachineError

from dialogs.case_terms import HOT_TEMPERATURE, Fault, Outcome, Stage

# The stages where the conversation is going on: side exits (escalate, hand off, hung up, cancel)
# are open from each of them.
WORKING: tuple[Stage, ...] = (
    Stage.LISTEN,
    Stage.CLARIFY,
    Stage.DECIDE,
    Stage.OWN_ERROR,
    Stage.EXPLAIN,
    Stage.PROPOSE,
    Stage.APOLOGISE,
    Stage.FOLLOW_UP,
    Stage.AWAITING_FOLLOW_UP,
)
# The stages during the call itself: a client can hang up only here.
ON_THE_CALL: tuple[Stage, ...] = WORKING[:7]
PAUSED: tuple[Stage, ...] = (Stage.ESCALATED, Stage.HANDED_OFF)
FINAL: tuple[Stage, ...] = (Stage.CLOSED, Stage.CANCELLED)
OPEN: tuple[Stage, ...] = tuple(stage for stage in Stage if stage not in FINAL)

# Faults that the client hears as "our error": a colleague's counts, the company is one entity.
OURS_TO_THE_CLIENT = frozenset({Fault.OURS, Fault.COLLEAGUE, Fault.SHARED})


@dataclass(frozen=True, slots=True)
class Facts:
    """What the guards may look at: the case's fields and who is acting, never the database."""

    fault: Fault | None = None
    department: str | None = None
    temperature: int | None = None
    solution_kind: str | None = None
    follow_up_at: dt.datetime | None = None
    no_follow_up_reason: str | None = None
    root_cause: str | None = None
    handoff_to_id: int | None = None
    previous_stage: Stage | None = None
    paused_stage: Stage | None = None
    actor_supervises: bool = False
    actor_is_handoff_colleague: bool = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a trigger cannot fire now; `reason` is the key of the text shown (`call.refusal.*`)."""

    reason: str
    trigger: str
    stage: Stage


@dataclass(frozen=True, slots=True)
class Guard:
    """A named condition on the facts, and the refusal shown when it does not hold."""

    name: str
    refusal: str
    check: Callable[[Facts], bool] = field(compare=False)

    @property
    def __name__(self) -> str:  # the diagram and transitions' markup label a guard by its name
        return self.name

    def __call__(self, facts: Facts) -> bool:
        return self.check(facts)


department_known = Guard("department_known", "department_missing", lambda f: bool(f.department))
solution_chosen = Guard("solution_chosen", "solution_missing", lambda f: bool(f.solution_kind))
follow_up_time_set = Guard(
    "follow_up_time_set", "follow_up_time_missing", lambda f: f.follow_up_at is not None
)
reason_given = Guard("reason_given", "reason_missing", lambda f: bool(f.no_follow_up_reason))
root_cause_known = Guard("root_cause_known", "root_cause_missing", lambda f: bool(f.root_cause))
colleague_chosen = Guard("colleague_chosen", "colleague_missing", lambda f: bool(f.handoff_to_id))
actor_supervises = Guard("actor_supervises", "supervisor_only", lambda f: f.actor_supervises)
actor_is_colleague = Guard(
    "actor_is_colleague", "not_handed_to_you", lambda f: f.actor_is_handoff_colleague
)


@functools.cache
def returns_to(stage: Stage) -> Guard:
    """`back` goes to `stage` only when that is where the case came from."""
    return Guard(
        f"came_from_{stage.value}", "nothing_to_go_back_to", lambda f: f.previous_stage is stage
    )


@functools.cache
def resumes_at(stage: Stage) -> Guard:
    """A paused case resumes at the stage it was paused at."""
    return Guard(f"paused_at_{stage.value}", "nothing_to_resume", lambda f: f.paused_stage is stage)


Row = dict[str, Any]

# The call, stage by stage (PRODUCT.md §2).
MAIN_PATH: list[Row] = [
    {"trigger": "heard_out", "source": Stage.LISTEN, "dest": Stage.CLARIFY},
    {"trigger": "facts_clear", "source": Stage.CLARIFY, "dest": Stage.DECIDE},
    # Whose error: what the client hears is "ours" for ours, a colleague's and a shared one.
    {"trigger": "fault_ours", "source": Stage.DECIDE, "dest": Stage.OWN_ERROR},
    {
        "trigger": "fault_colleague",
        "source": Stage.DECIDE,
        "dest": Stage.OWN_ERROR,
        "conditions": [department_known],
    },
    {"trigger": "fault_shared", "source": Stage.DECIDE, "dest": Stage.OWN_ERROR},
    {"trigger": "fault_client", "source": Stage.DECIDE, "dest": Stage.EXPLAIN},
    {"trigger": "fault_unclear", "source": Stage.DECIDE, "dest": Stage.EXPLAIN},
    {"trigger": "error_owned", "source": Stage.OWN_ERROR, "dest": Stage.PROPOSE},
    {"trigger": "explained", "source": Stage.EXPLAIN, "dest": Stage.PROPOSE},
    {
        "trigger": "accepted",
        "source": Stage.PROPOSE,
        "dest": Stage.APOLOGISE,
        "conditions": [solution_chosen],
    },
    # A rejected solution: offer another one (the bot counts the rejections).
    {
        "trigger": "rejected",
        "source": Stage.PROPOSE,
        "dest": Stage.PROPOSE,
        "conditions": [solution_chosen],
    },
    {"trigger": "apologised", "source": Stage.APOLOGISE, "dest": Stage.FOLLOW_UP},
    {
        "trigger": "schedule",
        "source": Stage.FOLLOW_UP,
        "dest": Stage.AWAITING_FOLLOW_UP,
        "conditions": [follow_up_time_set],
    },
    {
        "trigger": "no_follow_up",
        "source": Stage.FOLLOW_UP,
        "dest": Stage.CLOSING,
        "conditions": [reason_given],
    },
    {"trigger": "resolved", "source": Stage.AWAITING_FOLLOW_UP, "dest": Stage.CLOSING},
    {"trigger": "still_unhappy", "source": Stage.AWAITING_FOLLOW_UP, "dest": Stage.PROPOSE},
    {
        "trigger": "reschedule",
        "source": Stage.AWAITING_FOLLOW_UP,
        "dest": Stage.AWAITING_FOLLOW_UP,
        "conditions": [follow_up_time_set],
    },
    {
        "trigger": "close",
        "source": Stage.CLOSING,
        "dest": Stage.CLOSED,
        "conditions": [root_cause_known],
    },
]

# Ways out of the ordinary path, open while the conversation is going on.
SIDE_EXITS: list[Row] = [
    {"trigger": "escalate", "source": list(WORKING), "dest": Stage.ESCALATED},
    {
        "trigger": "hand_off",
        "source": list(WORKING),
        "dest": Stage.HANDED_OFF,
        "conditions": [colleague_chosen],
    },
    {"trigger": "hung_up", "source": list(ON_THE_CALL), "dest": Stage.FOLLOW_UP},
    {"trigger": "cancel", "source": list(OPEN), "dest": Stage.CANCELLED},
]

# Returning to a stage known only at run time: one row per destination.
RETURNS: list[Row] = [
    *(
        {
            "trigger": "back",
            "source": [s for s in (*WORKING, Stage.CLOSING) if s is not stage],
            "dest": stage,
            "conditions": [returns_to(stage)],
        }
        for stage in WORKING
    ),
    *(
        {
            "trigger": "take",
            "source": list(PAUSED),
            "dest": stage,
            "conditions": [actor_supervises, resumes_at(stage)],
        }
        for stage in WORKING
    ),
    *(
        {
            "trigger": "acknowledge",
            "source": Stage.HANDED_OFF,
            "dest": stage,
            "conditions": [actor_is_colleague, resumes_at(stage)],
        }
        for stage in WORKING
    ),
]

TRANSITIONS: list[Row] = [*MAIN_PATH, *SIDE_EXITS, *RETURNS]
TRIGGERS: tuple[str, ...] = tuple(dict.fromkeys(row["trigger"] for row in TRANSITIONS))
FAULT_TRIGGERS: dict[str, Fault] = {f"fault_{fault.value}": fault for fault in Fault}
# Triggers that walk the ordinary path forward (the after-call checklist asks about these).
FORWARD = frozenset({"heard_out", "facts_clear", "error_owned", "explained", "apologised"})


class _Case:
    """The model the machine moves: just a stage. The facts travel as the trigger's argument."""

    def __init__(self, stage: Stage) -> None:
        self.state = stage


@functools.cache
def machine() -> Machine:
    """The call-flow machine, built once per process; models come and go per call of `fire`."""
    return Machine(
        model=None,
        states=list(Stage),
        transitions=TRANSITIONS,
        initial=Stage.LISTEN,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )


def allowed_triggers(stage: Stage) -> tuple[str, ...]:
    """The triggers the table has from `stage`, guards aside, in table order."""
    available = set(machine().get_triggers(stage))
    return tuple(trigger for trigger in TRIGGERS if trigger in available)


def _refusal_reason(trigger: str, stage: Stage, facts: Facts) -> str:
    transitions = machine().events[trigger].transitions.get(stage.name, [])
    reasons = [
        condition.func.refusal
        for transition in transitions
        for condition in transition.conditions
        if isinstance(condition.func, Guard) and not condition.func(facts)
    ]
    return reasons[0] if reasons else "not_allowed_here"


def fire(stage: Stage, trigger: str, facts: Facts = Facts()) -> Stage | Refusal:
    """The stage `trigger` leads to from `stage` given `facts`, or why it cannot fire."""
    if trigger not in TRIGGERS:
        return Refusal("unknown_trigger", trigger, stage)
    if trigger not in allowed_triggers(stage):
        return Refusal("not_allowed_here", trigger, stage)
    case = _Case(stage)
    flow = machine()
    flow.add_model(case, initial=stage)
    try:
        moved = case.trigger(trigger, facts)  # type: ignore[attr-defined]
    except MachineError:
        return Refusal("not_allowed_here", trigger, stage)
    finally:
        flow.remove_model(case)
    if not moved:
        return Refusal(_refusal_reason(trigger, stage, facts), trigger, stage)
    return Stage(case.state)


def is_hot(temperature: int | None) -> bool:
    """CARP's soft guard: a client this heated may not hear solutions yet (the bot only warns)."""
    return temperature is not None and temperature >= HOT_TEMPERATURE


# --- The path a case actually took, from its timeline ----------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One stage change from the timeline: where from, where to, by which trigger."""

    from_stage: Stage
    to_stage: Stage
    trigger: str


def effective_path(history: Iterable[Step]) -> list[Step]:
    """The steps that still count: each `back` cancels the step it undoes."""
    path: list[Step] = []
    for step in history:
        if step.trigger == "back":
            # Undo back to the step that entered the stage we are returning from.
            while path and path[-1].to_stage is not step.from_stage:
                path.pop()
            if path:
                path.pop()
        else:
            path.append(step)
    return path


def previous_stage(history: Sequence[Step]) -> Stage | None:
    """Where `back` leads: the working stage the current one was entered from, if any."""
    for step in reversed(effective_path(history)):
        if step.from_stage is step.to_stage:
            continue  # a rejected proposal or a rescheduled call-back stays where it was
        if step.from_stage in WORKING and step.to_stage in (*WORKING, Stage.CLOSING):
            return step.from_stage
        return None
    return None


def outcome_of(history: Sequence[Step], *, escalated: bool) -> Outcome:
    """How a case that reached closing ended, read from the path it took."""
    triggers = [step.trigger for step in effective_path(history)]
    if "resolved" in triggers:
        return Outcome.RESOLVED_AFTER_FOLLOW_UP
    verdicts = [trigger for trigger in triggers if trigger in ("accepted", "still_unhappy")]
    if verdicts and verdicts[-1] == "accepted":
        return Outcome.RESOLVED
    if "hung_up" in triggers:
        return Outcome.HUNG_UP
    if escalated:
        return Outcome.ESCALATED
    return Outcome.STILL_UNHAPPY
