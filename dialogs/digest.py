"""The weekly digest: last week in one message for supervisors and the team chat.

Volume, outcomes, where complaints came from (root causes, departments), returning clients, the
clients' ideas noted in cases and the praise received. It names employees only for praise:
complaints are analysed inside, praise travels.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from dialogs.case_rows import CaseRow
from dialogs.i18n import Language, has, t
from dialogs.periods import Period
from dialogs.statistics import ranked

TOP = 3
MAX_IDEAS = 10
MAX_PRAISE = 10
QUOTE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Idea:
    """A client's idea or suggestion noted in a case (a timeline line of kind `idea`)."""

    case_id: int
    text: str


@dataclass(frozen=True, slots=True)
class PraiseNote:
    employee_name: str
    text: str


@dataclass(frozen=True, slots=True)
class DigestData:
    period: Period
    cases: Sequence[CaseRow]
    ideas: Sequence[Idea] = ()
    praise: Sequence[PraiseNote] = ()


def label(language: Language | str, group: str, value: str) -> str:
    """The term's label (`terms.<group>.<value>`), or the value itself when it has none."""
    key = f"terms.{group}.{value}"
    return t(language, key) if has(language, key) else value


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1] + "…"
    return html.escape(text, quote=False)


def _top(language: Language | str, group: str, counts: tuple[tuple[str, int], ...]) -> str:
    if not counts:
        return t(language, "desk.digest.none")
    return ", ".join(
        f"{html.escape(label(language, group, value), quote=False)} — {count}"
        for value, count in counts[:TOP]
    )


def compose(data: DigestData, language: Language | str) -> str:
    """The digest as HTML; user text (ideas, praise, names) escaped."""
    cases = data.cases
    returning_clients = {row.client_id for row in cases if row.returning_client and row.client_id}
    lines = [
        t(
            language,
            "desk.digest.title",
            first=data.period.first_day.strftime("%d.%m"),
            last=data.period.last_day.strftime("%d.%m.%Y"),
        ),
        t(
            language,
            "desk.digest.volume",
            total=len(cases),
            open=sum(1 for row in cases if row.is_open),
            legal=sum(1 for row in cases if row.legal_threat),
            escalated=sum(1 for row in cases if row.escalated),
        ),
        t(
            language,
            "desk.digest.outcomes",
            list=_top(language, "outcome", ranked(r.outcome for r in cases)),
        ),
        t(
            language,
            "desk.digest.root_causes",
            list=_top(language, "root_cause", ranked(r.root_cause for r in cases)),
        ),
        t(
            language,
            "desk.digest.departments",
            list=_top(language, "department", ranked(r.department for r in cases)),
        ),
        t(
            language,
            "desk.digest.returning",
            clients=len(returning_clients),
            cases=sum(1 for row in cases if row.returning_client),
        ),
    ]
    lines.append("")
    lines.append(t(language, "desk.digest.ideas_title", count=len(data.ideas)))
    if data.ideas:
        lines.extend(
            t(language, "desk.digest.idea", case_id=idea.case_id, text=_quote(idea.text))
            for idea in data.ideas[:MAX_IDEAS]
        )
    else:
        lines.append(t(language, "desk.digest.none"))
    lines.append("")
    lines.append(t(language, "desk.digest.praise_title", count=len(data.praise)))
    if data.praise:
        lines.extend(
            t(
                language,
                "desk.digest.praise",
                name=html.escape(note.employee_name, quote=False),
                text=_quote(note.text),
            )
            for note in data.praise[:MAX_PRAISE]
        )
    else:
        lines.append(t(language, "desk.digest.none"))
    return "\n".join(lines)
