"""The desk's periodic work: alerts that only show over time, and the weekly digest.

Every message is queued in the outbox in the same transaction that records its alert key, so a
second bot process, a retry or a crash between the two never tells anyone twice; the queue is sent
after the commit. Decisions live in dialogs.desk_alerts and dialogs.digest; queries in
storage.repositories.reports.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot, JobQueue

from bot import callback_data as callback
from bot.context import CoachContext, Services
from bot.delivery import flush_outbox
from bot.desk_views import local
from bot.outgoing import Button, Outgoing, escape
from bot.settings import Settings
from dialogs.access import SUPERVISING
from dialogs.case_list import NEW_MESSAGE_MARK, ListFilter
from dialogs.desk_alerts import (
    LOW_STREAK,
    OVERDUE_AFTER,
    REPEAT_FRESH,
    REPEAT_WINDOW,
    AlertKind,
    digest_key,
    low_streak_start,
    overdue_follow_ups,
    overdue_key,
    repeat_clients,
    wellbeing_key,
)
from dialogs.digest import DigestData, compose
from dialogs.i18n import Language, t
from dialogs.periods import previous_week
from storage.models import utcnow
from storage.repositories import alerts, cases, employees, outbox, praise, reports

log = logging.getLogger(__name__)

ALERTS_INTERVAL = dt.timedelta(minutes=1)
DIGEST_INTERVAL = dt.timedelta(minutes=10)
DIGEST_WEEKDAY, DIGEST_TIME = 0, dt.time(9, 0)  # Monday morning, in the team's time zone
WELLBEING_LOOKBACK = dt.timedelta(days=30)
WELLBEING_READ = 20  # answers read per employee: enough to find where a low run started


def schedule(job_queue: JobQueue[CoachContext], settings: Settings) -> None:
    job_queue.run_repeating(desk_alerts, ALERTS_INTERVAL, first=20.0, name="desk-alerts")
    job_queue.run_repeating(weekly_digest, DIGEST_INTERVAL, first=30.0, name="weekly-digest")


async def desk_alerts(context: CoachContext) -> None:
    services: Services = context.bot_data
    settings, sessionmaker = services.ready()
    await run_alerts(context.bot, sessionmaker, settings, claimer=services.process_id)


async def weekly_digest(context: CoachContext) -> None:
    services: Services = context.bot_data
    settings, sessionmaker = services.ready()
    await run_digest(context.bot, sessionmaker, settings, claimer=services.process_id)


async def run_alerts(
    bot: ExtBot[None],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    claimer: str,
    now: dt.datetime | None = None,
) -> int:
    """Raise every new alert and send it; returns how many alerts were raised."""
    async with sessionmaker.begin() as session:
        raised = await queue_alerts(session, settings, now=now or utcnow())
    if raised:
        await flush_outbox(bot, sessionmaker, claimer=claimer)
    return raised


async def run_digest(
    bot: ExtBot[None],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    claimer: str,
    now: dt.datetime | None = None,
) -> bool:
    """Send last week's digest if it is due and not yet sent; True when this call sent it."""
    async with sessionmaker.begin() as session:
        sent = await queue_digest(session, settings, now=now or utcnow())
    if sent:
        await flush_outbox(bot, sessionmaker, claimer=claimer)
    return sent


async def _tell(session: AsyncSession, message: Outgoing) -> None:
    await outbox.enqueue(session, message.chat_id, message.to_payload())


def _open_button(language: Language, case_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(
                t(language, "desk.alert.open_button", case_id=case_id),
                callback.encode_open(case_id),
            ),
        ),
    )


