"""The numbers behind `/stats` and the weekly digest, computed from plain case rows.

Nothing here reads the database or draws: storage/ supplies the rows, bot/ renders the text and
the chart. Every count is of cases opened in the period.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dialogs.case_rows import CaseRow
from dialogs.case_terms import Outcome
from dialogs.periods import Period, week_start, weeks_of

# The chart's series: each outcome, plus cases still open and closed ones with no outcome recorded.
OPEN = "open"
NO_OUTCOME = "no_outcome"
SERIES_ORDER: tuple[str, ...] = (*(outcome.value for outcome in Outcome), NO_OUTCOME, OPEN)


@dataclass(frozen=True, slots=True)
class WeeklyOutcomes:
    """Cases per ISO week, split by outcome: the stacked bar chart's data."""

    weeks: tuple[dt.date, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (outcome key, count per week); no empty ones

    @property
    def bar_count(self) -> int:
        """How many bar segments a stacked chart draws: one per week for each series shown."""
        return len(self.weeks) * len(self.series)


@dataclass(frozen=True, slots=True)
class Statistics:
    total: int
    open: int
    by_outcome: tuple[tuple[str, int], ...]
    by_fault: tuple[tuple[str, int], ...]
    by_root_cause: tuple[tuple[str, int], ...]
    by_department: tuple[tuple[str, int], ...]
    by_employee: tuple[tuple[str, int, int], ...]  # name, cases, of them still open
    median_hours_to_close: float | None
    follow_ups_promised: int
    follow_ups_kept: int
    temperature_start_average: float | None
    temperature_close_average: float | None
    weekly: WeeklyOutcomes

    @property
    def kept_share(self) -> float | None:
        """Kept call-backs among the cases whose call-back came due; None when none did."""
        if not self.follow_ups_promised:
            return None
        return self.follow_ups_kept / self.follow_ups_promised


def ranked(values: Iterable[str | None]) -> tuple[tuple[str, int], ...]:
    """Counts of the known values, most frequent first, ties in alphabetical order."""
    counts = Counter(value for value in values if value)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def employee_load(rows: Sequence[CaseRow]) -> tuple[tuple[str, int, int], ...]:
    """Cases per employee and how many are still open: who may be overloaded, busiest first."""
    totals: Counter[str] = Counter(row.owner_name for row in rows)
    still_open: Counter[str] = Counter(row.owner_name for row in rows if row.is_open)
    return tuple(
        (name, count, still_open[name])
        for name, count in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    )


def series_key(row: CaseRow) -> str:
    if row.outcome:
        return row.outcome
    return OPEN if row.is_open else NO_OUTCOME


def weekly_outcomes(rows: Sequence[CaseRow], period: Period, zone: ZoneInfo) -> WeeklyOutcomes:
    """Count cases per week of the period (weeks start on Monday, in the team's time zone)."""
    weeks = tuple(weeks_of(period))
    index = {monday: position for position, monday in enumerate(weeks)}
    counts: dict[str, list[int]] = {}
    for row in rows:
        position = index.get(week_start(row.created_at.astimezone(zone).date()))
        if position is None:
            continue
        counts.setdefault(series_key(row), [0] * len(weeks))[position] += 1
    ordered = sorted(counts, key=lambda key: SERIES_ORDER.index(key) if key in SERIES_ORDER else 99)
    return WeeklyOutcomes(weeks, tuple((key, tuple(counts[key])) for key in ordered))


def _average(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def compute(
    rows: Sequence[CaseRow], period: Period, zone: ZoneInfo, *, now: dt.datetime
) -> Statistics:
    """Every figure of `/stats` for the cases opened in `period`, as they stand at `now`.

    A call-back still ahead of its time is neither kept nor missed yet, so it is left out of the
    kept share until it is done or overdue.
    """
    hours = [h for row in rows if (h := row.hours_to_close) is not None]
    # Temperature moves are compared on the same cases: closed ones where both ends were noted.
    both_ends = [
        row
        for row in rows
        if not row.is_open and row.temperature_start is not None and row.temperature is not None
    ]
    promised = [row for row in rows if row.follow_up_due(now)]
    return Statistics(
        total=len(rows),
        open=sum(1 for row in rows if row.is_open),
        by_outcome=ranked(row.outcome for row in rows),
        by_fault=ranked(row.fault for row in rows),
        by_root_cause=ranked(row.root_cause for row in rows),
        by_department=ranked(row.department for row in rows),
        by_employee=employee_load(rows),
        median_hours_to_close=statistics.median(hours) if hours else None,
        follow_ups_promised=len(promised),
        follow_ups_kept=sum(1 for row in promised if row.follow_up_kept),
        temperature_start_average=_average([r.temperature_start or 0 for r in both_ends]),
        temperature_close_average=_average([r.temperature or 0 for r in both_ends]),
        weekly=weekly_outcomes(rows, period, zone),
    )
