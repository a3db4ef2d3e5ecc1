"""`complaint-coach bench`: the bot's own cost per update, against a bare python-telegram-bot.

Everything runs in this one process with the network taken out (an offline Bot API that answers at
once), so what is measured is the framework, our logic and the database — nothing else:

- echo: a bare Application with one handler that replies to each message;
- coach: M simulated employees walking whole cases, interleaved, one update at a time through
  `Application.process_update`, on SQLite (a fresh file) or the PostgreSQL given by --database-url;
- memory: resident memory with 0 and with N open cases in the database;
- scorer: practice replies scored per second over a mixed Russian/English set.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application, on_shutdown, on_startup
from bot.bench_workload import CaseWalker, seed_employees, seed_open_cases
from bot.context import CoachApplication
from bot.offline_api import BOT_ID, FAKE_TOKEN, OfflineBotApi
from bot.settings import Settings
from storage import migrate
from storage.db import create_engine

TARGETS = {
    "ratio": ("≥", 0.5),
    "p99_ms": ("<", 20.0),
    "rss_mb_delta": ("<", 20.0),
    "score_replies_per_s": ("≥", 2000.0),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--employees", type=int, default=200, help="simulated employees (200)")
    parser.add_argument(
        "--cases-per-employee", type=int, default=2, help="whole cases each one walks (2)"
    )
    parser.add_argument(
        "--open-cases", type=int, default=10_000, help="open cases for the memory figure"
    )
    parser.add_argument("--score-replies", type=int, default=5_000, help="replies to score")
    parser.add_argument(
        "--database-url",
        help="a scratch PostgreSQL database (postgresql+asyncpg://…) the benchmark may write to; "
        "default: a fresh SQLite file",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    results = asyncio.run(measure(args))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        print(render_table(results))
    return 0


@dataclass
class Timings:
    """Per-update latencies of one run, and the wall time it took."""

    latencies_s: list[float]
    wall_s: float

    @property
    def per_second(self) -> float:
        return len(self.latencies_s) / self.wall_s if self.wall_s else 0.0

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies_s)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000


def _message_json(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/")
        else []
    )
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "ru"},
            "text": text,
            "entities": entities,
        },
    }


def _callback_json(update_id: int, user_id: int, message_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "chat_instance": str(user_id),
            "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "ru"},
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Coach"},
                "text": "…",
            },
        },
    }


class UpdateFactory:
    """Raw update JSON, as Telegram would send it: parsing it is part of the measured cost.

    Update ids start at a random point, as the seeded employees' ids do: the bot skips an id it
    has already handled, so a second workload on the same database (the memory figure on
    PostgreSQL, or another run) must not reuse the first one's ids.
    """

    def __init__(self) -> None:
        self._ids: Iterator[int] = itertools.count(random.randrange(10**9, 2 * 10**12))

    def message(self, user_id: int, text: str) -> dict[str, Any]:
        return _message_json(next(self._ids), user_id, text)

    def press(self, user_id: int, data: str) -> dict[str, Any]:
        return _callback_json(next(self._ids), user_id, 1, data)


async def _timed_feed(
    application: Application,  # type: ignore[type-arg]
    updates: Iterator[dict[str, Any] | None],
) -> Timings:
    """Feed updates one at a time; each is parsed and handled before the next is built."""
    latencies: list[float] = []
    started = time.perf_counter()
    for raw in updates:
        if raw is None:
            continue
        begin = time.perf_counter()
        await application.process_update(Update.de_json(raw, application.bot))
        latencies.append(time.perf_counter() - begin)
    return Timings(latencies, time.perf_counter() - started)


async def measure_echo(update_count: int, employees: int) -> Timings:
    """The baseline: python-telegram-bot alone, replying to each message."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    api = OfflineBotApi()
    application = ApplicationBuilder().token(FAKE_TOKEN).request(api).get_updates_request(api)
    app = application.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    factory = UpdateFactory()
    async with app:
        updates = (
            factory.message(1_000_000 + index % employees, f"сообщение {index}")
            for index in range(update_count)
        )
        return await _timed_feed(app, updates)


def _sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"


