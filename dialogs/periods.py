"""Periods a supervisor names in a command: `week`, `month`, `quarter`, `today` or dates.

A period is a run of whole local days (the team's time zone), first and last day included; the
database is asked for the half-open UTC interval between the first day's midnight and the midnight
after the last day, so a case opened at 23:30 local time counts on the day the team saw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Rolling periods ending today: a supervisor back from a week away asks for "the last week".
ROLLING_DAYS: dict[str, int] = {
    "today": 1,
    "сегодня": 1,
    "week": 7,
    "неделя": 7,
    "month": 30,
    "месяц": 30,
    "quarter": 91,
    "квартал": 91,
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


class PeriodError(ValueError):
    """The words do not name a period; the message says which word."""


@dataclass(frozen=True, slots=True)
class Period:
    first_day: dt.date
    last_day: dt.date  # included

    def bounds(self, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The UTC interval [start, end) covering the period's local days."""
        start = dt.datetime.combine(self.first_day, dt.time(), zone)
        end = dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def encode(self) -> int:
        """The period as one integer (two day ordinals), small enough for a button's data."""
        return self.first_day.toordinal() * 1_000_000 + self.last_day.toordinal()

    @classmethod
    def decode(cls, value: int) -> Period | None:
        first, last = divmod(value, 1_000_000)
        try:
            period = cls(dt.date.fromordinal(first), dt.date.fromordinal(last))
        except (ValueError, OverflowError):
            return None
        return period if period.first_day <= period.last_day else None


def parse_date(word: str) -> dt.date | None:
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(word, date_format).date()
        except ValueError:
            continue
    return None


def is_period_word(word: str) -> bool:
    return word.lower() in ROLLING_DAYS or parse_date(word) is not None


def parse_period(words: Sequence[str], today: dt.date) -> Period | None:
    """The period the words name, or None when there are none.

    `week`, `month`, `quarter`, `today` end today; one date means from that day to today; two dates
    are the first and last day.

    Raises:
        PeriodError: a word is neither a period name nor a date, or the dates are reversed.
    """
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in ROLLING_DAYS:
        days = ROLLING_DAYS[words[0].lower()]
        return Period(today - dt.timedelta(days=days - 1), today)
    if len(words) > 2:
        raise PeriodError(words[2])
    dates = []
    for word in words:
        date = parse_date(word)
        if date is None:
            raise PeriodError(word)
        dates.append(date)
    first, last = dates[0], dates[1] if len(dates) == 2 else max(today, dates[0])
    if first > last:
        raise PeriodError(words[-1])
    return Period(first, last)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def weeks_of(period: Period) -> list[dt.date]:
    """The Mondays of every ISO week the period touches, in order."""
    monday, last = week_start(period.first_day), week_start(period.last_day)
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def previous_week(today: dt.date) -> Period:
    """Last Monday-to-Sunday week before the one holding `today` (the digest's week)."""
    monday = week_start(today) - dt.timedelta(days=7)
    return Period(monday, monday + dt.timedelta(days=6))
