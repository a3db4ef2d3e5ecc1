"""Single-use, expiring invite codes. Only a hash is stored, so neither the database nor a log can
leak a usable code."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, Role, utcnow


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Redeemed:
    invite_id: int
    role: Role


async def create(
    session: AsyncSession, *, role: Role, created_by_id: int | None, valid_for: dt.timedelta
) -> str:
    """A fresh code (safe for a `t.me/<bot>?start=` deep link); shown once, never stored."""
    code = secrets.token_urlsafe(18)
    session.add(
        Invite(
            code_hash=hash_code(code),
            role=role,
            created_by_id=created_by_id,
            expires_at=utcnow() + valid_for,
        )
    )
    await session.flush()
    return code


async def redeem(
    session: AsyncSession, code: str, *, now: dt.datetime | None = None
) -> Redeemed | None:
    """Use the code up; None when it is unknown, used or expired.

    One conditional UPDATE does the check and the marking, so two people racing for the same code
    cannot both get in.
    """
    now = now or utcnow()
    row = (
        await session.execute(
            update(Invite)
            .where(
                Invite.code_hash == hash_code(code),
                Invite.used_at.is_(None),
                Invite.expires_at > now,
            )
            .values(used_at=now)
            .returning(Invite.id, Invite.role)
        )
    ).first()
    if row is None:
        return None
    return Redeemed(invite_id=row.id, role=Role(row.role))


async def mark_used_by(session: AsyncSession, invite_id: int, employee_id: int) -> None:
    await session.execute(
        update(Invite).where(Invite.id == invite_id).values(used_by_id=employee_id)
    )
