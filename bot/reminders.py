"""Due follow-up reminders and overdue hand-offs, queued in the same transaction that claims them.

`queue_due_reminders` claims due follow-ups (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so one
process gets each) and puts the reminder, with its outcome buttons, into the outbox in the same
transaction: a crash either loses both the claim and the message or keeps both, so a reminder is
sent once. The periodic job (`bot.jobs.send_reminders`) then flushes the outbox.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.call_service import CallService, case_buttons, render_html
from bot.outgoing import Outgoing, escape
from bot.settings import Settings
from dialogs.access import SUPERVISING
from dialogs.call_flow import FINAL
from dialogs.i18n import Language, t
from storage.models import Case, Employee, utcnow
from storage.repositories import alerts, cases, employees, follow_ups, outbox
from storage.repositories.cases import EventKind


def _language(person: Employee) -> Language:
    return Language(person.language if person.language in ("ru", "en") else "ru")


async def queue_due_reminders(
    session: AsyncSession, settings: Settings, *, claimer: str, now: dt.datetime | None = None
) -> int:
    """Queue every due reminder and every overdue hand-off alert; returns how many were queued."""
    now = now or utcnow()
    queued = 0
    for follow_up in await follow_ups.claim_due(session, claimer=claimer, now=now):
        case = follow_up.case
        if case.stage in FINAL:
            continue
        await cases.add_event(
            session,
            case,
            actor_id=None,
            kind=EventKind.FOLLOW_UP,
            data={"follow_up_id": follow_up.id, "due_at": follow_up.due_at.isoformat()},
        )
        await session.flush()  # the buttons carry the case's version after this line
        owner = case.owner
        if owner.telegram_id <= 0:
            continue  # the terminal's user has no chat to remind; the timeline keeps the line
        view = await CallService(session, settings, owner, now=now).view(case)
        language = _language(owner)
        text, keyboard = render_html(
            language, view, t(language, "call.reminder.due", case_id=case.id)
        )
        await outbox.enqueue(
            session, owner.telegram_id, Outgoing(owner.telegram_id, text, keyboard).to_payload()
        )
        queued += 1
    for case in await cases.handoffs_overdue(session, now=now):
        queued += await _alert_overdue_handoff(session, settings, case)
    return queued


async def _alert_overdue_handoff(session: AsyncSession, settings: Settings, case: Case) -> int:
    """Tell every supervisor, once per hand-off, that nobody accepted the case in time."""
    assert case.handoff_due_at is not None
    key = f"handoff:{case.id}:{int(case.handoff_due_at.timestamp())}"
    if not await alerts.raise_once(
        session, key=key, kind="handoff_overdue", case_id=case.id, employee_id=case.handoff_to_id
    ):
        return 0
    await cases.add_event(
        session, case, actor_id=None, kind=EventKind.ALERT, data={"alert": "handoff_overdue"}
    )
    await session.flush()
    colleague = await employees.get(session, case.handoff_to_id) if case.handoff_to_id else None
    sent = 0
    for supervisor in await employees.list_by_role(session, SUPERVISING):
        language = _language(supervisor)
        text = t(
            language,
            "call.alert.handoff_overdue",
            case_id=case.id,
            colleague=escape(colleague.name if colleague else ""),
            minutes=settings.handoff_ack_minutes,
        )
        message = Outgoing(
            supervisor.telegram_id, text, case_buttons(language, case, ("take", "open"))
        )
        await outbox.enqueue(session, supervisor.telegram_id, message.to_payload())
        sent += 1
    return sent
