"""The real bot process in webhook mode: the emulator POSTs updates with the secret header.

The tests share one bot process and keep apart by acting as different users.
"""

from __future__ import annotations

import time

import aiohttp
import pytest

from tests.e2e.harness import BotProcess
from tests.e2e.steps import settle
from tests.emulator.server import BotApiEmulator

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_the_bot_sets_its_webhook_with_the_secret(
    webhook_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    assert webhook_bot.webhook is not None
    assert shared_emulator.webhook is not None
    assert (shared_emulator.webhook.url, shared_emulator.webhook.secret_token) == (
        webhook_bot.webhook.url,
        webhook_bot.webhook.secret,
    )


async def test_updates_arrive_by_webhook_and_are_answered(
    webhook_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    admin = shared_emulator.user(1, "Ирина")
    update = admin.send("/start")
    welcome = await admin.reply()
    assert "Ирина" in welcome.content
    statuses = [d.status for d in shared_emulator.webhook_deliveries]
    assert statuses[-1] == 200
    assert update["update_id"] in [d.update_id for d in shared_emulator.webhook_deliveries]


@pytest.mark.parametrize(
    ("admin_id", "headers"),
    [(2, {}), (3, {"X-Telegram-Bot-Api-Secret-Token": "a-guessed-secret"})],
    ids=["no-secret", "wrong-secret"],
)
async def test_a_webhook_request_without_the_right_secret_is_refused(
    webhook_bot: BotProcess,
    shared_emulator: BotApiEmulator,
    admin_id: int,
    headers: dict[str, str],
) -> None:
    admin = shared_emulator.user(admin_id, "Ирина")
    forged = {
        "update_id": 777_000 + admin_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": admin.id, "type": "private", "first_name": admin.first_name},
            "from": admin.to_api(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    assert webhook_bot.webhook is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook_bot.webhook.url, json=forged, headers=headers) as response,
    ):
        assert response.status == 403
    await settle(admin)
    assert len(admin.inbox) == 1  # only the answer to the catch-up command: /start was not handled


async def test_the_same_update_posted_twice_is_answered_once(
    webhook_bot: BotProcess, shared_emulator: BotApiEmulator
) -> None:
    admin = shared_emulator.user(4, "Ирина")
    admin.send("/start")
    await admin.reply()
    update = shared_emulator.deliver_twice(admin.send("/invite staff"))
    await settle(admin)
    deliveries = [
        d for d in shared_emulator.webhook_deliveries if d.update_id == update["update_id"]
    ]
    assert [d.status for d in deliveries] == [200, 200]
    assert len([m for m in admin.inbox if "?start=" in m.content]) == 1
