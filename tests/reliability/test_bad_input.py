"""Bad input at every place the bot takes text, generated with hypothesis, via the real handlers.

The real application runs on a real (SQLite) database through the offline harness, which answers
Bot API calls at once: fast enough for hundreds of generated updates. For each one: nothing is
logged at ERROR (the error handler logs there, so it was never called), the user gets an answer
in their own language that Telegram would accept (valid HTML, at most 4096 characters a message),
and every case is whole (its stage is where its timeline leads).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from telegram import CallbackQuery, Chat, Message, MessageEntity, PhotoSize, Sticker, Update, User
from telegram.constants import MessageEntityType

from dialogs.call_flow import TRIGGERS
from dialogs.i18n import t
from storage.models import Case, CaseEvent
from tests.bot.call_support import join, label, only, root_cause, solution
from tests.emulator.entities import parse_html, utf16_length
from tests.reliability.timelines import assert_timeline_consistent
from tests.support.offline_telegram import (
    BOT_ID,
    BOT_USERNAME,
    CoachHarness,
    Sent,
    coach_harness,
    make_user,
)

EN = "en"
CYRILLIC = re.compile("[\u0400-\u04ff]")
MARKER = "Colleague-only marker 5550199"

# Text as Telegram delivers it: not empty, no NUL, no lone surrogates; any script but Cyrillic, so
# that Cyrillic in an answer to an English speaker can only be the bot's own words.
typed = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00").filter(
        lambda c: not CYRILLIC.match(c)
    ),
    min_size=1,
    max_size=300,
).filter(lambda text: text.strip() != "")
long_typed = st.builds(
    lambda unit, times: (unit * times)[:4096],
    st.sampled_from(["<b>&amp;</b> ", "😡", "x" * 50 + " ", "&lt;", "a\n"]),
    st.integers(min_value=500, max_value=4096),
)
any_text = st.one_of(typed, typed, long_typed)

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Office:
    coach: CoachHarness
    database_url: str
    admin: User
    staff: User
    colleague: User
    trainee: User
    stranger: User
    colleague_case_id: int


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    """An English-speaking team on a fresh SQLite database; the colleague has a case open."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    async with coach_harness(url) as coach:
        admin = make_user(1, first_name="Irene", language_code=EN)
        staff = make_user(2, first_name="Oleg", language_code=EN)
        colleague = make_user(4, first_name="Pat", language_code=EN)
        trainee = make_user(5, first_name="Nick", language_code=EN)
        stranger = make_user(6, first_name="Someone", language_code=EN)
        await coach.send(admin, "/start")
        await join(coach, admin, staff, "staff")
        await join(coach, admin, colleague, "staff")
        await join(coach, admin, trainee, "trainee")
        await coach.send(colleague, "/call")
        await tap(coach, colleague, label(EN, "heard_out"))
        await tap(coach, colleague, label(EN, "ask_what"))
        await coach.send(colleague, MARKER)
        async with coach.application.bot_data.sessionmaker() as session:  # type: ignore[misc]
            colleague_case = await session.scalar(select(Case.id))
        assert colleague_case is not None
        yield Office(coach, url, admin, staff, colleague, trainee, stranger, colleague_case)


async def tap(coach: CoachHarness, user: User, exact_label: str) -> list[Sent]:
    screen = coach.last_with_buttons(user.id)
    return await coach.press(user, only(screen, exact_label), exact_label)


# ---------------------------------------------------------------- what every answer must be


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR)
    return caplog


def assert_answered_well(
    replies: Sequence[Sent], user: User, *, chat_id: int | None = None
) -> None:
    """Answered, in English, as Telegram accepts it, and never with the apology for a crash."""
    chat_id = chat_id or user.id
    to_user = [r for r in replies if r.chat_id == chat_id or r.method == "answerCallbackQuery"]
    assert to_user, "the user got no answer"
    for reply in replies:
        assert reply.text != t(EN, "error.unexpected"), reply
        if reply.method == "answerCallbackQuery":
            assert len(reply.text) <= 200
            assert not CYRILLIC.search(reply.text), reply.text
            continue
        plain, _ = parse_html(reply.text)  # raises on HTML Telegram would refuse
        assert utf16_length(plain) <= 4096
        if reply.chat_id == chat_id:
            assert not CYRILLIC.search(reply.text), reply.text


