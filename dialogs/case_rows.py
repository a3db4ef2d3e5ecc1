"""Cases as plain rows: what statistics, exports and the digest read, free of any database type.

storage/ builds these from its models; dialogs/ computes over them; nothing here can write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dialogs.case_terms import FINAL_STAGES, FollowUpOutcome

# A call-back counts as kept when its outcome was recorded no later than this after it was due;
# later than that, the supervisor has already been alerted that it is overdue.
FOLLOW_UP_GRACE = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    due_at: dt.datetime
    completed_at: dt.datetime | None = None
    outcome: str | None = None
    cancelled_at: dt.datetime | None = None

    @property
    def kept(self) -> bool:
        """Done, with an outcome, within the grace period: the promise to the client was kept."""
        return (
            self.completed_at is not None
            and self.outcome is not None
            and self.outcome != FollowUpOutcome.NOT_NEEDED
            and self.completed_at <= self.due_at + FOLLOW_UP_GRACE
        )

    @property
    def promised(self) -> bool:
        """A call-back the client was told about: not withdrawn before it was due."""
        return self.cancelled_at is None or self.cancelled_at > self.due_at

    def settled(self, now: dt.datetime) -> bool:
        """Whether it can be judged yet: done, or past its time and the grace period."""
        return self.completed_at is not None or self.due_at + FOLLOW_UP_GRACE < now


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case with what the desk reports on; names are employees', never the client's."""

    case_id: int
    created_at: dt.datetime
    stage: str
    owner_id: int
    owner_name: str = ""
    mode: str = "live"
    closed_at: dt.datetime | None = None
    outcome: str | None = None
    fault: str | None = None
    department: str | None = None
    root_cause: str | None = None
    solution_kind: str | None = None
    temperature_start: int | None = None
    temperature: int | None = None
    legal_threat: bool = False
    returning_client: bool = False
    escalated: bool = False
    handoff_to_name: str = ""
    client_id: int | None = None
    rejection_count: int = 0
    follow_ups: tuple[FollowUpRow, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES

    @property
    def hours_to_close(self) -> float | None:
        if self.closed_at is None:
            return None
        return (self.closed_at - self.created_at).total_seconds() / 3600

    @property
    def follow_up_promised(self) -> bool:
        return any(follow_up.promised for follow_up in self.follow_ups)

    def follow_up_due(self, now: dt.datetime) -> bool:
        """A call-back was promised and its time has come: it was either kept or it was not."""
        return any(f.promised and f.settled(now) for f in self.follow_ups)

    @property
    def follow_up_kept(self) -> bool:
        return any(follow_up.kept for follow_up in self.follow_ups)
