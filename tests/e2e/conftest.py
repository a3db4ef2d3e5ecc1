"""End-to-end fixtures: the emulator on a free loopback port, real bot processes talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Protocol

import pytest
import pytest_asyncio

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
    refused: list[AssertionError] = []
    for number, process in enumerate(processes, 1):
        if process.running:
            try:
                await process.stop()  # kills the process itself if it ignores SIGTERM
            except AssertionError as error:
                refused.append(error)
        print(f"----- log of bot process {number}\n{process.log_tail(80)}")
    if refused:
        raise refused[0]


@pytest.fixture
def admin(emulator: BotApiEmulator) -> FakeUser:
    """User 1 is in ADMIN_IDS."""
    return emulator.user(1, "Ирина")


# Tests that share one bot process each use their own admin among these, and their own users.
SHARED_ADMIN_IDS = tuple(range(1, 10))


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_emulator() -> AsyncIterator[BotApiEmulator]:
    """One emulator for a module whose tests share a bot process (they run in one event loop)."""
    async with BotApiEmulator() as running:
        yield running


async def _shared_process(
    emulator: BotApiEmulator, folder: Path, webhook: Webhook | None
) -> AsyncIterator[BotProcess]:
    admins = ",".join(str(admin_id) for admin_id in SHARED_ADMIN_IDS)
    process = BotProcess(
        emulator,
        bot_environment(
            emulator,
            f"sqlite+aiosqlite:///{folder / 'coach.db'}",
            admin_ids=admins,
            webhook=webhook,
        ),
        folder / "bot.log",
        folder,
        webhook,
    )
    await process.start()
    yield process
    if process.running:
        await process.stop()
    print(f"----- log of the shared bot process\n{process.log_tail(80)}")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def polling_bot(
    shared_emulator: BotApiEmulator, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    """A long-polling bot process that every test of the module talks to, as different users."""
    async for process in _shared_process(shared_emulator, tmp_path_factory.mktemp("polling"), None):
        yield process


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def webhook_bot(
    shared_emulator: BotApiEmulator, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    """A bot process in webhook mode that every test of the module talks to, as different users."""
    folder = tmp_path_factory.mktemp("webhook")
    async for process in _shared_process(shared_emulator, folder, Webhook()):
        yield process
