"""Periodic work, safe to run in every bot process at once.

Each job claims its rows in the database (reminders, queued messages) or records what it did under
a unique key (alerts), so two processes never send the same thing, and work due while every
process was down is done at the next start.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.ext import JobQueue

from bot import desk_jobs
from bot.context import CoachContext, Services
from bot.delivery import flush_outbox
from bot.settings import Settings
from storage.models import utcnow
from storage.repositories import cases, outbox, updates

log = logging.getLogger(__name__)

REMINDER_INTERVAL = dt.timedelta(seconds=10)
OUTBOX_INTERVAL = dt.timedelta(seconds=15)
HOUSEKEEPING_INTERVAL = dt.timedelta(hours=1)
PROCESSED_UPDATES_KEPT = dt.timedelta(days=2)
# A delivered message's copy in the outbox table quotes notes and names: kept no longer than this.
SENT_MESSAGES_KEPT = dt.timedelta(days=1)


def schedule(job_queue: JobQueue[CoachContext], settings: Settings) -> None:
    """Register every periodic job; the first run is at once, to catch up after a restart."""
    job_queue.run_repeating(send_reminders, REMINDER_INTERVAL, first=0.5, name="reminders")
    job_queue.run_repeating(send_queued, OUTBOX_INTERVAL, first=1.0, name="outbox")
    job_queue.run_repeating(housekeeping, HOUSEKEEPING_INTERVAL, first=5.0, name="housekeeping")
    desk_jobs.schedule(job_queue, settings)


async def send_reminders(context: CoachContext) -> None:
    """Queue every due follow-up reminder (and hand-off deadline alert), then send the queue."""
    from bot.reminders import queue_due_reminders

    services: Services = context.bot_data
    settings, sessionmaker = services.ready()
    async with sessionmaker.begin() as session:
        queued = await queue_due_reminders(session, settings, claimer=services.process_id)
    if queued:
        await flush_outbox(context.bot, sessionmaker, claimer=services.process_id)


async def send_queued(context: CoachContext) -> None:
    """Retry the messages Telegram did not take earlier."""
    services: Services = context.bot_data
    _, sessionmaker = services.ready()
    await flush_outbox(context.bot, sessionmaker, claimer=services.process_id)


async def housekeeping(context: CoachContext) -> None:
    """Forget old update ids and delivered messages; erase notes past the retention period."""
    services: Services = context.bot_data
    settings, sessionmaker = services.ready()
    now = utcnow()
    async with sessionmaker.begin() as session:
        await updates.prune(session, older_than=now - PROCESSED_UPDATES_KEPT)
        await outbox.prune_sent(session, older_than=now - SENT_MESSAGES_KEPT)
        if settings.notes_retention_days:
            erased = await cases.erase_notes_before(
                session, now - dt.timedelta(days=settings.notes_retention_days)
            )
            if erased:
                log.info("erased the text of %d timeline lines past retention", erased)
