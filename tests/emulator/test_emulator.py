"""The emulator behaves like the Bot API: checked with a real PTB `Bot` over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.error import TimedOut as TelegramTimedOut
from telegram.request import HTTPXRequest

from tests.emulator.server import TINY_PNG, BotApiEmulator

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Да", callback_data="yes"),
            InlineKeyboardButton("Нет", callback_data="no"),
        ]
    ]
)


async def _raw(emulator: BotApiEmulator, path: str, **kwargs: object) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emulator.url}{path}", **kwargs) as response,
    ):
        return response.status, await response.json(content_type=None)


# ---------------------------------------------------------------- identity and errors


async def test_get_me_describes_a_bot_with_a_username(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "complaint_coach_e2e_bot"


async def test_an_unknown_token_is_unauthorized(emulator: BotApiEmulator) -> None:
    status, body = await _raw(emulator, "/bot123:wrong-token-0123456789abcdef/getMe")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_ptb_reports_an_unknown_token_as_invalid(emulator: BotApiEmulator) -> None:
    stranger = Bot("123:wrong-token-0123456789abcdef", base_url=emulator.base_url)
    with pytest.raises(InvalidToken):
        await stranger.initialize()


async def test_an_unknown_method_is_not_found(emulator: BotApiEmulator) -> None:
    status, body = await _raw(emulator, f"/bot{emulator.token}/sendTelepathy", json={})
    assert (status, body["error_code"], body["ok"]) == (404, 404, False)


async def test_close_and_log_out_are_harmless(bot: Bot) -> None:
    assert await bot.close() is True
    assert await bot.log_out() is True
    assert (await bot.get_me()).is_bot


async def test_method_names_are_case_insensitive(emulator: BotApiEmulator) -> None:
    status, body = await _raw(emulator, f"/bot{emulator.token}/GETME")
    assert status == 200
    assert body["result"]["is_bot"] is True


async def test_a_json_body_is_accepted(emulator: BotApiEmulator) -> None:
    emulator.user(5)
    status, body = await _raw(
        emulator, f"/bot{emulator.token}/sendMessage", json={"chat_id": 5, "text": "json"}
    )
    assert status == 200
    assert body["result"]["text"] == "json"


async def test_a_form_body_with_json_encoded_values_is_accepted(emulator: BotApiEmulator) -> None:
    emulator.user(5)
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    status, body = await _raw(
        emulator,
        f"/bot{emulator.token}/sendMessage",
        data={"chat_id": "5", "text": "form", "reply_markup": markup},
    )
    assert status == 200
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


async def test_dates_are_whole_seconds(emulator: BotApiEmulator) -> None:
    emulator.user(5)
    _, body = await _raw(
        emulator, f"/bot{emulator.token}/sendMessage", json={"chat_id": 5, "text": "x"}
    )
    assert isinstance(body["result"]["date"], int)


# ---------------------------------------------------------------- getUpdates


async def test_a_user_message_arrives_with_its_command_entity(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5, "Олег").send("/start abc")
    [update] = await bot.get_updates()
    assert update.message.text == "/start abc"
    assert update.message.from_user.first_name == "Олег"
    assert update.message.parse_entities(["bot_command"]).popitem()[1] == "/start"


async def test_an_offset_confirms_earlier_updates(emulator: BotApiEmulator, bot: Bot) -> None:
    user = emulator.user(5)
    user.send("one")
    user.send("two")
    first, second = await bot.get_updates()
    remaining = await bot.get_updates(offset=first.update_id + 1)
    assert [u.message.text for u in remaining] == ["two"]
    assert await bot.get_updates(offset=second.update_id + 1) == ()


async def test_limit_caps_the_batch(emulator: BotApiEmulator, bot: Bot) -> None:
    user = emulator.user(5)
    for text in ("a", "b", "c"):
        user.send(text)
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["a", "b"]


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await emulator.wait_for_polling()
    emulator.user(5).send("hello")
    [update] = await asyncio.wait_for(poll, 10)
    assert update.message.text == "hello"


async def test_a_long_poll_without_updates_ends_empty_at_its_timeout(bot: Bot) -> None:
    assert await bot.get_updates(timeout=1) == ()


async def test_a_second_poller_ends_the_first_with_a_conflict(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await emulator.wait_for_polling()
    other = Bot(emulator.token, base_url=emulator.base_url)
    async with other:
        second = asyncio.create_task(other.get_updates(timeout=30, read_timeout=40))
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
            await asyncio.wait_for(first, 10)
        second.cancel()


async def test_allowed_updates_filters_updates_created_afterwards(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    user = emulator.user(5)
    assert await bot.get_updates(allowed_updates=["callback_query"]) == ()
    user.send("ignored text")
    sent = await bot.send_message(5, "pick", reply_markup=KEYBOARD)
    user.press(emulator.message(5, sent.message_id), "Да")
    [update] = await bot.get_updates()
    assert update.callback_query is not None


async def test_the_same_update_can_be_delivered_twice(emulator: BotApiEmulator, bot: Bot) -> None:
    user = emulator.user(5)
    emulator.deliver_twice(user.send("/start"))
    first, again = await bot.get_updates()
    assert first.update_id == again.update_id
    assert await bot.get_updates(offset=first.update_id + 1) == ()


async def test_a_confirmed_update_can_be_redelivered_once(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    update = emulator.user(5).send("/help")
    [taken] = await bot.get_updates()
    assert await bot.get_updates(offset=taken.update_id + 1) == ()
    emulator.redeliver(update["update_id"])
    [again] = await bot.get_updates(offset=taken.update_id + 1)
    assert again.update_id == taken.update_id
    assert await bot.get_updates(offset=taken.update_id + 1) == ()


# ---------------------------------------------------------------- users' kinds of messages


async def test_a_sticker_photo_and_edit_arrive_as_telegram_sends_them(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    user = emulator.user(5)
    typed = user.send("draft")
    emulator.send_sticker(user)
    emulator.send_photo(user, caption="look")
    emulator.edit_text(user, typed["message"]["message_id"], "final")
    text, sticker, photo, edit = await bot.get_updates()
    assert sticker.message.sticker.emoji == "😡"
    assert photo.message.photo[0].width == 1
    assert photo.message.caption == "look"
    assert edit.edited_message.text == "final"
    assert edit.edited_message.message_id == text.message.message_id


async def test_group_messages_and_channel_posts_say_where_they_come_from(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.send_group_message(emulator.user(5), -100123, "/start")
    emulator.channel_post(-100999, "news")
    group, channel = await bot.get_updates()
    assert group.message.chat.type == ChatType.GROUP
    assert group.message.from_user.id == 5
    assert channel.channel_post.chat.type == ChatType.CHANNEL
    assert channel.channel_post.text == "news"


# ---------------------------------------------------------------- sending and editing


async def test_html_is_parsed_into_plain_text_and_entities(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5)
    sent = await bot.send_message(5, "<b>Жалоба</b> №1 &lt;срочно&gt;", parse_mode=ParseMode.HTML)
    assert sent.text == "Жалоба №1 <срочно>"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6)]
    assert emulator.inbox(5)[0].content == "Жалоба №1 <срочно>"


async def test_entity_offsets_count_utf16_units(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    sent = await bot.send_message(5, "😡 <i>angry</i>", parse_mode=ParseMode.HTML)
    assert [(e.offset, e.length) for e in sent.entities] == [(3, 5)]


async def test_unescaped_html_is_refused_as_telegram_refuses_it(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(5, "client said <script>", parse_mode=ParseMode.HTML)
    assert emulator.inbox(5) == []


async def test_text_over_4096_characters_is_refused(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(5, "я" * 4097)


async def test_an_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hello")


async def test_a_user_who_blocked_the_bot_is_forbidden(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    emulator.block(5)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(5, "hello")


async def test_callback_data_over_64_bytes_is_refused(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="я" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(5, "pick", reply_markup=markup)


async def test_edit_returns_the_edited_message(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    sent = await bot.send_message(5, "step 1", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("step 2", chat_id=5, message_id=sent.message_id)
    assert edited.text == "step 2"
    assert edited.edit_date is not None
    message = emulator.message(5, sent.message_id)
    assert (message.content, message.history, message.version) == ("step 2", ["step 1"], 1)


async def test_an_edit_without_markup_removes_the_keyboard(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5)
    sent = await bot.send_message(5, "pick", reply_markup=KEYBOARD)
    await bot.edit_message_text("picked", chat_id=5, message_id=sent.message_id)
    assert emulator.message(5, sent.message_id).buttons == []


async def test_an_identical_edit_is_not_modified(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    sent = await bot.send_message(5, "same", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=5, message_id=sent.message_id, reply_markup=KEYBOARD
        )


async def test_editing_an_unknown_message_is_refused(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=5, message_id=999)


async def test_a_users_own_message_cannot_be_edited_by_the_bot(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    typed = emulator.user(5).send("mine")
    with pytest.raises(BadRequest, match=r"(?i)can't be edited"):
        await bot.edit_message_text("x", chat_id=5, message_id=typed["message"]["message_id"])


# ---------------------------------------------------------------- buttons


async def test_pressing_a_button_sends_its_data_with_the_message(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    user = emulator.user(5)
    sent = await bot.send_message(5, "pick", reply_markup=KEYBOARD)
    user.press(user.last_with_buttons(), "нет")
    [update] = await bot.get_updates()
    assert update.callback_query.data == "no"
    assert update.callback_query.message.message_id == sent.message_id
    assert update.callback_query.from_user.id == 5


async def test_a_button_answer_is_recorded(emulator: BotApiEmulator, bot: Bot) -> None:
    user = emulator.user(5)
    await bot.send_message(5, "pick", reply_markup=KEYBOARD)
    query = user.press(user.last_with_buttons(), "Да")
    await bot.answer_callback_query(query.query_id, "Принято", show_alert=True)
    answered = await emulator.wait_for_answer(query)
    assert (answered.text, answered.show_alert) == ("Принято", True)


async def test_a_button_press_can_be_answered_only_once(emulator: BotApiEmulator, bot: Bot) -> None:
    user = emulator.user(5)
    await bot.send_message(5, "pick", reply_markup=KEYBOARD)
    query = user.press(user.last_with_buttons(), "Да")
    await bot.answer_callback_query(query.query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.query_id)


async def test_pressing_a_missing_label_names_the_labels_there_are(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    user = emulator.user(5)
    await bot.send_message(5, "pick", reply_markup=KEYBOARD)
    with pytest.raises(LookupError, match=r"(?i)Нет"):
        user.press(user.last_with_buttons(), "maybe")


# ---------------------------------------------------------------- files


async def test_a_document_is_uploaded_as_multipart_and_can_be_downloaded(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5)
    csv = b"id;stage\n1;listen\n"
    sent = await bot.send_document(
        5, InputFile(csv, filename="cases.csv"), caption="<b>Export</b>", parse_mode="HTML"
    )
    assert emulator.calls_of("sendDocument")[0].file_fields == ("document",)
    assert sent.document.file_name == "cases.csv"
    assert sent.caption == "Export"
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == csv == emulator.inbox(5)[0].document.data


async def test_a_photo_keeps_its_bytes(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    sent = await bot.send_photo(5, InputFile(TINY_PNG, filename="chart.png"))
    assert sent.photo[0].width == 1
    assert emulator.inbox(5)[0].photo.data == TINY_PNG


async def test_a_photo_that_is_no_image_is_refused(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(5, InputFile(b"not an image", filename="chart.png"))


# ---------------------------------------------------------------- commands menu


async def test_commands_are_kept_per_language(emulator: BotApiEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("call", "Start a call")])
    await bot.set_my_commands([BotCommand("call", "Начать звонок")], language_code="ru")
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == [
        "Начать звонок"
    ]
    assert [c.description for c in await bot.get_my_commands()] == ["Start a call"]
    assert emulator.commands_for("ru")[0]["command"] == "call"


async def test_a_malformed_command_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Not-A-Command", "x")])


# ---------------------------------------------------------------- webhook


@dataclass
class Receiver:
    """A tiny webhook endpoint: answers with the statuses queued in `statuses`, then 200."""

    url: str = ""
    requests: list[web.Request] = field(default_factory=list)
    update_ids: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    # When set, each request is held until this many requests are being held at once.
    hold_until: int = 0
    _held: asyncio.Event = field(default_factory=asyncio.Event)

    async def hook(self, request: web.Request) -> web.Response:
        self.update_ids.append((await request.json())["update_id"])
        self.requests.append(request)
        if self.hold_until:
            if len(self.requests) >= self.hold_until:
                self._held.set()
            await self._held.wait()
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[[], Awaitable[Receiver]]]:
    runners: list[web.AppRunner] = []

    async def start() -> Receiver:
        receiver = Receiver()
        app = web.Application()
        app.router.add_post("/hook", receiver.hook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        return receiver

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def receiver(receivers: Callable[[], Awaitable[Receiver]]) -> Receiver:
    return await receivers()


async def test_a_webhook_receives_updates_with_the_secret_header(
    emulator: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token="s3cret")
    update = emulator.user(5).send("/start")
    await emulator.wait_until_taken(update)
    assert receiver.update_ids == [update["update_id"]]
    assert receiver.requests[0].headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
    assert receiver.requests[0].headers["Content-Type"] == "application/json"


async def test_a_webhook_that_fails_gets_the_update_again(
    emulator: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses.extend([500, 502])
    await bot.set_webhook(receiver.url, secret_token="s3cret")
    update = emulator.user(5).send("/start")
    await emulator.wait_until_taken(update)
    assert [d.status for d in emulator.webhook_deliveries] == [500, 502, 200]
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0
    assert "502" in info.last_error_message


async def test_a_balancer_hands_updates_to_each_webhook_in_turn(
    emulator: BotApiEmulator, bot: Bot, receivers: Callable[[], Awaitable[Receiver]]
) -> None:
    first, second = await receivers(), await receivers()
    await bot.set_webhook(first.url)
    emulator.balance_webhook([first.url, second.url])
    user = emulator.user(5)
    updates = [user.send(text) for text in ("a", "b", "c", "d")]
    await emulator.wait_until_taken(updates[-1])
    ids = [u["update_id"] for u in updates]
    assert (first.update_ids, second.update_ids) == (ids[0::2], ids[1::2])


async def test_deleting_the_webhook_can_drop_pending_updates(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5).send("never read")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_updates_can_be_posted_to_the_webhook_concurrently(
    emulator: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.hold_until = 3  # answers only once three updates are in its hands together
    emulator.deliver_concurrently(3)
    await bot.set_webhook(receiver.url)
    user = emulator.user(5)
    updates = [user.send(text) for text in ("a", "b", "c")]
    for update in updates:
        await emulator.wait_until_taken(update)
    assert sorted(receiver.update_ids) == [u["update_id"] for u in updates]


async def test_get_updates_conflicts_with_an_active_webhook(bot: Bot, receiver: Receiver) -> None:
    await bot.set_webhook(receiver.url)
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


# ---------------------------------------------------------------- faults


async def test_a_flood_fault_answers_429_with_retry_after(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5)
    emulator.flood(1, retry_after=7, method="sendMessage")
    with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
        await bot.send_message(5, "first")
    await bot.send_message(5, "second")
    assert [m.content for m in emulator.inbox(5)] == ["second"]
    assert [c.status for c in emulator.calls_of("sendMessage")] == [429, 200]


async def test_a_server_error_sends_nothing(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    emulator.server_error(1, status=502, html=True)
    with pytest.raises(NetworkError):
        await bot.send_message(5, "lost")
    assert emulator.inbox(5) == []


async def test_faults_of_one_method_leave_the_others_alone(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(5)
    emulator.server_error(2, method="editMessageText")
    await bot.send_message(5, "fine")
    assert emulator.call_count("sendMessage") == 1
    assert len(emulator.faults) == 1


async def test_a_slow_answer_still_delivers_the_message(emulator: BotApiEmulator) -> None:
    emulator.user(5)
    emulator.slow(1, seconds=2.0, method="sendMessage")
    impatient = Bot(
        emulator.token, base_url=emulator.base_url, request=HTTPXRequest(read_timeout=0.2)
    )
    async with impatient:
        with pytest.raises(TelegramTimedOut):
            await impatient.send_message(5, "maybe twice")
    assert [m.content for m in emulator.inbox(5)] == ["maybe twice"]


# ---------------------------------------------------------------- the HTTP side door


async def test_a_driver_in_another_process_can_talk_and_read(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    status, _ = await _raw(emulator, "/_test/users/8/messages", json={"text": "/start"})
    assert status == 200
    [update] = await bot.get_updates()
    await bot.send_message(8, f"got {update.message.text}")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emulator.url}/_test/chats/8/messages") as response:
            messages = (await response.json())["result"]
        async with session.get(f"{emulator.url}/_test/calls") as response:
            counts = (await response.json())["result"]
    assert [m["text"] for m in messages] == ["got /start"]
    assert counts["sendMessage"] == 1


async def test_a_driver_can_plan_a_fault_over_http(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user(5)
    await _raw(
        emulator,
        "/_test/faults",
        json={"status": 429, "retry_after": 3, "method": "sendMessage", "description": "Too Many"},
    )
    with pytest.raises(RetryAfter):
        await bot.send_message(5, "x")
