"""`complaint-coach console`: the call coach in a terminal, with numbered choices.

The same use-cases as in Telegram (`bot.call_service`), on the same database, with no token. Each
input runs in its own transaction, exactly like one Telegram update. Messages for other people
(alerts to supervisors) go to the outbox, where a running bot process delivers them.
Works with piped stdin: a number picks a choice, other text is a note, end of input quits.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.call_service import CallService, CaseView, Choice, Result
from bot.console_user import console_employee
from bot.settings import Settings
from bot.startup import migrate_database
from dialogs.i18n import Language, t
from storage.db import create_engine, create_sessionmaker
from storage.models import CaseMode, utcnow
from storage.repositories import outbox
from storage.repositories.cases import StaleCaseError

Reader = Callable[[], str | None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=[language.value for language in Language],
        help="default: DEFAULT_LANGUAGE",
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument(
        "--after", action="store_true", help="log a call that already happened (a checklist)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    language = Language(args.lang or settings.default_language)
    url = args.database_url or settings.database_url
    mode = CaseMode.AFTER if args.after else CaseMode.LIVE
    return asyncio.run(coach(settings, url, language, mode, _line_reader(sys.stdin), sys.stdout))


def _line_reader(stream: TextIO) -> Reader:
    def read() -> str | None:
        line = stream.readline()
        return None if line == "" else line.rstrip("\n")

    return read


def numbered(view: CaseView) -> list[Choice]:
    """The choices in the order they are numbered on screen (row by row)."""
    return [choice for row in view.choices for choice in row]


def render_plain(language: Language, view: CaseView, notice: str | None = None) -> str:
    """One screen as terminal text, the choices numbered from 1."""
    lines = [f"=== {view.title} ==="]
    if notice:
        lines.append(f"» {notice}")
    lines.extend(view.lines)
    if view.tip:
        lines.append(f"💡 {view.tip}")
    if view.phrases:
        lines.append(t(language, "call.view.say"))
        lines.extend(f"  • {phrase}" for phrase in view.phrases)
    if view.avoid:
        lines.append(t(language, "call.view.avoid", items="; ".join(view.avoid)))
    if view.prompt:
        lines.append(f"? {view.prompt}")
    number = 1
    for row in view.choices:
        cells = []
        for choice in row:
            cells.append(f"{number}. {choice.label}")
            number += 1
        lines.append("  " + "   ".join(cells))
    return "\n".join(lines) + "\n"


async def _in_transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    language: Language,
    use_case: Callable[[CallService], Awaitable[Result]],
) -> Result:
    """Run one use-case in one transaction; queue the messages for others in the outbox."""
    async with sessionmaker.begin() as session:
        employee = await console_employee(session, language)
        service = CallService(session, settings, employee, now=utcnow())
        result = await use_case(service)
        for message in result.others:
            await outbox.enqueue(session, message.chat_id, message.to_payload())
        return result


async def coach(
    settings: Settings,
    database_url: str,
    language: Language,
    mode: CaseMode,
    read: Reader,
    out: TextIO,
) -> int:
    """Walk one case from its first stage until it is closed (or the input ends)."""
    await migrate_database(database_url)
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    settings = settings.model_copy(update={"database_url": database_url})
    try:
        out.write(t(language, "call.console.intro") + "\n\n")
        result = await _in_transaction(
            sessionmaker, settings, language, functools.partial(CallService.start, mode=mode)
        )
        view = result.view
        assert view is not None  # the console's user is staff: the case always opens
        out.write(render_plain(language, view))
        while True:
            out.write(t(language, "call.console.prompt"))
            out.flush()
            line = read()
            if line is None:
                out.write("\n")
                return 0
            line = line.strip()
            if not line:
                out.write(render_plain(language, view))
                continue
            choices = numbered(view)
            if line.isdigit():
                index = int(line) - 1
                if not 0 <= index < len(choices):
                    out.write(t(language, "call.console.bad_choice") + "\n")
                    continue
                action = view.action(choices[index])
                try:
                    result = await _in_transaction(
                        sessionmaker,
                        settings,
                        language,
                        functools.partial(CallService.act, action=action),
                    )
                except (StaleCaseError, StaleDataError):
                    result = await _in_transaction(
                        sessionmaker, settings, language, CallService.current
                    )
                    result.notice = t(language, "call.console.stale")
            else:
                text = line
                result = await _in_transaction(
                    sessionmaker,
                    settings,
                    language,
                    functools.partial(CallService.take_text, text=text),
                )
            if result.view is None:
                out.write(f"» {result.notice}\n" if result.notice else "")
                continue
            view = result.view
            out.write(render_plain(language, view, result.notice))
            if not view.choices and _finished(view, language):
                out.write(t(language, "call.console.done", case_id=view.case_id) + "\n")
                return 0
    finally:
        await engine.dispose()


def _finished(view: CaseView, language: Language) -> bool:
    """A closed case whose wellbeing question is answered, or a cancelled one: nothing left."""
    stages = (t(language, "terms.stage.closed"), t(language, "terms.stage.cancelled"))
    return any(stage in view.title for stage in stages)
