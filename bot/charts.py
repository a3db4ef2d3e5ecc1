"""The `/stats` chart: cases per week, stacked by outcome, as PNG bytes.

Drawn on a bare `matplotlib.figure.Figure` with the Agg canvas: no pyplot, so no global figure
state shared between concurrent updates and no display needed. matplotlib is imported when the
first chart is drawn, not when the handlers are registered: it is about 0.2 s of every bot
process's start-up otherwise, for a chart a supervisor may never ask for.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from dialogs.statistics import WeeklyOutcomes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 960, 540, 100

# Colour-blind-safe (Okabe–Ito); good outcomes green/blue, bad ones orange/red, open grey.
COLOURS = {
    "resolved": "#009E73",
    "resolved_after_follow_up": "#56B4E9",
    "still_unhappy": "#E69F00",
    "escalated": "#D55E00",
    "hung_up": "#CC79A7",
    "cancelled": "#999999",
    "no_outcome": "#BBBBBB",
    "open": "#0072B2",
}


def weekly_chart(
    weekly: WeeklyOutcomes, *, title: str, label_of: Callable[[str], str], empty_text: str
) -> Figure:
    """The stacked bar chart as a Figure (tests count its bars before it is rendered)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(weekly.weeks)))
    bottoms = [0] * len(weekly.weeks)
    for key, counts in weekly.series:
        axes.bar(
            positions,
            counts,
            bottom=bottoms,
            label=label_of(key),
            color=COLOURS.get(key, "#444444"),
            width=0.7,
        )
        bottoms = [bottom + count for bottom, count in zip(bottoms, counts, strict=True)]
    axes.set_xticks(positions, [monday.strftime("%d.%m") for monday in weekly.weeks])
    axes.set_title(title)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if weekly.series:
        axes.legend(loc="upper left", fontsize="small")
    else:
        axes.text(0.5, 0.5, empty_text, ha="center", va="center", transform=axes.transAxes)
    figure.tight_layout()
    return figure


def png_bytes(figure: Figure) -> bytes:
    """Render at the figure's own size (no tight bbox, so the PNG is exactly WIDTH × HEIGHT)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
