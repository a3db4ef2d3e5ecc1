"""How the supervisor's desk looks in Telegram: case lists, case cards, statistics, `/me`.

Pure rendering: each function takes what the handler loaded and returns HTML (user strings
escaped) and buttons. Deciding and loading happen elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from bot import callback_data as callback
from bot.keyboards import grid
from bot.outgoing import Button, Keyboard, escape
from dialogs.case_list import ListFilter, ListRequest, page_count
from dialogs.case_terms import FINAL_STAGES
from dialogs.desk_alerts import OVERDUE_AFTER
from dialogs.digest import label
from dialogs.i18n import Language, has, t
from dialogs.statistics import Statistics
from storage.models import Case, CaseEvent, Client, FollowUp, Praise

DATE = "%d.%m.%Y"
DATE_TIME = "%d.%m.%Y %H:%M"
FLAG_MARKS = (("legal_threat", "⚖️"), ("returning_client", "🔁"), ("escalated", "⬆️"))
EVENT_TEXT_LIMIT = 500


def local(at: dt.datetime | None, zone: ZoneInfo, fmt: str = DATE_TIME) -> str:
    return at.astimezone(zone).strftime(fmt) if at else "—"


def _stage(language: Language, stage: str | None) -> str:
    return label(language, "stage", stage) if stage else "—"


def _state(language: Language, case: Case) -> str:
    """The outcome of a closed case, else its stage."""
    if case.outcome and case.stage in FINAL_STAGES:
        return label(language, "outcome", case.outcome)
    return _stage(language, case.stage)


def _marks(case: Case) -> str:
    marks = "".join(mark for attribute, mark in FLAG_MARKS if getattr(case, attribute))
    return f" {marks}" if marks else ""


def filter_label(language: Language, request: ListRequest, employee_name: str = "") -> str:
    period = request.period
    if period is not None:
        return t(
            language,
            "desk.filter.dates",
            first=period.first_day.strftime(DATE),
            last=period.last_day.strftime(DATE),
        )
    if request.filter is ListFilter.EMPLOYEE:
        return t(language, "desk.filter.employee", name=escape(employee_name))
    return t(language, f"desk.filter.{request.filter.value}")


def case_list(
    language: Language,
    request: ListRequest,
    found: Sequence[Case],
    total: int,
    zone: ZoneInfo,
    *,
    page_size: int,
    employee_name: str = "",
) -> tuple[str, Keyboard]:
    """One page of the case list, with a button per case and the paging row."""
    pages = page_count(total, page_size)
    lines = [
        t(
            language,
            "desk.list.title",
            filter=filter_label(language, request, employee_name),
            total=total,
            page=request.page + 1,
            pages=pages,
        )
    ]
    if not found:
        lines.append(t(language, "desk.list.empty"))
    for case in found:
        lines.append(
            t(
                language,
                "desk.list.line",
                case_id=case.id,
                date=local(case.created_at, zone, "%d.%m %H:%M"),
                owner=escape(case.owner.name),
                state=escape(_state(language, case)),
                marks=_marks(case),
            )
        )
    lines.append(t(language, "desk.list.hint"))
    buttons: list[tuple[Button, ...]] = list(
        grid([Button(f"#{case.id}", callback.encode_open(case.id)) for case in found], 5)
    )
    paging = []
    if request.page > 0:
        paging.append(
            Button(
                t(language, "desk.list.previous"),
                callback.ListPage(request.filter.value, request.subject, request.page - 1).encode(),
            )
        )
    if request.page + 1 < pages:
        paging.append(
            Button(
                t(language, "desk.list.next"),
                callback.ListPage(request.filter.value, request.subject, request.page + 1).encode(),
            )
        )
    if paging:
        buttons.append(tuple(paging))
    if request.filter is ListFilter.ALL:
        buttons.extend(grid([_shortcut(language, chosen) for chosen in SHORTCUTS], 4))
    return "\n".join(lines), tuple(buttons)


# The filters offered as buttons under the unfiltered list: one tap instead of typing on a phone.
SHORTCUTS = (ListFilter.OPEN, ListFilter.OVERDUE, ListFilter.LEGAL, ListFilter.ESCALATED)


def _shortcut(language: Language, chosen: ListFilter) -> Button:
    label = t(language, f"desk.filter.{chosen.value}")
    return Button(label[:1].upper() + label[1:], callback.ListPage(chosen.value, 0, 0).encode())


def employee_choice(language: Language, employees: Sequence[tuple[int, str]]) -> Keyboard:
    return grid(
        [
            Button(name[:40], callback.ListPage(ListFilter.EMPLOYEE.value, employee_id, 0).encode())
            for employee_id, name in employees
        ],
        2,
    )


def _event_detail(language: Language, event: CaseEvent) -> str:
    """What a line without free text says: the field filled in, the alert raised."""
    data = event.data or {}
    if event.kind == "field" and data.get("field"):
        field = str(data["field"])
        key = f"desk.field.{field}"
        name = t(language, key) if has(language, key) else field
        value = data.get("value")
        return f"{escape(name)}: {escape(str(value))}" if value is not None else escape(name)
    if event.kind == "alert" and data.get("alert"):
        key = f"desk.field.alert_{data['alert']}"
        return t(language, key) if has(language, key) else escape(str(data["alert"]))
    return ""


def _event_text(language: Language, event: CaseEvent) -> str:
    text = escape((event.text or "")[:EVENT_TEXT_LIMIT])
    if event.kind == "opened":
        return t(language, "desk.event.opened")
    if event.kind == "transition":
        line = t(
            language,
            "desk.event.transition",
            source=_stage(language, event.from_stage),
            target=_stage(language, event.to_stage),
        )
        return f"{line}: {text}" if text else line
    detail = _event_detail(language, event)
    if detail and text:
        text = f"{detail} — {text}"
    text = text or detail or "—"
    key = f"desk.event.{event.kind}"
    if has(language, key):
        return t(language, key, text=text)
    return f"{escape(event.kind)}: {text}"


def _follow_up_outcome(language: Language, outcome: str) -> str:
    key = f"desk.follow_up_outcome.{outcome}"
    return t(language, key) if has(language, key) else outcome or "—"


def _follow_up_line(
    language: Language, follow_up: FollowUp, zone: ZoneInfo, now: dt.datetime
) -> str:
    due = local(follow_up.due_at, zone)
    if follow_up.completed_at is not None:
        outcome = follow_up.outcome or ""
        status = t(
            language,
            "desk.follow_up.done",
            at=local(follow_up.completed_at, zone),
            outcome=escape(_follow_up_outcome(language, outcome)),
        )
    elif follow_up.cancelled_at is not None:
        status = t(language, "desk.follow_up.cancelled")
    elif follow_up.due_at + OVERDUE_AFTER < now:
        status = t(language, "desk.follow_up.overdue")
    else:
        status = t(language, "desk.follow_up.pending")
    return t(language, "desk.follow_up.line", due=due, status=status)


def case_card(
    language: Language,
    case: Case,
    events: Sequence[CaseEvent],
    follow_ups: Sequence[FollowUp],
    names: Mapping[int, str],
    zone: ZoneInfo,
    now: dt.datetime,
    *,
    client: Client | None,
    earlier: Sequence[Case],
    earlier_hidden: int,
) -> str:
    """Everything about one case: its facts, its timeline, its follow-ups, the client's history."""
    lines = [
        t(language, "desk.card.title", case_id=case.id, stage=escape(_stage(language, case.stage))),
        t(
            language,
            "desk.card.opened",
            at=local(case.created_at, zone),
            mode=t(language, f"desk.mode.{case.mode}")
            if has(language, f"desk.mode.{case.mode}")
            else escape(case.mode),
            owner=escape(names.get(case.owner_id, "?")),
        ),
    ]
    if case.handoff_to_id is not None:
        lines.append(
            t(language, "desk.card.handed_to", name=escape(names.get(case.handoff_to_id, "?")))
        )
    if case.closed_at is not None:
        lines.append(t(language, "desk.card.closed", at=local(case.closed_at, zone)))
    facts = (
        ("fault", case.fault, "fault"),
        ("department", case.department, "department"),
        ("solution", case.solution_kind, "solution"),
        ("outcome", case.outcome, "outcome"),
        ("root_cause", case.root_cause, "root_cause"),
    )
    for key, value, group in facts:
        if value:
            lines.append(
                t(language, f"desk.card.{key}", value=escape(label(language, group, value)))
            )
    if case.temperature_start is not None or case.temperature is not None:
        lines.append(
            t(
                language,
                "desk.card.temperature",
                start=case.temperature_start or "—",
                now=case.temperature or "—",
            )
        )
    flags = [
        t(language, f"desk.card.flag.{attribute}")
        for attribute, _ in FLAG_MARKS
        if getattr(case, attribute)
    ]
    if flags:
        lines.append(t(language, "desk.card.flags", flags=", ".join(flags)))
    for key in ("what_happened", "client_wants", "solution_text"):
        value = getattr(case, key)
        if value:
            lines.append(t(language, f"desk.card.{key}", text=escape(value[:EVENT_TEXT_LIMIT])))
    if client is not None:
        if client.erased_at is not None:
            lines.append(t(language, "desk.card.client_erased"))
        else:
            who = ", ".join(part for part in (client.display_name, client.company) if part)
            lines.append(t(language, "desk.card.client", client=escape(who or "—")))
    lines.append("")
    lines.append(t(language, "desk.card.timeline"))
    for event in events:
        temperature = f" · 🌡{event.temperature}" if event.temperature is not None else ""
        lines.append(
            t(
                language,
                "desk.card.event",
                at=local(event.at, zone),
                who=escape(names.get(event.actor_id or 0, t(language, "desk.card.system"))),
                what=_event_text(language, event),
                temperature=temperature,
            )
        )
    if follow_ups:
        lines.append("")
        lines.append(t(language, "desk.card.follow_ups"))
        lines.extend(_follow_up_line(language, follow_up, zone, now) for follow_up in follow_ups)
    if earlier or earlier_hidden:
        lines.append("")
        lines.append(t(language, "desk.card.earlier", count=len(earlier) + earlier_hidden))
        for other in earlier:
            lines.append(
                t(
                    language,
                    "desk.card.earlier_line",
                    case_id=other.id,
                    date=local(other.created_at, zone, DATE),
                    state=escape(_state(language, other)),
                )
            )
        if earlier_hidden:
            lines.append(t(language, "desk.card.earlier_hidden", count=earlier_hidden))
    return "\n".join(lines)


