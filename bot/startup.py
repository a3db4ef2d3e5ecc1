"""What every entry point does first: reach the database and bring its schema up to date."""

from __future__ import annotations

from asyncpg import PostgresError
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.settings import SettingsError
from storage import migrate
from storage.db import create_engine

# Everything that means "this database cannot be used": no server, no such database, a folder
# that cannot be created, a file that is not a database. asyncpg raises some of these unwrapped.
UNREACHABLE = (OSError, OperationalError, DBAPIError, PostgresError)


class DatabaseUnavailableError(SettingsError):
    """The database cannot be reached: a configuration problem as far as start-up is concerned."""


async def migrate_database(url: str) -> None:
    """Apply every migration; raises DatabaseUnavailableError with one line if it cannot connect."""
    try:
        engine = create_engine(url)
    except UNREACHABLE as error:
        raise _unavailable(error) from None
    try:
        await migrate.upgrade(engine)
    except UNREACHABLE as error:
        raise _unavailable(error) from None
    finally:
        await engine.dispose()


def _unavailable(error: BaseException) -> DatabaseUnavailableError:
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    return DatabaseUnavailableError(f"Setting DATABASE_URL: cannot reach the database ({reason})")
