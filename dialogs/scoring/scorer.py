"""Scoring one reply at one stage: the points it earned, the ones it missed, what lost points.

Every point names its rule and the exact words of the reply that triggered it, so a trainee (or a
supervisor reviewing a real case) can see why, not just how much.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dialogs.case_terms import Stage
from dialogs.i18n import Language, t
from dialogs.scoring.patterns import Found
from dialogs.scoring.rubric import Rubric, rubric
from dialogs.scoring.text import analyse

MAX_TIPS = 3


class Verdict(StrEnum):
    GOOD = "good"
    NEEDS_WORK = "needs_work"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class Point:
    """A rule that fired, the words that fired it, and the points it was worth (± )."""

    rule: str
    evidence: str
    points: int


@dataclass(frozen=True, slots=True)
class ScoreResult:
    stage: Stage
    language: Language
    score: int
    verdict: Verdict
    hits: tuple[Point, ...]
    misses: tuple[Point, ...]
    flags: tuple[Point, ...]
    tips: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the scoring contract (PRODUCT.md §5)."""
        return {
            "stage": self.stage.value,
            "lang": self.language.value,
            "score": self.score,
            "verdict": self.verdict.value,
            "hits": [{"rule": p.rule, "evidence": p.evidence} for p in self.hits],
            "misses": [{"rule": p.rule, "points": p.points} for p in self.misses],
            "flags": [{"rule": p.rule, "evidence": p.evidence} for p in self.flags],
            "tips": list(self.tips),
        }

    @property
    def severe(self) -> bool:
        severe_rules = {p.rule for p in rubric().penalties if p.severe}
        return any(flag.rule in severe_rules for flag in self.flags)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreResult:
        """Read back a stored result (a practice session's state keeps them as JSON)."""
        points = rubric().stage_points[Stage(data["stage"])]
        earned = dict(points)
        lost = {p.rule: p.points for p in rubric().penalties}
        return cls(
            stage=Stage(data["stage"]),
            language=Language(data["lang"]),
            score=int(data["score"]),
            verdict=Verdict(data["verdict"]),
            hits=tuple(
                Point(h["rule"], h["evidence"], earned.get(h["rule"], 0)) for h in data["hits"]
            ),
            misses=tuple(Point(m["rule"], "", int(m["points"])) for m in data["misses"]),
            flags=tuple(
                Point(f["rule"], f["evidence"], -lost.get(f["rule"], 0)) for f in data["flags"]
            ),
            tips=tuple(data["tips"]),
        )


def _first_per_rule(found: list[Found], rules: Rubric) -> dict[str, Found]:
    """The first surviving match of each rule, after cancellations (see rubrics.yaml)."""

    def cancelled(victim: Found) -> bool:
        for match in found:
            scope = rules.rules[match.rule].cancels.get(victim.rule)
            if scope == "sentence" and match.sentence == victim.sentence:
                return True
            if scope == "words" and match.first <= victim.last and victim.first <= match.last:
                return True
        return False

    first: dict[str, Found] = {}
    for match in found:
        if match.rule not in first and not cancelled(match):
            first[match.rule] = match
    return first


def score_reply(stage: Stage | str, language: Language | str, text: str) -> ScoreResult:
    """Score `text` as the employee's reply at `stage`.

    Raises:
        ValueError: `stage` is not a stage that replies are scored at.
    """
    stage, language = Stage(stage), Language(language)
    rules = rubric()
    if stage not in rules.stage_points:
        raise ValueError(f"replies are not scored at stage {stage.value!r}")
    found = rules.matchers[language].find(analyse(language, text), negatable=rules.earning_rules)
    first = _first_per_rule(found, rules)
    hits: list[Point] = []
    misses: list[Point] = []
    for rule, points in rules.stage_points[stage]:
        if rule in first:
            hits.append(Point(rule, first[rule].evidence, points))
        else:
            misses.append(Point(rule, "", points))
    flags = [
        Point(penalty.rule, first[penalty.rule].evidence, -penalty.points)
        for penalty in rules.penalties
        if penalty.rule in first
    ]
    score = sum(p.points for p in hits) + sum(p.points for p in flags)
    score = max(0, min(100, score))
    severe = any(p.severe and p.rule in first for p in rules.penalties)
    if severe or score < rules.needs_work_from:
        verdict = Verdict.BAD
    elif score < rules.good_from:
        verdict = Verdict.NEEDS_WORK
    else:
        verdict = Verdict.GOOD
    tips = [t(language, f"practice.tip.{p.rule}") for p in flags]
    tips += [t(language, f"practice.tip.{p.rule}") for p in misses]
    return ScoreResult(
        stage=stage,
        language=language,
        score=score,
        verdict=verdict,
        hits=tuple(hits),
        misses=tuple(misses),
        flags=tuple(flags),
        tips=tuple(dict.fromkeys(tips))[:MAX_TIPS],
    )
