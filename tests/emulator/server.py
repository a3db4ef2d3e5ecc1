"""A Bot API server on loopback for tests: the methods the bot uses, as the Bot API defines them.

`BotApiEmulator` answers `/bot<token>/<method>` with JSON, form-urlencoded or multipart bodies (what
python-telegram-bot's HTTPXRequest sends: form fields with JSON-encoded values, multipart when a
file goes along), keeps every chat's messages as they are after edits, hands updates out by long
polling or POSTs them to a webhook with the secret header, and can misbehave on purpose (429 with
`retry_after`, 5xx, slow answers).

Its side door is plain Python for the test that owns it (`user(...)` to act as a Telegram user,
`inbox(...)` and the `wait_for_*` helpers to read what the bot sent, `flood`/`server_error`/`slow`
for faults) plus a few `/_test/` HTTP endpoints for drivers in another process.

Deliberate differences from Telegram: webhooks may be plain `http://` on any port (loopback tests
have no certificate); updates go to a webhook one at a time, in order; Markdown parse modes are
stored as sent, only HTML is parsed into entities.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import struct
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from tests.emulator.entities import EntityParseError, parse_html, utf16_length
from tests.emulator.records import (
    ApiCall,
    CallbackQuery,
    ChatMessage,
    Fault,
    QueuedUpdate,
    StoredFile,
    WebhookDelivery,
)

DEFAULT_TOKEN = "5000001:EMULATOR-token-for-tests_0123456789"
DEFAULT_WAIT = 10.0
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
# Telegram's default when allowed_updates is empty or was never given.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def _png(width: int = 1, height: int = 1) -> bytes:
    """A valid, blank PNG: what `send_photo` of a user sends unless the test gives its own bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


TINY_PNG = _png()

# Parameters whose value is a JSON-serialised object in a form or multipart body.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
    }
)
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"})
_BOOL_PARAMS = frozenset(
    {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
)

T = TypeVar("T")


class ApiError(Exception):
    """A refusal in Telegram's shape: `{"ok": false, "error_code": …, "description": …}`."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


class EmulatorTimeout(AssertionError):
    """What a test waited for did not happen in time (the bot did not answer, or not like that)."""


@dataclass
class FilePart:
    """A file that came in a multipart body."""

    filename: str | None
    data: bytes
    content_type: str | None


class Params:
    """A method's parameters from the query string and the body, typed on the way out."""

    def __init__(self, values: dict[str, Any], files: dict[str, FilePart]) -> None:
        self.values = values
        self.files = files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(float(value)) if isinstance(value, str) and "." in value else int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f'Bad Request: wrong parameter "{name}" specified') from None

    def float(self, name: str, default: float = 0.0) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f'Bad Request: wrong parameter "{name}" specified') from None

    def bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int | str | None:
        value = self.values.get("chat_id")
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        return value  # type: ignore[no-any-return]

    def file(self, name: str) -> FilePart | str | None:
        """An uploaded part, or the string sent instead (a file_id or a URL)."""
        if name in self.files:
            return self.files[name]
        value = self.str(name)
        if value and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return value

    def decoded(self) -> dict[str, Any]:
        """The parameters with JSON, numbers and booleans decoded, for tests to read."""
        decoded: dict[str, Any] = {}
        for name, value in self.values.items():
            if isinstance(value, str) and name in _JSON_PARAMS:
                try:
                    decoded[name] = json.loads(value)
                except ValueError:
                    decoded[name] = value
            elif isinstance(value, str) and name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
                decoded[name] = int(value)
            elif isinstance(value, str) and name in _BOOL_PARAMS:
                decoded[name] = value.strip().lower() in ("true", "1")
            else:
                decoded[name] = value
        return decoded


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int = 40


