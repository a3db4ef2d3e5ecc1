"""Joining: admins by ADMIN_IDS, colleagues by a single-use invite link, strangers refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from tests.support.offline_telegram import CoachHarness, coach_harness, make_user

ADMIN = make_user(1, first_name="Ирина")
NEWCOMER = make_user(2, first_name="Олег")
STRANGER = make_user(3, first_name="Someone", language_code="en")


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        yield harness


def _invite_code(text: str) -> str:
    match = re.search(r"start=([\w-]+)", text)
    assert match, text
    return match.group(1)


async def test_the_admin_is_welcomed_in_russian_with_their_role(coach: CoachHarness) -> None:
    [reply] = await coach.send(ADMIN, "/start")
    assert "Ирина" in reply.text
    assert "администратор" in reply.text
    assert "/call" in reply.text


async def test_a_stranger_learns_nothing(coach: CoachHarness) -> None:
    for text in ("/start", "/cases", "hello", "/call"):
        [reply] = await coach.send(STRANGER, text)
        assert "invited employees only" in reply.text


async def test_an_invite_link_admits_one_colleague_once(coach: CoachHarness) -> None:
    await coach.send(ADMIN, "/start")
    [link] = await coach.send(ADMIN, "/invite staff")
    code = _invite_code(link.text)
    assert "complaint_coach_test_bot" in link.text

    [welcome] = await coach.send(NEWCOMER, f"/start {code}")
    assert "сотрудник" in welcome.text
    [refused] = await coach.send(STRANGER, f"/start {code}")
    assert "already been used or has expired" in refused.text


async def test_a_forged_invite_code_is_refused_politely(coach: CoachHarness) -> None:
    [refused] = await coach.send(STRANGER, "/start forged-code-123")
    assert "already been used or has expired" in refused.text


async def test_the_language_switch_applies_at_once(coach: CoachHarness) -> None:
    await coach.send(ADMIN, "/start")
    [menu] = await coach.send(ADMIN, "/language")
    replies = await coach.press(ADMIN, menu, "English")
    assert any("I speak English now" in r.text for r in replies)
    [help_text] = await coach.send(ADMIN, "/help")
    assert "What I can do" in help_text.text


async def test_the_same_update_delivered_twice_is_handled_once(coach: CoachHarness) -> None:
    update = coach.message_update(ADMIN, "/start", update_id=555)
    first = await coach.process(update)
    again = await coach.process(coach.message_update(ADMIN, "/start", update_id=555))
    assert len(first) == 1
    assert again == []


async def test_an_unknown_command_points_to_help(coach: CoachHarness) -> None:
    await coach.send(ADMIN, "/start")
    [reply] = await coach.send(ADMIN, "/frobnicate")
    assert "/help" in reply.text
