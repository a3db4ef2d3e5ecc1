"""Everything the real bot process logs, at DEBUG, during a whole case: no secrets, no contacts.

In the case, the client's phone and e-mail are typed (as the client's identity and in a note), an
invite link is made and used, and the bot runs behind a webhook with its secret. The test reads
all the process wrote (python-telegram-bot logs every request and its parameters at DEBUG).
"""

from __future__ import annotations

import re

import pytest

from bot.log_redaction import REDACTED, redact
from dialogs.i18n import Language
from tests.e2e.harness import Webhook
from tests.e2e.steps import department, invite, label, root_cause, solution, taps
from tests.emulator.server import BotApiEmulator, FakeUser
from tests.reliability.conftest import Launch

pytestmark = pytest.mark.e2e

RU = Language.RU
PHONE = "+7 (912) 345-67-89"
PHONE_AGAIN = "8 912 345 67 89"
EMAIL = "ivan.petrov@example.com"


async def test_no_token_secret_invite_code_phone_or_email_reaches_the_log(
    launch: Launch, emulator: BotApiEmulator, admin: FakeUser, database_url: str
) -> None:
    webhook = Webhook()
    bot = await launch(database_url, webhook=webhook, log_level="DEBUG")
    admin.send("/start")
    await admin.reply()
    staff = emulator.user(2, "Олег")
    code = await invite(admin, "staff")
    staff.send(f"/start {code}")
    await staff.reply()
    unused_code = await invite(admin, "supervisor")

    staff.send("/call")
    await staff.reply()
    await taps(staff, label(RU, "heard_out"), label(RU, "ask_client"))
    staff.send(f"Иван Петров, {PHONE}, {EMAIL}")
    await staff.reply()
    staff.send(f"Просит перезвонить на {PHONE_AGAIN} или написать на {EMAIL}")
    await staff.reply()
    await taps(
        staff,
        label(RU, "facts_clear"),
        label(RU, "fault_ours"),
        label(RU, "error_owned"),
        solution(RU, "refund"),
        label(RU, "accepted"),
        label(RU, "apologised"),
        label(RU, "no_follow_up"),
        label(RU, "reason_solved"),
        root_cause(RU, "billing"),
        department(RU, "billing"),
        label(RU, "close"),
    )
    await bot.stop()

    log = bot.log_text()
    assert " DEBUG " in log  # the log did see every request and its parameters
    assert "sendMessage" in log
    secrets = {
        "token": emulator.token,
        "token secret part": emulator.token.split(":", 1)[1],
        "webhook secret": webhook.secret,
        "used invite code": code,
        "unused invite code": unused_code,
        "phone": PHONE,
        "phone as typed again": PHONE_AGAIN,
        "phone digits": "345-67-89",
        "e-mail": EMAIL,
        "e-mail's mailbox": "ivan.petrov@",
    }
    leaked = {name for name, secret in secrets.items() if secret in log}
    assert not leaked, leaked
    assert not re.search(r"9123456789|912\D{0,2}345\D{0,2}67\D{0,2}89", log)


@pytest.mark.parametrize(
    "typed",
    [PHONE, PHONE_AGAIN, "89123456789", "+79123456789", "8-912-345-67-89", EMAIL],
)
def test_contact_details_are_masked_however_they_are_written(typed: str) -> None:
    line = f"2026-11-25 08:14:06 note: call {typed} back"
    assert redact(line) == f"2026-11-25 08:14:06 note: call {REDACTED} back"
