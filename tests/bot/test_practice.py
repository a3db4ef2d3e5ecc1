"""Practice in Telegram: a trainee picks a scenario, types replies, gets a scorecard; /trainees."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from dialogs.case_terms import Stage
from dialogs.i18n import Language, t
from dialogs.practice import get_scenario
from dialogs.practice.scenarios import Scenario
from tests.support.offline_telegram import CoachHarness, Sent, coach_harness, make_user

ADMIN = make_user(1, first_name="Ирина")
TRAINEE = make_user(2, first_name="Олег")
STAFF = make_user(3, first_name="Mary", language_code="en")


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        await harness.send(ADMIN, "/start")
        for user, role in ((TRAINEE, "trainee"), (STAFF, "staff")):
            [link] = await harness.send(ADMIN, f"/invite {role}")
            code = re.search(r"start=([\w-]+)", link.text)
            assert code is not None
            await harness.send(user, f"/start {code.group(1)}")
        yield harness


def _clinic() -> Scenario:
    scenario = get_scenario("clinic_late_patient")
    assert scenario is not None
    return scenario


async def _pick(coach: CoachHarness, user: object, label: str) -> Sent:
    [menu] = await coach.send(user, "/practice")  # type: ignore[arg-type]
    replies = await coach.press(user, menu, label)  # type: ignore[arg-type]
    [opening] = [r for r in replies if r.method == "sendMessage"]
    return opening


async def test_a_trainee_practises_a_scenario_from_start_to_scorecard(coach: CoachHarness) -> None:
    scenario = _clinic()
    opening = await _pick(coach, TRAINEE, "Пациентку")
    assert scenario.opening[Language.RU][0] in opening.text
    assert "Ваш ход — этап «Выслушать»" in opening.text

    for stage in scenario.path:
        [answer] = await coach.send(TRAINEE, scenario.stages[stage].model[Language.RU])
    assert "Итоги тренировки «Пациентку отчитали за опоздание»" in answer.text
    assert "Итог: клиент принял решение." in answer.text
    assert "✓ прямое признание ошибки (+45): «Вы правы»" in answer.text
    assert "Это ваша первая завершённая тренировка" in answer.text

    [after] = await coach.send(TRAINEE, "/stop")
    assert "Сейчас тренировки нет" in after.text


async def test_each_reply_shows_its_score_and_the_client_reacts(coach: CoachHarness) -> None:
    scenario = _clinic()
    await _pick(coach, TRAINEE, "Пациентку")
    [answer] = await coach.send(TRAINEE, "Успокойтесь, у нас такие правила.")
    assert "📊 Выслушать: 0/100 — плохо" in answer.text
    assert "⚠ отмахивание: «Успокойтесь»" in answer.text
    assert scenario.stages[Stage.LISTEN].harsh[Language.RU] in answer.text
    assert answer.buttons  # hint and finish stay at hand


async def test_stop_ends_the_session_with_a_scorecard_and_the_trend(coach: CoachHarness) -> None:
    await _pick(coach, STAFF, "Charged twice")
    await coach.send(STAFF, "I understand how worrying this is. Thank you, I'm listening.")
    [card] = await coach.send(STAFF, "/stop")
    assert "Outcome: the practice was stopped." in card.text
    assert "Listen: 100/100 — good" in card.text
    assert "Clarify: not reached" in card.text
    assert "This is your first finished practice: 17/100." in card.text

    await _pick(coach, STAFF, "Charged twice")
    [second] = await coach.send(STAFF, "/stop")
    assert "Earlier sessions: 17. Now 0 (-17)" in second.text


async def test_the_hint_button_shows_the_note_for_the_current_stage(coach: CoachHarness) -> None:
    scenario = _clinic()
    opening = await _pick(coach, TRAINEE, "Пациентку")
    replies = await coach.press(TRAINEE, opening, "Подсказка")
    note = scenario.stages[Stage.LISTEN].note[Language.RU]
    assert any(note in r.text for r in replies)


async def test_buttons_of_a_finished_session_are_refused(coach: CoachHarness) -> None:
    opening = await _pick(coach, TRAINEE, "Пациентку")
    await coach.send(TRAINEE, "/stop")
    [answer] = await coach.press(TRAINEE, opening, "Закончить")
    assert answer.method == "answerCallbackQuery"
    assert "уже закончилась" in answer.params["text"]


async def test_a_second_practice_cannot_start_while_one_runs(coach: CoachHarness) -> None:
    await _pick(coach, TRAINEE, "Пациентку")
    [refused] = await coach.send(TRAINEE, "/practice")
    assert "У вас уже идёт тренировка «Пациентку отчитали за опоздание»" in refused.text


async def test_a_random_scenario_can_be_asked_for(coach: CoachHarness) -> None:
    opening = await _pick(coach, STAFF, "Random")
    assert "Your move — stage “Listen”" in opening.text


async def test_text_without_a_practice_is_left_to_the_other_areas(coach: CoachHarness) -> None:
    replies = await coach.send(TRAINEE, "Добрый день")
    assert replies
    assert not any("📊" in r.text or "Сейчас тренировки нет" in r.text for r in replies)


async def test_supervisors_see_every_trainees_sessions_by_stage(coach: CoachHarness) -> None:
    scenario = _clinic()
    await _pick(coach, TRAINEE, "Пациентку")
    for stage in scenario.path:
        await coach.send(TRAINEE, scenario.stages[stage].model[Language.RU])
    [overview] = await coach.send(ADMIN, "/trainees")
    assert "<b>Олег (стажёр): тренировок — 1, средний балл — 97</b>" in overview.text
    assert "«Пациентку отчитали за опоздание»: 97/100" in overview.text
    assert "Выслушать 100" in overview.text


async def test_trainees_cannot_see_the_trainees_overview(coach: CoachHarness) -> None:
    [refused] = await coach.send(TRAINEE, "/trainees")
    assert "недоступна" in refused.text


async def test_typed_text_goes_to_the_practice_while_it_runs_then_back_to_the_case(
    coach: CoachHarness,
) -> None:
    unsupported = t(Language.EN, "error.unsupported_message")
    await coach.send(STAFF, "/call")
    await _pick(coach, STAFF, "Charged twice")
    during = await coach.send(STAFF, "The client is shouting about the bill.")
    assert len(during) == 1
    assert "📊 Listen" in during[0].text

    await coach.send(STAFF, "/stop")
    after = await coach.send(STAFF, "The client is shouting about the bill.")
    assert any("Case #1" in r.text for r in after)  # the call coach took it as a note
    assert not any("📊" in r.text or unsupported in r.text for r in after)


async def test_a_scenario_can_be_named_in_the_command(coach: CoachHarness) -> None:
    [unknown] = await coach.send(STAFF, "/practice no_such_scenario")
    assert "There is no such scenario" in unknown.text
    [opening] = await coach.send(STAFF, "/practice rude_courier")
    assert "<b>The rude courier</b>" in opening.text
    assert "Your move — stage “Listen”" in opening.text
