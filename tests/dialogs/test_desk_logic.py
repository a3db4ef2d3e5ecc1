"""The desk's pure logic: periods, list filters, statistics, alert decisions, export, digest."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from dialogs.case_list import (
    ListArgumentsError,
    ListFilter,
    ListRequest,
    match_employees,
    page_count,
    page_from_button,
    parse_list_arguments,
)
from dialogs.case_rows import CaseRow, FollowUpRow
from dialogs.desk_alerts import (
    ClientCase,
    PendingFollowUp,
    WellbeingScore,
    digest_key,
    low_streak_start,
    overdue_follow_ups,
    repeat_clients,
)
from dialogs.digest import DigestData, Idea, PraiseNote, compose
from dialogs.export import COLUMNS, to_csv
from dialogs.periods import Period, PeriodError, parse_period, previous_week, weeks_of
from dialogs.statistics import compute, weekly_outcomes

TODAY = dt.date(2026, 11, 25)  # a Wednesday
MOSCOW = ZoneInfo("Europe/Moscow")
UTC = dt.UTC


def _at(day: int, hour: int = 12, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("words", "first", "last"),
    [
        (["week"], dt.date(2026, 11, 19), TODAY),
        (["неделя"], dt.date(2026, 11, 19), TODAY),
        (["today"], TODAY, TODAY),
        (["month"], dt.date(2026, 10, 27), TODAY),
        (["quarter"], dt.date(2026, 8, 27), TODAY),
        (["2026-11-01", "2026-11-30"], dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (["01.11.2026", "30.11.2026"], dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (["2026-11-01"], dt.date(2026, 11, 1), TODAY),
    ],
    ids=["week", "week-ru", "today", "month", "quarter", "dates", "dotted", "since"],
)
def test_periods(words: list[str], first: dt.date, last: dt.date) -> None:
    assert parse_period(words, TODAY) == Period(first, last)


@pytest.mark.parametrize(
    "words",
    [["yesterday"], ["2026-11-30", "2026-11-01"], ["2026-13-01"], ["week", "month", "x"]],
    ids=["unknown-word", "reversed", "bad-date", "too-many"],
)
def test_a_malformed_period_is_refused(words: list[str]) -> None:
    with pytest.raises(PeriodError):
        parse_period(words, TODAY)


def test_a_period_covers_whole_local_days() -> None:
    start, end = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 1)).bounds(MOSCOW)
    assert start == dt.datetime(2026, 10, 31, 21, tzinfo=UTC)
    assert end == dt.datetime(2026, 11, 1, 21, tzinfo=UTC)


def test_a_period_fits_a_button_and_comes_back() -> None:
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert len(str(period.encode())) <= 12
    assert Period.decode(period.encode()) == period
    assert Period.decode(5) is None


def test_the_digest_week_is_the_last_full_monday_to_sunday() -> None:
    assert previous_week(TODAY) == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert digest_key(dt.date(2026, 11, 16)) == "digest:2026-W47"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], ListRequest()),
        (["open"], ListRequest(ListFilter.OPEN)),
        (["просроченные"], ListRequest(ListFilter.OVERDUE)),
        (["employee", "7"], ListRequest(ListFilter.EMPLOYEE, 7)),
        (["employee", "@Анна"], ListRequest(ListFilter.EMPLOYEE, employee_query="Анна")),
        (
            ["week"],
            ListRequest(ListFilter.DATES, Period(dt.date(2026, 11, 19), TODAY).encode()),
        ),
    ],
    ids=["none", "open", "overdue-ru", "employee-id", "employee-name", "week"],
)
def test_list_arguments(words: list[str], expected: ListRequest) -> None:
    assert parse_list_arguments(words, TODAY) == expected


@pytest.mark.parametrize("words", [["nonsense"], ["open", "extra"], ["2026-11-40"]])
def test_list_arguments_that_name_no_filter(words: list[str]) -> None:
    with pytest.raises(ListArgumentsError):
        parse_list_arguments(words, TODAY)


def test_a_page_button_is_only_accepted_in_the_shapes_the_bot_draws() -> None:
    assert page_from_button("open", 0, 3) == ListRequest(ListFilter.OPEN, 0, 3)
    assert page_from_button("drop_table", 0, 0) is None
    assert page_from_button("dates", 12, 0) is None


def test_page_count_and_name_matching() -> None:
    assert [page_count(n) for n in (0, 1, 10, 11, 105)] == [1, 1, 1, 2, 11]
    staff = [(1, "Анна Смирнова"), (2, "Анна"), (3, "Олег")]
    assert match_employees(staff, "анна") == [(2, "Анна")]
    assert match_employees(staff, "смир") == [(1, "Анна Смирнова")]
    assert match_employees(staff, "ан") == [(1, "Анна Смирнова"), (2, "Анна")]


def _row(case_id: int, created: dt.datetime, **fields: object) -> CaseRow:
    values: dict[str, object] = {"stage": "closed", "owner_id": 1, "owner_name": "Анна"}
    values.update(fields)
    return CaseRow(case_id=case_id, created_at=created, **values)  # type: ignore[arg-type]


def test_a_follow_up_is_kept_only_with_an_outcome_within_the_hour() -> None:
    due = _at(10)
    assert FollowUpRow(due, completed_at=due + dt.timedelta(minutes=59), outcome="resolved").kept
    assert not FollowUpRow(due, completed_at=due + dt.timedelta(hours=2), outcome="resolved").kept
    assert not FollowUpRow(due, completed_at=due, outcome=None).kept
    assert not FollowUpRow(due).kept


def test_statistics_over_plain_rows() -> None:
    period = Period(dt.date(2026, 11, 2), dt.date(2026, 11, 15))
    rows = [
        _row(
            1,
            _at(2),
            outcome="resolved",
            fault="ours",
            closed_at=_at(2, 14),
            temperature_start=5,
            temperature=2,
            follow_ups=(FollowUpRow(_at(3), completed_at=_at(3), outcome="resolved"),),
        ),
        _row(
            2,
            _at(3),
            outcome="escalated",
            fault="ours",
            closed_at=_at(4, 12),
            temperature_start=4,
            temperature=4,
            follow_ups=(FollowUpRow(_at(4)),),
        ),
        # Its call-back is still ahead: neither kept nor missed yet.
        _row(3, _at(10), stage="propose", department="sales", follow_ups=(FollowUpRow(_at(25)),)),
    ]
    figures = compute(rows, period, UTC, now=_at(20))
    assert figures.total == 3
    assert figures.open == 1
    assert figures.by_outcome == (("escalated", 1), ("resolved", 1))
    assert figures.by_fault == (("ours", 2),)
    assert figures.by_department == (("sales", 1),)
    assert figures.by_employee == (("Анна", 3, 1),)
    assert figures.median_hours_to_close == 13.0
    assert figures.kept_share == 0.5
    assert figures.follow_ups_promised == 2
    assert figures.temperature_start_average == 4.5
    assert figures.temperature_close_average == 3.0


def test_cases_per_week_by_outcome() -> None:
    period = Period(dt.date(2026, 11, 2), dt.date(2026, 11, 22))
    rows = [
        _row(1, _at(2), outcome="resolved"),
        _row(2, _at(8), outcome="resolved"),  # Sunday: still the first week
        _row(3, _at(9), stage="listen"),
        _row(4, _at(20), outcome="hung_up"),
        _row(5, _at(30), outcome="resolved"),  # after the period
    ]
    weekly = weekly_outcomes(rows, period, UTC)
    assert weekly.weeks == tuple(weeks_of(period))
    assert weekly.series == (
        ("resolved", (2, 0, 0)),
        ("hung_up", (0, 0, 1)),
        ("open", (0, 1, 0)),
    )
    assert weekly.bar_count == 9


def test_a_week_is_the_teams_local_week() -> None:
    period = Period(dt.date(2026, 11, 2), dt.date(2026, 11, 15))
    sunday_night_utc = dt.datetime(2026, 11, 8, 22, tzinfo=UTC)  # Monday 01:00 in Moscow
    weekly = weekly_outcomes([_row(1, sunday_night_utc, outcome="resolved")], period, MOSCOW)
    assert weekly.series == (("resolved", (0, 1)),)


def test_a_third_case_in_thirty_days_is_a_repeat() -> None:
    cases = [
        ClientCase(1, 7, _at(1)),
        ClientCase(2, 7, _at(20)),
        ClientCase(3, 8, _at(21)),
        ClientCase(4, 7, _at(25)),
        ClientCase(5, 7, _at(28, month=12)),
    ]
    found = repeat_clients(cases)
    assert [(r.client_id, r.case_id, r.count) for r in found] == [(7, 4, 3)]
    assert found[0].key == "repeat:7:4"
    assert repeat_clients(cases, opened_since=_at(26)) == []


def test_a_follow_up_is_overdue_after_an_hour_without_outcome() -> None:
    now = _at(12)
    pending = [
        PendingFollowUp(1, 10, now - dt.timedelta(minutes=61)),
        PendingFollowUp(2, 11, now - dt.timedelta(minutes=59)),
    ]
    assert [f.follow_up_id for f in overdue_follow_ups(pending, now)] == [1]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([2, 1, 2], 1),
        ([1, 1, 1, 1, 5], 2),
        ([1, 1, 3, 1], None),
        ([3, 1, 1, 1], None),
        ([1, 2], None),
    ],
    ids=["three-low", "four-low", "broken-run", "latest-fine", "too-few"],
)
def test_a_low_wellbeing_run(scores: list[int], expected: int | None) -> None:
    # Newest first, as the database returns them: the highest id first.
    newest_first = [
        WellbeingScore(answer_id=len(scores) - i, score=s) for i, s in enumerate(scores)
    ]
    assert low_streak_start(newest_first) == expected


def test_the_csv_has_a_bom_stable_columns_and_round_trips_cyrillic() -> None:
    rows = [
        _row(
            1,
            _at(2, 9),
            owner_name="Ёлкина Анна-Мария",
            handoff_to_name="Пётр, «старший»",
            closed_at=_at(2, 10),
            outcome="resolved",
            legal_threat=True,
            client_id=42,
        ),
        _row(2, _at(3), owner_name="@admin", stage="listen"),
    ]
    data = to_csv(rows, MOSCOW)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(parsed[0]) == COLUMNS
    first = dict(zip(COLUMNS, parsed[1], strict=True))
    assert first["employee"] == "Ёлкина Анна-Мария"
    assert first["handed_to"] == "Пётр, «старший»"
    assert first["opened_at"] == "2026-11-02 12:00"
    assert first["hours_to_close"] == "1.0"
    assert first["legal_threat"] == "yes"
    assert first["client_id"] == "42"
    second = dict(zip(COLUMNS, parsed[2], strict=True))
    assert second["employee"] == "'@admin"
    assert second["closed_at"] == ""
    assert "display_name" not in COLUMNS
    assert "phone" not in " ".join(COLUMNS)


def test_the_digest_names_employees_only_for_praise() -> None:
    data = DigestData(
        period=Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        cases=[
            _row(1, _at(16), outcome="still_unhappy", owner_name="Олег", root_cause="billing"),
            _row(
                2,
                _at(17),
                outcome="resolved",
                root_cause="billing",
                department="sales",
                returning_client=True,
                client_id=5,
            ),
        ],
        ideas=[Idea(2, "Добавьте <оплату> картой")],
        praise=[PraiseNote("Анна", "Спасибо!")],
    )
    text = compose(data, "en")
    assert "Weekly digest, 16.11–22.11.2026" in text
    assert "Cases: 2 (still open: 0, legal threats: 0, escalated: 0)" in text
    assert "Top root causes: billing — 2" in text
    assert "Returning clients: 1 (in 1 case(s))" in text
    assert "• #2: «Добавьте &lt;оплату&gt; картой»" in text
    assert "• Анна: «Спасибо!»" in text
    assert "Олег" not in text
