"""A client's personal data: erased on request everywhere it was typed, and notes past retention.

What counts as the client's personal data (README "Reliability"): the client's record (name,
company, phone, e-mail); every free text of the cases recorded for that client (notes, the "what
happened" and "what they want" fields, an own solution, a no-call-back reason, ideas); and any free
text of any other case, any recorded thanks and any copy of a delivered message that mentions the
client's phone number or e-mail address, however it was written. Stages, outcomes, causes,
departments and times stay, so the statistics do not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update

from bot import jobs
from bot.context import CoachContext
from dialogs.i18n import t
from storage.models import Case, CaseEvent, Client, OutboxMessage, Praise, utcnow
from storage.repositories import outbox
from tests.bot.call_support import label, solution, taps, team
from tests.support.desk_seed import sessionmaker_of
from tests.support.offline_telegram import CoachHarness, coach_harness

RU = "ru"
PHONE = "+7 (912) 345-67-89"
EMAIL = "Ivan.Petrov@example.com"


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url, notes_retention_days=30) as harness:
        yield harness


async def _all_text(coach: CoachHarness) -> str:
    """Every free text the database holds about cases and clients, in one string."""
    async with sessionmaker_of(coach)() as session:
        texts = [e.text for e in (await session.scalars(select(CaseEvent))).all()]
        for case in (await session.scalars(select(Case))).all():
            texts += [case.what_happened, case.client_wants, case.solution_text]
        for client in (await session.scalars(select(Client))).all():
            texts += [client.display_name, client.company, client.phone_key, client.email_key]
        texts += [p.text for p in (await session.scalars(select(Praise))).all()]
        for message in (await session.scalars(select(OutboxMessage))).all():
            texts.append(str(message.payload.get("text")))
    return "\n".join(text for text in texts if text)


async def _numbers(coach: CoachHarness) -> list[tuple[object, ...]]:
    async with sessionmaker_of(coach)() as session:
        cases = (await session.scalars(select(Case).order_by(Case.id))).all()
        counts = []
        for case in cases:
            events = (
                await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
            ).all()
            counts.append(
                (case.id, case.stage, case.fault, case.outcome, case.client_id, len(events))
            )
    return counts


async def test_forget_client_erases_them_from_every_case_and_keeps_the_numbers(
    coach: CoachHarness,
) -> None:
    admin, staff, supervisor = await team(coach, RU)
    # A case for the client: identity, fields and notes full of their contact details.
    await coach.send(staff, "/call")
    await taps(coach, staff, label(RU, "heard_out"), label(RU, "ask_client"))
    await coach.send(staff, f"Иван Петров, ООО Ромашка, {PHONE}, {EMAIL}")
    await taps(coach, staff, label(RU, "ask_what"))
    await coach.send(staff, f"Заказ не пришёл, писал на {EMAIL.lower()}")
    await coach.send(staff, "Перезвонить на 8 912 345 67 89 после обеда")
    await taps(coach, staff, label(RU, "facts_clear"), label(RU, "fault_ours"))
    await taps(coach, staff, label(RU, "error_owned"), solution(RU, "custom"))
    await coach.send(staff, "Курьер привезёт замену, сначала позвонит на 9123456789")
    # Another colleague's case, never linked to the client, with a note that names their phone.
    await coach.send(supervisor, "/call")
    await coach.send(supervisor, "Звонил тот же клиент с 8-912-345-67-89, ругался")
    await coach.send(supervisor, "Другой клиент хочет скидку")
    await coach.send(admin, "/praise 1 Иван (+7 912 345-67-89) благодарит за замену")
    # A copy of a delivered message that quoted the client (the outbox keeps them a day).
    async with sessionmaker_of(coach).begin() as session:
        sent = await outbox.enqueue(session, 2, {"text": f"Клиент: {EMAIL}"})
        await outbox.mark_sent(session, sent.id)
    numbers_before = await _numbers(coach)
    everything = await _all_text(coach)
    assert "345" in everything
    assert "благодарит" in everything
    assert f"Клиент: {EMAIL}" in everything

    [done] = await coach.send(admin, "/forget_client 1")

    assert done.text.startswith(t(RU, "desk.forget.done", case_id=1, count=1)[:20])
    left = await _all_text(coach)
    for fragment in ("Иван", "Петров", "Ромашка", "345", "9123456789", "ivan.petrov", "@"):
        assert fragment.lower() not in left.lower(), (fragment, left)
    assert "Другой клиент хочет скидку" in left  # what does not concern them stays
    assert await _numbers(coach) == numbers_before
    [card] = await coach.send(admin, "/case 2")
    assert "345" not in card.text


async def test_notes_older_than_the_retention_period_are_erased(coach: CoachHarness) -> None:
    _, staff, supervisor = await team(coach, RU)
    for person, words in ((staff, "старое"), (supervisor, "свежее")):
        await coach.send(person, "/call")
        await coach.send(person, f"Заметка: {words}")
        await taps(coach, person, label(RU, "heard_out"), label(RU, "ask_what"))
        await coach.send(person, f"Что случилось: {words}")
        await taps(coach, person, label(RU, "ask_wants"))
        await coach.send(person, f"Чего хочет: {words}")
        await taps(coach, person, label(RU, "facts_clear"), label(RU, "fault_ours"))
        await taps(coach, person, label(RU, "error_owned"), solution(RU, "custom"))
        await coach.send(person, f"Своё решение: {words}")
        await taps(coach, person, label(RU, "accepted"), label(RU, "apologised"))
        await taps(coach, person, label(RU, "no_follow_up"), label(RU, "reason_other"))
        await coach.send(person, f"Причина: {words}")
        await coach.send(person, f"Идея клиента: {words}")
    async with sessionmaker_of(coach).begin() as session:
        # The staff member's case was written 31 days ago (a retention of 30 days is set).
        await session.execute(
            update(CaseEvent)
            .where(CaseEvent.case_id == 1)
            .values(at=utcnow() - dt.timedelta(days=31))
        )
        delivered = await outbox.enqueue(session, 2, {"text": "Заметка: старое"})
        await outbox.mark_sent(session, delivered.id, now=utcnow() - dt.timedelta(days=2))
        await outbox.enqueue(session, 2, {"text": "Ещё не отправлено: свежее"})
    numbers_before = await _numbers(coach)

    await jobs.housekeeping(CoachContext(coach.application))  # type: ignore[arg-type]

    left = await _all_text(coach)
    assert "старое" not in left, left
    for field in (
        "Заметка",
        "Что случилось",
        "Чего хочет",
        "Своё решение",
        "Причина",
        "Идея клиента",
    ):
        assert f"{field}: свежее" in left, field
    assert "Ещё не отправлено: свежее" in left  # a message still to be sent is kept
    assert await _numbers(coach) == numbers_before
