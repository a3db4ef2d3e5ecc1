"""Whole cases through the real application, in both languages, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from dialogs.i18n import t
from storage.models import FollowUp
from tests.bot.call_support import (
    cases_in,
    database,
    label,
    latest,
    root_cause,
    screen,
    solution,
    tap,
    taps,
    team,
    transitions,
)
from tests.support.offline_telegram import CoachHarness, coach_harness

LANGUAGES = ["ru", "en"]


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        yield harness


def department(language: str, name: str) -> str:
    return t(language, f"call.department.{name}")


def opening(language: str) -> list[str]:
    return ["🌡4", label(language, "heard_out"), label(language, "facts_clear")]


def closing(language: str, cause: str, dept: str | None) -> list[str]:
    chosen = [root_cause(language, cause)]
    if dept:
        chosen.append(department(language, dept))
    return [*chosen, label(language, "close"), "4"]


def no_call_back(language: str, reason: str) -> list[str]:
    return [label(language, "no_follow_up"), label(language, reason)]


Walk = Callable[[str], list[str]]

BRANCHES: dict[str, tuple[Walk, dict[str, object], list[str]]] = {
    "our-fault": (
        lambda lang: [
            *opening(lang),
            label(lang, "fault_ours"),
            label(lang, "error_owned"),
            solution(lang, "replace"),
            label(lang, "accepted"),
            label(lang, "apologised"),
            *no_call_back(lang, "reason_solved"),
            *closing(lang, "product", "sales"),
        ],
        {"fault": "ours", "department": "sales", "root_cause": "product", "outcome": "resolved"},
        [
            "heard_out",
            "facts_clear",
            "fault_ours",
            "error_owned",
            "accepted",
            "apologised",
            "no_follow_up",
            "close",
        ],
    ),
    "colleague-fault": (
        lambda lang: [
            *opening(lang),
            label(lang, "fault_colleague"),
            department(lang, "delivery"),
            label(lang, "error_owned"),
            solution(lang, "refund"),
            label(lang, "accepted"),
            label(lang, "apologised"),
            label(lang, "tomorrow"),
            label(lang, "resolved"),
            *closing(lang, "delivery", None),
        ],
        {
            "fault": "colleague",
            "department": "delivery",
            "root_cause": "delivery",
            "outcome": "resolved_after_follow_up",
        },
        [
            "heard_out",
            "facts_clear",
            "fault_colleague",
            "error_owned",
            "accepted",
            "apologised",
            "schedule",
            "resolved",
            "close",
        ],
    ),
    "client-fault": (
        lambda lang: [
            *opening(lang),
            label(lang, "fault_client"),
            label(lang, "explained"),
            solution(lang, "discount"),
            label(lang, "accepted"),
            label(lang, "apologised"),
            *no_call_back(lang, "reason_declined"),
            *closing(lang, "communication", "other"),
        ],
        {
            "fault": "client",
            "department": "other",
            "root_cause": "communication",
            "outcome": "resolved",
        },
        [
            "heard_out",
            "facts_clear",
            "fault_client",
            "explained",
            "accepted",
            "apologised",
            "no_follow_up",
            "close",
        ],
    ),
    "unclear": (
        lambda lang: [
            *opening(lang),
            label(lang, "fault_unclear"),
            label(lang, "explained"),
            solution(lang, "gesture"),
            label(lang, "accepted"),
            label(lang, "apologised"),
            *no_call_back(lang, "reason_solved"),
            *closing(lang, "other", "support"),
        ],
        {"fault": "unclear", "department": "support", "root_cause": "other", "outcome": "resolved"},
        [
            "heard_out",
            "facts_clear",
            "fault_unclear",
            "explained",
            "accepted",
            "apologised",
            "no_follow_up",
            "close",
        ],
    ),
    "hung-up": (
        lambda lang: [
            "🌡5",
            label(lang, "heard_out"),
            label(lang, "hung_up"),
            *no_call_back(lang, "reason_declined"),
            *closing(lang, "service", "support"),
        ],
        {"fault": None, "department": "support", "root_cause": "service", "outcome": "hung_up"},
        ["heard_out", "hung_up", "no_follow_up", "close"],
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("branch", list(BRANCHES))
async def test_a_whole_case_is_walked_and_recorded_with_its_timeline(
    coach: CoachHarness, database_url: str, branch: str, language: str
) -> None:
    walk, expected, triggers = BRANCHES[branch]
    _, staff, _ = await team(coach, language)
    [first] = await coach.send(staff, "/call")
    assert t(language, "call.stage.listen.tip") in first.text
    await taps(coach, staff, *walk(language))

    last = latest(coach, staff)
    assert (
        t(language, "call.wellbeing.thanks") in last.text
        or t(language, "call.wellbeing.low") in last.text
    )
    [(case, events)] = await cases_in(database_url)
    assert case.stage == "closed"
    assert case.closed_at is not None
    for field, value in expected.items():
        assert getattr(case, field) == value, field
    assert case.temperature_start in (4, 5)
    assert [trigger for _, _, trigger in transitions(events)] == triggers
    assert transitions(events)[-1][1] == "closed"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_rejected_twice_then_escalated_a_supervisor_takes_it_and_closes(
    coach: CoachHarness, database_url: str, language: str
) -> None:
    admin, staff, supervisor = await team(coach, language)
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        *opening(language),
        label(language, "fault_ours"),
        label(language, "error_owned"),
        solution(language, "replace"),
        label(language, "rejected"),
        solution(language, "refund"),
        label(language, "rejected"),
    )
    assert t(language, "call.view.rejections", count=2) in screen(coach, staff).text
    replies = await tap(coach, staff, label(language, "escalate"))

    alerts = [r for r in replies if r.chat_id in (admin.id, supervisor.id)]
    assert {r.chat_id for r in alerts} == {admin.id, supervisor.id}
    assert t(language, "call.view.escalated") in screen(coach, staff).text

    taken = await tap(coach, supervisor, label(language, "take"))
    assert any(r.chat_id == staff.id and supervisor.first_name in r.text for r in taken)
    stale = await tap(coach, admin, label(language, "take"))
    assert any(r.method == "answerCallbackQuery" and r.params.get("show_alert") for r in stale)
    await taps(
        coach,
        supervisor,
        solution(language, "discount"),
        label(language, "accepted"),
        label(language, "apologised"),
        label(language, "no_follow_up"),
        label(language, "reason_solved"),
        root_cause(language, "billing"),
        t(language, "call.department.billing"),
        label(language, "close"),
        "5",
    )
    [(case, events)] = await cases_in(database_url)
    assert case.stage == "closed"
    assert case.rejection_count == 2
    assert case.escalated is True
    assert case.outcome == "resolved"
    steps = transitions(events)
    assert ("propose", "escalated", "escalate") in steps
    assert ("escalated", "propose", "take") in steps
    supervisor_events = [e for e in events if e.trigger in ("take", "accepted")]
    assert len({e.actor_id for e in supervisor_events}) == 1
    assert case.owner_id == supervisor_events[0].actor_id


async def test_a_follow_up_row_is_kept_with_its_outcome(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        *opening("ru"),
        label("ru", "fault_ours"),
        label("ru", "error_owned"),
        solution("ru", "redo"),
        label("ru", "accepted"),
        label("ru", "apologised"),
        label("ru", "in_3d"),
        label("ru", "still_unhappy"),
    )
    assert t("ru", "terms.stage.propose") in screen(coach, staff).text
    async with database(database_url) as session:
        from sqlalchemy import select

        [row] = (await session.scalars(select(FollowUp))).all()
    assert row.outcome == "still_unhappy"
    assert row.completed_at is not None