async def queue_alerts(session: AsyncSession, settings: Settings, *, now: dt.datetime) -> int:
    """Decide the new alerts, record their keys and queue one message per supervisor."""
    supervisors = await employees.list_by_role(session, SUPERVISING)
    if not supervisors:
        return 0  # nobody to tell yet: the alerts stay unraised until someone can act on them
    zone = settings.zone
    repeats = repeat_clients(
        await reports.client_cases_since(session, now - REPEAT_FRESH - REPEAT_WINDOW),
        opened_since=now - REPEAT_FRESH,
    )
    overdue = overdue_follow_ups(
        await reports.unfinished_follow_ups(session, due_before=now - OVERDUE_AFTER), now
    )
    low_runs: list[tuple[int, int, int]] = []  # employee id, first answer id, run length
    for employee_id in await reports.employees_answering_since(session, now - WELLBEING_LOOKBACK):
        answers = await reports.latest_wellbeing(session, employee_id, count=WELLBEING_READ)
        first = low_streak_start(answers)
        if first is not None:
            length = next(i for i, a in enumerate(answers) if a.answer_id == first) + 1
            low_runs.append((employee_id, first, max(length, LOW_STREAK)))
    keys = (
        [r.key for r in repeats]
        + [overdue_key(f.follow_up_id) for f in overdue]
        + [wellbeing_key(e, first) for e, first, _ in low_runs]
    )
    if not keys:
        return 0
    known = await reports.existing_alert_keys(session, keys)
    raised = 0

    async def owner_of(case_id: int) -> str:
        case = await cases.get(session, case_id)
        owner = await employees.get(session, case.owner_id) if case else None
        return owner.name if owner else "?"

    for repeat in repeats:
        if repeat.key in known or not await alerts.raise_once(
            session, key=repeat.key, kind=AlertKind.REPEAT_CLIENT, case_id=repeat.case_id
        ):
            continue
        raised += 1
        owner = escape(await owner_of(repeat.case_id))
        for supervisor in supervisors:
            language = Language(supervisor.language)
            text = t(
                language,
                "desk.alert.repeat",
                count=repeat.count,
                case_id=repeat.case_id,
                owner=owner,
            )
            await _tell(
                session,
                Outgoing(supervisor.telegram_id, text, _open_button(language, repeat.case_id)),
            )
    for follow_up in overdue:
        key = overdue_key(follow_up.follow_up_id)
        if key in known or not await alerts.raise_once(
            session, key=key, kind=AlertKind.OVERDUE_FOLLOW_UP, case_id=follow_up.case_id
        ):
            continue
        raised += 1
        owner = escape(await owner_of(follow_up.case_id))
        for supervisor in supervisors:
            language = Language(supervisor.language)
            text = t(
                language,
                "desk.alert.overdue",
                case_id=follow_up.case_id,
                owner=owner,
                due=local(follow_up.due_at, zone),
            )
            await _tell(
                session,
                Outgoing(supervisor.telegram_id, text, _open_button(language, follow_up.case_id)),
            )
    for employee_id, first, length in low_runs:
        key = wellbeing_key(employee_id, first)
        if key in known or not await alerts.raise_once(
            session, key=key, kind=AlertKind.LOW_WELLBEING, employee_id=employee_id
        ):
            continue
        raised += 1
        employee = await employees.get(session, employee_id)
        name = escape(employee.name if employee else "?")
        for supervisor in supervisors:
            if supervisor.id == employee_id:
                continue  # the pattern is for whoever can offer support, not a mirror
            language = Language(supervisor.language)
            button = Button(
                t(language, "desk.alert.cases_button", name=name)[:60],
                callback.ListPage(
                    ListFilter.EMPLOYEE.value + NEW_MESSAGE_MARK, employee_id, 0
                ).encode(),
            )
            await _tell(
                session,
                Outgoing(
                    supervisor.telegram_id,
                    t(language, "desk.alert.wellbeing", name=name, count=length),
                    ((button,),),
                ),
            )
    if raised:
        log.info("raised %d desk alert(s)", raised)
    return raised


def digest_due(now: dt.datetime, settings: Settings) -> bool:
    """From Monday 09:00 local time on, last week's digest is due (and stays due until sent)."""
    local_now = now.astimezone(settings.zone)
    return not (local_now.weekday() == DIGEST_WEEKDAY and local_now.time() < DIGEST_TIME)


async def queue_digest(session: AsyncSession, settings: Settings, *, now: dt.datetime) -> bool:
    """Queue last week's digest for supervisors and the team chat, once per week."""
    if not digest_due(now, settings):
        return False
    week = previous_week(now.astimezone(settings.zone).date())
    key = digest_key(week.first_day)
    if await reports.existing_alert_keys(session, [key]):
        return False
    if not await alerts.raise_once(session, key=key, kind=AlertKind.DIGEST):
        return False
    start, end = week.bounds(settings.zone)
    data = DigestData(
        period=week,
        cases=await reports.case_rows(session, created_from=start, created_to=end),
        ideas=await reports.ideas_between(session, start, end),
        praise=await praise.between(session, start, end),
    )
    recipients: list[tuple[int, Language]] = [
        (supervisor.telegram_id, Language(supervisor.language))
        for supervisor in await employees.list_by_role(session, SUPERVISING)
    ]
    if settings.team_chat_id is not None:
        recipients.append((settings.team_chat_id, Language(settings.default_language)))
    texts: dict[Language, str] = {}
    for chat_id, language in recipients:
        if language not in texts:
            texts[language] = compose(data, language)
        await _tell(session, Outgoing(chat_id, texts[language]))
    log.info("queued the digest for %s to %d chat(s)", key, len(recipients))
    return True
