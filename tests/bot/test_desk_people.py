"""The weekly digest, /praise, /me and /forget_client through the real application."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from bot.desk_jobs import queue_digest, run_digest
from dialogs.access import Role
from storage.repositories import cases, clients, follow_ups, practice, wellbeing
from storage.repositories import praise as praise_repository
from tests.support.desk_seed import add_client, add_employee, make_case, sessionmaker_of
from tests.support.offline_telegram import CoachHarness, Sent, coach_harness, make_user

ADMIN = make_user(1, first_name="Ирина")
SUPERVISOR = make_user(2, first_name="Mary", language_code="en")
STAFF = make_user(3, first_name="Анна")
OTHER_STAFF = make_user(4, first_name="Олег")
TEAM_CHAT = -100500
# Monday 7 December 2026, 09:05 in Moscow: the digest for 30 November – 6 December is due.
MONDAY_MORNING = dt.datetime(2026, 12, 7, 6, 5, tzinfo=dt.UTC)


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url, team_chat_id=TEAM_CHAT) as harness:
        await add_employee(harness, 1, "Ирина", Role.ADMIN)
        await add_employee(harness, 2, "Mary", Role.SUPERVISOR, language="en")
        await add_employee(harness, 3, "Анна", Role.STAFF)
        await add_employee(harness, 4, "Олег", Role.STAFF)
        yield harness


async def _digest(coach: CoachHarness, now: dt.datetime) -> list[Sent]:
    before = len(coach.api.sent)
    settings, sessionmaker = coach.application.bot_data.ready()
    await run_digest(coach.application.bot, sessionmaker, settings, claimer="test", now=now)
    return coach.api.sent[before:]


async def _seed_week(coach: CoachHarness) -> None:
    """The week of 30 November: four cases, an idea, a praise; plus one case the week after."""
    in_week = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    client_id = await add_client(coach)
    async with sessionmaker_of(coach).begin() as session:
        for root_cause, department, outcome in (
            ("delivery", "delivery", "resolved"),
            ("delivery", "sales", "still_unhappy"),
            ("billing", "billing", "resolved"),
        ):
            await make_case(
                session,
                3,
                stage="closed",
                root_cause=root_cause,
                department=department,
                outcome=outcome,
                created_at=in_week,
            )
        returning = await make_case(
            session,
            4,
            returning_client=True,
            client_id=client_id,
            legal_threat=True,
            created_at=in_week,
        )
        idea = await cases.add_event(
            session, returning, actor_id=4, kind="idea", text="Сделайте трекинг <посылок>"
        )
        idea.at = in_week
        note = await praise_repository.record(
            session, employee_id=3, recorded_by_id=1, text="Анна спасла мой заказ!"
        )
        note.at = in_week
        await make_case(session, 3, created_at=dt.datetime(2026, 12, 7, 5, tzinfo=dt.UTC))


async def test_the_digest_sums_up_the_seeded_week_once(coach: CoachHarness) -> None:
    await _seed_week(coach)
    sent = await _digest(coach, MONDAY_MORNING)
    assert sorted(s.chat_id or 0 for s in sent) == [TEAM_CHAT, 1, 2]
    russian = next(s.text for s in sent if s.chat_id == TEAM_CHAT)
    assert "Сводка за неделю, 30.11–06.12.2026" in russian
    assert "Обращений: 4 (ещё в работе: 1, угрозы судом: 1, переданы руководителю: 0)" in russian
    assert "Итоги: решено — 2, клиент остался недоволен — 1" in russian
    assert "Главные причины: доставка — 2, счета и оплата — 1" in russian
    assert "Главные отделы: billing — 1, delivery — 1, sales — 1" in russian
    assert "Повторные клиенты: 1 (обращений: 1)" in russian
    assert "Сделайте трекинг &lt;посылок&gt;" in russian
    assert "• Анна: «Анна спасла мой заказ!»" in russian
    english = next(s.text for s in sent if s.chat_id == 2)
    assert "Weekly digest, 30.11–06.12.2026" in english
    assert await _digest(coach, MONDAY_MORNING + dt.timedelta(hours=3)) == []


async def test_the_digest_waits_for_monday_nine_oclock(coach: CoachHarness) -> None:
    await _seed_week(coach)
    assert await _digest(coach, MONDAY_MORNING - dt.timedelta(minutes=10)) == []
    assert len(await _digest(coach, MONDAY_MORNING)) == 3


async def test_praise_by_case_number_travels_to_the_employee_and_the_team(
    coach: CoachHarness,
) -> None:
    case_id = (await make_case_for(coach, owner_id=3)).id
    sent = await coach.send(SUPERVISOR, f"/praise {case_id} Спасибо <Анне> за терпение!")
    by_chat = {s.chat_id: s.text for s in sent}
    assert by_chat[3] == "🌟 Клиент благодарит вас: «Спасибо &lt;Анне&gt; за терпение!»"
    assert by_chat[TEAM_CHAT] == (
        "🌟 Клиент благодарит коллегу Анна: «Спасибо &lt;Анне&gt; за терпение!»"
    )
    assert by_chat[2] == "Recorded and forwarded to Анна and the team chat."
    [me] = await coach.send(STAFF, "/me")
    assert "Благодарности клиентов: 1" in me.text


async def make_case_for(coach: CoachHarness, owner_id: int) -> object:
    async with sessionmaker_of(coach).begin() as session:
        return await make_case(session, owner_id, stage="closed", outcome="resolved")


async def test_praise_by_name(coach: CoachHarness) -> None:
    sent = await coach.send(ADMIN, "/praise @Олег вежливый и быстрый")
    assert {s.chat_id for s in sent} == {1, 4, TEAM_CHAT}
    [reply] = await coach.send(ADMIN, "/praise @Никто спасибо")
    assert reply.text == "Коллеги с именем «@Никто» нет."


async def test_praise_needs_a_text(coach: CoachHarness) -> None:
    [reply] = await coach.send(ADMIN, "/praise 1")
    assert "/praise 42" in reply.text


async def test_me_shows_everything_recorded_about_the_employee(coach: CoachHarness) -> None:
    async with sessionmaker_of(coach).begin() as session:
        await make_case(session, 3, stage="closed", outcome="resolved")
        await make_case(session, 3, stage="closed", outcome="resolved")
        await make_case(session, 3)
        await make_case(session, 4, stage="closed", outcome="still_unhappy")
        for score in (4, 2):
            await wellbeing.record(session, employee_id=3, case_id=None, score=score)
        await wellbeing.record(session, employee_id=4, case_id=None, score=1)
        session_row = await practice.start(
            session, employee_id=3, scenario_id="burned_client", language="ru", state={}
        )
        await practice.finish(session, session_row, total_score=70, stage_scores={})
    [me] = await coach.send(STAFF, "/me")
    assert "Ваши обращения: 3" in me.text
    assert "• решено: 2" in me.text
    assert "• ещё в работе: 1" in me.text
    assert "клиент остался недоволен" not in me.text  # Олег's case is not hers
    assert "Завершённые тренировки: 1" in me.text
    today = dt.datetime.now(ZoneInfo("Europe/Moscow")).strftime("%d.%m")
    # Her two answers, oldest first, and not Олег's 1.
    assert f"(последний — в конце): {today}: 4, {today}: 2\n" in me.text


async def test_a_supervisor_never_sees_single_wellbeing_answers(coach: CoachHarness) -> None:
    async with sessionmaker_of(coach).begin() as session:
        case = await make_case(session, 3, stage="closed", outcome="resolved")
        await wellbeing.record(session, employee_id=3, case_id=case.id, score=1)
    [card] = await coach.send(SUPERVISOR, f"/case {case.id}")
    assert "check-in" not in card.text
    [me] = await coach.send(SUPERVISOR, "/me")
    assert "No after-call check-ins recorded." in me.text


async def test_forget_client_erases_personal_data_and_keeps_the_numbers(
    coach: CoachHarness,
) -> None:
    client_id = await add_client(coach, "Пётр Клиентов")
    async with sessionmaker_of(coach).begin() as session:
        first = await make_case(
            session,
            3,
            stage="closed",
            outcome="resolved",
            client_id=client_id,
            what_happened="Пётр, тел. +7 999 000-11-22",
        )
        await cases.add_event(session, first, actor_id=3, kind="note", text="Пётр кричал")
        second = await make_case(session, 4, client_id=client_id)
        await follow_ups.schedule(session, second.id, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    [reply] = await coach.send(ADMIN, f"/forget_client {second.id}")
    assert reply.text == (
        f"Клиент обращения №{second.id} забыт: его личные данные и заметки в обращениях (2) "
        "стёрты. Статистика не изменилась."
    )
    [card] = await coach.send(ADMIN, f"/case {first.id}")
    assert "Пётр" not in card.text
    assert "999" not in card.text
    assert "Клиент: личные данные стёрты" in card.text
    assert "Итог: решено" in card.text
    async with sessionmaker_of(coach)() as session:
        client = await clients.get(session, client_id)
        assert client is not None
        assert client.display_name is None
        assert client.phone_key is None
        assert len(await clients.cases_of(session, client_id)) == 2


async def test_forget_client_of_a_case_without_a_client(coach: CoachHarness) -> None:
    async with sessionmaker_of(coach).begin() as session:
        case = await make_case(session, 3)
    [reply] = await coach.send(ADMIN, f"/forget_client {case.id}")
    assert reply.text == f"В обращении №{case.id} нет данных клиента."


async def test_two_processes_send_the_digest_once(coach: CoachHarness) -> None:
    await _seed_week(coach)
    settings, sessionmaker = coach.application.bot_data.ready()

    async def one_process() -> bool:
        async with sessionmaker.begin() as session:
            return await queue_digest(session, settings, now=MONDAY_MORNING)

    assert sorted(await asyncio.gather(one_process(), one_process())) == [False, True]
