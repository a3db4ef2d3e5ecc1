"""The database failing: at start-up (one line, exit code 2) and while the real bot runs.

While it runs, PostgreSQL's access is cut the way an outage looks to the bot: the test's own
database stops accepting connections and the bot's open ones are terminated (the server itself
keeps serving everyone else). SQLite's outage is another process holding the write lock past the
bot's busy time-out. Either way the user is asked to try again shortly, nothing is logged as a
crash, the process keeps running, and it serves normally once the database is back.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dialogs.i18n import Language
from tests.conftest import PG_URL
from tests.e2e.steps import label, plain, tap, team
from tests.emulator.server import BotApiEmulator, FakeUser
from tests.reliability.conftest import REPO, Launch

pytestmark = pytest.mark.e2e

RU = Language.RU
TOKEN = "123456:start-up-test-token_abcdefghijklmnop"


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite+aiosqlite:////proc/no-such-folder/coach.db",
        "postgresql+asyncpg://postgres@127.0.0.1:9/coach",
        make_url(PG_URL).set(database="no_such_database_for_coach").render_as_string(False),
    ],
    ids=["sqlite-folder-impossible", "postgresql-no-server", "postgresql-no-such-database"],
)
def test_a_database_that_cannot_be_used_stops_start_up_with_one_line(
    tmp_path: Path, database_url: str
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COMPLAINT_COACH_ENV_FILE": "/nonexistent",
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Setting DATABASE_URL: cannot reach the database")
    assert TOKEN not in line


async def _pg(sql: str) -> None:
    url = make_url(PG_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@asynccontextmanager
async def outage(database_url: str) -> AsyncIterator[None]:
    """The bot's database is unreachable inside the block, and back after it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        holder = sqlite3.connect(url.database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    name = url.database
    await _pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    await _pg(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    try:
        yield
    finally:
        await _pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


async def test_an_outage_while_running_asks_to_try_again_and_the_bot_recovers(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    staff, _ = await team(admin)
    staff.send("/call")
    await staff.reply()
    screen = staff.last_with_buttons()
    try_again = plain(RU, "error.try_again_shortly")

    async with outage(database_url):
        staff.send("Клиент требует вернуть деньги")  # a note: the text router reads first
        assert (await staff.reply(within=30)).content == try_again
        # Each update waits out SQLite's ten-second busy time-out; one shows it there.
        if not database_url.startswith("sqlite"):
            staff.send("/help")
            assert (await staff.reply(within=30)).content == try_again
            pressed = staff.press(screen, label(RU, "heard_out"), exact=True)
            await emulator.wait_for_answer(pressed, within=30)
            assert (pressed.text, pressed.show_alert) == (try_again, True)

    assert bot.running
    staff.send("Клиент требует вернуть деньги")
    saved = await staff.reply(within=30)
    assert plain(RU, "call.view.note_saved") in saved.content
    after = await tap(staff, label(RU, "heard_out"))
    assert plain(RU, "terms.stage.clarify") in after.content
    log = bot.log_text()
    assert " ERROR " not in log
    assert "Traceback" not in log
