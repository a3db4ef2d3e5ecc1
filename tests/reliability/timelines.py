"""What "nothing half-written" means for a case, checked the same way by every reliability test."""

from __future__ import annotations

from collections.abc import Sequence

from storage.models import Case, CaseEvent


def assert_timeline_consistent(case: Case, events: Sequence[CaseEvent]) -> None:
    """The case's stage is where its timeline leads: every change of stage has its event.

    The timeline opens at a stage; each transition starts where the previous line left the case;
    a line that is not a transition leaves the stage as it was; the last line ends at `case.stage`.
    """
    assert events, f"case {case.id} has no timeline"
    assert events[0].kind == "opened", (case.id, events[0].kind)
    stage = events[0].to_stage
    for event in events[1:]:
        assert event.from_stage == stage, (case.id, event.id, event.kind, event.from_stage, stage)
        if event.kind == "transition":
            assert event.trigger, (case.id, event.id)
        else:
            assert event.to_stage == stage, (case.id, event.id, event.kind, event.to_stage)
        stage = event.to_stage
    assert stage == case.stage, f"case {case.id} is at {case.stage}, its timeline ends at {stage}"
