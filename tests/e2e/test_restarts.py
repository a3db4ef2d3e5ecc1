"""The real bot process, long polling the emulator: what survives a restart, duplicates."""

from __future__ import annotations

import pytest

from dialogs.i18n import Language
from tests.e2e.conftest import Launch
from tests.e2e.steps import join, plain, settle
from tests.emulator.server import BotApiEmulator, FakeUser

pytestmark = pytest.mark.e2e


async def test_a_restart_keeps_the_employees(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    bot = await launch(database_url)
    admin.send("/start")
    await admin.reply()
    colleague = emulator.user(2, "Олег")
    await join(admin, colleague)

    await bot.restart()
    colleague.send("/help")
    help_text = await colleague.reply()
    assert bot.exit_codes == [0]
    assert help_text.content != plain(Language.RU, "access.stranger")
    assert "/call" in help_text.content


async def test_the_same_update_delivered_twice_is_answered_once(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    await launch(database_url)
    admin.send("/start")
    await admin.reply()
    emulator.deliver_twice(admin.send("/invite staff"))
    await settle(admin)
    invites = [m for m in admin.inbox if "?start=" in m.content]
    assert len(invites) == 1
