"""Helpers for driving whole call-coach cases through the offline harness."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import User

from dialogs.i18n import t
from storage.db import create_engine, create_sessionmaker
from storage.models import Case, CaseEvent
from tests.support.offline_telegram import CoachHarness, Sent, make_user


def label(language: str, key: str) -> str:
    """A call-coach button label as the user sees it."""
    return t(language, f"call.button.{key}")


def solution(language: str, kind: str) -> str:
    return t(language, f"terms.solution.{kind}").capitalize()


def root_cause(language: str, cause: str) -> str:
    return t(language, f"terms.root_cause.{cause}").capitalize()


def people(language: str) -> tuple[User, User, User]:
    """An admin (id 1, in ADMIN_IDS), a staff member and a supervisor, all in `language`."""
    return (
        make_user(1, first_name="Ирина", language_code=language),
        make_user(2, first_name="Олег", language_code=language),
        make_user(3, first_name="Мария", language_code=language),
    )


async def join(coach: CoachHarness, admin: User, user: User, role: str) -> None:
    [link] = await coach.send(admin, f"/invite {role}")
    match = re.search(r"start=([\w-]+)", link.text)
    assert match, link.text
    await coach.send(user, f"/start {match.group(1)}")


async def team(coach: CoachHarness, language: str) -> tuple[User, User, User]:
    admin, staff, supervisor = people(language)
    await coach.send(admin, "/start")
    await join(coach, admin, staff, "staff")
    await join(coach, admin, supervisor, "supervisor")
    return admin, staff, supervisor


def only(sent: Sent, exact_label: str) -> Sent:
    """`sent` with just the button labelled exactly `exact_label` (labels may share words)."""
    markup = sent.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = [
        [button for button in row if button["text"] == exact_label]
        for row in markup.get("inline_keyboard", [])
    ]
    rows = [row for row in rows if row]
    labels = [b["text"] for b in sent.buttons]
    assert rows, f"no button {exact_label!r} among {labels}"
    return replace(sent, params={**sent.params, "reply_markup": {"inline_keyboard": rows}})


async def tap(coach: CoachHarness, user: User, exact_label: str) -> list[Sent]:
    """The user taps the button labelled `exact_label` on their latest screen."""
    screen = coach.last_with_buttons(user.id)
    return await coach.press(user, only(screen, exact_label), exact_label)


async def taps(coach: CoachHarness, user: User, *labels: str) -> None:
    for each in labels:
        await tap(coach, user, each)


def screen(coach: CoachHarness, user: User) -> Sent:
    return coach.last_with_buttons(user.id)


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def cases_in(database_url: str) -> list[tuple[Case, list[CaseEvent]]]:
    async with database(database_url) as session:
        found = (await session.scalars(select(Case).order_by(Case.id))).all()
        result = []
        for case in found:
            events = (
                await session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
                )
            ).all()
            result.append((case, list(events)))
        return result


def transitions(events: list[CaseEvent]) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.from_stage, e.to_stage, e.trigger) for e in events if e.kind == "transition"]


def latest(coach: CoachHarness, user: User) -> Sent:
    """The latest message (or edit) the bot sent to the user, with or without buttons."""
    for sent in reversed(coach.api.sent):
        if sent.chat_id == user.id and sent.method != "answerCallbackQuery":
            return sent
    raise AssertionError(f"nothing sent to {user.id}")
