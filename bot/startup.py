"""What every entry point does first: reach the database and bring its schema up to date."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.settings import SettingsError
from storage import migrate
from storage.db import create_engine


class DatabaseUnavailableError(SettingsError):
    """The database cannot be reached: a configuration problem as far as start-up is concerned."""


async def migrate_database(url: str) -> None:
    """Apply every migration; raises DatabaseUnavailableError with one line if it cannot connect."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    except (OSError, OperationalError, DBAPIError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise DatabaseUnavailableError(
            f"Setting DATABASE_URL: cannot reach the database ({reason})"
        ) from None
    finally:
        await engine.dispose()
