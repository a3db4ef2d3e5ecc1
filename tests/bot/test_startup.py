"""Start-up: a fresh database needs no other step; an unreachable one stops with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.offline_telegram import TOKEN

UNREACHABLE_PG = "postgresql+asyncpg://postgres@127.0.0.1:9/test"


def test_migrate_creates_a_working_sqlite_database_in_a_fresh_folder(tmp_path: Path) -> None:
    env = {**os.environ, "COMPLAINT_COACH_ENV_FILE": "/nonexistent"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "complaint_coach.db").is_file()


@pytest.mark.parametrize("command", ["migrate", "run"])
def test_an_unreachable_database_stops_start_up_with_one_line_and_exit_2(
    tmp_path: Path, command: str
) -> None:
    env = {
        **os.environ,
        "COMPLAINT_COACH_ENV_FILE": "/nonexistent",
        "DATABASE_URL": UNREACHABLE_PG,
        "TELEGRAM_BOT_TOKEN": TOKEN,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "DATABASE_URL" in err
    assert TOKEN not in err
