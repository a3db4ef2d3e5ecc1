"""The end of a practice session: a scorecard per stage, model replies and the trainee's trend.

Rendering produces plain text; the Telegram layer escapes it for HTML as a whole, the terminal
prints it as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.case_terms import Stage
from dialogs.i18n import Language, t
from dialogs.practice.client import State, total_score
from dialogs.practice.scenarios import Scenario
from dialogs.scoring import ScoreResult


@dataclass(frozen=True, slots=True)
class StageCard:
    stage: Stage
    result: ScoreResult | None  # None: the call never got this far
    note: str
    model: str


@dataclass(frozen=True, slots=True)
class Scorecard:
    scenario_id: str
    title: str
    outcome: str
    total: int
    stages: tuple[StageCard, ...]
    earlier_totals: tuple[int, ...]


def build_scorecard(
    scenario: Scenario, state: State, earlier_totals: Sequence[int] = ()
) -> Scorecard:
    """The scorecard of a finished (or stopped) session; `earlier_totals` oldest first."""
    language = Language(state["language"])
    results = state["results"]
    cards = tuple(
        StageCard(
            stage=stage,
            result=ScoreResult.from_dict(results[stage.value]) if stage.value in results else None,
            note=scenario.stages[stage].note[language],
            model=scenario.stages[stage].model[language],
        )
        for stage in scenario.path
    )
    return Scorecard(
        scenario_id=scenario.id,
        title=scenario.title[language],
        outcome=str(state["outcome"] or "cancelled"),
        total=total_score(scenario, state),
        stages=cards,
        earlier_totals=tuple(earlier_totals),
    )


def render_trend(language: Language, earlier: Sequence[int], total: int) -> str:
    if not earlier:
        return t(language, "practice.trend.first", score=total)
    change = total - earlier[-1]
    shown = " → ".join(str(score) for score in earlier[-5:])
    return t(
        language,
        "practice.trend.line",
        earlier=shown,
        score=total,
        change=f"{change:+d}",
        best=max(earlier),
    )


def render_scorecard(card: Scorecard, language: Language) -> str:
    """The scorecard as plain text: per stage the points hit, missed and lost, with the words."""
    lines = [
        t(language, "practice.scorecard.title", title=card.title),
        t(language, f"practice.outcome.{card.outcome}"),
        t(language, "practice.scorecard.total", score=card.total),
        "",
    ]
    for stage_card in card.stages:
        stage_name = t(language, f"terms.stage.{stage_card.stage.value}")
        result = stage_card.result
        if result is None:
            lines.append(t(language, "practice.scorecard.not_reached", stage=stage_name))
        else:
            lines.append(
                t(
                    language,
                    "practice.scorecard.stage",
                    stage=stage_name,
                    score=result.score,
                    verdict=t(language, f"practice.verdict.{result.verdict.value}"),
                )
            )
            # Each point names its rule; hits and flags also show the words that triggered them.
            for kind, points in (
                ("hit", result.hits),
                ("miss", result.misses),
                ("flag", result.flags),
            ):
                lines.extend(
                    t(
                        language,
                        f"practice.scorecard.{kind}",
                        rule=t(language, f"practice.rule.{point.rule}"),
                        points=point.points,
                        evidence=point.evidence,
                    )
                    for point in points
                )
        lines.append(t(language, "practice.scorecard.model", text=stage_card.model))
        lines.append("")
    lines.append(render_trend(language, card.earlier_totals, card.total))
    return "\n".join(lines)


def render_feedback(result: ScoreResult, language: Language) -> str:
    """A one-glance line after each reply: the score and what earned or lost it."""
    parts = [
        t(
            language,
            "practice.feedback.score",
            stage=t(language, f"terms.stage.{result.stage.value}"),
            score=result.score,
            verdict=t(language, f"practice.verdict.{result.verdict.value}"),
        )
    ]
    parts += [
        t(
            language,
            "practice.feedback.hit",
            rule=t(language, f"practice.rule.{hit.rule}"),
            evidence=hit.evidence,
        )
        for hit in result.hits
    ]
    parts += [
        t(
            language,
            "practice.feedback.flag",
            rule=t(language, f"practice.rule.{flag.rule}"),
            evidence=flag.evidence,
        )
        for flag in result.flags
    ]
    parts += [t(language, "practice.feedback.tip", tip=tip) for tip in result.tips[:1]]
    return "\n".join(parts)
