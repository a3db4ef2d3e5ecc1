"""What users do in end-to-end tests, in a few words: join, tap through a case, catch up.

Plus a look into the bot's database, which a test reads (and, to make a reminder due at once,
writes) the way an operator with a SQL prompt would, while the bot keeps its own connection.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.i18n import Language, has, t
from storage.db import create_engine, create_sessionmaker
from storage.models import Case, CaseEvent, FollowUp, utcnow
from tests.emulator.entities import parse_html
from tests.emulator.records import ChatMessage
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


# ---------------------------------------------------------------- the call coach's screens


def label(language: Language, key: str) -> str:
    """A call-coach button label as the user sees it."""
    return t(language, f"call.button.{key}")


def solution(language: Language, kind: str) -> str:
    return t(language, f"terms.solution.{kind}").capitalize()


def root_cause(language: Language, cause: str) -> str:
    return t(language, f"terms.root_cause.{cause}").capitalize()


def department(language: Language, name: str) -> str:
    key = f"call.department.{name}"
    return t(language, key) if has(language, key) else name


async def tap(user: FakeUser, exact_label: str) -> ChatMessage:
    """Tap the button labelled exactly so on the user's latest screen; return it once redrawn.

    Case buttons edit the message they are on; a refusal comes as an alert instead, and fails here.
    """
    screen = user.last_with_buttons()
    version = screen.version
    query = user.press(screen, exact_label, exact=True)
    await user.emulator.wait_until(
        lambda: screen.version > version or (query.answered and query.show_alert),
        what=f"the screen to change after {exact_label!r}",
    )
    assert screen.version > version, f"{exact_label!r} was refused: {query.text}"
    return screen


async def taps(user: FakeUser, *labels: str) -> ChatMessage:
    screen = user.last_with_buttons()
    for each in labels:
        screen = await tap(user, each)
    return screen


# ---------------------------------------------------------------- the database


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            yield session
    finally:
        await engine.dispose()


async def latest_case(database_url: str) -> tuple[Case, list[CaseEvent]]:
    """The newest case and its timeline, oldest event first."""
    return await case_with_events(database_url, None)


async def case_with_events(database_url: str, case_id: int | None) -> tuple[Case, list[CaseEvent]]:
    """A case (the newest when `case_id` is None) and its timeline, oldest event first."""
    async with database(database_url) as session:
        query = select(Case).order_by(Case.id.desc()).limit(1)
        if case_id is not None:
            query = select(Case).where(Case.id == case_id)
        case = (await session.scalars(query)).one()
        events = (
            await session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
        ).all()
        return case, list(events)


def transitions(events: list[CaseEvent]) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.from_stage, e.to_stage, e.trigger) for e in events if e.kind == "transition"]


async def make_follow_ups_due(database_url: str, case_id: int) -> None:
    """Move the case's pending call-back to a minute ago, as if the promised time had come."""
    async with database(database_url) as session:
        await session.execute(
            update(FollowUp)
            .where(FollowUp.case_id == case_id, FollowUp.fired_at.is_(None))
            .values(due_at=utcnow() - dt.timedelta(minutes=1))
        )


async def follow_ups_of(database_url: str, case_id: int) -> list[FollowUp]:
    async with database(database_url) as session:
        return list(
            (
                await session.scalars(
                    select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.id)
                )
            ).all()
        )


async def team(admin: FakeUser) -> tuple[FakeUser, FakeUser]:
    """The admin signs in and brings a staff member (id 2) and a supervisor (id 3) on board."""
    emulator = admin.emulator
    admin.send("/start")
    await admin.reply()
    staff = emulator.user(2, "Олег")
    supervisor = emulator.user(3, "Мария")
    await join(admin, staff, "staff")
    await join(admin, supervisor, "supervisor")
    return staff, supervisor
