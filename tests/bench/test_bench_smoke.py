"""The benchmark runs end to end on a tiny workload, so it cannot rot between measurements.

No figure is asserted against a target here: speed is judged by `make bench`, not by tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import bench
from bot.cli import main

REQUIRED = {
    "coach_updates_per_s",
    "echo_updates_per_s",
    "ratio",
    "p50_ms",
    "p99_ms",
    "rss_mb_0_open",
    "rss_mb_10000_open",
    "score_replies_per_s",
    "database",
}


def test_a_tiny_benchmark_walks_whole_cases_and_reports_every_figure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    exit_code = main(
        [
            "bench",
            "--employees",
            "3",
            "--cases-per-employee",
            "2",
            "--score-replies",
            "50",
            "--json",
        ]
    )
    assert exit_code == 0
    results = json.loads(capsys.readouterr().out)
    assert set(results) >= REQUIRED
    assert results["database"] == "sqlite"
    # 3 employees × 2 whole cases, each script 18 updates: every update was handled.
    assert results["updates"] == 3 * 2 * 18
    assert results["coach_updates_per_s"] > 0
    assert results["echo_updates_per_s"] > 0
    assert results["score_replies_per_s"] > 0


async def test_a_second_workload_on_the_same_database_is_handled_in_full(tmp_path: Path) -> None:
    # On PostgreSQL the memory figure, and any later run, use the database the first run wrote:
    # the bot skips update ids it has already handled, so each run must bring ids of its own.
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    await bench._fresh_database(url)
    first = await bench.measure_coach(url, 2, 1)
    second = await bench.measure_coach(url, 2, 1)
    assert len(first.latencies_s) == len(second.latencies_s) == 2 * 18
