"""The supervisor's desk in Telegram: /cases, /case, /stats, /export, /praise, /me, /forget_client.

Who may see what is decided by dialogs.access; a case someone may not see is answered exactly like
a case that does not exist, whether it was asked for by number, by button or through a filter.
"""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callback_data as callback
from bot.charts import png_bytes, weekly_chart
from bot.context import CoachApplication, CoachContext
from bot.desk_views import (
    DATE,
    case_card,
    case_list,
    employee_choice,
    me_text,
    series_label,
    statistics_text,
)
from bot.outgoing import Outgoing, escape
from bot.pipeline import Turn, turn_handler
from dialogs.access import HANDLING_CASES, Role, is_supervising, may_handle_cases, may_see_case
from dialogs.case_list import (
    PAGE_SIZE,
    ListArgumentsError,
    ListFilter,
    ListRequest,
    in_new_message,
    match_employees,
    page_from_button,
    parse_list_arguments,
)
from dialogs.export import to_csv
from dialogs.i18n import Language, t
from dialogs.periods import Period, PeriodError, parse_period
from dialogs.statistics import compute
from storage.models import Case, Employee
from storage.repositories import cases, clients, employees, practice, praise, reports, wellbeing

DEFAULT_STATS_PERIOD = "month"
# Case ids are 32-bit integers in PostgreSQL; a bigger number typed or forged names no case.
LARGEST_CASE_ID = 2**31 - 1
WELLBEING_SHOWN = 10


def register(application: CoachApplication) -> None:
    application.add_handler(CommandHandler("cases", cases_command))
    application.add_handler(CommandHandler("case", case_command))
    application.add_handler(CommandHandler("stats", stats_command))
    application.add_handler(CommandHandler("export", export_command))
    application.add_handler(CommandHandler("praise", praise_command))
    application.add_handler(CommandHandler("me", me_command))
    application.add_handler(CommandHandler("forget_client", forget_client_command))
    application.add_handler(CallbackQueryHandler(list_page, pattern=callback.PAGE_PATTERN))
    application.add_handler(CallbackQueryHandler(open_case, pattern=callback.OPEN_PATTERN))


def _employee(turn: Turn) -> Employee:
    assert turn.employee is not None  # turn_handler() refuses strangers before we get here
    return turn.employee


def _role(turn: Turn) -> Role:
    return Role(_employee(turn).role)


def _today(turn: Turn) -> dt.date:
    return turn.now.astimezone(turn.settings.zone).date()


def _refuse(turn: Turn, update: Update) -> None:
    if update.callback_query is not None:
        turn.callback_answer = turn.t("access.not_allowed")
        turn.callback_alert = True
    else:
        turn.say(turn.t("access.not_allowed"))


def _case_query(turn: Turn, request: ListRequest) -> reports.CaseQuery:
    """The list filter as a query, always narrowed to the cases the viewer may see."""
    viewer = _employee(turn)
    visible_to = None if is_supervising(_role(turn)) else viewer.id
    chosen = request.filter
    period = request.period
    if period is not None:
        start, end = period.bounds(turn.settings.zone)
        return reports.CaseQuery(visible_to=visible_to, created_from=start, created_to=end)
    owner_id = {ListFilter.MINE: viewer.id, ListFilter.EMPLOYEE: request.subject}.get(chosen)
    return reports.CaseQuery(
        visible_to=visible_to,
        owner_id=owner_id,
        open_only=chosen is ListFilter.OPEN,
        overdue_at=turn.now if chosen is ListFilter.OVERDUE else None,
        escalated=chosen is ListFilter.ESCALATED,
        legal_threat=chosen is ListFilter.LEGAL,
        returning_client=chosen is ListFilter.RETURNING,
    )


async def _show_list(turn: Turn, request: ListRequest, *, edit_message_id: int | None) -> None:
    found, total = await reports.list_cases(
        turn.session, _case_query(turn, request), page=request.page, page_size=PAGE_SIZE
    )
    employee_name = ""
    if request.filter is ListFilter.EMPLOYEE:
        viewer = _employee(turn)
        if is_supervising(_role(turn)) or request.subject == viewer.id:
            subject = await employees.get(turn.session, request.subject)
            employee_name = subject.name if subject is not None else ""
    text, buttons = case_list(
        turn.language,
        request,
        found,
        total,
        turn.settings.zone,
        page_size=PAGE_SIZE,
        employee_name=employee_name,
    )
    turn.say(text, buttons, edit_message_id=edit_message_id)


async def _colleagues(turn: Turn) -> list[tuple[int, str]]:
    """Whose cases the viewer may list by name: everyone handling cases, or only themselves."""
    viewer = _employee(turn)
    if not is_supervising(_role(turn)):
        return [(viewer.id, viewer.name)]
    return [(e.id, e.name) for e in await employees.list_by_role(turn.session, HANDLING_CASES)]


