"""Joining, the commands menu and languages, over HTTP with one long-polling bot process.

The tests share the process (starting one takes a second or two) and keep apart by acting as
different users: each has its own admin from SHARED_ADMIN_IDS.
"""

from __future__ import annotations

import re

import pytest

from dialogs.i18n import Language
from tests.e2e.harness import BotProcess
from tests.e2e.steps import invite, plain
from tests.emulator.server import BotApiEmulator

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_start_up_publishes_the_commands_menu_in_russian_and_english(
    polling_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    russian = shared_emulator.commands_for("ru")
    english = shared_emulator.commands_for("en")
    assert "call" in [c["command"] for c in russian]
    assert [c["command"] for c in russian] == [c["command"] for c in english]
    assert all(re.search("[а-я]", c["description"]) for c in russian)
    assert not any(re.search("[а-я]", c["description"]) for c in english)
    assert shared_emulator.commands_for("") == english


async def test_the_admin_is_welcomed_with_their_role(
    polling_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    admin = shared_emulator.user(1, "Ирина")
    admin.send("/start")
    welcome = await admin.reply()
    assert "Ирина" in welcome.content
    assert "администратор" in welcome.content


async def test_a_colleague_joins_with_the_deep_link(
    polling_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    admin = shared_emulator.user(2, "Ирина")
    admin.send("/start")
    await admin.reply()
    code = await invite(admin, "staff")
    assert f"t.me/{shared_emulator.bot_user['username']}?start={code}" in admin.inbox[-1].content

    colleague = shared_emulator.user(102, "Олег")
    colleague.send(f"/start {code}")
    welcome = await colleague.reply()
    assert "Олег" in welcome.content
    assert "сотрудник" in welcome.content


async def test_an_invite_link_admits_only_one_colleague(
    polling_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    admin = shared_emulator.user(3, "Ирина")
    admin.send("/start")
    await admin.reply()
    code = await invite(admin, "staff")
    shared_emulator.user(103, "Олег").send(f"/start {code}")
    latecomer = shared_emulator.user(203, "Пётр")
    latecomer.send(f"/start {code}")
    assert (await latecomer.reply()).content == plain(Language.RU, "access.invite_invalid")


async def test_the_language_switch_applies_at_once(
    polling_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    admin = shared_emulator.user(4, "Ирина")
    admin.send("/start")
    await admin.reply()
    admin.send("/language")
    menu = await admin.reply()
    admin.press(menu, "English")
    assert "I speak English now" in (await admin.reply()).content
    admin.send("/help")
    assert "What I can do" in (await admin.reply()).content


async def test_a_stranger_is_refused_and_learns_nothing(
    polling_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    stranger = shared_emulator.user(300, "Someone", language_code="en")
    for text in ("/start", "/cases", "/call", "hello"):
        stranger.send(text)
        assert (await stranger.reply()).content == plain(Language.EN, "access.stranger")
