"""The scoring rubric, loaded once from `rubrics.yaml` into frozen dataclasses."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from dialogs.case_terms import Stage
from dialogs.i18n import Language
from dialogs.scoring.patterns import Matcher, Pattern, compile_pattern

RUBRICS_FILE = Path(__file__).parent / "rubrics.yaml"

# The stages a reply can be scored at, in the order of a call.
SCORED_STAGES: tuple[Stage, ...] = (
    Stage.LISTEN,
    Stage.CLARIFY,
    Stage.OWN_ERROR,
    Stage.EXPLAIN,
    Stage.PROPOSE,
    Stage.APOLOGISE,
    Stage.FOLLOW_UP,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A named thing a reply can do, recognised by word patterns in each language."""

    name: str
    patterns: Mapping[Language, tuple[Pattern, ...]]
    # rule cancelled → "sentence" (anywhere in the same sentence) or "words" (overlapping words)
    cancels: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Penalty:
    rule: str
    points: int
    severe: bool


@dataclass(frozen=True, slots=True)
class Rubric:
    """Rules, the penalties that apply at every stage, and what each stage rewards."""

    rules: Mapping[str, Rule]
    penalties: tuple[Penalty, ...]
    stage_points: Mapping[Stage, tuple[tuple[str, int], ...]]
    good_from: int
    needs_work_from: int
    matchers: Mapping[Language, Matcher]
    earning_rules: frozenset[str]  # rules that earn points somewhere: they respect negation


def _rule(name: str, raw: Mapping[str, Any]) -> Rule:
    patterns = {
        language: tuple(compile_pattern(language, source) for source in raw[language.value])
        for language in Language
    }
    cancels = {str(victim): str(scope) for victim, scope in raw.get("cancels", {}).items()}
    if bad := {scope for scope in cancels.values()} - {"sentence", "words"}:
        raise ValueError(f"rule {name}: unknown cancel scope {sorted(bad)}")
    return Rule(name, MappingProxyType(patterns), MappingProxyType(cancels))


def parse_rubric(raw: Mapping[str, Any]) -> Rubric:
    """Build and check a rubric; raises ValueError naming what is wrong."""
    rules = {name: _rule(name, body) for name, body in raw["rules"].items()}
    penalties = tuple(
        Penalty(name, int(body["points"]), bool(body.get("severe", False)))
        for name, body in raw["penalties"].items()
    )
    stage_points = {
        Stage(stage): tuple((rule, int(points)) for rule, points in body.items())
        for stage, body in raw["stages"].items()
    }
    named = {p.rule for p in penalties} | {r for pts in stage_points.values() for r, _ in pts}
    named |= {cancelled for rule in rules.values() for cancelled in rule.cancels}
    if unknown := named - rules.keys():
        raise ValueError(f"rubric names rules it does not define: {sorted(unknown)}")
    if missing := set(SCORED_STAGES) - stage_points.keys():
        raise ValueError(f"rubric has no points for stages {sorted(missing)}")
    for stage, points in stage_points.items():
        if sum(value for _, value in points) != 100:
            raise ValueError(f"the points of stage {stage.value} do not add up to 100")
    matchers = {
        language: Matcher(language, {name: rule.patterns[language] for name, rule in rules.items()})
        for language in Language
    }
    return Rubric(
        rules=MappingProxyType(rules),
        penalties=penalties,
        stage_points=MappingProxyType(stage_points),
        good_from=int(raw["verdicts"]["good"]),
        needs_work_from=int(raw["verdicts"]["needs_work"]),
        matchers=MappingProxyType(matchers),
        earning_rules=frozenset(r for points in stage_points.values() for r, _ in points),
    )


@functools.cache
def rubric() -> Rubric:
    """The rubric, loaded and compiled once per process."""
    return parse_rubric(yaml.safe_load(RUBRICS_FILE.read_text(encoding="utf-8")))
