"""The CSV export of cases: one row a case, the same from `/export` and `complaint-coach export`.

The file is UTF-8 with a byte-order mark (so spreadsheet programs detect Cyrillic), comma
separated, quoted where needed (RFC 4180), with a header row. Times are local to the team's
`TIMEZONE`, written `YYYY-MM-DD HH:MM`. Coded values are the stable English values the database
keeps (see dialogs/case_terms.py), so formulas and pivot tables survive a change of wording.

Columns, in this order (new columns are only ever added at the end):

| column | meaning |
|---|---|
| `case_id` | the case number, as in `/case N` |
| `opened_at` | when the case was opened |
| `closed_at` | when it was closed or cancelled; empty while open |
| `hours_to_close` | hours from opening to closing, one decimal; empty while open |
| `mode` | `live` (coached during the call) or `after` (logged after the call) |
| `stage` | where the case stands now (`listen` … `closed`, `cancelled`) |
| `employee` | the employee who owns the case |
| `handed_to` | the colleague the case was handed to, if any |
| `fault` | `ours`, `colleague`, `client`, `shared` or `unclear` |
| `department` | the department named when the error was a colleague's |
| `root_cause` | `product`, `delivery`, `billing`, `service`, `communication` or `other` |
| `solution` | the solution agreed: `replace`, `refund`, `redo`, `discount`, `gesture`, … |
| `rejected_solutions` | how many offered solutions the client turned down |
| `outcome` | `resolved`, `resolved_after_follow_up`, `still_unhappy`, `escalated`, `hung_up`, … |
| `temperature_start` | the client's temperature when the case opened (1 calm … 5 threatening) |
| `temperature_end` | the last temperature noted |
| `legal_threat` | `yes` when the client threatened legal action or a regulator |
| `returning_client` | `yes` when the client had earlier cases |
| `escalated` | `yes` when the case went to a supervisor |
| `follow_ups` | how many call-backs were promised |
| `follow_up_kept` | `yes` when a call-back was done with an outcome within an hour of its time |
| `client_id` | an opaque number: the same client has the same number in every row |

Deliberately absent: the client's name, company, phone and e-mail, and the free-text notes (which
may quote them). The export leaves the bot and may be mailed around; the client id is enough to
count repeat complaints, and `/case N` shows the details to those allowed to see them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from dialogs.case_rows import CaseRow

COLUMNS: tuple[str, ...] = (
    "case_id",
    "opened_at",
    "closed_at",
    "hours_to_close",
    "mode",
    "stage",
    "employee",
    "handed_to",
    "fault",
    "department",
    "root_cause",
    "solution",
    "rejected_solutions",
    "outcome",
    "temperature_start",
    "temperature_end",
    "legal_threat",
    "returning_client",
    "escalated",
    "follow_ups",
    "follow_up_kept",
    "client_id",
)
TIME_FORMAT = "%Y-%m-%d %H:%M"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def csv_row(row: CaseRow, zone: ZoneInfo) -> list[str]:
    hours = row.hours_to_close
    return [
        str(row.case_id),
        row.created_at.astimezone(zone).strftime(TIME_FORMAT),
        row.closed_at.astimezone(zone).strftime(TIME_FORMAT) if row.closed_at else "",
        f"{hours:.1f}" if hours is not None else "",
        row.mode,
        row.stage,
        row.owner_name,
        row.handoff_to_name,
        _text(row.fault),
        _text(row.department),
        _text(row.root_cause),
        _text(row.solution_kind),
        str(row.rejection_count),
        _text(row.outcome),
        _text(row.temperature_start),
        _text(row.temperature),
        _yes(row.legal_threat),
        _yes(row.returning_client),
        _yes(row.escalated),
        str(sum(1 for follow_up in row.follow_ups if follow_up.promised)),
        _yes(row.follow_up_kept),
        _text(row.client_id),
    ]


def _neutralised(cell: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection);
    # only employees' names are free text here, and a leading apostrophe keeps them as text.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") and not _is_number(cell) else cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def to_csv(rows: Sequence[CaseRow], zone: ZoneInfo) -> bytes:
    """The export file's bytes: BOM, header, one line per case in the order given."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_neutralised(cell) for cell in csv_row(row, zone)])
    return buffer.getvalue().encode("utf-8-sig")