@turn_handler()
async def cases_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """List cases by a filter, ten to a page, with buttons to open each case and to turn pages."""
    if not may_handle_cases(_role(turn)):
        _refuse(turn, update)
        return
    try:
        request = parse_list_arguments(context.args or [], _today(turn))
    except ListArgumentsError as error:
        turn.say(turn.t("desk.list.usage", word=escape(str(error))))
        return
    if request.filter is ListFilter.EMPLOYEE and not request.subject:
        matches = match_employees(await _colleagues(turn), request.employee_query)
        if not matches:
            turn.say(turn.t("desk.list.no_employee", query=escape(request.employee_query)))
            return
        if len(matches) > 1:
            turn.say(turn.t("desk.list.choose_employee"), employee_choice(turn.language, matches))
            return
        request = ListRequest(ListFilter.EMPLOYEE, matches[0][0])
    await _show_list(turn, request, edit_message_id=None)


@turn_handler()
async def list_page(turn: Turn, update: Update, context: CoachContext) -> None:
    """Turn a page of the case list: the same message is edited, not a new one sent.

    A list button under an alert brings the list as a new message, so the alert stays readable.
    """
    query = update.callback_query
    assert query is not None
    if not may_handle_cases(_role(turn)):
        _refuse(turn, update)
        return
    page = callback.parse_page(query.data or "")
    request = page_from_button(page.filter_name, page.subject_id, page.page) if page else None
    if page is None or request is None:
        turn.callback_answer = turn.t("error.stale_button")
        turn.callback_alert = True
        return
    message = None if in_new_message(page.filter_name) else query.message
    edited_id = message.message_id if message is not None else None
    await _show_list(turn, request, edit_message_id=edited_id)


async def _case(turn: Turn, case_id: int) -> Case | None:
    return await cases.get(turn.session, case_id) if 0 < case_id <= LARGEST_CASE_ID else None


async def _visible_case(turn: Turn, case_id: int) -> Case | None:
    """The case if it exists and the viewer may see it; None in every other situation alike."""
    case = await _case(turn, case_id)
    if case is None:
        return None
    if not may_see_case(
        _role(turn), _employee(turn).id, owner_id=case.owner_id, handed_to_id=case.handoff_to_id
    ):
        return None
    return case


async def _show_case(turn: Turn, case_id: int) -> None:
    case = await _visible_case(turn, case_id)
    if case is None:
        turn.say(turn.t("desk.case.not_found", case_id=case_id))
        return
    events = await cases.timeline(turn.session, case.id)
    follow_ups = await reports.follow_ups_of(turn.session, case.id)
    client = await clients.get(turn.session, case.client_id) if case.client_id else None
    history = (
        [c for c in await clients.cases_of(turn.session, case.client_id) if c.id < case.id]
        if case.client_id
        else []
    )
    role, viewer_id = _role(turn), _employee(turn).id
    earlier = [
        c
        for c in history
        if may_see_case(role, viewer_id, owner_id=c.owner_id, handed_to_id=c.handoff_to_id)
    ]
    names = await reports.employee_names(
        turn.session,
        [case.owner_id, case.handoff_to_id, *(event.actor_id for event in events)],
    )
    turn.say(
        case_card(
            turn.language,
            case,
            events,
            follow_ups,
            names,
            turn.settings.zone,
            turn.now,
            client=client,
            earlier=earlier,
            earlier_hidden=len(history) - len(earlier),
        )
    )


@turn_handler()
async def case_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """One case in full: its facts, timeline, follow-ups and the client's earlier cases."""
    if not may_handle_cases(_role(turn)):
        _refuse(turn, update)
        return
    words = context.args or []
    number = words[0].lstrip("#") if words else ""
    if len(words) != 1 or not number.isdigit() or len(number) > 12:
        turn.say(turn.t("desk.case.usage"))
        return
    await _show_case(turn, int(number))


@turn_handler()
async def open_case(turn: Turn, update: Update, context: CoachContext) -> None:
    """The "open case" button of a list or an alert: the same card as /case N."""
    query = update.callback_query
    assert query is not None
    if not may_handle_cases(_role(turn)):
        _refuse(turn, update)
        return
    case_id = callback.parse_open(query.data or "")
    if case_id is None:
        turn.callback_answer = turn.t("error.stale_button")
        turn.callback_alert = True
        return
    await _show_case(turn, case_id)


def _period_label(turn: Turn, period: Period) -> str:
    return turn.t(
        "desk.filter.dates",
        first=period.first_day.strftime(DATE),
        last=period.last_day.strftime(DATE),
    )


