"""What users do in end-to-end tests, in a few words: join, invite, wait for the bot to catch up."""

from __future__ import annotations

import re

from dialogs.i18n import Language, t
from tests.emulator.entities import parse_html
from tests.emulator.server import FakeUser


def plain(language: Language, key: str, **values: object) -> str:
    """A catalogue text as the user reads it (HTML markup gone)."""
    return parse_html(t(language, key, **values))[0]


async def settle(user: FakeUser) -> None:
    """Return once the bot has handled everything this user sent before.

    The bot handles one update at a time, in order; the answer to an unknown command sent now is
    therefore the last thing it sends this user, after whatever earlier updates caused.
    """
    keys = ("error.unknown_command", "access.stranger")
    expected = {plain(language, key) for language in Language for key in keys}
    before = len(user.inbox)
    user.send("/e2e_sync")
    await user.emulator.wait_until(
        lambda: any(m.content in expected for m in user.inbox[before:]),
        what=f"the bot to catch up with user {user.id}",
    )
    user.read = len(user.inbox)


async def invite(admin: FakeUser, role: str = "staff") -> str:
    """The code of a fresh invite link made by the admin."""
    admin.send(f"/invite {role}")
    link = await admin.reply()
    match = re.search(r"\?start=([\w-]+)", link.content)
    assert match, link.content
    return match.group(1)


async def join(admin: FakeUser, colleague: FakeUser, role: str = "staff") -> None:
    """The admin invites the colleague, who opens the deep link (`/start <code>`)."""
    code = await invite(admin, role)
    colleague.send(f"/start {code}")
    await colleague.reply()