def _counts(language: Language, group: str, counts: Sequence[tuple[str, int]]) -> str:
    if not counts:
        return t(language, "desk.digest.none")
    return ", ".join(f"{escape(label(language, group, key))} — {count}" for key, count in counts)


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def statistics_text(language: Language, figures: Statistics, period_label: str) -> str:
    share = figures.kept_share
    return "\n".join(
        [
            t(language, "desk.stats.title", period=period_label),
            t(language, "desk.stats.total", total=figures.total, open=figures.open),
            t(
                language,
                "desk.stats.by_outcome",
                list=_counts(language, "outcome", figures.by_outcome),
            ),
            t(language, "desk.stats.by_fault", list=_counts(language, "fault", figures.by_fault)),
            t(
                language,
                "desk.stats.by_root_cause",
                list=_counts(language, "root_cause", figures.by_root_cause),
            ),
            t(
                language,
                "desk.stats.by_department",
                list=_counts(language, "department", figures.by_department),
            ),
            t(
                language,
                "desk.stats.by_employee",
                list=", ".join(
                    t(language, "desk.stats.employee", name=escape(name), total=total, open=open_)
                    for name, total, open_ in figures.by_employee
                )
                or t(language, "desk.digest.none"),
            ),
            t(language, "desk.stats.median", hours=_number(figures.median_hours_to_close)),
            t(
                language,
                "desk.stats.kept",
                share="—" if share is None else f"{share:.0%}",
                kept=figures.follow_ups_kept,
                promised=figures.follow_ups_promised,
            ),
            t(
                language,
                "desk.stats.temperature",
                start=_number(figures.temperature_start_average),
                end=_number(figures.temperature_close_average),
            ),
        ]
    )


