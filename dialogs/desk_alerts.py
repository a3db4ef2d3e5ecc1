"""When the supervisor's desk raises an alert, decided on plain data.

Each alert has a key naming exactly what happened, so raising it again (the next run of the job,
a second bot process) is recognised and nobody is told twice. The call flow raises its own alerts
(legal threat, escalation, hand-off not acknowledged); these are the ones only visible over time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

REPEAT_WINDOW = dt.timedelta(days=30)
REPEAT_THRESHOLD = 3  # a client's third case within the window
OVERDUE_AFTER = dt.timedelta(hours=1)  # a call-back still without an outcome this long after due
LOW_WELLBEING = 2  # answers of 1 or 2 out of 5
LOW_STREAK = 3  # this many low answers in a row make a pattern worth a quiet word

# Only cases this recent raise a repeat alert: on a first start over old data the desk does not
# flood supervisors with history, and "as it happens" stays true.
REPEAT_FRESH = dt.timedelta(days=3)


class AlertKind:
    """The kinds stored in `alerts.kind` by the desk."""

    REPEAT_CLIENT = "repeat_client"
    OVERDUE_FOLLOW_UP = "overdue_follow_up"
    LOW_WELLBEING = "low_wellbeing"
    DIGEST = "digest"


@dataclass(frozen=True, slots=True)
class ClientCase:
    case_id: int
    client_id: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RepeatClient:
    """The case that made this the client's `count`-th case within the window."""

    client_id: int
    case_id: int
    count: int

    @property
    def key(self) -> str:
        return f"repeat:{self.client_id}:{self.case_id}"


def repeat_clients(
    cases: Sequence[ClientCase], *, opened_since: dt.datetime | None = None
) -> list[RepeatClient]:
    """Every case that is at least the client's third within REPEAT_WINDOW, counting itself.

    Args:
        cases: the clients' cases, including those up to REPEAT_WINDOW before `opened_since`.
        opened_since: only cases opened since then can raise an alert (None: any case).
    """
    by_client: dict[int, list[ClientCase]] = {}
    for case in sorted(cases, key=lambda c: (c.created_at, c.case_id)):
        by_client.setdefault(case.client_id, []).append(case)
    found = []
    for client_id, history in by_client.items():
        for position, case in enumerate(history):
            if opened_since is not None and case.created_at < opened_since:
                continue
            window_start = case.created_at - REPEAT_WINDOW
            count = sum(
                1 for earlier in history[: position + 1] if earlier.created_at >= window_start
            )
            if count >= REPEAT_THRESHOLD:
                found.append(RepeatClient(client_id, case.case_id, count))
    return found


@dataclass(frozen=True, slots=True)
class PendingFollowUp:
    follow_up_id: int
    case_id: int
    due_at: dt.datetime


def overdue_key(follow_up_id: int) -> str:
    return f"overdue:{follow_up_id}"


def overdue_follow_ups(
    pending: Sequence[PendingFollowUp], now: dt.datetime
) -> list[PendingFollowUp]:
    """Call-backs with no outcome recorded more than OVERDUE_AFTER after they were due."""
    return [follow_up for follow_up in pending if follow_up.due_at + OVERDUE_AFTER < now]


@dataclass(frozen=True, slots=True)
class WellbeingScore:
    answer_id: int
    score: int


def low_streak_start(newest_first: Sequence[WellbeingScore]) -> int | None:
    """The id of the first answer of a current run of LOW_STREAK or more low answers, else None.

    Keyed on the run's first answer, a run is one alert however long it grows; a good answer ends
    it, and a later run is a new alert.
    """
    run: list[WellbeingScore] = []
    for answer in newest_first:
        if answer.score > LOW_WELLBEING:
            break
        run.append(answer)
    return run[-1].answer_id if len(run) >= LOW_STREAK else None


def wellbeing_key(employee_id: int, first_answer_id: int) -> str:
    return f"wellbeing:{employee_id}:{first_answer_id}"


def digest_key(week_monday: dt.date) -> str:
    year, week, _ = week_monday.isocalendar()
    return f"digest:{year}-W{week:02d}"
