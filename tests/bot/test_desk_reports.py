"""`/stats` with its chart, `/export` and `complaint-coach export`, on both databases."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import os
import struct
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import export_command
from bot.charts import HEIGHT_PX, WIDTH_PX
from dialogs.access import Role
from dialogs.export import COLUMNS
from storage.repositories import follow_ups
from tests.support.desk_seed import add_employee, make_case, sessionmaker_of
from tests.support.offline_telegram import (
    CoachHarness,
    Sent,
    coach_harness,
    make_user,
    offline_settings,
)

SUPERVISOR = make_user(2, first_name="Сергей")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url, timezone="UTC") as harness:
        yield harness


async def _seed(coach: CoachHarness) -> None:
    """Three weeks of November 2026: 2, 1 and 3 cases, with outcomes, causes and follow-ups."""
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    anna = await add_employee(coach, 3, "Анна-Мария Ёлкина", Role.STAFF)
    oleg = await add_employee(coach, 4, "=Олег", Role.STAFF)
    async with sessionmaker_of(coach).begin() as session:
        kept = await make_case(
            session,
            anna,
            stage="closed",
            outcome="resolved",
            fault="ours",
            root_cause="delivery",
            department="delivery",
            temperature=1,
            created_at=_at(2),
            closed_at=_at(2, 11),
        )
        kept.temperature_start = 5
        await follow_ups.schedule(session, kept.id, _at(3))
        await follow_ups.complete_pending(session, kept.id, "resolved", now=_at(3, 0))
        late = await make_case(
            session,
            oleg,
            stage="closed",
            outcome="still_unhappy",
            fault="client",
            root_cause="billing",
            temperature=4,
            created_at=_at(4),
            closed_at=_at(5, 9),
        )
        late.temperature_start = 4
        await follow_ups.schedule(session, late.id, _at(4, 12))
        await follow_ups.complete_pending(session, late.id, "still_unhappy", now=_at(4, 18))
        await make_case(
            session,
            anna,
            stage="closed",
            outcome="resolved",
            root_cause="delivery",
            created_at=_at(10),
            closed_at=_at(10, 10),
        )
        await make_case(session, anna, stage="propose", legal_threat=True, created_at=_at(17))
        await make_case(
            session,
            oleg,
            stage="closed",
            outcome="escalated",
            root_cause="product",
            created_at=_at(18),
            closed_at=_at(19, 9),
        )
        await make_case(
            session,
            oleg,
            stage="closed",
            outcome="resolved",
            root_cause="delivery",
            created_at=_at(19),
            closed_at=_at(19, 12),
        )
        await make_case(session, anna, created_at=_at(25))  # outside the period asked for


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_stats_give_the_numbers_and_a_png_chart(coach: CoachHarness) -> None:
    await _seed(coach)
    sent = await coach.send(SUPERVISOR, "/stats 2026-11-02 2026-11-22")
    [numbers, chart] = sent
    text = numbers.text
    assert "Статистика: 02.11.2026 – 22.11.2026" in text
    assert "Открыто обращений: 6, ещё в работе: 1" in text
    assert "Итоги: решено — 3, передано руководителю — 1, клиент остался недоволен — 1" in text
    assert "Причины: доставка — 3, счета и оплата — 1, продукт — 1" in text
    assert "По сотрудникам: =Олег — 3 (в работе 0), Анна-Мария Ёлкина — 3 (в работе 1)" in text
    # Closing took 2, 24, 1, 24 and 3 hours: the median is 3.
    assert "Медианное время до закрытия: 3.0 ч" in text
    # Two call-backs promised; one done on time, one six hours late.
    assert "Перезвоны вовремя: 50% (1 из 2 обещанных)" in text
    # Closed cases went 5→1, 4→4 and three times 3→3.
    assert "3.6 в начале → 2.8 в конце" in text
    assert chart.method == "sendPhoto"
    assert _png_size(chart.files["photo"]) == (WIDTH_PX, HEIGHT_PX)


async def test_stats_explain_a_period_they_do_not_understand(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    [reply] = await coach.send(SUPERVISOR, "/stats yesterday")
    assert "Не понял «yesterday»" in reply.text


def _export_main(argv: list[str]) -> int:
    """`complaint-coach export …` as `bot.cli` dispatches it, in its own thread and event loop.

    The settings are the defaults (TIMEZONE Europe/Moscow), as on a fresh install.
    """
    parser = argparse.ArgumentParser(prog="complaint-coach export")
    export_command.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    return export_command.run(args, offline_settings("sqlite+aiosqlite:///unused.db"))


def _read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs look for
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _document(sent: list[Sent]) -> Sent:
    [document] = [s for s in sent if s.method == "sendDocument"]
    return document


async def test_export_sends_a_csv_that_round_trips_cyrillic(coach: CoachHarness) -> None:
    await _seed(coach)
    document = _document(await coach.send(SUPERVISOR, "/export 2026-11-02 2026-11-22"))
    rows = _read_csv(document.files["document"])
    assert len(rows) == 6
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["employee"] == "Анна-Мария Ёлкина"
    assert rows[0]["opened_at"] == "2026-11-02 09:00"
    assert rows[0]["hours_to_close"] == "2.0"
    assert rows[0]["follow_up_kept"] == "yes"
    assert rows[1]["employee"] == "'=Олег"  # a leading = would run as a formula
    assert rows[1]["follow_up_kept"] == "no"
    assert rows[3]["legal_threat"] == "yes"
    assert rows[3]["closed_at"] == ""
    assert "Обращения, 02.11.2026 – 22.11.2026: 6" in document.text


async def test_export_without_dates_has_every_case(coach: CoachHarness) -> None:
    await _seed(coach)
    rows = _read_csv(_document(await coach.send(SUPERVISOR, "/export")).files["document"])
    assert len(rows) == 7


async def test_the_command_line_export_writes_the_same_csv(
    coach: CoachHarness, database_url: str, tmp_path: Path
) -> None:
    await _seed(coach)
    telegram = _read_csv(
        _document(await coach.send(SUPERVISOR, "/export 2026-11-02 2026-11-22")).files["document"]
    )
    output = tmp_path / "cases.csv"
    code = await asyncio.to_thread(
        _export_main,
        [
            "export",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-22",
            "--output",
            str(output),
            "--database-url",
            database_url,
        ],
    )
    assert code == 0
    from_file = _read_csv(output.read_bytes())
    # Times are in TIMEZONE; the command line uses the default zone, the bot here uses UTC.
    ignored = {"opened_at", "closed_at"}
    assert [{k: v for k, v in r.items() if k not in ignored} for r in from_file] == [
        {k: v for k, v in r.items() if k not in ignored} for r in telegram
    ]
    assert from_file[0]["opened_at"] == "2026-11-02 12:00"  # 09:00 UTC in Moscow


async def test_the_command_line_export_writes_to_standard_output(
    coach: CoachHarness, database_url: str, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    await _seed(coach)
    code = await asyncio.to_thread(_export_main, ["export", "--database-url", database_url])
    assert code == 0
    rows = _read_csv(capfdbinary.readouterr().out)
    assert len(rows) == 7
    assert {row["employee"] for row in rows} == {"Анна-Мария Ёлкина", "'=Олег"}


async def test_complaint_coach_export_as_typed_in_a_shell(
    coach: CoachHarness, database_url: str, tmp_path: Path
) -> None:
    await _seed(coach)
    env = {
        **os.environ,
        "COMPLAINT_COACH_ENV_FILE": "/nonexistent",
        "DATABASE_URL": database_url,
        "TIMEZONE": "UTC",
    }
    output = tmp_path / "ноябрь.csv"
    command = [sys.executable, "-m", "bot.cli", "export", "--from", "2026-11-10"]
    done = await asyncio.to_thread(
        subprocess.run,
        [*command, "--to", "2026-11-19", "--output", str(output)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "4 case(s) written" in done.stderr
    rows = _read_csv(output.read_bytes())
    assert [row["opened_at"] for row in rows] == [
        "2026-11-10 09:00",
        "2026-11-17 09:00",
        "2026-11-18 09:00",
        "2026-11-19 09:00",
    ]
