"""Over-long replies are split where Telegram counts (UTF-16 units), user text stays escaped.

`split_html` is checked against the emulator's parser of Telegram HTML: every part must parse,
fit in 4096 units, and the parts read together must say exactly what the whole said.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.outgoing import TELEGRAM_TEXT_LIMIT, escape, split_html
from tests.emulator.entities import parse_html, utf16_length

user_text = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        st.sampled_from(["😡", "<", ">", "&", " ", "\n", "<b>", "&amp;", "x" * 300]),
    ),
    max_size=3000,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(user_text, min_size=1, max_size=4))
def test_a_long_reply_is_split_into_parts_telegram_accepts(lines: list[str]) -> None:
    html = "\n".join(f"<b>Line</b> <i>{escape(line)}</i>" for line in lines)

    parts = split_html(html)

    for part in parts:
        assert utf16_length(part) <= TELEGRAM_TEXT_LIMIT
        parse_html(part)  # raises on a cut tag or entity
    assert "".join(parse_html(part)[0] for part in parts) == parse_html(html)[0]


def test_a_word_of_emoji_longer_than_a_message_is_cut_by_utf16_units() -> None:
    html = "<b>Offered:</b> " + "😡" * 5000

    parts = split_html(html)

    assert len(parts) == 3
    assert all(utf16_length(part) <= TELEGRAM_TEXT_LIMIT for part in parts)
    assert "".join(parse_html(part)[0] for part in parts).count("😡") == 5000
