"""INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike, saying whether a row went in."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


@functools.cache
def _statement(table: Table, columns: tuple[str, ...]) -> TextClause:
    """The statement for `columns` of `table`, built once.

    SQLAlchemy 2.0 does not cache the dialects' `insert(...).on_conflict_do_nothing()` (their
    `Insert` sets `inherit_cache = False`), so that form was compiled afresh for every update the
    bot handled. This plain form is cached like any other, and SQLite (3.24+) and PostgreSQL accept
    the same text; the column types still convert the values (UTC timestamps on SQLite).
    """
    names = ", ".join(f'"{name}"' for name in columns)  # quoted: `key` is an SQL keyword
    placeholders = ", ".join(f":{name}" for name in columns)
    return text(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({placeholders}) ON CONFLICT DO NOTHING'
    ).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


async def insert_once(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> bool:
    """Insert `values` unless a unique key already holds them; True when this call inserted."""
    table = model.__table__
    assert isinstance(table, Table)
    result = await session.execute(_statement(table, tuple(values)), values)
    return bool(getattr(result, "rowcount", 0) == 1)
