"""Practice mode's use-cases, free of Telegram: start a session, take a reply, stop, review.

The Telegram handlers and the terminal practice call these inside one transaction and render the
plain texts they return (HTML-escaped in Telegram, printed as is in the terminal). The simulated
client's whole state is the JSON in `PracticeSession.state`, so any process can take the next reply;
`Employee.active_practice_id` says which session the employee's typed text belongs to.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs import practice as dialogs_practice
from dialogs.access import Role
from dialogs.i18n import Language, t
from dialogs.practice import Scenario, Scorecard, Step, render_feedback, render_scorecard
from dialogs.practice.client import State
from storage.models import Employee, PracticeSession
from storage.repositories import employees
from storage.repositories import practice as practice_repository

RANDOM = "random"


@dataclass(frozen=True, slots=True)
class Replied:
    """What a typed reply did; `scorecard` is set when it ended the session."""

    practice_id: int
    step: Step
    scorecard: Scorecard | None


def choose_scenario(scenario_id: str) -> Scenario | None:
    """The scenario named, or a random one for `random`; None for an unknown id."""
    if scenario_id == RANDOM:
        return random.choice(list(dialogs_practice.scenarios().values()))
    return dialogs_practice.get_scenario(scenario_id)


async def active_session(session: AsyncSession, employee: Employee) -> PracticeSession | None:
    """The employee's running session, if their pointer still leads to an unfinished one."""
    if employee.active_practice_id is None:
        return None
    practice = await practice_repository.get(session, employee.active_practice_id)
    if practice is None or practice.finished_at is not None or practice.employee_id != employee.id:
        employee.active_practice_id = None
        return None
    return practice


async def start(
    session: AsyncSession, employee: Employee, scenario: Scenario, language: Language
) -> PracticeSession:
    """Open a session on `scenario`; the employee's typed text goes to it from now on."""
    state = dialogs_practice.begin(scenario, language)
    practice = await practice_repository.start(
        session,
        employee_id=employee.id,
        scenario_id=scenario.id,
        language=language.value,
        state=state,
    )
    employee.active_practice_id = practice.id
    await session.flush()
    return practice


def scenario_of(practice: PracticeSession) -> Scenario:
    scenario = dialogs_practice.get_scenario(practice.scenario_id)
    if scenario is None:  # a scenario file removed while a session was running
        raise LookupError(f"practice scenario {practice.scenario_id!r} no longer exists")
    return scenario


async def reply(
    session: AsyncSession, employee: Employee, practice: PracticeSession, text: str
) -> Replied:
    """Score the reply, let the client react, store both; finish the session when it ends."""
    scenario = scenario_of(practice)
    step = dialogs_practice.take_reply(scenario, practice.state, text)
    await practice_repository.add_turn(
        session,
        practice,
        stage=step.stage.value,
        reply=text,
        score=step.result.score,
        result=step.result.to_dict(),
        state=step.state,
    )
    scorecard = await _finish(session, employee, practice, step.state) if step.finished else None
    return Replied(practice.id, step, scorecard)


async def stop(session: AsyncSession, employee: Employee, practice: PracticeSession) -> Scorecard:
    """End the session where it stands (/stop) and return its scorecard."""
    return await _finish(session, employee, practice, dialogs_practice.stop(practice.state))


async def _finish(
    session: AsyncSession,
    employee: Employee,
    practice: PracticeSession,
    state: State,
) -> Scorecard:
    scenario = scenario_of(practice)
    earlier = await practice_repository.finished_of(
        session, practice.employee_id, exclude_id=practice.id
    )
    await practice_repository.finish(
        session,
        practice,
        total_score=dialogs_practice.total_score(scenario, state),
        stage_scores=dialogs_practice.stage_scores(scenario, state),
        state=state,
    )
    if employee.active_practice_id == practice.id:
        employee.active_practice_id = None
    await session.flush()
    return dialogs_practice.build_scorecard(
        scenario, state, [s.total_score for s in earlier if s.total_score is not None]
    )


