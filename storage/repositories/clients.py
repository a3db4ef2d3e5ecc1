"""Clients: matching a returning client and erasing a client's personal data on request."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.signals import email_key, phone_key
from storage.models import Case, CaseEvent, Client, OutboxMessage, Praise, utcnow
from storage.repositories.cases import FREE_TEXT_FIELDS

# Anything that may be a phone number or an e-mail address in free text; the keys decide.
_PHONE_LIKE = re.compile(r"\+?\d[\d\s()\-.]{5,}\d")
_EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


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


async def count_cases_of(session: AsyncSession, client_id: int, *, exclude_case_id: int) -> int:
    """How many cases the client has besides `exclude_case_id` (counted, not loaded)."""
    return (
        await session.scalar(
            select(func.count(Case.id)).where(
                Case.client_id == client_id, Case.id != exclude_case_id
            )
        )
        or 0
    )


async def erase(session: AsyncSession, client_id: int) -> bool:
    """Blank every personal field of the client; their cases, and so the statistics, stay.

    Free text in any case (not only the client's own) that mentions the client's phone number or
    e-mail address is blanked too: a note typed before the client was identified is theirs as well;
    so is a recorded thanks, and a delivered message's copy, that mentions them.
    """
    client = await session.get(Client, client_id)
    if client is None:
        return False
    await erase_mentions(session, phone=client.phone_key, email=client.email_key)
    client.display_name = None
    client.company = None
    client.phone_key = None
    client.email_key = None
    client.name_key = None
    client.erased_at = utcnow()
    await session.flush()
    return True


def _mentions(text: str | None, phone: str | None, email: str | None) -> bool:
    if not text:
        return False
    if phone and any(phone_key(found) == phone for found in _PHONE_LIKE.findall(text)):
        return True
    return bool(email) and any(email_key(found) == email for found in _EMAIL_LIKE.findall(text))


async def erase_mentions(session: AsyncSession, *, phone: str | None, email: str | None) -> int:
    """Blank every free text of every case that mentions this phone or e-mail; how many texts.

    The texts are read and matched here, one by one: numbers are written in too many ways for a
    query to find them all.
    """
    if not phone and not email:
        return 0
    erased = 0
    events = (await session.scalars(select(CaseEvent).where(CaseEvent.text.is_not(None)))).all()
    for event in events:
        if _mentions(event.text, phone, email):
            event.text = None
            erased += 1
    for case in (await session.scalars(select(Case))).all():
        for name in FREE_TEXT_FIELDS:
            if _mentions(getattr(case, name), phone, email):
                setattr(case, name, None)
                erased += 1
    for thanks in (await session.scalars(select(Praise))).all():
        if _mentions(thanks.text, phone, email):
            thanks.text = ""
            erased += 1
    # Copies of messages already delivered are of no further use; those still waiting must go.
    for message in (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None)))
    ).all():
        if _mentions(str((message.payload or {}).get("text") or ""), phone, email):
            await session.delete(message)
            erased += 1
    await session.flush()
    return erased
