"""Alerts raised once: the key names what happened, so a retry or a second process adds nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Alert, utcnow
from storage.repositories._insert_once import insert_once


async def raise_once(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    case_id: int | None = None,
    employee_id: int | None = None,
) -> bool:
    """True when this is the first time `key` is raised: only then should anyone be told."""
    return await insert_once(
        session,
        Alert,
        {
            "key": key,
            "kind": kind,
            "case_id": case_id,
            "employee_id": employee_id,
            "created_at": utcnow(),
        },
    )