async def assert_cases_whole(office: Office) -> None:
    async with office.coach.application.bot_data.sessionmaker() as session:  # type: ignore[misc]
        for case in (await session.scalars(select(Case))).all():
            events = (
                await session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
                )
            ).all()
            assert_timeline_consistent(case, events)


def assert_no_errors(errors: pytest.LogCaptureFixture) -> None:
    logged = [r for r in errors.records if r.levelno >= logging.ERROR]
    assert not logged, [r.getMessage() for r in logged]


# ---------------------------------------------------------------- typed text in a case

# Where typed text goes, the stage it is taken at, and the taps that ask for it there.
PLACES: dict[str, tuple[str, tuple[str, ...]]] = {
    "note": ("listen", ()),
    "what_happened": ("clarify", (label(EN, "ask_what"),)),
    "client_wants": ("clarify", (label(EN, "ask_wants"),)),
    "client_identity": ("clarify", (label(EN, "ask_client"),)),
    "custom_solution": ("propose", (solution(EN, "custom"),)),
    "follow_up_date": ("follow_up", (label(EN, "date"),)),
    "no_follow_up_reason": ("follow_up", (label(EN, "no_follow_up"), label(EN, "reason_other"))),
    "reschedule_date": (
        "follow_up",
        (label(EN, "tomorrow"), label(EN, "reschedule"), label(EN, "date")),
    ),
    "idea": (
        "closing",
        (root_cause(EN, "service"), t(EN, "call.department.sales"), label(EN, "idea")),
    ),
}
# The fields the next screen shows back to the employee.
SHOWN_BACK = ("what_happened", "client_wants", "custom_solution")
WALK = {
    "listen": (label(EN, "heard_out"),),
    "clarify": (label(EN, "facts_clear"),),
    "decide": (label(EN, "fault_ours"),),
    "own_error": (label(EN, "error_owned"),),
    "propose": (solution(EN, "replace"), label(EN, "accepted")),
    "apologise": (label(EN, "apologised"),),
    "follow_up": (label(EN, "no_follow_up"), label(EN, "reason_solved")),
}


async def bring_case_to(office: Office, stage: str) -> None:
    """A new case of the staff member's, walked to `stage` (the previous one is cancelled)."""
    await office.coach.send(office.staff, "/cancel")
    await office.coach.send(office.staff, "/call")
    for current, moves in WALK.items():
        if current == stage:
            return
        for each in moves:
            await tap(office.coach, office.staff, each)


@EXAMPLES
@given(place=st.sampled_from(sorted(PLACES)), text=any_text)
async def test_typed_text_anywhere_in_a_case(
    office: Office, errors: pytest.LogCaptureFixture, place: str, text: str
) -> None:
    stage, asking = PLACES[place]
    await bring_case_to(office, stage)
    for each in asking:
        await tap(office.coach, office.staff, each)

    replies = await office.coach.send(office.staff, text)

    assert_answered_well(replies, office.staff)
    assert_no_errors(errors)
    await assert_cases_whole(office)
    for reply in replies:
        assert MARKER not in reply.text
    if place in SHOWN_BACK:
        # Shown back as typed: escaped, so no "<b>" of the user's turns into formatting.
        shown = "".join(parse_html(r.text)[0] for r in replies if r.chat_id == office.staff.id)
        assert text.strip() in shown


@EXAMPLES
@given(text=any_text)
async def test_typed_replies_in_practice(
    office: Office, errors: pytest.LogCaptureFixture, text: str
) -> None:
    await office.coach.send(office.trainee, "/stop")
    await office.coach.send(office.trainee, "/practice")
    await tap(office.coach, office.trainee, t(EN, "practice.random"))

    replies = await office.coach.send(office.trainee, text)

    assert_answered_well(replies, office.trainee)
    assert_no_errors(errors)
    for reply in replies:
        assert MARKER not in reply.text


