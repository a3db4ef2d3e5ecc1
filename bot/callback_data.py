"""The format of `callback_data`: what a button press carries back, parsed strictly.

Telegram returns the string we put on the button, but anyone can forge one, so parsing accepts
only the exact shapes below (and Telegram's 64-byte limit is checked when a button is made).
A case button carries the case id and the case version it was drawn at: a press on an older
version changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogs.i18n import Language

_CASE = re.compile(r"c:(\d{1,12}):(\d{1,9}):([a-z_]{1,24})(?::([\w.-]{1,16}))?")
_LANGUAGE = re.compile(r"lang:(ru|en)")
_OPEN = re.compile(r"open:(\d{1,12})")
_PAGE = re.compile(r"list:([a-z_]{1,16}):(\d{1,12}):(\d{1,6})")
_PRACTICE = re.compile(r"p:(\d{1,12}):([a-z_]{1,24})(?::([\w.-]{1,24}))?")


@dataclass(frozen=True, slots=True)
class CaseAction:
    case_id: int
    version: int
    action: str
    argument: str = ""

    def encode(self) -> str:
        suffix = f":{self.argument}" if self.argument else ""
        return f"c:{self.case_id}:{self.version}:{self.action}{suffix}"


@dataclass(frozen=True, slots=True)
class ListPage:
    """A page of the /cases list: which filter, whose (0 = the filter's default), which page."""

    filter_name: str
    subject_id: int
    page: int

    def encode(self) -> str:
        return f"list:{self.filter_name}:{self.subject_id}:{self.page}"


@dataclass(frozen=True, slots=True)
class PracticeAction:
    session_id: int
    action: str
    argument: str = ""

    def encode(self) -> str:
        suffix = f":{self.argument}" if self.argument else ""
        return f"p:{self.session_id}:{self.action}{suffix}"


def parse_case(data: str) -> CaseAction | None:
    match = _CASE.fullmatch(data)
    if match is None:
        return None
    case_id, version, action, argument = match.groups()
    return CaseAction(int(case_id), int(version), action, argument or "")


def parse_language(data: str) -> Language | None:
    match = _LANGUAGE.fullmatch(data)
    return Language(match.group(1)) if match else None


def encode_language(language: Language) -> str:
    return f"lang:{language.value}"


def parse_open(data: str) -> int | None:
    match = _OPEN.fullmatch(data)
    return int(match.group(1)) if match else None


def encode_open(case_id: int) -> str:
    return f"open:{case_id}"


def parse_page(data: str) -> ListPage | None:
    match = _PAGE.fullmatch(data)
    if match is None:
        return None
    return ListPage(match.group(1), int(match.group(2)), int(match.group(3)))


def parse_practice(data: str) -> PracticeAction | None:
    match = _PRACTICE.fullmatch(data)
    if match is None:
        return None
    session_id, action, argument = match.groups()
    return PracticeAction(int(session_id), action, argument or "")


CASE_PATTERN = r"^c:"
LANGUAGE_PATTERN = r"^lang:"
OPEN_PATTERN = r"^open:"
PAGE_PATTERN = r"^list:"
PRACTICE_PATTERN = r"^p:"