def series_label(language: Language, key: str) -> str:
    if has(language, f"terms.outcome.{key}"):
        return t(language, f"terms.outcome.{key}")
    return t(language, f"desk.stats.series.{key}")


def me_text(
    language: Language,
    *,
    name: str,
    outcomes: Mapping[str, int],
    praise_total: int,
    praise_latest: Sequence[Praise],
    wellbeing: Sequence[tuple[dt.datetime, int]],
    practice_sessions: int,
    patterns_reported: Sequence[dt.datetime],
    zone: ZoneInfo,
) -> str:
    """Everything recorded about the employee, shown to them alone."""
    total = sum(outcomes.values())
    lines = [
        t(language, "desk.me.title", name=escape(name)),
        t(language, "desk.me.cases", total=total),
    ]
    for key, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0])):
        lines.append(
            t(language, "desk.me.outcome", label=escape(series_label(language, key)), count=count)
        )
    lines.append(t(language, "desk.me.praise", count=praise_total))
    lines.extend(
        t(language, "desk.me.praise_line", date=local(p.at, zone, DATE), text=escape(p.text[:300]))
        for p in praise_latest
    )
    lines.append(t(language, "desk.me.practice", count=practice_sessions))
    if wellbeing:
        answers = ", ".join(f"{local(at, zone, '%d.%m')}: {score}" for at, score in wellbeing)
        lines.append(t(language, "desk.me.wellbeing", answers=answers))
    else:
        lines.append(t(language, "desk.me.no_wellbeing"))
    if patterns_reported:
        dates = ", ".join(local(at, zone, DATE) for at in patterns_reported)
        lines.append(t(language, "desk.me.patterns", dates=dates))
    lines.append(t(language, "desk.me.privacy"))
    return "\n".join(lines)
