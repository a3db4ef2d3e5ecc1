"""Drive the real Application through `process_update`, with no network (PTB's own test approach).

`OfflineBotApi` answers every Bot API call at once, as Telegram would (it extends the benchmark's
`bot/offline_api.py`), and keeps what the bot sent. `CoachHarness` builds the real application on a
real database and lets a test act as a user: send text or a command, press a button of a message.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.constants import MessageEntityType
from telegram.request import RequestData

from bot import offline_api
from bot.app import build_application, on_shutdown, on_startup
from bot.context import CoachApplication
from bot.settings import Settings
from storage import migrate
from storage.db import create_engine

BOT_ID = 7000001
BOT_USERNAME = "complaint_coach_test_bot"
TOKEN = f"{BOT_ID}:TEST-token-for-offline-tests-only_xyz"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Coach", "username": BOT_USERNAME}


@dataclass
class Sent:
    """One thing the bot sent: a message, an edit, a file, or an answer to a button press."""

    method: str
    params: dict[str, Any]
    message_id: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def button(self, label_part: str) -> dict[str, Any]:
        """The first button whose label contains `label_part` (case-insensitive)."""
        for candidate in self.buttons:
            if label_part.lower() in candidate["text"].lower():
                return candidate
        labels = [b["text"] for b in self.buttons]
        raise AssertionError(f"no button like {label_part!r} among {labels}")


class OfflineBotApi(offline_api.OfflineBotApi):
    """The bot's offline Bot API, keeping every call and everything sent for the test to read."""

    bot_user = BOT_USER

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def answer(
        self, api_method: str, params: dict[str, Any], request_data: RequestData | None
    ) -> Any:
        self.calls.append((api_method, params))
        if api_method == "answerCallbackQuery":
            self.sent.append(Sent(api_method, params))
        return super().answer(api_method, params, request_data)

    def on_message(
        self,
        api_method: str,
        params: dict[str, Any],
        message_id: int,
        request_data: RequestData | None,
    ) -> None:
        super().on_message(api_method, params, message_id, request_data)
        files: dict[str, bytes] = {}
        if request_data is not None and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                content = part[1] if isinstance(part, tuple) else part
                files[name] = content if isinstance(content, bytes) else content.read()
        self.sent.append(Sent(api_method, params, message_id, files))


def make_user(user_id: int, *, first_name: str = "Анна", language_code: str = "ru") -> User:
    return User(id=user_id, first_name=first_name, is_bot=False, language_code=language_code)


@dataclass
class CoachHarness:
    """The real application on a real database, driven update by update."""

    application: CoachApplication
    api: OfflineBotApi
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(100000))

    def _next_update_id(self) -> int:
        return next(self._update_ids)

    async def process(self, update: Update) -> list[Sent]:
        """Feed one update; return what the bot sent in answer."""
        before = len(self.api.sent)
        await self.application.process_update(update)
        return self.api.sent[before:]

    def message_update(
        self, user: User, text: str, *, chat: Chat | None = None, update_id: int | None = None
    ) -> Update:
        entities = []
        if text.startswith("/"):
            command = text.split()[0]
            entities.append(MessageEntity(MessageEntityType.BOT_COMMAND, 0, len(command)))
        message = Message(
            message_id=next(self._message_ids),
            date=dt.datetime.now(dt.UTC),
            chat=chat or Chat(user.id, Chat.PRIVATE),
            from_user=user,
            text=text,
            entities=entities,
        )
        message.set_bot(self.application.bot)
        return Update(update_id or self._next_update_id(), message=message)

    async def send(self, user: User, text: str) -> list[Sent]:
        """The user types `text` (a command when it starts with /)."""
        return await self.process(self.message_update(user, text))

    def press_update(self, user: User, sent: Sent, label_part: str) -> Update:
        button = sent.button(label_part)
        message = Message(
            message_id=sent.message_id or 0,
            date=dt.datetime.now(dt.UTC),
            chat=Chat(user.id, Chat.PRIVATE),
            from_user=User(BOT_ID, "Coach", is_bot=True, username=BOT_USERNAME),
            text=sent.text,
        )
        message.set_bot(self.application.bot)
        query = CallbackQuery(
            id=str(self._next_update_id()),
            from_user=user,
            chat_instance=str(user.id),
            message=message,
            data=button["callback_data"],
        )
        query.set_bot(self.application.bot)
        return Update(self._next_update_id(), callback_query=query)

    async def press(self, user: User, sent: Sent, label_part: str) -> list[Sent]:
        """The user taps the button of `sent` whose label contains `label_part`."""
        return await self.process(self.press_update(user, sent, label_part))

    def last_with_buttons(self, chat_id: int) -> Sent:
        """The latest message (or edit) in the chat that carries buttons."""
        for sent in reversed(self.api.sent):
            if sent.chat_id == chat_id and sent.buttons and sent.method != "answerCallbackQuery":
                return sent
        raise AssertionError(f"no message with buttons in chat {chat_id}")

    def texts_to(self, chat_id: int) -> list[str]:
        return [s.text for s in self.api.sent if s.chat_id == chat_id and s.text]


def offline_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "database_url": database_url,
        "admin_ids": [1],
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def coach_harness(database_url: str, **overrides: Any) -> AsyncIterator[CoachHarness]:
    """The application, migrated and started as `run_polling` would start it, minus the network.

    The periodic jobs are not started (tests call them directly when they mean to).
    """
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    api = OfflineBotApi()
    application = build_application(
        offline_settings(database_url, **overrides),
        request=api,
        get_updates_request=api,
        rate_limiter=False,
    )
    async with application:
        # post_init only runs from run_polling()/run_webhook(): call the start-up ourselves.
        await on_startup(application, schedule_jobs=False)
        try:
            yield CoachHarness(application, api)
        finally:
            await on_shutdown(application)
