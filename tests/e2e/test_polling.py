"""The real bot process, long polling the emulator: joining, the menu, languages, restarts."""

from __future__ import annotations

import re

import pytest

from dialogs.i18n import Language
from tests.e2e.conftest import Launch
from tests.e2e.steps import invite, join, plain, settle
from tests.emulator.server import BotApiEmulator, FakeUser

pytestmark = pytest.mark.e2e


async def test_start_up_publishes_the_commands_menu_in_russian_and_english(
    launch: Launch, emulator: BotApiEmulator
) -> None:
    await launch()
    russian, english = emulator.commands_for("ru"), emulator.commands_for("en")
    assert "call" in [c["command"] for c in russian]
    assert [c["command"] for c in russian] == [c["command"] for c in english]
    assert all(re.search("[а-я]", c["description"]) for c in russian)
    assert not any(re.search("[а-я]", c["description"]) for c in english)
    assert emulator.commands_for("") == english


async def test_the_admin_is_welcomed_with_their_role(launch: Launch, admin: FakeUser) -> None:
    await launch()
    admin.send("/start")
    welcome = await admin.reply()
    assert "Ирина" in welcome.content
    assert "администратор" in welcome.content


async def test_a_colleague_joins_with_the_deep_link(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser
) -> None:
    await launch()
    admin.send("/start")
    await admin.reply()
    code = await invite(admin, "staff")
    assert f"t.me/{emulator.bot_user['username']}?start={code}" in admin.inbox[-1].content

    colleague = emulator.user(2, "Олег")
    colleague.send(f"/start {code}")
    welcome = await colleague.reply()
    assert "Олег" in welcome.content
    assert "сотрудник" in welcome.content


async def test_the_language_switch_applies_at_once(launch: Launch, admin: FakeUser) -> None:
    await launch()
    admin.send("/start")
    await admin.reply()
    admin.send("/language")
    menu = await admin.reply()
    admin.press(menu, "English")
    assert "I speak English now" in (await admin.reply()).content
    admin.send("/help")
    assert "What I can do" in (await admin.reply()).content


async def test_a_stranger_is_refused_and_learns_nothing(
    launch: Launch, emulator: BotApiEmulator
) -> None:
    await launch()
    stranger = emulator.user(3, "Someone", language_code="en")
    for text in ("/start", "/cases", "/call", "hello"):
        stranger.send(text)
        assert (await stranger.reply()).content == plain(Language.EN, "access.stranger")


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
