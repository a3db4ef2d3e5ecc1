"""Inline keyboards built from what dialogs/ offers; labels come from the locale files."""

from __future__ import annotations

from collections.abc import Sequence

from bot import callback_data as callback
from bot.outgoing import Button, Keyboard
from dialogs.i18n import Language, t

__all__ = ["callback", "grid", "language_keyboard"]


def grid(buttons: Sequence[Button], columns: int) -> Keyboard:
    """Lay buttons out `columns` to a row, so a phone screen shows them without scrolling."""
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def language_keyboard() -> Keyboard:
    return grid(
        [Button(t(lang, "language.name"), callback.encode_language(lang)) for lang in Language],
        2,
    )
