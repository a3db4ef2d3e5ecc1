"""Practice mode: scripted angry clients, replies scored per stage, a scorecard at the end."""

from dialogs.practice.client import (
    Step,
    begin,
    current_stage,
    is_finished,
    opening_lines,
    stage_scores,
    stop,
    take_reply,
    total_score,
)
from dialogs.practice.scenarios import Scenario, get_scenario, scenarios, stage_path
from dialogs.practice.scorecard import (
    Scorecard,
    build_scorecard,
    render_feedback,
    render_scorecard,
    render_trend,
)

__all__ = [
    "Scenario",
    "Scorecard",
    "Step",
    "begin",
    "build_scorecard",
    "current_stage",
    "get_scenario",
    "is_finished",
    "opening_lines",
    "render_feedback",
    "render_scorecard",
    "render_trend",
    "scenarios",
    "stage_path",
    "stage_scores",
    "stop",
    "take_reply",
    "total_score",
]
