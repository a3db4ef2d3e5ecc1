"""`complaint-coach export`: the cases as CSV, the same file `/export` sends in Telegram.

The columns are documented in dialogs/export.py. Dates are whole days in the team's `TIMEZONE`,
both ends included.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path

from bot.settings import Settings
from bot.startup import migrate_database
from dialogs.export import to_csv
from dialogs.periods import Period, parse_date
from storage.db import create_engine, create_sessionmaker
from storage.repositories import reports


def _date(value: str) -> dt.date:
    parsed = parse_date(value)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date such as 2026-11-30")
    return parsed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="first_day", type=_date, help="first day included (YYYY-MM-DD)"
    )
    parser.add_argument("--to", dest="last_day", type=_date, help="last day included (YYYY-MM-DD)")
    parser.add_argument(
        "--output", default="-", help="the CSV file to write, or - for standard output (default)"
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")


async def export_csv(
    database_url: str, settings: Settings, first_day: dt.date | None, last_day: dt.date | None
) -> tuple[bytes, int]:
    """The CSV bytes and the number of cases in them."""
    await migrate_database(database_url)
    zone = settings.zone
    start = Period(first_day, first_day).bounds(zone)[0] if first_day else None
    end = Period(last_day, last_day).bounds(zone)[1] if last_day else None
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await reports.case_rows(session, created_from=start, created_to=end)
    finally:
        await engine.dispose()
    return to_csv(rows, settings.zone), len(rows)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.first_day and args.last_day and args.first_day > args.last_day:
        print("--from is after --to", file=sys.stderr)
        return 1
    content, count = asyncio.run(
        export_csv(
            args.database_url or settings.database_url, settings, args.first_day, args.last_day
        )
    )
    if args.output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        Path(args.output).write_bytes(content)
        print(f"{count} case(s) written to {args.output}", file=sys.stderr)
    return 0