@turn_handler()
async def stats_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Numbers for a period (default: the last 30 days) and a chart of cases per week by outcome."""
    if not is_supervising(_role(turn)):
        _refuse(turn, update)
        return
    try:
        period = parse_period(context.args or [DEFAULT_STATS_PERIOD], _today(turn))
    except PeriodError as error:
        turn.say(turn.t("desk.stats.usage", word=escape(str(error))))
        return
    assert period is not None
    start, end = period.bounds(turn.settings.zone)
    rows = await reports.case_rows(turn.session, created_from=start, created_to=end)
    figures = compute(rows, period, turn.settings.zone, now=turn.now)
    label = _period_label(turn, period)
    turn.say(statistics_text(turn.language, figures, label))
    language = turn.language
    figure = weekly_chart(
        figures.weekly,
        title=t(language, "desk.stats.chart_title", period=label),
        label_of=lambda key: series_label(language, key),
        empty_text=t(language, "desk.stats.chart_empty"),
    )
    turn.tell(
        Outgoing(
            turn.chat_id,
            turn.t("desk.stats.chart_caption", period=label),
            photo=png_bytes(figure),
            filename="cases-per-week.png",
        )
    )


@turn_handler()
async def export_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """The cases of a period (default: all) as a CSV document for a spreadsheet."""
    if not is_supervising(_role(turn)):
        _refuse(turn, update)
        return
    try:
        period = parse_period(context.args or [], _today(turn))
    except PeriodError as error:
        turn.say(turn.t("desk.export.usage", word=escape(str(error))))
        return
    start, end = period.bounds(turn.settings.zone) if period else (None, None)
    rows = await reports.case_rows(turn.session, created_from=start, created_to=end)
    suffix = (
        f"{period.first_day.isoformat()}_{period.last_day.isoformat()}"
        if period
        else f"all_{_today(turn).isoformat()}"
    )
    label = _period_label(turn, period) if period else turn.t("desk.export.all_time")
    turn.tell(
        Outgoing(
            turn.chat_id,
            turn.t("desk.export.caption", period=label, count=len(rows)),
            document=to_csv(rows, turn.settings.zone),
            filename=f"cases_{suffix}.csv",
        )
    )


async def _praised_employee(turn: Turn, target: str) -> tuple[Employee | None, int | None, str]:
    """Who `/praise` names: the owner of case N, or a colleague by name; else an error key."""
    number = target.lstrip("#")
    if number.isdigit() and len(number) <= 12:
        case = await _case(turn, int(number))
        if case is None:
            return None, None, "desk.case.not_found"
        return await employees.get(turn.session, case.owner_id), case.id, ""
    staff = [(e.id, e.name) for e in await employees.list_by_role(turn.session, HANDLING_CASES)]
    matches = match_employees(staff, target.lstrip("@").replace("_", " "))
    if len(matches) != 1:
        return None, None, "desk.praise.ambiguous" if matches else "desk.praise.no_employee"
    return await employees.get(turn.session, matches[0][0]), None, ""


@turn_handler()
async def praise_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Record a client's thanks and forward it to the employee and the team chat."""
    if not is_supervising(_role(turn)):
        _refuse(turn, update)
        return
    words = context.args or []
    if len(words) < 2:
        turn.say(turn.t("desk.praise.usage"))
        return
    praised, case_id, error_key = await _praised_employee(turn, words[0])
    if praised is None:
        turn.say(turn.t(error_key, case_id=escape(words[0]), name=escape(words[0])))
        return
    text = " ".join(words[1:])
    await praise.record(
        turn.session,
        employee_id=praised.id,
        recorded_by_id=_employee(turn).id,
        text=text,
        case_id=case_id,
    )
    praised_language = Language(praised.language)
    turn.tell(
        Outgoing(
            praised.telegram_id,
            t(praised_language, "desk.praise.to_employee", text=escape(text)),
        )
    )
    team_chat = turn.settings.team_chat_id
    if team_chat is not None:
        turn.tell(
            Outgoing(
                team_chat,
                t(
                    turn.settings.default_language,
                    "desk.praise.to_team",
                    name=escape(praised.name),
                    text=escape(text),
                ),
            )
        )
    turn.say(
        turn.t(
            "desk.praise.recorded_team" if team_chat is not None else "desk.praise.recorded",
            name=escape(praised.name),
        )
    )


@turn_handler()
async def me_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Everything recorded about the employee, for their eyes only."""
    me = _employee(turn)
    praise_total, praise_latest = await praise.of_employee(turn.session, me.id)
    answers = await wellbeing.latest(turn.session, me.id, count=WELLBEING_SHOWN)
    reported = await reports.alerts_about(turn.session, me.id)
    turn.say(
        me_text(
            turn.language,
            name=me.name,
            outcomes=await reports.outcomes_of(turn.session, me.id),
            praise_total=praise_total,
            praise_latest=praise_latest,
            wellbeing=[(answer.at, answer.score) for answer in reversed(answers)],
            practice_sessions=len(await practice.finished_of(turn.session, me.id)),
            patterns_reported=[alert.created_at for alert in reported],
            zone=turn.settings.zone,
        )
    )


@turn_handler()
async def forget_client_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Erase the personal data of case N's client from every case; the statistics stay."""
    if not is_supervising(_role(turn)):
        _refuse(turn, update)
        return
    words = context.args or []
    number = words[0].lstrip("#") if words else ""
    if len(words) != 1 or not number.isdigit() or len(number) > 12:
        turn.say(turn.t("desk.forget.usage"))
        return
    case = await _case(turn, int(number))
    if case is None:
        turn.say(turn.t("desk.case.not_found", case_id=int(number)))
        return
    if case.client_id is None:
        turn.say(turn.t("desk.forget.no_client", case_id=case.id))
        return
    await clients.erase(turn.session, case.client_id)
    affected = await reports.erase_client_free_text(turn.session, case.client_id)
    turn.say(turn.t("desk.forget.done", case_id=case.id, count=affected))
