"""The simulated client: whole sessions to a good and a bad ending, and the state in between."""

from __future__ import annotations

import json

from dialogs.case_terms import Outcome, Stage
from dialogs.i18n import Language, t
from dialogs.practice import (
    begin,
    build_scorecard,
    current_stage,
    get_scenario,
    is_finished,
    render_scorecard,
    stop,
    take_reply,
    total_score,
)
from dialogs.practice.client import State
from dialogs.practice.scenarios import Scenario

RU, EN = Language.RU, Language.EN


def _scenario(scenario_id: str) -> Scenario:
    scenario = get_scenario(scenario_id)
    assert scenario is not None
    return scenario


def _through_json(state: State) -> State:
    """What another process reads back from the database."""
    loaded: State = json.loads(json.dumps(state))
    return loaded


def test_model_replies_bring_the_client_round_to_a_good_ending() -> None:
    scenario = _scenario("clinic_late_patient")
    state = begin(scenario, RU)
    stages = []
    while not is_finished(state):
        stage = current_stage(state)
        stages.append(stage)
        step = take_reply(scenario, _through_json(state), scenario.stages[stage].model[RU])
        state = step.state
    assert stages == list(scenario.path)
    assert state["outcome"] == Outcome.RESOLVED
    assert state["solution"] == "free_revisit"
    assert state["anger"] == 1
    assert step.client_lines == (t(RU, "practice.client.goodbye_warm"),)
    assert total_score(scenario, state) >= 90


def test_rude_replies_make_the_client_hang_up() -> None:
    scenario = _scenario("telecom_outage")
    state = begin(scenario, EN)
    first = take_reply(scenario, state, "Calm down. Have you tried restarting the router?")
    assert first.client_lines == (scenario.stages[Stage.LISTEN].harsh[EN],)
    assert current_stage(first.state) is Stage.LISTEN
    assert first.state["anger"] == 5
    second = take_reply(scenario, first.state, "Whatever. Not my problem, talk to billing.")
    assert second.finished
    assert second.state["outcome"] == Outcome.HUNG_UP
    assert second.client_lines[-1] == t(EN, "practice.client.hangs_up")
    assert total_score(scenario, second.state) == 0


def test_a_good_reply_calms_the_client_and_moves_to_the_next_stage() -> None:
    scenario = _scenario("wrong_bill")
    step = take_reply(
        scenario,
        begin(scenario, RU),
        "Понимаю, как это тревожно. Спасибо, что позвонили, я вас слушаю.",
    )
    assert current_stage(step.state) is Stage.CLARIFY
    assert step.state["anger"] == scenario.anger - 1
    assert step.client_lines == (scenario.stages[Stage.CLARIFY].client[RU],)


def test_a_second_bad_reply_at_a_stage_moves_on_anyway() -> None:
    scenario = _scenario("restaurant_cheese")  # starts at anger 3: room for two bad replies
    state = begin(scenario, EN)
    state = take_reply(scenario, state, "Hmm.").state
    assert current_stage(state) is Stage.LISTEN
    state = take_reply(scenario, state, "Okay.").state
    assert current_stage(state) is Stage.CLARIFY
    assert state["anger"] == 5


def _at_propose(scenario: Scenario, language: Language) -> State:
    state = begin(scenario, language)
    while current_stage(state) is not Stage.PROPOSE:
        stage = current_stage(state)
        state = take_reply(scenario, state, scenario.stages[stage].model[language]).state
    return state


def test_the_client_turns_down_a_solution_that_is_not_on_their_list() -> None:
    scenario = _scenario("wrong_bill")
    state = _at_propose(scenario, EN)
    step = take_reply(
        scenario, state, "We can put the amount towards next month's bill, starting today."
    )
    rejected = next(s for s in scenario.solutions if s.id == "credit_next_month")
    assert step.client_lines == (rejected.reaction[EN],)
    assert current_stage(step.state) is Stage.PROPOSE
    accepted = take_reply(
        scenario, step.state, "Then we'll refund the charge to your card today. Is that okay?"
    )
    assert accepted.state["solution"] == "refund_card"
    assert current_stage(accepted.state) is Stage.APOLOGISE


def test_a_proposal_without_any_solution_is_asked_about() -> None:
    scenario = _scenario("late_delivery")
    state = _at_propose(scenario, RU)
    step = take_reply(scenario, state, "Мы обязательно что-нибудь придумаем.")
    assert step.client_lines == (t(RU, "practice.client.no_solution"),)


def test_three_turned_down_proposals_end_with_an_unhappy_client() -> None:
    scenario = _scenario("late_delivery")
    state = _at_propose(scenario, RU)
    for _ in range(3):
        step = take_reply(scenario, state, "Могу предложить промокод на следующий заказ.")
        state = step.state
    assert step.finished
    assert state["outcome"] == Outcome.STILL_UNHAPPY
    assert step.client_lines[-1] == t(RU, "practice.client.gives_up")


def test_stopping_ends_the_session_where_it_stands() -> None:
    scenario = _scenario("rude_courier")
    state = stop(begin(scenario, EN))
    assert is_finished(state)
    assert state["outcome"] == Outcome.CANCELLED


def test_the_scorecard_names_the_words_behind_each_point_and_the_trend() -> None:
    scenario = _scenario("hiding_seller")
    state = begin(scenario, RU)
    state = take_reply(
        scenario, state, "Понимаю вас. Это не мой отдел, но я вас слушаю, продолжайте."
    ).state
    state = stop(state)
    text = render_scorecard(build_scorecard(scenario, state, [20, 35]), RU)
    assert "✓ сочувствие (+40): «Понимаю»" in text
    assert "⚠ перекладывание ответственности (-30): «не мой отдел»" in text
    assert "✗ благодарность (не набрано 20)" in text
    assert scenario.stages[Stage.FOLLOW_UP].model[RU] in text
    assert "Уточнить: не дошли" in text
    assert "Прошлые тренировки: 20 → 35." in text
