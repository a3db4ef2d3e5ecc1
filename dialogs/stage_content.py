"""What the coach shows at each stage, read once from the locale files into frozen dataclasses.

The texts live in `dialogs/locales/<language>/call.yaml` under `call.stage.<stage>`; loading them,
rendering a reply and handling an action are three separate things, so this module only loads.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dialogs.call_flow import WORKING
from dialogs.case_terms import Stage
from dialogs.i18n import Language, catalogue, t, t_list

STAGE_PREFIX = "call.stage."
# The stages the coach advises on; paused and final stages show a status line instead.
COACHED: tuple[Stage, ...] = (*WORKING, Stage.CLOSING)
# The stages the after-call checklist asks a yes/no question about, by the trigger that leaves them.
CHECKLIST: Mapping[Stage, str] = MappingProxyType(
    {
        Stage.LISTEN: "heard_out",
        Stage.CLARIFY: "facts_clear",
        Stage.OWN_ERROR: "error_owned",
        Stage.EXPLAIN: "explained",
        Stage.APOLOGISE: "apologised",
    }
)
WORTH_FIGHTING_THRESHOLD = 2  # two of the six criteria or more: fight for the client


@dataclass(frozen=True, slots=True)
class StageContent:
    """One stage's coaching: a short tip, phrases to use and to avoid, the questions to ask."""

    stage: Stage
    title: str
    tip: str
    phrases: tuple[str, ...]
    avoid: tuple[str, ...]
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorthCheck:
    """The six signs that a client in conflict is worth fighting for."""

    title: str
    criteria: tuple[str, ...]

    def verdict(self, language: Language | str, count: int) -> str:
        key = "call.worth.fight" if count >= WORTH_FIGHTING_THRESHOLD else "call.worth.respect"
        return t(language, key, count=count)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """An after-call question and what to say when the answer is "no"."""

    stage: Stage
    question: str
    feedback: str


def content_stage_names(language: Language) -> frozenset[str]:
    """Every stage name the locale file has content for (a test checks each one exists)."""
    return frozenset(
        key.removeprefix(STAGE_PREFIX).split(".", 1)[0]
        for key in catalogue(language)
        if key.startswith(STAGE_PREFIX)
    )


@functools.cache
def stage_content(language: Language, stage: Stage) -> StageContent:
    """The coaching for `stage` in `language`, loaded once."""
    key = f"{STAGE_PREFIX}{stage.value}"
    return StageContent(
        stage=stage,
        title=t(language, f"terms.stage.{stage.value}"),
        tip=t(language, f"{key}.tip"),
        phrases=t_list(language, f"{key}.phrases"),
        avoid=t_list(language, f"{key}.avoid"),
        prompts=t_list(language, f"{key}.prompts"),
    )


@functools.cache
def worth_check(language: Language) -> WorthCheck:
    return WorthCheck(
        title=t(language, "call.worth.title"), criteria=t_list(language, "call.worth.criteria")
    )


@functools.cache
def checklist(language: Language) -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem(
            stage=stage,
            question=t(language, f"call.after.question.{stage.value}"),
            feedback=t(language, f"call.after.feedback.{stage.value}"),
        )
        for stage in CHECKLIST
    )
