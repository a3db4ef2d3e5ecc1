"""Telegram misbehaving: 429 with retry_after, 5xx, slow answers. Nothing lost, nothing twice.

The emulator answers a refused request without doing it (as Telegram does), and a slow request
after doing it. The bot waits out a 429 (PTB's AIORateLimiter), retries a 5xx
(`bot.delivery.send`), does not retry a time-out (Telegram may have the message already), and keeps
what still could not be sent in the outbox table for the `send_queued` job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update

from bot import jobs
from dialogs.i18n import t
from storage.models import OutboxMessage, utcnow
from tests.bot.call_support import database
from tests.emulator.records import Fault
from tests.emulator.server import BotApiEmulator, FakeUser
from tests.reliability.online import OnlineCoach, online_coach

pytestmark = pytest.mark.e2e

HELP = t("ru", "help.admin").split("\n")[0]
# Sending involves no database; the outbox, kept when sending fails for good, is tested on both.
ONE_DATABASE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class LateFaultEmulator(BotApiEmulator):
    """The emulator, able to let a few calls through before a planned fault starts."""

    def __init__(self) -> None:
        super().__init__()
        self.let_through: dict[str, int] = {}

    def _take_fault(self, method: str) -> Fault | None:
        if self.let_through.get(method, 0) > 0:
            self.let_through[method] -= 1
            return None
        return super()._take_fault(method)


@pytest.fixture
async def emulator() -> AsyncIterator[LateFaultEmulator]:
    async with LateFaultEmulator() as running:
        yield running


@pytest.fixture
async def coach(emulator: BotApiEmulator, database_url: str) -> AsyncIterator[OnlineCoach]:
    async with online_coach(emulator, database_url) as online:
        yield online


@pytest.fixture
async def admin(emulator: BotApiEmulator, coach: OnlineCoach) -> FakeUser:
    user = emulator.user(1, "Ирина")
    await coach.handle(user.send("/start"))
    user.mark_read()
    return user


def _sends_of(emulator: BotApiEmulator, after: int) -> list[int]:
    return [call.status for call in emulator.calls[after:] if call.method == "sendMessage"]


@ONE_DATABASE
@pytest.mark.parametrize(
    ("fault", "statuses"),
    [
        ("flood", [429, 200]),
        ("server_error", [500, 500, 200]),
        ("bad_gateway_page", [502, 200]),
    ],
)
async def test_a_refused_send_is_retried_until_it_goes_out_once(
    emulator: BotApiEmulator, coach: OnlineCoach, admin: FakeUser, fault: str, statuses: list[int]
) -> None:
    if fault == "flood":
        emulator.flood(1, retry_after=1, method="sendMessage")
    elif fault == "server_error":
        emulator.server_error(2, method="sendMessage")
    else:
        emulator.server_error(1, status=502, method="sendMessage", html=True)
    calls_before = len(emulator.calls)

    await coach.handle(admin.send("/help"))

    assert _sends_of(emulator, calls_before) == statuses
    [answer] = admin.inbox[admin.read :]
    assert HELP in answer.content


@ONE_DATABASE
async def test_a_slow_answer_is_not_sent_again(
    emulator: BotApiEmulator, coach: OnlineCoach, admin: FakeUser
) -> None:
    """Slower than the client waits (5 s): Telegram has the message, so no retry may repeat it."""
    emulator.slow(1, seconds=6, method="sendMessage")
    calls_before = len(emulator.calls)

    await coach.handle(admin.send("/help"))

    assert len(_sends_of(emulator, calls_before)) == 1
    [answer] = admin.inbox[admin.read :]
    assert HELP in answer.content


async def test_a_message_telegram_keeps_refusing_is_kept_and_sent_later(
    emulator: BotApiEmulator, coach: OnlineCoach, admin: FakeUser, database_url: str
) -> None:
    emulator.server_error(3, status=503, method="sendMessage")

    await coach.handle(admin.send("/help"))

    assert admin.inbox[admin.read :] == []
    async with database(database_url) as session:
        [kept] = (await session.scalars(select(OutboxMessage))).all()
        assert kept.sent_at is None
        assert kept.chat_id == admin.id
        # The retry is due a few seconds later; the test moves the clock's hand, not the job.
        await session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1))
        )
        await session.commit()

    await jobs.send_queued(coach.context)
    await jobs.send_queued(coach.context)  # a second run finds nothing left to send

    [answer] = admin.inbox[admin.read :]
    assert HELP in answer.content
    async with database(database_url) as session:
        [sent] = (await session.scalars(select(OutboxMessage))).all()
        assert sent.sent_at is not None


async def test_a_long_reply_cut_short_by_failures_sends_only_the_rest_later(
    emulator: LateFaultEmulator, coach: OnlineCoach, admin: FakeUser, database_url: str
) -> None:
    """A reply in two messages whose second part fails for good: the first is never repeated."""
    staff = emulator.user(2, "Олег")
    await coach.handle(admin.send("/invite staff"))
    code = admin.inbox[-1].content.split("start=")[1].split()[0]
    await coach.handle(staff.send(f"/start {code}"))
    await coach.handle(staff.send("/call"))
    for label_key in ("heard_out", "ask_what"):
        screen = staff.last_with_buttons()
        await coach.handle(
            emulator.updates[staff.press(screen, t("ru", f"call.button.{label_key}")).update_id]
        )
    staff.mark_read()
    story = " ".join(["заказ-Z42 <ждал> доставку & не дождался"] * 110)  # ~4,400 characters
    emulator.let_through["sendMessage"] = 1
    emulator.server_error(3, status=503, method="sendMessage")

    await coach.handle(staff.send(story))
    [first_part] = staff.inbox[staff.read :]
    await _make_outbox_due(database_url)
    await jobs.send_queued(coach.context)
    await jobs.send_queued(coach.context)

    parts = staff.inbox[staff.read :]
    assert [m.message_id for m in parts][:1] == [first_part.message_id]
    assert len(parts) == 2
    assert parts[1].buttons  # the screen's buttons come with its last part
    told = "".join(m.content for m in parts)
    assert told.count("заказ-Z42 <ждал> доставку & не дождался") == 110  # nothing lost or repeated


async def _make_outbox_due(database_url: str) -> None:
    async with database(database_url) as session:
        await session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1))
        )
        await session.commit()
