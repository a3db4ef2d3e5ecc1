"""The database schema: every table the bot reads or writes.

The database is the single source of truth (PRODUCT.md §7), so everything a restarted or a
second bot process needs lives here: a case's stage, its timeline, pending follow-ups, processed
update ids and messages still waiting to be delivered.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dialogs.access import Role

__all__ = ["Role"]  # re-exported: the role column holds dialogs' roles

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, so comparisons never mix naive and aware values."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone, PostgreSQL does; this keeps both behaving the same to the code.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class CaseMode(StrEnum):
    LIVE = "live"
    AFTER = "after"


class Employee(Base):
    """A person who uses the bot; the role decides what they may see."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="ru")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Which case or practice session free text belongs to, and which field it fills: kept here,
    # not in process memory, so any bot process can take the user's next message. Plain ids rather
    # than foreign keys: employees and cases refer to each other, and a pointer to a deleted row
    # simply means "nothing active".
    active_case_id: Mapped[int | None] = mapped_column(Integer)
    active_practice_id: Mapped[int | None] = mapped_column(Integer)
    pending_input: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Read-only, for loading: the case the pointer leads to, fetched with the employee in one
    # query where a caller asks for it (see `repositories.employees.get_by_telegram_id`).
    # Assigning `active_case_id` is what changes it; this attribute is never written.
    active_case: Mapped[Case | None] = relationship(
        primaryjoin="foreign(Employee.active_case_id) == Case.id", viewonly=True, lazy="raise"
    )


class Invite(Base):
    """A single-use, expiring invitation; only the code's hash is kept, so a leak is useless."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class Client(Base):
    """The person who complained.

    Every personal field is nullable and nothing else refers to them, so erasure (`/forget_client`)
    blanks them and leaves the cases, and so the statistics, intact.
    """

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(256))
    company: Mapped[str | None] = mapped_column(String(256))
    phone_key: Mapped[str | None] = mapped_column(String(32), index=True)
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    name_key: Mapped[str | None] = mapped_column(String(512), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None]

    cases: Mapped[list[Case]] = relationship(back_populates="client")


class Case(Base):
    """One complaint handled by one employee; only the call-flow machine changes `stage`."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_owner_stage", "owner_id", "stage"),
        Index("ix_cases_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    mode: Mapped[str] = mapped_column(String(8), default=CaseMode.LIVE)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    paused_stage: Mapped[str | None] = mapped_column(String(32))
    fault: Mapped[str | None] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(64))
    temperature_start: Mapped[int | None] = mapped_column(Integer)
    temperature: Mapped[int | None] = mapped_column(Integer)
    what_happened: Mapped[str | None] = mapped_column(Text)
    client_wants: Mapped[str | None] = mapped_column(Text)
    solution_kind: Mapped[str | None] = mapped_column(String(32))
    solution_text: Mapped[str | None] = mapped_column(Text)
    rejection_count: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(32))
    root_cause: Mapped[str | None] = mapped_column(String(32))
    legal_threat: Mapped[bool] = mapped_column(Boolean, default=False)
    returning_client: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    handoff_to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    handoff_due_at: Mapped[dt.datetime | None]
    extra: Mapped[dict[str, Any] | None]
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[dt.datetime | None]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    client: Mapped[Client | None] = relationship(back_populates="cases")
    owner: Mapped[Employee] = relationship(foreign_keys=[owner_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="case", order_by="FollowUp.id", cascade="all, delete-orphan"
    )


class CaseEvent(Base):
    """One line of a case's timeline: a change of stage, a note, a field filled in, an alert."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str | None] = mapped_column(String(32))
    trigger: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    temperature: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any] | None]

    case: Mapped[Case] = relationship(back_populates="events")


class FollowUp(Base):
    """A promised call-back; reminders are rows here so they survive restarts and fire once."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_pending", "fired_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None]
    fired_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    completed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship(back_populates="follow_ups")


class ProcessedUpdate(Base):
    """Telegram update ids already handled: a redelivered update is recognised and skipped."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class PracticeSession(Base):
    """A trainee's run through one scenario; `state` is the simulated client's serialised state."""

    __tablename__ = "practice_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    state: Mapped[dict[str, Any]]
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    total_score: Mapped[int | None] = mapped_column(Integer)
    stage_scores: Mapped[dict[str, Any] | None]

    turns: Mapped[list[PracticeTurn]] = relationship(
        back_populates="session", order_by="PracticeTurn.id", cascade="all, delete-orphan"
    )


class PracticeTurn(Base):
    """One reply the trainee typed and how it was scored."""

    __tablename__ = "practice_turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(32))
    reply: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    result: Mapped[dict[str, Any]]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[PracticeSession] = relationship(back_populates="turns")


class WellbeingAnswer(Base):
    """The private "how are you after this call?" answer; shown to supervisors only as a pattern."""

    __tablename__ = "wellbeing_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Praise(Base):
    """A client's thanks for an employee: praise should travel through the team."""

    __tablename__ = "praise"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """An alert raised once: the unique key makes a second process or a retry a no-op."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A message that Telegram would not take even after retries, kept to be sent later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime | None]
