"""Clients: matching a returning client and erasing a client's personal data on request."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, Client, utcnow


async def find_matching(
    session: AsyncSession,
    *,
    phone_key: str | None = None,
    email_key: str | None = None,
    name_key: str | None = None,
) -> Client | None:
    """The earliest client sharing any normalised identity key (keys are normalised by dialogs/)."""
    conditions = []
    if phone_key:
        conditions.append(Client.phone_key == phone_key)
    if email_key:
        conditions.append(Client.email_key == email_key)
    if name_key:
        conditions.append(Client.name_key == name_key)
    if not conditions:
        return None
    return (
        await session.scalars(
            select(Client).where(or_(*conditions), Client.erased_at.is_(None)).order_by(Client.id)
        )
    ).first()


async def add(
    session: AsyncSession,
    *,
    display_name: str | None = None,
    company: str | None = None,
    phone_key: str | None = None,
    email_key: str | None = None,
    name_key: str | None = None,
) -> Client:
    client = Client(
        display_name=display_name,
        company=company,
        phone_key=phone_key,
        email_key=email_key,
        name_key=name_key,
    )
    session.add(client)
    await session.flush()
    return client


async def get(session: AsyncSession, client_id: int) -> Client | None:
    return await session.get(Client, client_id)


async def cases_of(
    session: AsyncSession, client_id: int, *, exclude_case_id: int | None = None
) -> Sequence[Case]:
    """The client's cases, oldest first: their history with us."""
    query = select(Case).where(Case.client_id == client_id).order_by(Case.id)
    if exclude_case_id is not None:
        query = query.where(Case.id != exclude_case_id)
    return (await session.scalars(query)).all()


async def erase(session: AsyncSession, client_id: int) -> bool:
    """Blank every personal field of the client; their cases, and so the statistics, stay."""
    client = await session.get(Client, client_id)
    if client is None:
        return False
    client.display_name = None
    client.company = None
    client.phone_key = None
    client.email_key = None
    client.name_key = None
    client.erased_at = utcnow()
    await session.flush()
    return True