@dataclass
class FakeUser:
    """A Telegram user a test acts as; reads the bot's messages to their private chat in order."""

    emulator: BotApiEmulator
    id: int
    first_name: str
    language_code: str | None = "ru"
    username: str | None = None
    last_name: str | None = None
    read: int = field(default=0, repr=False)

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    @property
    def chat_id(self) -> int:
        return self.id

    def send(self, text: str) -> dict[str, Any]:
        """Type `text` in the private chat (a command when it starts with /); the Update."""
        return self.emulator.send_text(self, text)

    def press(self, message: ChatMessage, label_part: str, *, exact: bool = False) -> CallbackQuery:
        return self.emulator.press(self, message, label_part, exact=exact)

    @property
    def inbox(self) -> list[ChatMessage]:
        return self.emulator.inbox(self.id)

    def mark_read(self) -> None:
        self.read = len(self.inbox)

    async def replies(self, count: int = 1, *, within: float = DEFAULT_WAIT) -> list[ChatMessage]:
        """Wait for at least `count` messages the user has not read yet; return all unread."""
        messages = await self.emulator.wait_for_messages(
            self.id, count, after=self.read, within=within
        )
        self.read += len(messages)
        return messages

    async def reply(self, *, within: float = DEFAULT_WAIT) -> ChatMessage:
        """The next message, which must be the only unread one."""
        messages = await self.replies(1, within=within)
        assert len(messages) == 1, [m.content for m in messages]
        return messages[0]

    def last_with_buttons(self) -> ChatMessage:
        return self.emulator.last_message(self.id, with_buttons=True)


