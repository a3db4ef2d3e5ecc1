"""The simulated angry client: a practice session as a JSON-ready state, moved reply by reply.

The state is a plain dict so it can live in the database (`PracticeSession.state`) and any process
can take the next reply. The client goes stage by stage along the scenario's path; each reply's
score moves their anger (1 calm … 5 about to hang up); a bad reply brings the harsher second-round
line and one more try at the stage; at `propose` only a solution from their list is accepted.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from dialogs.case_terms import Outcome, Stage
from dialogs.i18n import Language, t
from dialogs.practice.scenarios import Scenario
from dialogs.scoring import ScoreResult, Verdict, score_reply

STATE_VERSION = 1
MAX_ANGER = 5
MIN_ANGER = 1
TRIES_PER_STAGE = 2  # a bad reply gets one more try before the call moves on
PROPOSE_TRIES = 3  # offers the client may turn down before they give up
_ANGER_CHANGE = {Verdict.GOOD: -1, Verdict.NEEDS_WORK: 0, Verdict.BAD: 1}
SEVERE_ANGER = 2  # rudeness or swearing


State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """What one reply did: its score, the client's answer, and the state to store."""

    state: State
    stage: Stage
    result: ScoreResult
    client_lines: tuple[str, ...]
    finished: bool


def begin(scenario: Scenario, language: Language) -> State:
    """A new session, the client about to say their opening lines."""
    return {
        "version": STATE_VERSION,
        "scenario": scenario.id,
        "language": language.value,
        "stage": scenario.path[0].value,
        "attempt": 1,
        "anger": scenario.anger,
        "solution": None,
        "outcome": None,
        "finished": False,
        "results": {},
        "turns": 0,
    }


def opening_lines(scenario: Scenario, language: Language) -> tuple[str, ...]:
    return scenario.opening[language]


def current_stage(state: State) -> Stage:
    return Stage(state["stage"])


def is_finished(state: State) -> bool:
    return bool(state["finished"])


def _advance(scenario: Scenario, state: State, language: Language) -> tuple[str, ...]:
    """Move to the next stage; the client's line for it, or their goodbye after the last."""
    path = scenario.path
    position = path.index(Stage(state["stage"]))
    state["attempt"] = 1
    if position + 1 < len(path):
        following = path[position + 1]
        state["stage"] = following.value
        return (scenario.stages[following].client[language],)
    state["finished"] = True
    state["outcome"] = Outcome.RESOLVED.value
    calm = state["anger"] <= MAX_ANGER // 2
    return (
        t(language, "practice.client.goodbye_warm" if calm else "practice.client.goodbye_cold"),
    )


def take_reply(scenario: Scenario, state: State, reply: str) -> Step:
    """Score the trainee's reply at the current stage and let the client react."""
    if state["finished"]:
        raise ValueError("the practice session is already over")
    state = copy.deepcopy(state)
    language = Language(state["language"])
    stage = Stage(state["stage"])
    script = scenario.stages[stage]
    result = score_reply(stage, language, reply)
    state["results"][stage.value] = result.to_dict()
    state["turns"] += 1
    anger = state["anger"] + _ANGER_CHANGE[result.verdict] + (SEVERE_ANGER if result.severe else 0)
    state["anger"] = max(MIN_ANGER, min(MAX_ANGER, anger))
    if anger > MAX_ANGER:
        state["finished"] = True
        state["outcome"] = Outcome.HUNG_UP.value
        lines: tuple[str, ...] = (script.harsh[language], t(language, "practice.client.hangs_up"))
        return Step(state, stage, result, lines, True)

    if stage is Stage.PROPOSE:
        lines = _propose(scenario, state, language, reply, result)
    elif result.verdict is Verdict.BAD and state["attempt"] < TRIES_PER_STAGE:
        state["attempt"] += 1
        lines = (script.harsh[language],)
    else:
        lines = _advance(scenario, state, language)
    return Step(state, stage, result, lines, bool(state["finished"]))


def _propose(
    scenario: Scenario, state: State, language: Language, reply: str, result: ScoreResult
) -> tuple[str, ...]:
    solution = scenario.solution_in(language, reply)
    if solution is not None and solution.accepted and result.verdict is not Verdict.BAD:
        state["solution"] = solution.id
        return (solution.reaction[language], *_advance(scenario, state, language))
    if solution is not None and not solution.accepted:
        answer = solution.reaction[language]
    elif solution is None and not result.flags:
        answer = t(language, "practice.client.no_solution")
    else:
        answer = scenario.stages[Stage.PROPOSE].harsh[language]
    if state["attempt"] >= PROPOSE_TRIES:
        state["finished"] = True
        state["outcome"] = Outcome.STILL_UNHAPPY.value
        return (answer, t(language, "practice.client.gives_up"))
    state["attempt"] += 1
    return (answer,)


def stop(state: State) -> State:
    """End the session where it stands (the trainee sent /stop)."""
    state = copy.deepcopy(state)
    if not state["finished"]:
        state["finished"] = True
        state["outcome"] = Outcome.CANCELLED.value
    return state


def stage_scores(scenario: Scenario, state: State) -> dict[str, int]:
    """The latest score of each stage on the scenario's path that the trainee reached."""
    results = state["results"]
    return {
        stage.value: int(results[stage.value]["score"])
        for stage in scenario.path
        if stage.value in results
    }


def total_score(scenario: Scenario, state: State) -> int:
    """The mean over the whole path: a stage never reached counts as zero."""
    scores = stage_scores(scenario, state)
    return round(sum(scores.values()) / len(scenario.path))
