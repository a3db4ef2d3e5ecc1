"""The call coach's rules as a user meets them: stale buttons, alerts, access, restarts, signals."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.delivery import flush_outbox
from bot.reminders import queue_due_reminders
from dialogs.i18n import t, t_list
from storage.models import Alert, WellbeingAnswer, utcnow
from tests.bot.call_support import (
    cases_in,
    database,
    join,
    label,
    latest,
    only,
    root_cause,
    screen,
    solution,
    tap,
    taps,
    team,
    transitions,
)
from tests.support.offline_telegram import CoachHarness, coach_harness, make_user


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[CoachHarness]:
    async with coach_harness(database_url) as harness:
        yield harness


def _alert_answers(replies: list) -> list:  # type: ignore[type-arg]
    return [r for r in replies if r.method == "answerCallbackQuery" and r.params.get("show_alert")]


async def test_a_doubled_or_stale_press_changes_nothing_and_redraws_the_current_screen(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    [listen] = await coach.send(staff, "/call")
    await coach.press(staff, only(listen, label("ru", "heard_out")), label("ru", "heard_out"))
    again = await coach.press(
        staff, only(listen, label("ru", "heard_out")), label("ru", "heard_out")
    )
    old_cancel = await coach.press(
        staff, only(listen, label("ru", "cancel")), label("ru", "cancel")
    )

    for replies in (again, old_cancel):
        answers = _alert_answers(replies)
        assert {a.params["text"] for a in answers} == {t("ru", "error.stale_button_redrawn")}
        # The pressed (old) message now shows the case as it is: clarify, with fresh buttons.
        [redrawn] = [r for r in replies if r.method != "answerCallbackQuery"]
        assert redrawn.method == "editMessageText"
        assert redrawn.message_id == listen.message_id
        assert t("ru", "call.stage.clarify.tip") in redrawn.text
        assert label("ru", "facts_clear") in [b["text"] for b in redrawn.buttons]
    [(case, events)] = await cases_in(database_url)
    assert case.stage == "clarify"
    assert transitions(events) == [("listen", "clarify", "heard_out")]


async def test_the_redrawn_screen_after_a_lost_reply_works(coach: CoachHarness) -> None:
    """A reply lost between commit and send leaves an old screen; a press there gets them going."""
    _, staff, _ = await team(coach, "ru")
    [listen] = await coach.send(staff, "/call")
    await coach.press(staff, only(listen, label("ru", "heard_out")), label("ru", "heard_out"))
    [redrawn] = [
        r
        for r in await coach.press(
            staff, only(listen, label("ru", "cancel")), label("ru", "cancel")
        )
        if r.method == "editMessageText"
    ]
    replies = await coach.press(
        staff, only(redrawn, label("ru", "facts_clear")), label("ru", "facts_clear")
    )
    assert _alert_answers(replies) == []
    assert any(t("ru", "call.stage.decide.tip") in r.text for r in replies)


async def test_someone_elses_case_buttons_are_refused(
    coach: CoachHarness, database_url: str
) -> None:
    admin, staff, _ = await team(coach, "en")
    colleague = make_user(4, first_name="Pat", language_code="en")
    await join(coach, admin, colleague, "staff")
    [listen] = await coach.send(staff, "/call")
    replies = await coach.press(colleague, only(listen, label("en", "heard_out")), "They")
    [answer] = _alert_answers(replies)
    assert answer.params["text"] == t("en", "call.refusal.not_yours")
    [(case, _)] = await cases_in(database_url)
    assert case.stage == "listen"


async def test_a_trainee_cannot_open_a_case(coach: CoachHarness, database_url: str) -> None:
    admin, _, _ = await team(coach, "ru")
    trainee = make_user(5, first_name="Ник")
    await join(coach, admin, trainee, "trainee")
    [reply] = await coach.send(trainee, "/call")
    assert reply.text == t("ru", "call.view.trainee")
    assert await cases_in(database_url) == []


async def test_a_legal_threat_in_a_note_alerts_every_supervisor_once(
    coach: CoachHarness, database_url: str
) -> None:
    admin, staff, supervisor = await team(coach, "ru")
    await coach.send(staff, "/call")
    first = await coach.send(staff, "Клиент кричит, что засудит нас и пойдёт в Роспотребнадзор")
    second = await coach.send(staff, "Опять грозит судом")

    alerted = [r for r in first if r.chat_id in (admin.id, supervisor.id)]
    assert {r.chat_id for r in alerted} == {admin.id, supervisor.id}
    assert all("№1" in r.text for r in alerted)
    assert all(r.buttons[0]["callback_data"] == "open:1" for r in alerted)
    assert [r for r in second if r.chat_id != staff.id] == []
    assert t("ru", "call.view.legal") in latest(coach, staff).text
    [(case, events)] = await cases_in(database_url)
    assert case.legal_threat is True
    assert [e.text for e in events if e.kind == "note"] == [
        "Клиент кричит, что засудит нас и пойдёт в Роспотребнадзор",
        "Опять грозит судом",
    ]
    async with database(database_url) as session:
        keys = (await session.scalars(select(Alert.key))).all()
    assert keys == ["legal:1"]


async def test_a_case_continues_at_the_same_stage_after_a_restart(database_url: str) -> None:
    async with coach_harness(database_url) as first_process:
        _, staff, _ = await team(first_process, "en")
        await first_process.send(staff, "/call")
        await taps(first_process, staff, "🌡3", label("en", "heard_out"))
        await first_process.send(staff, "Order 1234 arrived broken")
        screen_before = screen(first_process, staff)

    async with coach_harness(database_url) as restarted:
        # Telegram's update ids keep growing across a restart; the harness starts from 1 again.
        restarted._update_ids = itertools.count(10_000)
        await restarted.press(staff, only(screen_before, label("en", "facts_clear")), "Facts")
        await taps(restarted, staff, label("en", "fault_ours"))
        assert t("en", "terms.stage.own_error") in screen(restarted, staff).text
        await restarted.send(staff, "said sorry plainly")
    [(case, events)] = await cases_in(database_url)
    assert case.stage == "own_error"
    assert [e.text for e in events if e.kind == "note"] == [
        "Order 1234 arrived broken",
        "said sorry plainly",
    ]


async def test_a_due_reminder_is_sent_once_with_its_outcome_buttons(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        label("ru", "heard_out"),
        label("ru", "facts_clear"),
        label("ru", "fault_ours"),
        label("ru", "error_owned"),
        solution("ru", "replace"),
        label("ru", "accepted"),
        label("ru", "apologised"),
        label("ru", "in_1h"),
    )
    services = coach.application.bot_data
    settings, sessionmaker = services.ready()
    later = utcnow() + dt.timedelta(hours=1, minutes=1)

    async def run_job() -> int:
        async with sessionmaker.begin() as session:
            await queue_due_reminders(session, settings, claimer="test", now=later)
        return await flush_outbox(coach.application.bot, sessionmaker, claimer="test")

    async with sessionmaker.begin() as session:
        assert await queue_due_reminders(session, settings, claimer="early") == 0
    before = len(coach.api.sent)
    assert await run_job() == 1
    assert await run_job() == 0
    [reminder] = [s for s in coach.api.sent[before:] if s.chat_id == staff.id]
    assert t("ru", "call.reminder.due", case_id=1) in reminder.text

    await coach.press(staff, only(reminder, label("ru", "resolved")), label("ru", "resolved"))
    assert t("ru", "terms.stage.closing") in screen(coach, staff).text
    [(case, events)] = await cases_in(database_url)
    assert case.outcome == "resolved_after_follow_up"
    assert [e.kind for e in events].count("follow_up") == 1


async def test_a_hand_off_is_acknowledged_by_the_colleague_who_then_owns_the_case(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, supervisor = await team(coach, "en")
    await coach.send(staff, "/call")
    await taps(coach, staff, label("en", "heard_out"), label("en", "hand_off"))
    offered = await tap(coach, staff, supervisor.first_name)
    [offer] = [r for r in offered if r.chat_id == supervisor.id]
    assert t("en", "terms.stage.clarify") in offer.text

    replies = await coach.press(supervisor, offer, label("en", "acknowledge"))
    assert any(r.chat_id == staff.id and supervisor.first_name in r.text for r in replies)
    assert t("en", "terms.stage.clarify") in screen(coach, supervisor).text
    [(case, events)] = await cases_in(database_url)
    assert case.stage == "clarify"
    assert transitions(events)[-2:] == [
        ("clarify", "handed_off", "hand_off"),
        ("handed_off", "clarify", "acknowledge"),
    ]
    assert case.owner_id == events[-1].actor_id


async def test_a_hand_off_nobody_accepts_alerts_the_supervisors_once(
    coach: CoachHarness, database_url: str
) -> None:
    admin, staff, supervisor = await team(coach, "ru")
    await coach.send(staff, "/call")
    await taps(coach, staff, label("ru", "hand_off"), supervisor.first_name)
    settings, sessionmaker = coach.application.bot_data.ready()
    late = utcnow() + settings.handoff_ack + dt.timedelta(minutes=1)
    before = len(coach.api.sent)
    for _ in range(2):
        async with sessionmaker.begin() as session:
            await queue_due_reminders(session, settings, claimer="test", now=late)
        await flush_outbox(coach.application.bot, sessionmaker, claimer="test")
    alerts = [s for s in coach.api.sent[before:]]
    assert sorted(s.chat_id for s in alerts) == sorted([admin.id, supervisor.id])
    assert all(str(settings.handoff_ack_minutes) in s.text for s in alerts)

    await coach.press(admin, alerts[0] if alerts[0].chat_id == admin.id else alerts[1], "🙋")
    [(case, _)] = await cases_in(database_url)
    assert case.stage == "listen"
    assert case.owner_id == 1


async def test_after_call_checklist_records_the_case_and_names_the_skipped_steps(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    [first] = await coach.send(staff, "/after")
    assert t("ru", "call.after.question.listen") in first.text
    yes, no = label("ru", "yes"), label("ru", "no")
    await taps(
        coach,
        staff,
        "🌡3",
        yes,
        no,
        label("ru", "fault_ours"),
        yes,
        solution("ru", "refund"),
        label("ru", "accepted"),
        no,
        label("ru", "no_follow_up"),
        label("ru", "reason_solved"),
        root_cause("ru", "billing"),
        t("ru", "call.department.billing"),
        label("ru", "close"),
    )
    closed = screen(coach, staff).text
    assert t("ru", "call.after.feedback.clarify") in closed
    assert t("ru", "call.after.feedback.apologise") in closed
    assert t("ru", "call.after.feedback.listen") not in closed
    [(case, events)] = await cases_in(database_url)
    assert case.mode == "after"
    assert case.outcome == "resolved"
    answers = {e.from_stage: (e.data or {}).get("checklist") for e in events if e.data}
    assert answers["listen"] == "yes"
    assert answers["clarify"] == "no"


async def test_the_wellbeing_answer_is_stored_once(coach: CoachHarness, database_url: str) -> None:
    _, staff, _ = await team(coach, "en")
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        label("en", "hung_up"),
        label("en", "no_follow_up"),
        label("en", "reason_declined"),
        root_cause("en", "product"),
        t("en", "call.department.production"),
        label("en", "close"),
    )
    closed = screen(coach, staff)
    await coach.press(staff, only(closed, "2"), "2")
    await coach.press(staff, only(closed, "5"), "5")
    assert t("en", "call.wellbeing.low") in latest(coach, staff).text
    async with database(database_url) as session:
        scores = (await session.scalars(select(WellbeingAnswer.score))).all()
    assert scores == [2]


async def test_a_returning_client_is_recognised_by_a_phone_written_differently(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    for phone in ("8 (999) 123-45-67", "+7 999 1234567"):
        await coach.send(staff, "/call")
        await taps(coach, staff, label("ru", "heard_out"), label("ru", "ask_client"))
        await coach.send(staff, f"Иван Петров, {phone}")
        returning_line = t("ru", "call.view.returning", count=1) in latest(coach, staff).text
        await tap(coach, staff, label("ru", "hung_up"))  # the call ends; the next one is new
    assert returning_line
    (first, _), (second, _) = await cases_in(database_url)
    assert first.client_id == second.client_id
    assert (first.returning_client, second.returning_client) == (False, True)


async def test_call_during_a_call_shows_that_case_instead_of_opening_another(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "en")
    await coach.send(staff, "/call")
    await tap(coach, staff, label("en", "heard_out"))
    [again] = await coach.send(staff, "/call")
    assert t("en", "call.stage.clarify.tip") in again.text
    assert "Case №1 is still in progress" in again.text
    assert label("en", "facts_clear") in [b["text"] for b in again.buttons]
    await tap(coach, staff, label("en", "hung_up"))
    [fresh] = await coach.send(staff, "/call")
    assert t("en", "call.stage.listen.tip") in fresh.text
    assert [case.stage for case, _ in await cases_in(database_url)] == ["follow_up", "listen"]


async def test_carp_warns_at_propose_while_the_client_is_hot_and_lets_them_go_on(
    coach: CoachHarness,
) -> None:
    _, staff, _ = await team(coach, "en")
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        "🌡5",
        label("en", "heard_out"),
        label("en", "facts_clear"),
        label("en", "fault_shared"),
        label("en", "error_owned"),
    )
    assert t("en", "call.view.hot_warning") in screen(coach, staff).text
    await tap(coach, staff, "🌡3")
    assert t("en", "call.view.hot_warning") not in screen(coach, staff).text


async def test_back_returns_to_the_previous_stage_and_cancel_ends_the_case(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        label("ru", "heard_out"),
        label("ru", "facts_clear"),
        label("ru", "back"),
    )
    assert t("ru", "terms.stage.clarify") in screen(coach, staff).text
    [reply] = await coach.send(staff, "/cancel")
    assert t("ru", "call.view.cancelled", case_id=1) in reply.text
    [(case, events)] = await cases_in(database_url)
    assert (case.stage, case.outcome) == ("cancelled", "cancelled")
    assert transitions(events)[-2:] == [
        ("decide", "clarify", "back"),
        ("clarify", "cancelled", "cancel"),
    ]


async def test_a_typed_call_back_date_schedules_the_follow_up(
    coach: CoachHarness, database_url: str
) -> None:
    _, staff, _ = await team(coach, "ru")
    await coach.send(staff, "/call")
    await taps(coach, staff, label("ru", "hung_up"), label("ru", "date"))
    [refused] = await coach.send(staff, "когда-нибудь")
    assert t("ru", "call.ask.date_invalid") in refused.text
    await coach.send(staff, "31.12.2099 15:30")
    assert "31.12 15:30" in latest(coach, staff).text
    [(case, _)] = await cases_in(database_url)
    assert case.stage == "awaiting_follow_up"


async def test_the_worth_fighting_for_check_counts_the_criteria_marked(
    coach: CoachHarness,
) -> None:
    _, staff, _ = await team(coach, "ru")
    await coach.send(staff, "/call")
    await taps(
        coach,
        staff,
        label("ru", "heard_out"),
        label("ru", "facts_clear"),
        label("ru", "fault_client"),
        label("ru", "explained"),
        label("ru", "worth"),
    )
    criteria = t_list("ru", "call.worth.criteria")
    await tap(coach, staff, f"▫️ {criteria[0]}")
    assert t("ru", "call.worth.respect", count=1) in screen(coach, staff).text
    await tap(coach, staff, f"▫️ {criteria[4]}")
    assert t("ru", "call.worth.fight", count=2) in screen(coach, staff).text
    await tap(coach, staff, label("ru", "worth_done"))
    assert t("ru", "call.stage.propose.tip") in screen(coach, staff).text


async def test_text_after_the_case_is_closed_points_to_call(coach: CoachHarness) -> None:
    _, staff, _ = await team(coach, "en")
    await coach.send(staff, "/call")
    await taps(coach, staff, label("en", "cancel"))
    [reply] = await coach.send(staff, "one more thing")
    assert reply.text == t("en", "call.view.no_open_case")
