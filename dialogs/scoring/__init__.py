"""Scoring an employee's reply at a stage of the call, with the words behind every point."""

from dialogs.scoring.rubric import SCORED_STAGES, rubric
from dialogs.scoring.scorer import Point, ScoreResult, Verdict, score_reply

__all__ = ["SCORED_STAGES", "Point", "ScoreResult", "Verdict", "rubric", "score_reply"]