# ---------------------------------------------------------------- commands and their arguments

COMMANDS = (
    "start",
    "help",
    "call",
    "after",
    "cancel",
    "case",
    "cases",
    "stats",
    "export",
    "praise",
    "me",
    "invite",
    "forget_client",
    "language",
    "practice",
    "stop",
    "trainees",
)
command_names = st.one_of(st.sampled_from(COMMANDS), st.from_regex(r"[a-z_]{1,20}", fullmatch=True))
arguments = st.one_of(
    st.just(""),
    typed.map(lambda text: " " + text),
    st.integers(min_value=-(10**20), max_value=10**20).map(lambda n: f" {n}"),
    st.sampled_from([" #1", " 0", " staff", " supervisor", " admin", " week", " 1 2 3"]),
)


@EXAMPLES
@given(
    who=st.sampled_from(["admin", "staff", "trainee", "stranger"]),
    name=command_names,
    argument=arguments,
)
async def test_any_command_with_any_arguments(
    office: Office, errors: pytest.LogCaptureFixture, who: str, name: str, argument: str
) -> None:
    user: User = getattr(office, who)
    replies = await office.coach.send(user, f"/{name}{argument}")

    assert_answered_well(replies, user)
    assert_no_errors(errors)
    await assert_cases_whole(office)
    if who != "admin":
        for reply in replies:
            assert MARKER not in reply.text, (who, name)
    if who == "stranger":
        allowed = {t(EN, "access.stranger"), t(EN, "access.invite_invalid")}
        assert {reply.text for reply in replies} <= allowed


# ---------------------------------------------------------------- forged buttons

ACTIONS = (*TRIGGERS, "temp", "solution", "ask", "menu", "view", "worth", "root", "dept")
ACTIONS += ("wellbeing", "open", "pick", "hint", "stop", "x")
numbers = st.one_of(st.integers(min_value=0, max_value=10**12 - 1), st.sampled_from([1, 2, 3]))
short_words = st.from_regex(r"[\w.-]{0,16}", fullmatch=True).filter(lambda w: w.isascii())


def _fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= 64


well_formed = st.one_of(
    st.builds(
        lambda case, version, action, argument: (
            f"c:{case}:{version}:{action}" + (f":{argument}" if argument else "")
        ),
        numbers,
        st.integers(min_value=0, max_value=60),
        st.sampled_from(ACTIONS),
        short_words,
    ),
    st.builds(lambda case: f"open:{case}", numbers),
    st.builds(
        lambda name, subject, page: f"list:{name}:{subject}:{page}",
        st.from_regex(r"[a-z_]{1,16}", fullmatch=True),
        numbers,
        st.integers(min_value=0, max_value=999_999),
    ),
    st.builds(
        lambda session, action, argument: (
            f"p:{session}:{action}" + (f":{argument}" if argument else "")
        ),
        numbers,
        st.sampled_from(ACTIONS),
        short_words,
    ),
    st.builds(lambda code: f"lang:{code}", st.text(max_size=4)),
)
forged_data = st.one_of(well_formed, well_formed, st.text(max_size=64)).filter(_fits)


def press_data(coach: CoachHarness, user: User, data: str) -> Update:
    message = Message(
        message_id=1,
        date=dt.datetime.now(dt.UTC),
        chat=Chat(user.id, Chat.PRIVATE),
        from_user=User(BOT_ID, "Coach", is_bot=True, username=BOT_USERNAME),
        text="an old screen",
    )
    message.set_bot(coach.application.bot)
    update_id = coach._next_update_id()
    query = CallbackQuery(
        id=str(update_id), from_user=user, chat_instance=str(user.id), message=message, data=data
    )
    query.set_bot(coach.application.bot)
    return Update(update_id, callback_query=query)


async def _colleagues_case(office: Office) -> tuple[str, int, str | None]:
    async with office.coach.application.bot_data.sessionmaker() as session:  # type: ignore[misc]
        case = await session.get(Case, office.colleague_case_id)
        assert case is not None
        return case.stage, case.version, case.what_happened


