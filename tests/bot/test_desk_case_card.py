"""`/case N`: the whole timeline in the team's time zone, the follow-ups, the client's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from dialogs.access import Role
from storage.repositories import cases, follow_ups
from tests.support.desk_seed import add_client, add_employee, make_case, sessionmaker_of
from tests.support.offline_telegram import CoachHarness, coach_harness, make_user

SUPERVISOR = make_user(2, first_name="Сергей")
STAFF = make_user(3, first_name="Анна")


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url, timezone="Asia/Yekaterinburg") as harness:
        yield harness


async def _seed_history(coach: CoachHarness) -> tuple[int, int, int]:
    """Two earlier cases of one client (Анна's and Олег's), then Анна's current one."""
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    anna = await add_employee(coach, 3, "Анна", Role.STAFF)
    oleg = await add_employee(coach, 4, "Олег", Role.STAFF)
    client_id = await add_client(coach)
    async with sessionmaker_of(coach).begin() as session:
        first = await make_case(
            session,
            anna,
            stage="closed",
            outcome="resolved",
            client_id=client_id,
            created_at=dt.datetime(2026, 10, 1, 7, tzinfo=dt.UTC),
        )
        second = await make_case(
            session,
            oleg,
            stage="closed",
            outcome="still_unhappy",
            client_id=client_id,
            created_at=dt.datetime(2026, 10, 20, 7, tzinfo=dt.UTC),
        )
        case = await cases.create(session, owner_id=anna, stage="listen", temperature=5)
        case.client_id = client_id
        case.returning_client = True
        case.what_happened = "Заказ <b>не</b> пришёл"
        await cases.add_event(
            session, case, actor_id=anna, kind="note", text="Кричит, что <script> сломан"
        )
        case.temperature = 3
        await cases.record_transition(
            session, case, actor_id=anna, to_stage="clarify", trigger="next"
        )
        await cases.add_event(
            session, case, actor_id=anna, kind="idea", text="Присылать СМС о задержке"
        )
        await follow_ups.schedule(session, case.id, dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))
        for event in await cases.timeline(session, case.id):
            event.at = dt.datetime(2026, 11, 1, 10, 15, tzinfo=dt.UTC)
    return first.id, second.id, case.id


async def test_the_card_shows_the_whole_timeline(coach: CoachHarness) -> None:
    _, _, case_id = await _seed_history(coach)
    [card] = await coach.send(SUPERVISOR, f"/case {case_id}")
    text = card.text
    assert f"Обращение №{case_id}</b> · Уточнить" in text
    # 10:15 UTC is 15:15 in Yekaterinburg: times are the team's local time.
    assert "01.11.2026 15:15 · Анна · обращение открыто · 🌡5" in text
    assert "📝 Кричит, что &lt;script&gt; сломан · 🌡5" in text
    assert "Выслушать → Уточнить · 🌡3" in text
    assert "💡 идея клиента: Присылать СМС о задержке" in text
    assert "Накал: 5 в начале → 3 сейчас" in text
    assert "Что случилось: Заказ &lt;b&gt;не&lt;/b&gt; пришёл" in text
    assert "🔁 повторный клиент" in text
    assert "Клиент: Пётр Клиентов, ООО Ромашка" in text
    assert "на 02.11.2026 14:30: ⏰ просрочен, итог не записан" in text


async def test_the_card_lists_the_clients_earlier_cases(coach: CoachHarness) -> None:
    first, second, case_id = await _seed_history(coach)
    [card] = await coach.send(SUPERVISOR, f"/case {case_id}")
    assert "Прежние обращения клиента: 2" in card.text
    assert f"№{first} · 01.10.2026 · решено" in card.text
    assert f"№{second} · 20.10.2026 · клиент остался недоволен" in card.text


async def test_staff_see_only_their_own_earlier_cases_and_a_count_of_the_rest(
    coach: CoachHarness,
) -> None:
    first, second, case_id = await _seed_history(coach)
    [card] = await coach.send(STAFF, f"/case {case_id}")
    assert f"№{first} · 01.10.2026" in card.text
    assert f"№{second}" not in card.text
    assert "ещё 1 — у коллег" in card.text


async def test_a_follow_up_not_yet_due_is_waiting(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    anna = await add_employee(coach, 3, "Анна", Role.STAFF)
    async with sessionmaker_of(coach).begin() as session:
        case = await make_case(session, anna, stage="awaiting_follow_up")
        await follow_ups.schedule(session, case.id, dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
    [card] = await coach.send(SUPERVISOR, f"/case {case.id}")
    assert ": ждёт" in card.text
    assert "просрочен" not in card.text


async def test_a_case_number_is_required(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    for command in ("/case", "/case abc", "/case 1 2"):
        [reply] = await coach.send(SUPERVISOR, command)
        assert reply.text == "Укажите номер обращения: /case 42"


async def test_fields_and_alerts_without_text_say_what_they_were(coach: CoachHarness) -> None:
    await add_employee(coach, 2, "Сергей", Role.SUPERVISOR)
    anna = await add_employee(coach, 3, "Анна", Role.STAFF)
    async with sessionmaker_of(coach).begin() as session:
        case = await make_case(session, anna)
        await cases.add_event(
            session, case, actor_id=anna, kind="field", data={"field": "temperature", "value": 4}
        )
        await cases.add_event(
            session,
            case,
            actor_id=anna,
            kind="field",
            text="Вернуть деньги",
            data={"field": "client_wants"},
        )
        await cases.add_event(session, case, actor_id=None, kind="alert", data={"alert": "legal"})
    [card] = await coach.send(SUPERVISOR, f"/case {case.id}")
    assert "· Анна · ✏️ накал: 4" in card.text
    assert "✏️ чего хочет клиент — Вернуть деньги" in card.text
    assert "· бот · 🔔 замечена угроза судом" in card.text
