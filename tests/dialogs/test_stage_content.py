"""Stage content: every coached stage has its tip, phrases and prompts in both languages."""

from __future__ import annotations

import pytest

from dialogs.case_terms import Stage
from dialogs.i18n import Language
from dialogs.stage_content import (
    COACHED,
    checklist,
    content_stage_names,
    stage_content,
    worth_check,
)

ON_THE_CALL = [stage for stage in COACHED if stage is not Stage.CLOSING]


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_content_names_only_stages_that_exist_and_covers_every_coached_one(
    language: Language,
) -> None:
    names = content_stage_names(language)
    assert names <= {stage.value for stage in Stage}
    assert names == {stage.value for stage in COACHED}


@pytest.mark.parametrize("language", list(Language), ids=str)
@pytest.mark.parametrize("stage", ON_THE_CALL, ids=str)
def test_each_stage_on_the_call_fits_a_phone_screen(language: Language, stage: Stage) -> None:
    content = stage_content(language, stage)
    assert content.tip
    assert 2 <= len(content.phrases) <= 3
    assert 1 <= len(content.avoid) <= 3
    assert content.prompts
    assert len(content.tip) + sum(len(phrase) for phrase in content.phrases) < 700


@pytest.mark.parametrize("stage", COACHED, ids=str)
def test_both_languages_give_the_same_number_of_phrases(stage: Stage) -> None:
    russian, english = stage_content(Language.RU, stage), stage_content(Language.EN, stage)
    assert len(russian.phrases) == len(english.phrases)
    assert len(russian.avoid) == len(english.avoid)
    assert len(russian.prompts) == len(english.prompts)


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_six_criteria_and_two_of_them_mean_fight(language: Language) -> None:
    worth = worth_check(language)
    assert len(worth.criteria) == 6
    assert worth.verdict(language, 2) != worth.verdict(language, 1).replace("1", "2")
    assert "2" in worth.verdict(language, 2)


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_the_after_call_checklist_asks_a_question_and_has_feedback_per_step(
    language: Language,
) -> None:
    items = checklist(language)
    assert [item.stage for item in items] == [
        Stage.LISTEN,
        Stage.CLARIFY,
        Stage.OWN_ERROR,
        Stage.EXPLAIN,
        Stage.APOLOGISE,
    ]
    assert all(item.question.endswith("?") and item.feedback for item in items)


def test_the_content_is_loaded_once() -> None:
    assert stage_content(Language.RU, Stage.LISTEN) is stage_content(Language.RU, Stage.LISTEN)