class BotApiEmulator:
    """One bot's Bot API on 127.0.0.1; start with `async with BotApiEmulator() as emulator`."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = "complaint_coach_e2e_bot",
        first_name: str = "Complaint Coach",
        first_update_id: int = 10_000,
    ) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.port = 0
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.calls: list[ApiCall] = []
        self.faults: list[Fault] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.queue: list[QueuedUpdate] = []
        self.updates: dict[int, dict[str, Any]] = {}  # every update ever queued, by id
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_dropped: list[QueuedUpdate] = []
        self.webhook_last_error: tuple[int, str] | None = None
        self.webhook_targets: list[str] | None = None
        self.webhook_retry_delay = 0.1
        self.webhook_max_attempts = 50
        self.webhook_timeout = 10.0
        self._messages: dict[int, dict[int, ChatMessage]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(first_update_id)
        self._query_ids = itertools.count(4_000_000_000_000_000)
        self._file_ids = itertools.count(1)
        self._offset = 0
        self._poll_generation = 0
        self.polls_waiting: dict[int, ApiCall] = {}
        self._target_turn = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._webhook_workers: list[asyncio.Task[None]] = []
        self._methods: dict[str, tuple[str, Callable[[Params, ApiCall], Awaitable[Any]]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._harmless,
                "close": self._harmless,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "getFile": self._get_file,
                "sendChatAction": self._send_chat_action,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
            }.items()
        }

    # ---------------------------------------------------------------- life cycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> BotApiEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_post("/_test/updates", self._test_enqueue)
        app.router.add_post("/_test/users/{user_id}/messages", self._test_user_message)
        app.router.add_get("/_test/chats/{chat_id}/messages", self._test_chat_messages)
        app.router.add_get("/_test/calls", self._test_calls)
        app.router.add_post("/_test/faults", self._test_faults)
        # A long poll whose client went away (a killed bot) must not linger.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._client = aiohttp.ClientSession()
        self.deliver_concurrently(1)
        return self

    async def close(self) -> None:
        self._closing = True
        self._notify()
        for worker in self._webhook_workers:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For `Bot(base_url=…)` and TELEGRAM_API_BASE_URL."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ---------------------------------------------------------------- waiting

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(
        self,
        predicate: Callable[[], T],
        *,
        within: float | None = DEFAULT_WAIT,
        what: str = "the condition",
        raise_on_timeout: bool = True,
    ) -> T:
        """Wait, woken by every change the emulator sees, until `predicate()` is truthy."""
        loop = asyncio.get_running_loop()
        deadline = None if within is None else loop.time() + within
        while not (result := predicate()):
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                if raise_on_timeout:
                    raise EmulatorTimeout(f"waited {within}s for {what}; {self._recent()}")
                return result
            waiter = loop.create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)
        return result

    def _recent(self) -> str:
        sent = [
            f"{m.chat_id}:{m.message_id}:{m.content[:60]!r}"
            for chat in self._messages.values()
            for m in chat.values()
            if m.from_bot
        ][-5:]
        calls = [f"{c.method}→{c.status}" for c in self.calls[-8:]]
        return f"last messages {sent}; last calls {calls}"

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, *, after: int = 0, within: float = DEFAULT_WAIT
    ) -> list[ChatMessage]:
        """The bot's messages to the chat from position `after` on, once there are `count`."""
        return await self.wait_until(
            lambda: (
                self.inbox(chat_id)[after:] if len(self.inbox(chat_id)) >= after + count else []
            ),
            within=within,
            what=f"{count} message(s) to chat {chat_id} after #{after}",
        )

    async def wait_for_text(
        self, chat_id: int, text_part: str, *, after: int = 0, within: float = DEFAULT_WAIT
    ) -> ChatMessage:
        """The first bot message (as it is now) in the chat containing `text_part`."""

        def found() -> ChatMessage | None:
            return next((m for m in self.inbox(chat_id)[after:] if text_part in m.content), None)

        message = await self.wait_until(
            found, within=within, what=f"a message with {text_part!r} in chat {chat_id}"
        )
        assert message is not None
        return message

    async def wait_for_edit(
        self, message: ChatMessage, *, since_version: int, within: float = DEFAULT_WAIT
    ) -> ChatMessage:
        await self.wait_until(
            lambda: message.version > since_version,
            within=within,
            what=f"an edit of message {message.message_id}",
        )
        return message

    async def wait_for_answer(
        self, query: CallbackQuery, *, within: float = DEFAULT_WAIT
    ) -> CallbackQuery:
        await self.wait_until(
            lambda: query.answered, within=within, what=f"the answer to {query.data!r}"
        )
        return query

    async def wait_for_calls(
        self, method: str, count: int = 1, *, after: int = 0, within: float = DEFAULT_WAIT
    ) -> list[ApiCall]:
        """Calls of `method` (answered, whatever the answer) from call index `after` on."""

        def answered() -> list[ApiCall]:
            found = [c for c in self.calls[after:] if c.method == method and c.status]
            return found if len(found) >= count else []

        return await self.wait_until(
            answered, within=within, what=f"{count} {method} call(s) after #{after}"
        )

    async def wait_for_polling(self, *, after: int = 0, within: float = DEFAULT_WAIT) -> ApiCall:
        """A long poll (getUpdates with a timeout) from call index `after` on, waiting now."""

        def waiting() -> ApiCall | None:
            return next((c for i, c in self.polls_waiting.items() if i >= after), None)

        call = await self.wait_until(waiting, within=within, what="a waiting long poll")
        assert call is not None
        return call

    async def wait_until_taken(
        self, update: dict[str, Any], *, within: float = DEFAULT_WAIT
    ) -> None:
        """Until the bot has this update: confirmed by its offset, or its webhook answered 2xx."""
        update_id = int(update["update_id"])

        def taken() -> bool:
            if any(entry.update is update for entry in self.queue):
                return False
            if self.webhook is not None:
                return any(
                    d.update_id == update_id and d.status and 200 <= d.status < 300
                    for d in self.webhook_deliveries
                )
            return self._offset > update_id

        await self.wait_until(taken, within=within, what=f"the bot to take update {update_id}")

    # ---------------------------------------------------------------- reading what the bot did

    def chat_messages(self, chat_id: int) -> list[ChatMessage]:
        """Every message in the chat, the user's and the bot's, oldest first."""
        return list(self._messages.get(chat_id, {}).values())

    def inbox(self, chat_id: int) -> list[ChatMessage]:
        """What the bot sent to the chat and did not delete, oldest first, as it is now."""
        return [m for m in self.chat_messages(chat_id) if m.from_bot and not m.deleted]

    def message(self, chat_id: int, message_id: int) -> ChatMessage:
        return self._messages[chat_id][message_id]

    def last_message(self, chat_id: int, *, with_buttons: bool = False) -> ChatMessage:
        for message in reversed(self.inbox(chat_id)):
            if message.buttons or not with_buttons:
                return message
        raise LookupError(f"no message{' with buttons' if with_buttons else ''} in {chat_id}")

    def answers_to(self, user_id: int) -> list[CallbackQuery]:
        return [q for q in self.callback_queries.values() if q.user_id == user_id and q.answered]

    def commands_for(
        self, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        return self.commands.get((_scope_key(scope), language_code), [])

    def call_count(self, method: str | None = None) -> int:
        return sum(1 for c in self.calls if method is None or c.method == method)

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    # ---------------------------------------------------------------- acting as users

    def user(
        self,
        user_id: int,
        first_name: str = "Анна",
        *,
        language_code: str | None = "ru",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """A user who can talk to the bot; their private chat exists from now on."""
        user = FakeUser(self, user_id, first_name, language_code, username, last_name)
        self._private_chat(user)
        return user

    def add_group(
        self, chat_id: int, title: str = "Team", *, kind: str = "group"
    ) -> dict[str, Any]:
        """A group (or supergroup, or channel) the bot is a member of."""
        chat = {"id": chat_id, "type": kind, "title": title}
        self.chats[chat_id] = chat
        return chat

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sending to them answers 403 from now on."""
        self.blocked.add(user_id)

    def enqueue(self, update: dict[str, Any], *, forced: bool = False) -> dict[str, Any]:
        """Queue a raw update (an id is given if it has none) for polling or the webhook."""
        update.setdefault("update_id", next(self._update_ids))
        entry = QueuedUpdate(update, forced=forced)
        self.updates.setdefault(entry.update_id, update)
        if self._allowed(entry.kind):
            self.queue.append(entry)
            self._notify()
        return update

    def deliver_twice(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update a user action just queued once more (same update_id), right behind it.

        The copy is handed out even if the bot's offset has confirmed the first one meanwhile.
        """
        return self.enqueue(copy.deepcopy(update), forced=True)

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Send an update again that the bot already took, as Telegram does after a lost answer."""
        return self.enqueue(copy.deepcopy(self.updates[update_id]), forced=True)

    def send_text(
        self, user: FakeUser, text: str, *, chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The user sends `text`; a leading /command gets its bot_command entity."""
        entities = []
        command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": command.end()})
        message = self._user_message(user, chat, text=text, entities=entities)
        return self.enqueue({"message": message.to_api()})

    def send_command(self, user: FakeUser, command: str, args: str = "") -> dict[str, Any]:
        return self.send_text(user, f"/{command}" + (f" {args}" if args else ""))

    def press(
        self, user: FakeUser, message: ChatMessage, label_part: str, *, exact: bool = False
    ) -> CallbackQuery:
        """The user taps the button of `message` (as it is now) whose label has `label_part`."""
        button = message.button(label_part, exact=exact)
        if "callback_data" not in button:
            raise LookupError(f"button {button['text']!r} opens a link, it sends no callback")
        return self.press_data(user, message, button["callback_data"])

    def press_data(self, user: FakeUser, message: ChatMessage, data: str) -> CallbackQuery:
        """A callback query with any data at all, as a forged or outdated client could send."""
        query_id = str(next(self._query_ids))
        update = self.enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": message.to_api(),
                    "chat_instance": str(-abs(hash((user.id, message.chat_id))) % 10**18),
                    "data": data,
                }
            }
        )
        query = CallbackQuery(query_id, user.id, message, data, int(update["update_id"]))
        self.callback_queries[query_id] = query
        return query

    def send_sticker(self, user: FakeUser, emoji: str = "😡") -> dict[str, Any]:
        unique = next(self._file_ids)
        sticker = {
            "file_id": f"sticker-{unique}",
            "file_unique_id": f"st{unique}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self.enqueue({"message": self._user_message(user, None, sticker=sticker).to_api()})

    def send_photo(
        self, user: FakeUser, data: bytes = TINY_PNG, *, caption: str | None = None
    ) -> dict[str, Any]:
        photo = self._store_file(FilePart("photo.png", data, "image/png"))
        message = self._user_message(user, None, photo=photo, caption=caption)
        return self.enqueue({"message": message.to_api()})

    def edit_text(self, user: FakeUser, message_id: int, text: str) -> dict[str, Any]:
        """The user edits a message they sent earlier: an `edited_message` update."""
        message = self._messages[user.id][message_id]
        if message.from_bot:
            raise ValueError("a user can only edit their own messages")
        message.history.append(message.content)
        message.text = text
        message.edit_date = _now()
        message.version += 1
        return self.enqueue({"edited_message": message.to_api()})

    def send_group_message(self, user: FakeUser, group_id: int, text: str) -> dict[str, Any]:
        chat = self.chats.get(group_id) or self.add_group(group_id)
        return self.send_text(user, text, chat=chat)

    def channel_post(self, channel_id: int, text: str, *, title: str = "News") -> dict[str, Any]:
        chat = self.chats.get(channel_id) or self.add_group(channel_id, title, kind="channel")
        message = self._add_message(chat, sender=None, from_bot=False, text=text)
        return self.enqueue({"channel_post": message.to_api()})

    # ---------------------------------------------------------------- faults

    def fail(
        self,
        count: int = 1,
        *,
        status: int,
        description: str,
        method: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        html_body: bool = False,
    ) -> Fault:
        """Answer the next `count` calls (of `method`, or any) with this error, doing nothing."""
        fault = Fault(count, method, status, description, retry_after, delay, html_body)
        self.faults.append(fault)
        return fault

    def flood(self, count: int = 1, *, retry_after: int = 1, method: str | None = None) -> Fault:
        """429 Too Many Requests with `parameters.retry_after`, as Telegram's flood control."""
        return self.fail(
            count,
            status=429,
            description=f"Too Many Requests: retry after {retry_after}",
            method=method,
            retry_after=retry_after,
        )

    def server_error(
        self, count: int = 1, *, status: int = 500, method: str | None = None, html: bool = False
    ) -> Fault:
        """A 5xx; with `html` the body is a proxy's HTML page instead of Telegram's JSON."""
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        return self.fail(
            count,
            status=status,
            description=reason.get(status, "Server Error"),
            method=method,
            html_body=html,
        )

    def slow(self, count: int = 1, *, seconds: float, method: str | None = None) -> Fault:
        """Do the work at once but answer only after `seconds` (a client may give up first)."""
        fault = Fault(count, method, delay=seconds)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def balance_webhook(self, urls: list[str] | None) -> None:
        """Deliver webhook updates to these addresses in turn, as a load balancer in front would."""
        self.webhook_targets = list(urls) if urls else None
        self._notify()

    # ---------------------------------------------------------------- HTTP

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        known = self._methods.get(request.match_info["method"].lower())
        if known is None:
            return _error(ApiError(404, "Not Found"))
        name, handler = known
        try:
            params = await _read_params(request)
        except ApiError as error:
            return _error(error)
        call = ApiCall(len(self.calls), name, params.decoded(), file_fields=tuple(params.files))
        self.calls.append(call)
        self._notify()
        fault = self._take_fault(name)
        if fault is not None and fault.status:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            return self._finish(call, _fault_response(fault), fault.status, fault.description)
        try:
            result = await handler(params, call)
        except ApiError as error:
            return self._finish(call, _error(error), error.status, error.description)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        body: dict[str, Any] = {"ok": True, "result": result}
        if isinstance(result, _Described):
            body = {"ok": True, "result": result.value, "description": result.description}
        return self._finish(call, _json_response(body, 200), 200, "")

    def _finish(
        self, call: ApiCall, response: web.StreamResponse, status: int, description: str
    ) -> web.StreamResponse:
        call.status = status
        call.description = description
        self._notify()
        return response

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return _error(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ---------------------------------------------------------------- methods

    async def _get_me(self, params: Params, call: ApiCall) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _harmless(self, params: Params, call: ApiCall) -> Any:
        return True

    async def _get_updates(self, params: Params, call: ApiCall) -> Any:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.int("offset", 0) or 0
        limit = min(max(params.int("limit", 100) or 100, 1), 100)
        timeout = max(params.float("timeout", 0.0), 0.0)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self.allowed_updates = list(allowed)
        self._confirm(offset)
        # A newer request ends the one still waiting, as Telegram does with two pollers.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        if timeout > 0 and not self._ready_updates(limit):
            self.polls_waiting[call.index] = call
            self._notify()
            try:
                await self.wait_until(
                    lambda: (
                        self._closing
                        or generation != self._poll_generation
                        or bool(self._ready_updates(limit))
                    ),
                    within=timeout,
                    raise_on_timeout=False,
                )
            finally:
                self.polls_waiting.pop(call.index, None)
                self._notify()
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        batch = self._ready_updates(limit)
        # A redelivered copy is handed out once; the rest stay until an offset confirms them.
        self.queue = [e for e in self.queue if not (e.forced and any(e is b for b in batch))]
        return [copy.deepcopy(entry.update) for entry in batch]

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._offset = max(self._offset, offset)
            self.queue = [e for e in self.queue if e.forced or e.update_id >= offset]
        elif offset < 0:
            self.queue = self.queue[offset:]
        self._notify()

    def _ready_updates(self, limit: int) -> list[QueuedUpdate]:
        return [e for e in self.queue if e.forced or e.update_id >= self._offset][:limit]

    def _allowed(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_SENT_BY_DEFAULT

    async def _set_webhook(self, params: Params, call: ApiCall) -> Any:
        url = params.str("url") or ""
        if not url:
            return await self._delete_webhook(params, call)
        if not re.match(r"https?://[^/\s]+", url):
            raise ApiError(400, "Bad Request: bad webhook: invalid webhook URL specified")
        secret = params.str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self.allowed_updates = list(allowed)
        if params.bool("drop_pending_updates"):
            self.queue.clear()
        max_connections = params.int("max_connections", 40) or 40
        self.webhook = Webhook(url, secret, max_connections)
        self._notify()
        return _Described(True, "Webhook was set")

    async def _delete_webhook(self, params: Params, call: ApiCall) -> Any:
        if params.bool("drop_pending_updates"):
            self.queue.clear()
        was_set = self.webhook is not None
        self.webhook = None
        self._notify()
        return _Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    async def _get_webhook_info(self, params: Params, call: ApiCall) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        if self.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    async def _send_message(self, params: Params, call: ApiCall) -> Any:
        chat = self._target_chat(params)
        text, entities = _formatted(
            params,
            "text",
            "entities",
            limit=TEXT_LIMIT,
            too_long="Bad Request: message is too long",
            required=True,
        )
        markup = _markup(params)
        message = self._add_message(
            chat,
            sender=self.bot_user,
            from_bot=True,
            text=text,
            entities=entities,
            reply_markup=markup,
            params=call.params,
        )
        return message.to_api()

    async def _edit_message_text(self, params: Params, call: ApiCall) -> Any:
        message = self._message_to_edit(params)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = _formatted(
            params,
            "text",
            "entities",
            limit=TEXT_LIMIT,
            too_long="Bad Request: MESSAGE_TOO_LONG",
            required=True,
        )
        markup = _markup(params)
        # Telegram compares the text, its formatting and the inline keyboard.
        if (
            text == message.text
            and entities == message.entities
            and _inline(markup) == _inline(message.reply_markup)
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities = text, entities
        # Without reply_markup an edit removes the inline keyboard.
        message.reply_markup = markup
        self._edited(message, call)
        return message.to_api()

    async def _edit_message_reply_markup(self, params: Params, call: ApiCall) -> Any:
        message = self._message_to_edit(params)
        markup = _markup(params)
        if _inline(markup) == _inline(message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        self._edited(message, call)
        return message.to_api()

    def _edited(self, message: ChatMessage, call: ApiCall) -> None:
        message.edit_date = _now()
        message.version += 1
        message.params = {**message.params, **call.params}
        self._notify()

    async def _delete_message(self, params: Params, call: ApiCall) -> Any:
        chat = self._known_chat(params)
        message = self._messages.get(chat["id"], {}).get(params.int("message_id") or 0)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        self._notify()
        return True

    async def _answer_callback_query(self, params: Params, call: ApiCall) -> Any:
        query = self.callback_queries.get(params.str("callback_query_id") or "")
        if query is None or query.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.str("text")
        if text is not None and len(text) > CALLBACK_ANSWER_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        query.text = text
        query.show_alert = params.bool("show_alert")
        query.url = params.str("url")
        self._notify()
        return True

    async def _send_document(self, params: Params, call: ApiCall) -> Any:
        chat = self._target_chat(params)
        stored = self._input_file(params, "document")
        if not stored.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        return self._send_file(chat, params, call, document=stored)

    async def _send_photo(self, params: Params, call: ApiCall) -> Any:
        chat = self._target_chat(params)
        stored = self._input_file(params, "photo")
        if not stored.width:
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        return self._send_file(chat, params, call, photo=stored)

    def _send_file(
        self,
        chat: dict[str, Any],
        params: Params,
        call: ApiCall,
        *,
        document: StoredFile | None = None,
        photo: StoredFile | None = None,
    ) -> Any:
        caption, caption_entities = _formatted(
            params,
            "caption",
            "caption_entities",
            limit=CAPTION_LIMIT,
            too_long="Bad Request: message caption is too long",
            required=False,
        )
        message = self._add_message(
            chat,
            sender=self.bot_user,
            from_bot=True,
            caption=caption,
            caption_entities=caption_entities,
            reply_markup=_markup(params),
            document=document,
            photo=photo,
            params=call.params,
        )
        return message.to_api()

    async def _get_file(self, params: Params, call: ApiCall) -> Any:
        stored = self.files.get(params.str("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _send_chat_action(self, params: Params, call: ApiCall) -> Any:
        self._target_chat(params)
        return True

    async def _set_my_commands(self, params: Params, call: ApiCall) -> Any:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        language_code = params.str("language_code") or ""
        if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
            raise ApiError(400, "Bad Request: invalid language code specified")
        key = (_scope_key(params.json("scope")), language_code)
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        self._notify()
        return True

    async def _get_my_commands(self, params: Params, call: ApiCall) -> Any:
        key = (_scope_key(params.json("scope")), params.str("language_code") or "")
        return copy.deepcopy(self.commands.get(key, []))

    async def _delete_my_commands(self, params: Params, call: ApiCall) -> Any:
        key = (_scope_key(params.json("scope")), params.str("language_code") or "")
        self.commands.pop(key, None)
        self._notify()
        return True

    # ---------------------------------------------------------------- chats and messages

    def _private_chat(self, user: FakeUser) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": user.id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            chat["last_name"] = user.last_name
        if user.username:
            chat["username"] = user.username
        self.chats[user.id] = chat
        return chat

    def _known_chat(self, params: Params) -> dict[str, Any]:
        chat_id = params.chat_id()
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _target_chat(self, params: Params) -> dict[str, Any]:
        chat = self._known_chat(params)
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _message_to_edit(self, params: Params) -> ChatMessage:
        if params.raw("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._known_chat(params)
        message = self._messages.get(chat["id"], {}).get(params.int("message_id") or 0)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _add_message(
        self,
        chat: dict[str, Any],
        *,
        sender: dict[str, Any] | None,
        from_bot: bool,
        **content: Any,
    ) -> ChatMessage:
        chat_id = int(chat["id"])
        ids = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = ChatMessage(
            chat=chat,
            message_id=next(ids),
            date=_now(),
            sender=sender,
            from_bot=from_bot,
            **content,
        )
        self._messages.setdefault(chat_id, {})[message.message_id] = message
        self._notify()
        return message

    def _user_message(
        self, user: FakeUser, chat: dict[str, Any] | None, **content: Any
    ) -> ChatMessage:
        chat = chat or self.chats.get(user.id) or self._private_chat(user)
        return self._add_message(chat, sender=user.to_api(), from_bot=False, **content)

    def _input_file(self, params: Params, name: str) -> StoredFile:
        value = params.file(name)
        if isinstance(value, FilePart):
            return self._store_file(value)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if value:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _store_file(self, part: FilePart) -> StoredFile:
        number = next(self._file_ids)
        width, height = _image_size(part.data)
        stored = StoredFile(
            file_id=f"BQACAgIAAx0-emulated-{number}",
            file_unique_id=f"AgAD{number}",
            data=part.data,
            file_name=part.filename,
            mime_type=part.content_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    # ---------------------------------------------------------------- webhook delivery

    def _next_target(self, url: str) -> str:
        if not self.webhook_targets:
            return url
        target = self.webhook_targets[self._target_turn % len(self.webhook_targets)]
        self._target_turn += 1
        return target

    def deliver_concurrently(self, connections: int) -> None:
        """POST up to this many updates at once (Telegram's `max_connections`); 1 keeps order."""
        while len(self._webhook_workers) < connections:
            self._webhook_workers.append(asyncio.create_task(self._deliver_to_webhook()))

    def _next_for_webhook(self) -> QueuedUpdate | None:
        if self.webhook is None:
            return None
        return next((entry for entry in self.queue if not entry.in_flight), None)

    async def _deliver_to_webhook(self) -> None:
        """POST queued updates; retry one that was not answered 2xx, as Telegram does."""
        assert self._client is not None
        while True:
            entry = await self.wait_until(self._next_for_webhook, within=None)
            assert entry is not None
            assert self.webhook is not None
            entry.in_flight = True
            url = self._next_target(self.webhook.url)
            headers = {"Content-Type": "application/json"}
            if self.webhook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook.secret_token
            status: int | None = None
            error = ""
            try:
                async with self._client.post(
                    url,
                    data=json.dumps(entry.update, ensure_ascii=False).encode(),
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as response:
                    status = response.status
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as failure:
                error = f"Connection failed: {type(failure).__name__}"
            self.webhook_deliveries.append(WebhookDelivery(entry.update_id, url, status, error))
            if status is not None and 200 <= status < 300:
                self.queue = [e for e in self.queue if e is not entry]
                self._notify()
                continue
            entry.failures += 1
            self.webhook_last_error = (_now(), error)
            if entry.failures >= self.webhook_max_attempts:
                self.queue = [e for e in self.queue if e is not entry]
                self.webhook_dropped.append(entry)
            self._notify()
            await asyncio.sleep(min(self.webhook_retry_delay * 2 ** (entry.failures - 1), 1.0))
            entry.in_flight = False
            self._notify()

    # ---------------------------------------------------------------- /_test/ endpoints

    async def _test_enqueue(self, request: web.Request) -> web.StreamResponse:
        update = self.enqueue(await request.json())
        return _json_response({"ok": True, "result": update}, 200)

    async def _test_user_message(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        user = self.user(
            int(request.match_info["user_id"]),
            body.get("first_name", "Анна"),
            language_code=body.get("language_code", "ru"),
        )
        return _json_response({"ok": True, "result": self.send_text(user, body["text"])}, 200)

    async def _test_chat_messages(self, request: web.Request) -> web.StreamResponse:
        messages = [m.to_api() for m in self.inbox(int(request.match_info["chat_id"]))]
        return _json_response({"ok": True, "result": messages}, 200)

    async def _test_calls(self, request: web.Request) -> web.StreamResponse:
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return _json_response({"ok": True, "result": counts}, 200)

    async def _test_faults(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if body.get("status"):
            self.fail(
                int(body.get("count", 1)),
                status=int(body["status"]),
                description=body.get("description", "Injected fault"),
                method=body.get("method"),
                retry_after=body.get("retry_after"),
                delay=float(body.get("delay", 0.0)),
            )
        else:
            self.slow(
                int(body.get("count", 1)), seconds=float(body["delay"]), method=body.get("method")
            )
        return _json_response({"ok": True, "result": True}, 200)


@dataclass
class _Described:
    """A result Telegram sends with a `description` beside it (setWebhook, deleteWebhook)."""

    value: Any
    description: str


def _now() -> int:
    return int(time.time())


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _json_response(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return _json_response(body, error.status)


def _fault_response(fault: Fault) -> web.Response:
    if fault.html_body:
        page = f"<html><body><h1>{fault.status} {fault.description}</h1></body></html>"
        return web.Response(text=page, status=fault.status, content_type="text/html")
    return _error(ApiError(fault.status, fault.description, retry_after=fault.retry_after))


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, FilePart] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON object expected")
            values.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files[name] = FilePart(value.filename, value.file.read(), value.content_type)
                else:
                    values[name] = value
    return Params(values, files)


def _formatted(
    params: Params,
    name: str,
    entities_name: str,
    *,
    limit: int,
    too_long: str,
    required: bool,
) -> tuple[str | None, list[dict[str, Any]]]:
    """The text as Telegram stores it: markup parsed, limits checked."""
    source = params.str(name)
    if source is None or source == "":
        if required:
            raise ApiError(400, "Bad Request: message text is empty")
        return None, []
    parse_mode = (params.str("parse_mode") or "").lower()
    if parse_mode == "html":
        try:
            text, entities = parse_html(source)
        except EntityParseError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
    elif parse_mode in ("", "markdown", "markdownv2"):
        text, entities = source, list(params.json(entities_name) or [])
    else:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    if required and not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_length(text) > limit:
        raise ApiError(400, too_long)
    return text, entities


def _markup(params: Params) -> dict[str, Any] | None:
    markup = params.json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = str(button["callback_data"])
                if not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            elif "url" in button:
                if not re.match(r"(https?|tg)://\S+", str(button["url"])):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
            else:
                raise ApiError(400, 'Bad Request: can\'t find field "callback_data"')
    return markup


def _inline(markup: dict[str, Any] | None) -> list[Any]:
    return list((markup or {}).get("inline_keyboard", []))


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG; 1×1 for another image format; 0×0 when it is no image."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8", b"RIFF"):
        return 1, 1
    return 0, 0
