"""Every scenario file loads, in both languages, naming only stages and faults that exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dialogs.case_terms import Fault, Stage
from dialogs.i18n import Language
from dialogs.practice import scenarios, stage_path
from dialogs.practice.scenarios import SCENARIOS_DIR, Scenario, parse_scenario
from dialogs.scoring import Verdict, score_reply
from dialogs.scoring.patterns import is_russian_lemma, lemma_words

FILES = sorted(SCENARIOS_DIR.glob("*.yaml"))
FROM_THE_SOURCE_POSTS = {
    "burned_it_client",
    "b2b_wrong_item",
    "clinic_late_patient",
    "restaurant_cheese",
    "you_owe_me",
    "hiding_seller",
}


def _raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(params=FILES, ids=[path.stem for path in FILES])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    path: Path = request.param
    return parse_scenario(_raw(path), path.name)


def test_there_are_at_least_ten_scenarios_including_the_six_from_the_source_posts() -> None:
    assert len(scenarios()) >= 10
    assert set(scenarios()) >= FROM_THE_SOURCE_POSTS
    assert len(FILES) == len(scenarios())


def test_a_scenario_has_every_text_in_both_languages(scenario: Scenario) -> None:
    for texts in (scenario.title, scenario.persona, scenario.situation):
        assert set(texts) == set(Language)
    assert all(scenario.opening[language] for language in Language)
    for stage in scenario.path:
        script = scenario.stages[stage]
        for texts in (script.client, script.harsh, script.note, script.model):
            assert set(texts) == set(Language)
            assert all(texts.values())


def test_a_scenario_scripts_exactly_the_stages_of_its_fault(scenario: Scenario) -> None:
    assert set(scenario.stages) == set(stage_path(scenario.fault))


def test_the_client_accepts_at_least_one_solution(scenario: Scenario) -> None:
    assert any(solution.accepted for solution in scenario.solutions)


@pytest.mark.parametrize("language", list(Language))
def test_every_model_reply_scores_good_at_its_stage(scenario: Scenario, language: Language) -> None:
    for stage in scenario.path:
        result = score_reply(stage, language, scenario.stages[stage].model[language])
        assert result.verdict is Verdict.GOOD, (stage, result.to_dict())
        assert result.flags == ()


@pytest.mark.parametrize("language", list(Language))
def test_the_model_proposal_offers_a_solution_the_client_accepts(
    scenario: Scenario, language: Language
) -> None:
    solution = scenario.solution_in(language, scenario.stages[Stage.PROPOSE].model[language])
    assert solution is not None
    assert solution.accepted


def test_solution_keywords_in_russian_are_dictionary_forms(scenario: Scenario) -> None:
    wrong = [
        (solution.id, word)
        for solution in scenario.solutions
        for pattern in solution.keywords[Language.RU]
        for word in lemma_words(pattern)
        if not is_russian_lemma(word)
    ]
    assert wrong == []


def test_the_path_goes_through_owning_the_error_only_when_it_is_ours() -> None:
    assert Stage.OWN_ERROR in stage_path(Fault.COLLEAGUE)
    assert Stage.EXPLAIN in stage_path(Fault.CLIENT)
    assert Stage.EXPLAIN not in stage_path(Fault.OURS)


def _broken(change: str) -> dict[str, Any]:
    raw = _raw(FILES[0])
    if change == "missing language":
        del raw["situation"]["en"]
    elif change == "unknown fault":
        raw["fault"] = "nobody"
    elif change == "stage off the path":
        raw["stages"]["explain"] = raw["stages"]["clarify"]
    elif change == "missing stage":
        del raw["stages"]["apologise"]
    elif change == "nothing accepted":
        for solution in raw["solutions"]:
            solution["accepted"] = False
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing language", "languages"),
        ("unknown fault", "nobody"),
        ("stage off the path", "not on the path"),
        ("missing stage", "no script"),
        ("nothing accepted", "accepts no solution"),
    ],
)
def test_a_broken_scenario_file_is_refused_with_a_reason(change: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_scenario(_broken(change), "broken.yaml")
