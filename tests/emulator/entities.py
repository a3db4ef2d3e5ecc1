"""Telegram's HTML parse mode: markup in, plain text and entities out, or the error Telegram gives.

The emulator runs every text the bot sends with `parse_mode=HTML` through this, so a user string
that was not escaped (`<`, `&`) fails the way it fails in Telegram, and tests read the text a user
would see. Offsets and lengths count UTF-16 code units, as the Bot API does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

# tag → entity type; `span` only with class="tg-spoiler", `a` needs href.
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTRIBUTE = re.compile(r"""([a-zA-Z][\w-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


class EntityParseError(ValueError):
    """The markup is not what Telegram accepts; the message is Telegram's own wording."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    name: str
    offset: int
    attributes: dict[str, str]
    nested_code_language: str | None = None


@dataclass
class _Parser:
    source: str
    text: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[dict[str, Any]] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def emit(self, piece: str) -> None:
        self.text.append(piece)
        self.length += utf16_length(piece)

    def open_tag(self, body: str, index: int) -> None:
        match = re.match(r"[a-zA-Z][\w-]*", body)
        name = match.group(0).lower() if match else body.split(" ", 1)[0]
        attributes = {
            key.lower(): html.unescape(value.strip("\"'")) if value else ""
            for key, value in _ATTRIBUTE.findall(body[match.end() :] if match else "")
        }
        if name not in _TAGS or (name == "span" and attributes.get("class") != "tg-spoiler"):
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(index)}'
            )
        if name == "code" and self.stack and self.stack[-1].name == "pre":
            language = attributes.get("class", "").removeprefix("language-")
            if language:
                self.stack[-1].nested_code_language = language
                self.stack.append(_Open("code-in-pre", self.length, attributes))
                return
        self.stack.append(_Open(name, self.length, attributes))

    def close_tag(self, body: str, index: int) -> None:
        name = body[1:].strip().lower()
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.byte_offset(index)}")
        opened = self.stack.pop()
        expected = "code" if opened.name == "code-in-pre" else opened.name
        if name != expected:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(index)}, "
                f'expected "</{expected}>", found "</{name}>"'
            )
        length = self.length - opened.offset
        if opened.name == "code-in-pre" or length == 0:
            return
        entity: dict[str, Any] = {
            "type": _TAGS[opened.name],
            "offset": opened.offset,
            "length": length,
        }
        if opened.name == "a":
            url = opened.attributes.get("href", "")
            user = re.fullmatch(r"tg://user\?id=(\d+)", url)
            if user:
                entity = {**entity, "type": "text_mention", "user": {"id": int(user.group(1))}}
            elif url:
                entity["url"] = url
            else:
                return  # Telegram drops a link without an address and keeps its text
        if opened.name == "pre" and opened.nested_code_language:
            entity["language"] = opened.nested_code_language
        if opened.name == "blockquote" and "expandable" in opened.attributes:
            entity["type"] = "expandable_blockquote"
        if opened.name == "tg-emoji":
            entity["custom_emoji_id"] = opened.attributes.get("emoji-id", "")
        self.entities.append(entity)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        source = self.source
        index = 0
        while index < len(source):
            char = source[index]
            if char == "<":
                end = source.find(">", index)
                if end == -1:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {self.byte_offset(index)}"
                    )
                body = source[index + 1 : end]
                if body.startswith("/"):
                    self.close_tag(body, index)
                else:
                    self.open_tag(body, index)
                index = end + 1
            elif char == "&":
                match = _ENTITY.match(source, index)
                if match and (match.group(1).startswith("#") or match.group(1) in _NAMED_ENTITIES):
                    name = match.group(1)
                    self.emit(_NAMED_ENTITIES.get(name) or html.unescape(match.group(0)))
                    index = match.end()
                else:
                    self.emit("&")  # Telegram leaves an unknown entity as it is
                    index += 1
            else:
                self.emit(char)
                index += 1
        if self.stack:
            name = self.stack[-1].name.replace("code-in-pre", "code")
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.text), self.entities


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and the entities Telegram makes of `source` in HTML parse mode."""
    return _Parser(source).run()