def client_text(language: Language, anger: int, lines: Sequence[str], stage: str | None) -> str:
    """What the client says, with their anger, and whose move it is (plain text)."""
    text = t(language, "practice.client_says", anger="🌡" * anger, lines="\n".join(lines))
    if stage is not None:
        stage_name = t(language, f"terms.stage.{stage}")
        text += "\n\n" + t(language, "practice.your_move", stage=stage_name)
    return text


def reply_text(language: Language, replied: Replied) -> str:
    """How a scored reply reads (plain text): the feedback, the client's answer, the scorecard."""
    step = replied.step
    parts = [
        render_feedback(step.result, language),
        client_text(
            language,
            int(step.state["anger"]),
            step.client_lines,
            None if step.finished else str(step.state["stage"]),
        ),
    ]
    if replied.scorecard is not None:
        parts.append(render_scorecard(replied.scorecard, language))
    return "\n\n".join(parts)


def opening_text(language: Language, scenario: Scenario, state: State) -> str:
    """The client's opening lines at the start of a session (or when it is resumed)."""
    stage = str(state["stage"])
    script = scenario.stages[dialogs_practice.current_stage(state)]
    lines = (
        dialogs_practice.opening_lines(scenario, language)
        if state["turns"] == 0
        else (script.client[language],)
    )
    return client_text(language, int(state["anger"]), lines, stage)


def intro_text(language: Language, scenario: Scenario) -> str:
    """Who the client is and what happened (the title is shown by the caller)."""
    return t(
        language,
        "practice.started",
        persona=scenario.persona[language],
        situation=scenario.situation[language],
    )


def hint_text(language: Language, practice: PracticeSession) -> str:
    scenario = scenario_of(practice)
    stage = dialogs_practice.current_stage(practice.state)
    return t(
        language,
        "practice.hint",
        stage=t(language, f"terms.stage.{stage.value}"),
        note=scenario.stages[stage].note[language],
    )


@dataclass(frozen=True, slots=True)
class TraineeRow:
    """One employee in /trainees: their finished sessions, oldest first."""

    name: str
    role: Role
    sessions: tuple[PracticeSession, ...]


async def trainees_overview(session: AsyncSession) -> list[TraineeRow]:
    """Every trainee (practised or not) and everyone else who practised, with their sessions."""
    by_employee: dict[int, list[PracticeSession]] = defaultdict(list)
    for practice in await practice_repository.all_finished(session):
        by_employee[practice.employee_id].append(practice)
    rows = []
    for employee in await employees.list_all(session):
        if employee.role == Role.TRAINEE or employee.id in by_employee:
            rows.append(
                TraineeRow(employee.name, Role(employee.role), tuple(by_employee[employee.id]))
            )
    return rows


def trainee_lines(language: Language, row: TraineeRow, zone: ZoneInfo) -> list[str]:
    """Plain-text lines for one employee: a summary, then each session with its stage scores."""
    role = t(language, f"role.{row.role.value}")
    if not row.sessions:
        return [t(language, "practice.trainees.nothing_yet", name=row.name, role=role)]
    totals = [s.total_score or 0 for s in row.sessions]
    lines = [
        t(
            language,
            "practice.trainees.employee",
            name=row.name,
            role=role,
            count=len(row.sessions),
            average=round(statistics.mean(totals)),
        )
    ]
    for number, practice in enumerate(row.sessions, start=1):
        scenario = dialogs_practice.get_scenario(practice.scenario_id)
        title = scenario.title[language] if scenario else practice.scenario_id
        stages = " · ".join(
            f"{t(language, f'terms.stage.{stage}')} {score}"
            for stage, score in (practice.stage_scores or {}).items()
        )
        lines.append(
            t(
                language,
                "practice.trainees.session",
                number=number,
                date=practice.started_at.astimezone(zone).strftime("%d.%m.%Y"),
                title=title,
                total=practice.total_score or 0,
                stages=stages or "—",
            )
        )
    return lines
