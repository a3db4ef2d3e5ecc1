"""The real bot process in webhook mode: the emulator POSTs updates with the secret header."""

from __future__ import annotations

import time

import aiohttp
import pytest

from tests.e2e.conftest import Launch
from tests.e2e.harness import Webhook
from tests.e2e.steps import settle
from tests.emulator.server import BotApiEmulator, FakeUser

pytestmark = pytest.mark.e2e


async def test_the_bot_sets_its_webhook_with_the_secret(
    launch: Launch, emulator: BotApiEmulator
) -> None:
    webhook = Webhook()
    await launch(webhook=webhook)
    assert emulator.webhook is not None
    assert (emulator.webhook.url, emulator.webhook.secret_token) == (webhook.url, webhook.secret)


async def test_updates_arrive_by_webhook_and_are_answered(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    await launch(database_url, webhook=Webhook())
    update = admin.send("/start")
    welcome = await admin.reply()
    assert "Ирина" in welcome.content
    assert [d.status for d in emulator.webhook_deliveries if d.update_id == update["update_id"]][
        -1
    ] == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "a-guessed-secret"}],
    ids=["no-secret", "wrong-secret"],
)
async def test_a_webhook_request_without_the_right_secret_is_refused(
    launch: Launch, admin: FakeUser, headers: dict[str, str]
) -> None:
    webhook = Webhook()
    await launch(webhook=webhook)
    forged = {
        "update_id": 777_777,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": admin.id, "type": "private", "first_name": admin.first_name},
            "from": admin.to_api(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook.url, json=forged, headers=headers) as response,
    ):
        assert response.status == 403
    await settle(admin)
    assert len(admin.inbox) == 1  # only the answer to the catch-up command: /start was not handled


async def test_the_same_update_posted_twice_is_answered_once(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    await launch(database_url, webhook=Webhook())
    admin.send("/start")
    await admin.reply()
    update = emulator.deliver_twice(admin.send("/invite staff"))
    await settle(admin)
    deliveries = [d for d in emulator.webhook_deliveries if d.update_id == update["update_id"]]
    assert [d.status for d in deliveries] == [200, 200]
    assert len([m for m in admin.inbox if "?start=" in m.content]) == 1
