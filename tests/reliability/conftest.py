"""Fixtures of the reliability tests: the real bot process against the emulator, and the database.

The bot processes run this checkout's code (not whatever the end-to-end harness points at), so a
fix made here is the fix under test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Protocol

import pytest

from tests.e2e.harness import BotProcess, Webhook, bot_environment
from tests.emulator.server import BotApiEmulator, FakeUser

REPO = Path(__file__).resolve().parents[2]


class Launch(Protocol):
    def __call__(
        self,
        database_url: str,
        *,
        webhook: Webhook | None = None,
        start: bool = True,
        **settings: str,
    ) -> Awaitable[BotProcess]: ...


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as running:
        yield running


@pytest.fixture
async def launch(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Launch]:
    """Run `complaint-coach run` (this checkout) against the emulator; stopped afterwards.

    `start=False` returns the process unstarted, for a test that starts several at once.
    """
    processes: list[BotProcess] = []

    async def launch_one(
        database_url: str,
        *,
        webhook: Webhook | None = None,
        start: bool = True,
        **settings: str,
    ) -> BotProcess:
        env = bot_environment(emulator, database_url, webhook=webhook, **settings)
        env["PYTHONPATH"] = str(REPO)
        process = BotProcess(
            emulator, env, tmp_path / f"bot-{len(processes) + 1}.log", tmp_path, webhook
        )
        processes.append(process)
        return await process.start() if start else process

    yield launch_one
    for number, process in enumerate(processes, 1):
        if process.running:
            await process.stop()
        print(f"----- log of bot process {number}\n{process.log_tail(60)}")


@pytest.fixture
def admin(emulator: BotApiEmulator) -> FakeUser:
    """User 1 is in ADMIN_IDS."""
    return emulator.user(1, "Ирина")
