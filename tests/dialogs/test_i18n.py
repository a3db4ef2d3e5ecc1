"""Every text exists in both languages, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from dialogs.i18n import Language, catalogue, t


def _placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = text if isinstance(text, tuple) else (text,)
    return {name for item in texts for name in re.findall(r"{(\w+)}", item)}


def test_both_languages_have_exactly_the_same_keys() -> None:
    russian, english = catalogue(Language.RU), catalogue(Language.EN)
    assert sorted(set(russian) - set(english)) == []
    assert sorted(set(english) - set(russian)) == []


@pytest.mark.parametrize("key", sorted(catalogue(Language.RU)))
def test_a_text_takes_the_same_placeholders_in_both_languages(key: str) -> None:
    russian, english = catalogue(Language.RU)[key], catalogue(Language.EN)[key]
    assert _placeholders(russian) == _placeholders(english)
    assert type(russian) is type(english)


def test_placeholders_are_filled_and_user_text_is_inserted_verbatim() -> None:
    text = t(Language.EN, "start.welcome", name="{not a placeholder}", role="admin")
    assert text == "Hello, {not a placeholder}! You are signed in as admin."
