"""The terminal's user, shared by `complaint-coach console` and `complaint-coach practice`.

Both commands act as one employee, so a database used by both has one terminal user whose role
lets them do both: staff may coach real calls and practise.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.access import Role
from dialogs.i18n import Language
from storage.models import Employee
from storage.repositories import employees

# No Telegram account can be this user: Telegram ids are positive, so nothing is ever sent to it.
CONSOLE_TELEGRAM_ID = 0
CONSOLE_NAME = "console"


async def console_employee(session: AsyncSession, language: Language) -> Employee:
    """The terminal's employee, created on first use, speaking the language asked for."""
    employee = await employees.get_by_telegram_id(session, CONSOLE_TELEGRAM_ID)
    if employee is None:
        employee = await employees.add(
            session,
            telegram_id=CONSOLE_TELEGRAM_ID,
            name=CONSOLE_NAME,
            role=Role.STAFF,
            language=language.value,
        )
    employee.language = language.value
    return employee
