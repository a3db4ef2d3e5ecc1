"""The `/stats` chart: one stacked bar per week, a segment per outcome, a PNG of a fixed size."""

from __future__ import annotations

import datetime as dt
import struct

from matplotlib.patches import Rectangle

from bot.charts import DPI, HEIGHT_PX, WIDTH_PX, png_bytes, weekly_chart
from dialogs.case_rows import CaseRow
from dialogs.periods import Period
from dialogs.statistics import weekly_outcomes


def _row(case_id: int, day: int, outcome: str | None, stage: str = "closed") -> CaseRow:
    created = dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC)
    return CaseRow(case_id=case_id, created_at=created, stage=stage, owner_id=1, outcome=outcome)


ROWS = [
    _row(1, 2, "resolved"),
    _row(2, 3, "resolved"),
    _row(3, 4, "still_unhappy"),
    _row(4, 10, "resolved"),
    _row(5, 17, None, stage="listen"),
    _row(6, 24, "escalated"),
]
PERIOD = Period(dt.date(2026, 11, 2), dt.date(2026, 11, 29))  # four weeks


def _bars(figure: object) -> list[Rectangle]:
    [axes] = figure.axes  # type: ignore[attr-defined]
    return [patch for container in axes.containers for patch in container.patches]


def test_one_bar_segment_per_week_and_outcome() -> None:
    weekly = weekly_outcomes(ROWS, PERIOD, dt.UTC)
    figure = weekly_chart(weekly, title="Обращения", label_of=str, empty_text="—")
    bars = _bars(figure)
    # Four weeks × four series (resolved, still unhappy, escalated, open).
    assert len(bars) == 16 == weekly.bar_count
    heights_by_week: dict[float, float] = {}
    for bar in bars:
        centre = round(bar.get_x() + bar.get_width() / 2, 3)
        heights_by_week[centre] = heights_by_week.get(centre, 0) + bar.get_height()
    assert [heights_by_week[k] for k in sorted(heights_by_week)] == [3, 1, 1, 1]
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == ["resolved", "still_unhappy", "escalated", "open"]


def test_the_png_is_valid_and_of_the_promised_size() -> None:
    weekly = weekly_outcomes(ROWS, PERIOD, dt.UTC)
    data = png_bytes(weekly_chart(weekly, title="Cases", label_of=str, empty_text="—"))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (WIDTH_PX, HEIGHT_PX)
    assert data.endswith(b"IEND\xaeB`\x82")
    assert DPI == 100


def test_an_empty_period_still_draws_a_chart_saying_so() -> None:
    weekly = weekly_outcomes([], PERIOD, dt.UTC)
    figure = weekly_chart(weekly, title="Cases", label_of=str, empty_text="No cases")
    assert _bars(figure) == []
    assert any(text.get_text() == "No cases" for text in figure.axes[0].texts)
    assert png_bytes(figure)[:8] == b"\x89PNG\r\n\x1a\n"