@EXAMPLES
@given(who=st.sampled_from(["staff", "trainee", "stranger"]), data=forged_data)
async def test_a_forged_button_changes_nothing_that_is_not_yours(
    office: Office, errors: pytest.LogCaptureFixture, who: str, data: str
) -> None:
    user: User = getattr(office, who)
    before = await _colleagues_case(office)

    replies = await office.coach.process(press_data(office.coach, user, data))

    assert_answered_well(replies, user)
    assert_no_errors(errors)
    assert await _colleagues_case(office) == before
    await assert_cases_whole(office)
    for reply in replies:
        assert MARKER not in reply.text, data


# ---------------------------------------------------------------- what is not text


def _message(coach: CoachHarness, user: User, chat: Chat, **content: object) -> Message:
    message = Message(
        message_id=next(_message_ids),
        date=dt.datetime.now(dt.UTC),
        chat=chat,
        from_user=user,
        **content,  # type: ignore[arg-type]
    )
    message.set_bot(coach.application.bot)
    return message


_message_ids = itertools.count(500_000)
GROUP = Chat(-100_200_300, Chat.SUPERGROUP, title="Team")
CHANNEL = Chat(-100_900_900, Chat.CHANNEL, title="News")


def _updates(coach: CoachHarness, user: User) -> dict[str, Update]:
    private = Chat(user.id, Chat.PRIVATE)
    sticker = Sticker("st-1", "st1", 512, 512, False, False, Sticker.REGULAR, emoji="😡")
    photo = [PhotoSize("ph-1", "ph1", 1, 1)]
    command = [MessageEntity(MessageEntityType.BOT_COMMAND, 0, 5)]
    now = dt.datetime.now(dt.UTC)
    made = {
        "sticker": {"message": _message(coach, user, private, sticker=sticker)},
        "photo": {"message": _message(coach, user, private, photo=photo, caption="<b>look</b>")},
        "edited text": {
            "edited_message": _message(coach, user, private, text="fixed typo", edit_date=now)
        },
        "edited command": {
            "edited_message": _message(
                coach, user, private, text="/call", entities=command, edit_date=now
            )
        },
        "group text": {"message": _message(coach, user, GROUP, text="hello team")},
        "group command": {"message": _message(coach, user, GROUP, text="/call", entities=command)},
        "channel post": {"channel_post": _message(coach, user, CHANNEL, text="/cases")},
    }
    return {
        kind: Update(coach._next_update_id(), **fields)  # type: ignore[arg-type]
        for kind, fields in made.items()
    }


KINDS = (
    "sticker",
    "photo",
    "edited text",
    "edited command",
    "group text",
    "group command",
    "channel post",
)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["staff", "stranger"])
async def test_what_is_not_a_private_text_message_is_answered_or_ignored_politely(
    office: Office, errors: pytest.LogCaptureFixture, kind: str, who: str
) -> None:
    user: User = getattr(office, who)
    await office.coach.send(office.staff, "/call")
    cases_before = await _case_count(office)

    replies = await office.coach.process(_updates(office.coach, user)[kind])

    assert_no_errors(errors)
    assert await _case_count(office) == cases_before
    await assert_cases_whole(office)
    if kind in ("group text", "channel post"):
        assert replies == []  # the team chat is not for the coach's answers
        return
    assert_answered_well(replies, user, chat_id=GROUP.id if kind == "group command" else None)
    expected = {
        "sticker": "error.unsupported_message",
        "photo": "error.unsupported_message",
        "edited text": "reliability.edited_message",
        "edited command": "reliability.edited_message",
        "group command": "error.private_only",
    }[kind]
    if who == "stranger" and kind != "group command":
        expected = "access.stranger"
    assert [reply.text for reply in replies] == [t(EN, expected)]


async def _case_count(office: Office) -> int:
    async with office.coach.application.bot_data.sessionmaker() as session:  # type: ignore[misc]
        return len((await session.scalars(select(Case.id))).all())
