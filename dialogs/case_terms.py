"""The vocabulary of a case, shared by the call flow, storage, the supervisor's desk and exports.

The values are what the database stores, so they never change once released; labels for people
live in the locale files under `terms.<group>.<value>`.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a case stands. `decide` is the fault decision between clarify and own/explain."""

    LISTEN = "listen"
    CLARIFY = "clarify"
    DECIDE = "decide"
    OWN_ERROR = "own_error"
    EXPLAIN = "explain"
    PROPOSE = "propose"
    ESCALATED = "escalated"
    HANDED_OFF = "handed_off"
    APOLOGISE = "apologise"
    FOLLOW_UP = "follow_up"
    AWAITING_FOLLOW_UP = "awaiting_follow_up"
    CLOSING = "closing"
    CLOSED = "closed"
    CANCELLED = "cancelled"


FINAL_STAGES = frozenset({Stage.CLOSED, Stage.CANCELLED})


class Fault(StrEnum):
    """Whose error it was. A colleague's counts as ours to the client: the company is one entity."""

    OURS = "ours"
    COLLEAGUE = "colleague"
    CLIENT = "client"
    SHARED = "shared"
    UNCLEAR = "unclear"


class SolutionKind(StrEnum):
    REPLACE = "replace"
    REFUND = "refund"
    REDO = "redo"
    DISCOUNT = "discount"
    GESTURE = "gesture"
    EXPEDITE = "expedite"
    CUSTOM = "custom"


class Outcome(StrEnum):
    """How a case ended, for statistics and exports."""

    RESOLVED = "resolved"
    RESOLVED_AFTER_FOLLOW_UP = "resolved_after_follow_up"
    STILL_UNHAPPY = "still_unhappy"
    ESCALATED = "escalated"
    HUNG_UP = "hung_up"
    CANCELLED = "cancelled"


class RootCause(StrEnum):
    PRODUCT = "product"
    DELIVERY = "delivery"
    BILLING = "billing"
    SERVICE = "service"
    COMMUNICATION = "communication"
    OTHER = "other"


class FollowUpOutcome(StrEnum):
    RESOLVED = "resolved"
    STILL_UNHAPPY = "still_unhappy"
    RESCHEDULED = "rescheduled"
    NOT_NEEDED = "not_needed"


TEMPERATURES = range(1, 6)  # 1 calm … 5 threatening
HOT_TEMPERATURE = 4  # from here on, CARP warns the client may not hear solutions yet
