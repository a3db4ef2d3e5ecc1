"""What the bot wants to say, decided inside the update's transaction and sent after it commits.

Keeping replies as plain data lets a message that Telegram refuses for now go to the outbox table
and be sent later by any process, and keeps the sending apart from the deciding.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from typing import Any

TELEGRAM_TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: `data` comes back in the callback query, `url` opens a link instead."""

    label: str
    data: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send (or an earlier one to edit). `text` is HTML, user strings escaped."""

    chat_id: int
    text: str = ""
    buttons: Keyboard = ()
    edit_message_id: int | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    alert_key: str | None = field(default=None, compare=False)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe form for the outbox table."""
        return {
            "text": self.text,
            "buttons": [[[b.label, b.data, b.url] for b in row] for row in self.buttons],
            "edit_message_id": self.edit_message_id,
            "photo": base64.b64encode(self.photo).decode() if self.photo else None,
            "document": base64.b64encode(self.document).decode() if self.document else None,
            "filename": self.filename,
        }

    @classmethod
    def from_payload(cls, chat_id: int, payload: dict[str, Any]) -> Outgoing:
        return cls(
            chat_id=chat_id,
            text=payload.get("text", ""),
            buttons=tuple(
                tuple(Button(label, data, url) for label, data, url in row)
                for row in payload.get("buttons", [])
            ),
            edit_message_id=payload.get("edit_message_id"),
            photo=base64.b64decode(payload["photo"]) if payload.get("photo") else None,
            document=base64.b64decode(payload["document"]) if payload.get("document") else None,
            filename=payload.get("filename"),
        )


def escape(text: str | None) -> str:
    """Escape a user string for Telegram's HTML parse mode."""
    return html.escape(text or "", quote=False)


_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")


def _telegram_length(text: str) -> int:
    # Telegram counts UTF-16 code units; counting the raw HTML is an upper bound of what it counts.
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, room: int) -> int:
    """How many characters of `text` fit in `room` UTF-16 units (at least one, to make progress).

    Characters outside the Basic Multilingual Plane (most emoji) take two units each.
    """
    used = 0
    for count, character in enumerate(text):
        used += 2 if ord(character) > 0xFFFF else 1
        if used > room:
            return max(count, 1)
    return len(text)


def split_html(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split HTML into parts Telegram accepts, at line breaks or spaces, tags kept balanced.

    A tag left open at a cut is closed at the end of the part and reopened at the start of the next.
    """
    if _telegram_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    open_tags: list[str] = []  # the full opening tags, innermost last

    def closing() -> str:
        return "".join(f"</{_TAG.match(tag).group(2)}>" for tag in reversed(open_tags))  # type: ignore[union-attr]

    budget = limit - 64  # room for the closing and reopening tags
    for piece in re.split(r"(\n|\s+|<[^>]+>|&[#\w]+;)", text):
        if not piece:
            continue
        while _telegram_length(piece) > budget:  # one enormous word: cut it anywhere
            cut = _prefix_within(piece, budget - _telegram_length(current))
            head, piece = piece[:cut], piece[cut:]
            parts.append(current + head + closing())
            current = "".join(open_tags)
        if _telegram_length(current + piece) > budget and current.strip():
            parts.append(current + closing())
            current = "".join(open_tags)
        current += piece
        tag = _TAG.fullmatch(piece)
        if tag:
            if tag.group(1):
                for index in range(len(open_tags) - 1, -1, -1):
                    if _TAG.match(open_tags[index]).group(2) == tag.group(2):  # type: ignore[union-attr]
                        del open_tags[index]
                        break
            else:
                open_tags.append(piece)
    if current.strip():
        parts.append(current)
    return parts
