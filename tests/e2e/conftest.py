"""End-to-end fixtures: the emulator on a free loopback port, real bot processes talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Protocol

import pytest

from tests.e2e.harness import BotProcess, Webhook, bot_environment
from tests.emulator.server import BotApiEmulator, FakeUser


class Launch(Protocol):
    def __call__(
        self, database_url: str | None = None, *, webhook: Webhook | None = None, **settings: str
    ) -> Awaitable[BotProcess]: ...


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as running:
        yield running


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A database file the bot process creates and migrates itself, as on a first install."""
    return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
async def launch(
    emulator: BotApiEmulator, tmp_path: Path, sqlite_url: str
) -> AsyncIterator[Launch]:
    """Start `complaint-coach run` against the emulator; every process is stopped afterwards.

    The logs of all processes are printed at teardown, so a failing test shows them.
    """
    processes: list[BotProcess] = []

    async def start(
        database_url: str | None = None, *, webhook: Webhook | None = None, **settings: str
    ) -> BotProcess:
        process = BotProcess(
            emulator,
            bot_environment(emulator, database_url or sqlite_url, webhook=webhook, **settings),
            tmp_path / f"bot-{len(processes) + 1}.log",
            tmp_path,
            webhook,
        )
        processes.append(process)
        return await process.start()

    yield start
    for number, process in enumerate(processes, 1):
        if process.running:
            await process.stop()
        print(f"----- log of bot process {number}\n{process.log_tail(80)}")


@pytest.fixture
def admin(emulator: BotApiEmulator) -> FakeUser:
    """User 1 is in ADMIN_IDS."""
    return emulator.user(1, "Ирина")
