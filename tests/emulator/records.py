"""What the emulator keeps: chats' messages, files, button presses, API calls, planned faults."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StoredFile:
    """A file the bot uploaded (or a user sent), served back under `/file/bot<token>/<path>`."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}"


@dataclass
class ChatMessage:
    """One message in a chat, as it is now: edits change it in place and bump `version`."""

    chat: dict[str, Any]
    message_id: int
    date: int
    sender: dict[str, Any] | None
    from_bot: bool
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    sticker: dict[str, Any] | None = None
    edit_date: int | None = None
    deleted: bool = False
    version: int = 0
    # The text (or caption) before each edit, oldest first.
    history: list[str] = field(default_factory=list)
    # The parameters of the call that sent it, as the emulator decoded them.
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def content(self) -> str:
        """What the user reads: the text, or the caption of a file."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def keyboard(self) -> list[list[dict[str, Any]]]:
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.keyboard for button in row]

    @property
    def labels(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    def button(self, label_part: str, *, exact: bool = False) -> dict[str, Any]:
        """The first inline button whose label contains `label_part` (case-insensitive), or is
        exactly `label_part` when `exact` (labels may share words)."""
        for candidate in self.buttons:
            if (
                candidate["text"] == label_part
                if exact
                else label_part.lower() in candidate["text"].lower()
            ):
                return candidate
        raise LookupError(
            f"no button like {label_part!r} on message {self.message_id}: {self.labels}"
        )

    def to_api(self) -> dict[str, Any]:
        """The Message object as the Bot API returns it."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": copy.deepcopy(self.chat),
        }
        if self.sender is not None:
            message["from"] = copy.deepcopy(self.sender)
        elif self.chat.get("type") == "channel":
            message["sender_chat"] = copy.deepcopy(self.chat)
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = copy.deepcopy(self.entities)
        if self.caption is not None:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = copy.deepcopy(self.caption_entities)
        if self.document is not None:
            message["document"] = {
                "file_id": self.document.file_id,
                "file_unique_id": self.document.file_unique_id,
                "file_size": len(self.document.data),
                **({"file_name": self.document.file_name} if self.document.file_name else {}),
                **({"mime_type": self.document.mime_type} if self.document.mime_type else {}),
            }
        if self.photo is not None:
            message["photo"] = [
                {
                    "file_id": self.photo.file_id,
                    "file_unique_id": self.photo.file_unique_id,
                    "file_size": len(self.photo.data),
                    "width": self.photo.width,
                    "height": self.photo.height,
                }
            ]
        if self.sticker is not None:
            message["sticker"] = copy.deepcopy(self.sticker)
        if self.reply_markup and self.reply_markup.get("inline_keyboard"):
            message["reply_markup"] = copy.deepcopy(self.reply_markup)
        return message


@dataclass
class CallbackQuery:
    """A button press the emulator delivered, and the bot's answer to it once it came."""

    query_id: str
    user_id: int
    message: ChatMessage
    data: str
    update_id: int
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class ApiCall:
    """One request the bot made; `status` is the HTTP status the emulator answered with."""

    index: int
    method: str
    params: dict[str, Any]
    status: int = 0
    description: str = ""
    file_fields: tuple[str, ...] = ()


@dataclass
class Fault:
    """A planned misbehaviour for the next `remaining` calls (of `method`, or of any method).

    `status` 0 means answer normally but after `delay` seconds (the work is done first, so a client
    that gives up waiting has still sent its message, as with a slow Telegram).
    """

    remaining: int
    method: str | None = None
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0
    html_body: bool = False

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and (self.method is None or self.method.lower() == method.lower())


@dataclass
class WebhookDelivery:
    """One POST of an update to the bot's webhook and how the bot answered it."""

    update_id: int
    url: str
    status: int | None
    error: str = ""


@dataclass(eq=False)
class QueuedUpdate:
    """An update waiting to be fetched or delivered.

    `forced` marks a redelivery (Telegram sending again what the bot may already have seen): it is
    handed out once even if the bot's offset already confirmed its id.
    """

    update: dict[str, Any]
    forced: bool = False
    # Webhook delivery: being POSTed right now, and how many POSTs failed so far.
    in_flight: bool = False
    failures: int = 0

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(key for key in self.update if key != "update_id")
