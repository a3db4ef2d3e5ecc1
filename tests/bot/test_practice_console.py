"""`complaint-coach practice`: a scenario played through piped input, stored in the database."""

from __future__ import annotations

import asyncio
import io

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.console_user import CONSOLE_TELEGRAM_ID
from dialogs.i18n import Language
from dialogs.practice import get_scenario
from storage.db import create_engine, create_sessionmaker
from storage.models import Employee, PracticeSession, PracticeTurn


def _stored(url: str) -> tuple[Employee, list[PracticeSession], int]:
    async def read() -> tuple[Employee, list[PracticeSession], int]:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                employee = await session.scalar(
                    select(Employee).where(Employee.telegram_id == CONSOLE_TELEGRAM_ID)
                )
                assert employee is not None
                sessions = list(await session.scalars(select(PracticeSession)))
                turns = len(list(await session.scalars(select(PracticeTurn))))
                return employee, sessions, turns
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _play(monkeypatch: pytest.MonkeyPatch, url: str, lines: list[str], *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return main(["practice", "--database-url", url, *args])


def test_a_whole_scenario_is_played_from_piped_input(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = get_scenario("restaurant_cheese")
    assert scenario is not None
    replies = [scenario.stages[stage].model[Language.EN] for stage in scenario.path]
    code = _play(monkeypatch, database_url, replies, "--lang", "en", "--scenario", scenario.id)
    output = capsys.readouterr().out
    assert code == 0
    assert scenario.opening[Language.EN][0] in output
    assert "📊 Listen: 100/100 — good" in output
    assert "Outcome: the client accepted the solution." in output
    assert "This is your first finished practice" in output

    employee, sessions, turns = _stored(database_url)
    assert (employee.name, employee.role, employee.active_practice_id) == (
        "console",
        "staff",
        None,
    )
    [session] = sessions
    assert session.finished_at is not None
    assert session.stage_scores is not None
    assert set(session.stage_scores) == {stage.value for stage in scenario.path}
    assert turns == len(scenario.path)


def test_scenarios_are_offered_by_number_and_the_end_of_input_stops(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _play(monkeypatch, database_url, ["42", "3", "Успокойтесь."], "--lang", "ru")
    output = capsys.readouterr().out
    assert code == 0
    assert "3. Пациентку отчитали за опоздание" in output
    assert "Нет такого номера." in output
    assert "⚠ отмахивание: «Успокойтесь»" in output
    assert "Итог: тренировка остановлена." in output
    [session] = _stored(database_url)[1]
    assert session.scenario_id == "clinic_late_patient"
    assert session.total_score == 0


def test_a_second_run_shows_progress_against_the_first(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = "I understand how worrying this is. Thank you for calling, I'm listening."
    _play(monkeypatch, database_url, ["Hm."], "--lang", "en", "--scenario", "wrong_bill")
    _play(monkeypatch, database_url, [good], "--lang", "en", "--scenario", "wrong_bill")
    assert "Earlier sessions: 0. Now 17 (+17)" in capsys.readouterr().out