async def _fresh_database(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def _coach_settings(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=SecretStr(FAKE_TOKEN),
        database_url=url,
        log_level="WARNING",
    )


async def _with_coach(
    url: str, body: Callable[[CoachApplication, OfflineBotApi], Awaitable[Any]]
) -> Any:
    api = OfflineBotApi()
    application = build_application(
        _coach_settings(url), request=api, get_updates_request=api, rate_limiter=False
    )
    async with application:
        await on_startup(application, schedule_jobs=False)
        try:
            return await body(application, api)
        finally:
            await on_shutdown(application)


async def measure_coach(url: str, employees: int, cases_each: int) -> Timings:
    """Every employee walks `cases_each` whole cases; their updates are interleaved round-robin."""
    telegram_ids = await seed_employees(url, employees)

    async def walk(application: CoachApplication, api: OfflineBotApi) -> Timings:
        factory = UpdateFactory()
        walkers = [
            CaseWalker(telegram_id, index, cases_each, factory, api)
            for index, telegram_id in enumerate(telegram_ids)
        ]

        def interleaved() -> Iterator[dict[str, Any] | None]:
            active = list(walkers)
            while active:
                for walker in list(active):
                    step = walker.next_update()
                    if walker.done:
                        active.remove(walker)
                    yield step

        return await _timed_feed(application, interleaved())

    timings: Timings = await _with_coach(url, walk)
    return timings


def _rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


async def measure_memory(url: str, open_cases: int, employees: int) -> tuple[float, float]:
    """RSS after the same workload with 0 and then `open_cases` open cases in the database."""
    telegram_ids = await seed_employees(url, employees)

    async def workload(application: CoachApplication, api: OfflineBotApi) -> tuple[float, float]:
        factory = UpdateFactory()

        async def one_round() -> None:
            walkers = [
                CaseWalker(telegram_id, index, 1, factory, api)
                for index, telegram_id in enumerate(telegram_ids)
            ]
            for walker in walkers:
                while not walker.done:
                    raw = walker.next_update()
                    if raw is not None:
                        await application.process_update(Update.de_json(raw, application.bot))

        await one_round()
        before = _rss_mb()
        await seed_open_cases(url, open_cases)
        await one_round()
        return before, _rss_mb()

    result: tuple[float, float] = await _with_coach(url, workload)
    return result


def measure_scorer(replies: int) -> float:
    """Practice replies scored per second, Russian and English mixed, every stage."""
    from bot.bench_workload import scoring_samples
    from dialogs.scoring import score_reply

    samples = scoring_samples()
    score_reply(*samples[0])  # load the dictionaries outside the timing, as a running bot has
    started = time.perf_counter()
    for index in range(replies):
        stage, language, text = samples[index % len(samples)]
        score_reply(stage, language, text)
    return replies / (time.perf_counter() - started)


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="complaint-coach-bench-") as folder:
        url = args.database_url or _sqlite_url(Path(folder))
        await _fresh_database(url)
        coach = await measure_coach(url, args.employees, args.cases_per_employee)
        echo = await measure_echo(len(coach.latencies_s), args.employees)
        memory_url = args.database_url if args.database_url else _sqlite_url(Path(folder))
        if args.database_url is None:
            await _fresh_database(memory_url)
        rss_before, rss_after = await measure_memory(
            memory_url, args.open_cases, min(args.employees, 50)
        )
    score_rate = measure_scorer(args.score_replies)
    results: dict[str, Any] = {
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "employees": args.employees,
        "updates": len(coach.latencies_s),
        "coach_updates_per_s": round(coach.per_second, 1),
        "echo_updates_per_s": round(echo.per_second, 1),
        "ratio": round(coach.per_second / echo.per_second, 3) if echo.per_second else 0.0,
        "p50_ms": round(coach.percentile_ms(0.50), 3),
        "p99_ms": round(coach.percentile_ms(0.99), 3),
        "echo_p50_ms": round(echo.percentile_ms(0.50), 3),
        "mean_ms": round(statistics.fmean(coach.latencies_s) * 1000, 3),
        "open_cases": args.open_cases,
        "rss_mb_0_open": round(rss_before, 1),
        f"rss_mb_{args.open_cases}_open": round(rss_after, 1),
        "rss_mb_delta": round(rss_after - rss_before, 1),
        "score_replies_per_s": round(score_rate, 1),
    }
    results["targets_met"] = all(_meets(results, name) for name in TARGETS)
    return results


def _meets(results: dict[str, Any], name: str) -> bool:
    sign, bound = TARGETS[name]
    value = float(results[name])
    return value >= bound if sign == "≥" else value < bound


def render_table(results: dict[str, Any]) -> str:
    lines = [f"{'figure':<24} {'value':>12}  target"]
    for name, value in results.items():
        target = TARGETS.get(name)
        mark = ""
        if target:
            mark = f"{target[0]} {target[1]:g}  " + ("ok" if _meets(results, name) else "MISSED")
        lines.append(f"{name:<24} {value!s:>12}  {mark}")
    return "\n".join(lines)
