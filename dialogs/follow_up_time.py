"""When a promised call-back is due: the quick choices and a date the employee types."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from zoneinfo import ZoneInfo

MORNING = dt.time(10, 0)  # "tomorrow" and a typed date without a time mean the working morning


class QuickTime(StrEnum):
    IN_1H = "in_1h"
    TOMORROW = "tomorrow"
    IN_3D = "in_3d"


def quick_due(choice: QuickTime, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The due time of a quick choice, in UTC; whole days land on the morning, local time."""
    if choice is QuickTime.IN_1H:
        return now + dt.timedelta(hours=1)
    days = 1 if choice is QuickTime.TOMORROW else 3
    local_day = now.astimezone(zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(local_day, MORNING, tzinfo=zone).astimezone(dt.UTC)


_DOTTED = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})(?:\.(?P<year>\d{2,4}))?"
    r"(?:[\sT,в]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))?"
)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[\sT]+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?"
)


def parse_due(text: str, now: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """A typed date ("27.11 15:30", "27.11.2026", "2026-11-27 15:30") as UTC, if in the future.

    A date without a year is the next such date from today.
    """
    cleaned = text.strip().lower()
    match = _DOTTED.fullmatch(cleaned) or _ISO.fullmatch(cleaned)
    if match is None:
        return None
    parts = match.groupdict()
    local_now = now.astimezone(zone)
    year = int(parts["year"]) if parts["year"] else local_now.year
    if year < 100:
        year += 2000
    hour = int(parts["hour"]) if parts["hour"] else MORNING.hour
    minute = int(parts["minute"]) if parts["minute"] else MORNING.minute
    try:
        due = dt.datetime(year, int(parts["month"]), int(parts["day"]), hour, minute, tzinfo=zone)
        if not parts["year"] and due <= local_now:
            due = due.replace(year=year + 1)
    except ValueError:
        return None
    return due.astimezone(dt.UTC) if due > local_now else None


def local_text(when: dt.datetime, zone: ZoneInfo) -> str:
    """A due time as the employee reads it: day.month hour:minute, local time."""
    return when.astimezone(zone).strftime("%d.%m %H:%M")
