"""Practice scenarios: YAML files in `dialogs/scenarios/`, loaded once into frozen dataclasses.

One file holds one scenario in both languages: who the client is, what happened, whose fault it
truly was, what the client says when each stage begins and when the trainee does badly (the
harsher "second round"), which solutions they accept or reject, a note and a model reply per stage.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from dialogs.case_terms import Fault, SolutionKind, Stage
from dialogs.i18n import Language
from dialogs.scoring.patterns import Matcher, Pattern, compile_pattern
from dialogs.scoring.text import analyse

SCENARIOS_DIR = Path(__file__).parents[1] / "scenarios"

# The client cannot tell "ours" from "a colleague's": to them the company is one. Where the
# client is at fault, or nobody knows yet, the trainee explains instead of owning an error.
_OWNING_FAULTS = frozenset({Fault.OURS, Fault.COLLEAGUE, Fault.SHARED})


def stage_path(fault: Fault) -> tuple[Stage, ...]:
    """The stages a practice call goes through, given whose fault it truly was."""
    middle = Stage.OWN_ERROR if fault in _OWNING_FAULTS else Stage.EXPLAIN
    return (Stage.LISTEN, Stage.CLARIFY, middle, Stage.PROPOSE, Stage.APOLOGISE, Stage.FOLLOW_UP)


Localised = Mapping[Language, str]


@dataclass(frozen=True, slots=True)
class StageScript:
    """What the client says when the stage begins and after a bad reply; note and model reply."""

    client: Localised
    harsh: Localised
    note: Localised
    model: Localised


@dataclass(frozen=True, slots=True)
class Solution:
    """A solution the trainee may offer: recognised by keywords, accepted or not by this client."""

    id: str
    kind: SolutionKind
    accepted: bool
    keywords: Mapping[Language, tuple[Pattern, ...]]
    reaction: Localised


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: Localised
    persona: Localised
    situation: Localised
    fault: Fault
    anger: int
    opening: Mapping[Language, tuple[str, ...]]
    stages: Mapping[Stage, StageScript]
    solutions: tuple[Solution, ...]
    matchers: Mapping[Language, Matcher]

    @property
    def path(self) -> tuple[Stage, ...]:
        return stage_path(self.fault)

    def solution_in(self, language: Language, reply: str) -> Solution | None:
        """The solution a propose-stage reply offers: an accepted one wins over a rejected one."""
        found = self.matchers[language].find(
            analyse(language, reply), negatable=[s.id for s in self.solutions]
        )
        offered = {match.rule for match in found}
        by_preference = sorted(self.solutions, key=lambda solution: not solution.accepted)
        return next((s for s in by_preference if s.id in offered), None)


def _localised(raw: Any, where: str) -> Localised:
    if not isinstance(raw, Mapping) or {str(k) for k in raw} != {lang.value for lang in Language}:
        raise ValueError(
            f"{where}: needs exactly the languages {[lang.value for lang in Language]}"
        )
    texts = {Language(key): str(value).strip() for key, value in raw.items()}
    if not all(texts.values()):
        raise ValueError(f"{where}: a text is empty")
    return MappingProxyType(texts)


def _lines(raw: Any, where: str) -> Mapping[Language, tuple[str, ...]]:
    if not isinstance(raw, Mapping) or {str(k) for k in raw} != {lang.value for lang in Language}:
        raise ValueError(
            f"{where}: needs exactly the languages {[lang.value for lang in Language]}"
        )
    lines = {
        Language(key): tuple(str(line).strip() for line in value) for key, value in raw.items()
    }
    if not all(lines.values()):
        raise ValueError(f"{where}: needs at least one line in each language")
    return MappingProxyType(lines)


def parse_scenario(raw: Mapping[str, Any], source: str) -> Scenario:
    """Build and check one scenario; raises ValueError naming the file and what is wrong."""
    scenario_id = str(raw["id"])
    where = f"{source} ({scenario_id})"
    fault = Fault(raw["fault"])
    anger = int(raw.get("anger", 4))
    if not 1 <= anger <= 5:
        raise ValueError(f"{where}: anger must be 1-5")
    path = stage_path(fault)
    stages: dict[Stage, StageScript] = {}
    for name, body in raw["stages"].items():
        stage = Stage(name)
        if stage not in path:
            raise ValueError(f"{where}: stage {name!r} is not on the path for fault {fault}")
        # The opening lines are what the client says at `listen`; later stages have their own.
        client = body.get("client") or (
            {lang: "\n".join(lines) for lang, lines in raw["opening"].items()}
            if stage is Stage.LISTEN
            else None
        )
        stages[stage] = StageScript(
            client=_localised(client, f"{where} {name}.client"),
            harsh=_localised(body["harsh"], f"{where} {name}.harsh"),
            note=_localised(body["note"], f"{where} {name}.note"),
            model=_localised(body["model"], f"{where} {name}.model"),
        )
    if missing := [stage.value for stage in path if stage not in stages]:
        raise ValueError(f"{where}: no script for stages {missing}")
    solutions = tuple(
        Solution(
            id=str(body["id"]),
            kind=SolutionKind(body["kind"]),
            accepted=bool(body["accepted"]),
            keywords=MappingProxyType(
                {
                    lang: tuple(compile_pattern(lang, p) for p in body["keywords"][lang.value])
                    for lang in Language
                }
            ),
            reaction=_localised(body["reaction"], f"{where} solution {body['id']}"),
        )
        for body in raw["solutions"]
    )
    if not any(solution.accepted for solution in solutions):
        raise ValueError(f"{where}: the client accepts no solution")
    if not all(all(s.keywords.values()) for s in solutions):
        raise ValueError(f"{where}: every solution needs keywords in each language")
    matchers = {
        lang: Matcher(lang, {s.id: s.keywords[lang] for s in solutions}) for lang in Language
    }
    return Scenario(
        id=scenario_id,
        title=_localised(raw["title"], f"{where} title"),
        persona=_localised(raw["persona"], f"{where} persona"),
        situation=_localised(raw["situation"], f"{where} situation"),
        fault=fault,
        anger=anger,
        opening=_lines(raw["opening"], f"{where} opening"),
        stages=MappingProxyType(stages),
        solutions=solutions,
        matchers=MappingProxyType(matchers),
    )


@functools.cache
def scenarios() -> Mapping[str, Scenario]:
    """Every scenario by id, in file-name order; loaded once per process."""
    loaded: dict[str, Scenario] = {}
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        scenario = parse_scenario(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        if scenario.id in loaded:
            raise ValueError(f"{path.name}: scenario id {scenario.id!r} is used twice")
        loaded[scenario.id] = scenario
    return MappingProxyType(loaded)


def get_scenario(scenario_id: str) -> Scenario | None:
    return scenarios().get(scenario_id)
