"""Telegram failing the long poll itself: the real process backs off and loses no update.

While `getUpdates` answers 502, 500 and 429, the updates wait at Telegram (the offset does not
move), so once the poll succeeds each is handled, once. These failures are Telegram's, not the
bot's: the bot logs them as warnings, never as its own errors.
"""

from __future__ import annotations

import pytest

from dialogs.i18n import Language
from tests.e2e.steps import plain, settle
from tests.emulator.server import BotApiEmulator, FakeUser
from tests.reliability.conftest import Launch

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_failing_long_poll_is_retried_and_no_update_is_lost(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    admin.send("/start")
    await admin.reply()
    polls_before = emulator.call_count("getUpdates")
    emulator.server_error(1, status=502, method="getUpdates", html=True)
    emulator.server_error(1, status=500, method="getUpdates")
    emulator.flood(1, retry_after=1, method="getUpdates")
    # Ends the poll that is waiting now, so the next ones meet the faults.
    admin.send("/help")
    admin.send("/language")

    answers = await admin.replies(2, within=30)
    await settle(admin)

    statuses = [c.status for c in emulator.calls_of("getUpdates")[polls_before:]]
    assert {502, 500, 429} <= set(statuses)
    assert [m.content.split("\n")[0] for m in answers] == [
        plain(Language.RU, "help.admin").split("\n")[0],
        plain(Language.RU, "language.choose"),
    ]
    # python-telegram-bot itself logs the HTML page of the 502 it could not parse; the bot's own
    # error handler does not take Telegram's outage for a bug of ours.
    log = bot.log_text()
    assert "unhandled error" not in log
    assert " ERROR bot." not in log
