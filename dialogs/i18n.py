"""Every user-facing text, in Russian and English, looked up by key.

Texts live in `dialogs/locales/<language>/*.yaml`, one file per area of the product (common, call,
desk, practice…), so each area owns its own file. Nested mappings flatten to dotted keys
(`call.stage.listen.title`). A test checks that both languages have exactly the same keys.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

LOCALES_DIR = Path(__file__).parent / "locales"


class Language(StrEnum):
    RU = "ru"
    EN = "en"


Text = str | tuple[str, ...]


def _flatten(prefix: str, value: Any, into: dict[str, Text], source: Path) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, into, source)
        return
    if prefix in into:
        raise ValueError(f"{source}: key {prefix!r} is defined twice")
    if isinstance(value, list):
        into[prefix] = tuple(str(item) for item in value)
    elif isinstance(value, str | int | float):
        into[prefix] = str(value)
    else:
        raise TypeError(f"{source}: key {prefix!r} holds {type(value).__name__}, not text")


@functools.cache
def catalogue(language: Language) -> Mapping[str, Text]:
    """All texts of one language, loaded once per process."""
    texts: dict[str, Text] = {}
    for path in sorted((LOCALES_DIR / language.value).glob("*.yaml")):
        _flatten("", yaml.safe_load(path.read_text(encoding="utf-8")) or {}, texts, path)
    return texts


def t(language: Language | str, key: str, **values: object) -> str:
    """The text `key` in `language`, with `{placeholders}` filled from `values`.

    Values are inserted as given: the caller escapes user strings for HTML before passing them.
    """
    text = catalogue(Language(language))[key]
    if isinstance(text, tuple):
        raise TypeError(f"{key!r} is a list of texts; use t_list")
    return text.format(**values) if values else text


def t_list(language: Language | str, key: str) -> tuple[str, ...]:
    """A list of texts (phrases, tips) under `key`."""
    text = catalogue(Language(language))[key]
    return text if isinstance(text, tuple) else (text,)


def has(language: Language | str, key: str) -> bool:
    return key in catalogue(Language(language))
