"""Follow-up times: quick choices and typed dates, in the configured time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dialogs.follow_up_time import QuickTime, local_text, parse_due, quick_due

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 25, 20, 30, tzinfo=dt.UTC)  # 23:30 in Moscow


def test_in_an_hour_is_an_hour_from_now() -> None:
    assert quick_due(QuickTime.IN_1H, NOW, MOSCOW) == NOW + dt.timedelta(hours=1)


def test_tomorrow_is_the_next_local_morning() -> None:
    assert local_text(quick_due(QuickTime.TOMORROW, NOW, MOSCOW), MOSCOW) == "26.11 10:00"
    assert local_text(quick_due(QuickTime.IN_3D, NOW, MOSCOW), MOSCOW) == "28.11 10:00"


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("27.11 15:30", "27.11 15:30"),
        ("27.11", "27.11 10:00"),
        ("01.02.2027 09:15", "01.02 09:15"),
        ("2026-12-01 18:00", "01.12 18:00"),
        ("24.11", "24.11 10:00"),  # already past this year: next year's
    ],
)
def test_a_typed_date_is_read_in_local_time(typed: str, local: str) -> None:
    due = parse_due(typed, NOW, MOSCOW)
    assert due is not None
    assert due > NOW
    assert local_text(due, MOSCOW) == local


@pytest.mark.parametrize("typed", ["завтра", "31.02", "25.11.2026 09:00", "99:99", ""])
def test_nonsense_or_a_past_date_is_refused(typed: str) -> None:
    assert parse_due(typed, NOW, MOSCOW) is None
