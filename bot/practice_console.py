"""`complaint-coach practice`: practise an angry-client scenario in a terminal.

The same scenarios, scorer and storage as in Telegram. The terminal's user is the one Employee
row the call coach's console uses too (`bot.console_user`), so terminal sessions show in
/trainees and count in the trend like any other. A session left unfinished is picked up again by
the next run. Reads replies line by line, so it works with piped input too.
"""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import practice_service
from bot.console_user import console_employee
from bot.settings import Settings
from bot.startup import migrate_database
from dialogs import practice as dialogs_practice
from dialogs.i18n import Language, t
from dialogs.practice import Scenario, render_scorecard
from storage.db import create_engine, create_sessionmaker

STOP = "/stop"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=[language.value for language in Language])
    parser.add_argument(
        "--scenario",
        choices=[*dialogs_practice.scenarios(), practice_service.RANDOM],
        help="scenario id (default: choose from a list)",
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")


def run(args: argparse.Namespace, settings: Settings) -> int:
    language = Language(args.lang or settings.default_language)
    url = args.database_url or settings.database_url
    return asyncio.run(_practise(url, language, args.scenario))


def _say(text: str = "") -> None:
    print(text, flush=True)


async def _read(prompt: str) -> str | None:
    """One line of input, or None at the end of input."""
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def _pick(language: Language, scenario_id: str | None) -> Scenario | None:
    if scenario_id is not None:
        return practice_service.choose_scenario(scenario_id)
    listed = list(dialogs_practice.scenarios().values())
    _say(t(language, "practice.console.choose"))
    for number, scenario in enumerate(listed, start=1):
        _say(t(language, "practice.console.item", number=number, title=scenario.title[language]))
    while True:
        answer = await _read(t(language, "practice.console.pick"))
        if answer is None:
            return None
        answer = answer.strip()
        if not answer:
            return practice_service.choose_scenario(practice_service.RANDOM)
        if answer.isdigit() and 1 <= int(answer) <= len(listed):
            return listed[int(answer) - 1]
        _say(t(language, "practice.console.bad_pick"))


async def _practise(url: str, language: Language, scenario_id: str | None) -> int:
    await migrate_database(url)
    engine = create_engine(url)
    try:
        return await _session_loop(create_sessionmaker(engine), language, scenario_id)
    finally:
        await engine.dispose()


async def _session_loop(
    sessionmaker: async_sessionmaker[AsyncSession], language: Language, scenario_id: str | None
) -> int:
    async with sessionmaker.begin() as session:
        employee = await console_employee(session, language)
        running = await practice_service.active_session(session, employee)
        if running is None:
            scenario = await _pick(language, scenario_id)
            if scenario is None:
                return 1
            running = await practice_service.start(session, employee, scenario, language)
        scenario = practice_service.scenario_of(running)
        language = Language(running.language)
        _say(f"== {scenario.title[language]} ==")
        _say(practice_service.intro_text(language, scenario))
        _say()
        _say(practice_service.opening_text(language, scenario, running.state))
        _say(t(language, "practice.console.stop_hint"))
    while True:
        reply = await _read(t(language, "practice.console.prompt"))
        if reply is not None and not reply.strip():
            continue
        async with sessionmaker.begin() as session:
            employee = await console_employee(session, language)
            running = await practice_service.active_session(session, employee)
            if running is None:
                return 0
            if reply is None or reply.strip() == STOP:
                _say()
                _say(
                    render_scorecard(
                        await practice_service.stop(session, employee, running), language
                    )
                )
                return 0
            replied = await practice_service.reply(session, employee, running, reply.strip())
        _say(practice_service.reply_text(language, replied))
        if replied.scorecard is not None:
            return 0
