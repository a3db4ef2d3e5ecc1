"""What `/cases` lists: the filter words a supervisor types, and the same filter on a page button.

A filter has a name and one number (the subject): an employee's id for `employee`, the encoded
period for `dates`, 0 otherwise. Who may see which case is not decided here: the caller always
narrows the list to what the viewer may see (dialogs.access).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from dialogs.periods import Period, PeriodError, is_period_word, parse_period

PAGE_SIZE = 10
LARGEST_ID = 2**31 - 1  # row ids are 32-bit in the database; a larger one names nobody


class ListFilter(StrEnum):
    ALL = "all"
    OPEN = "open"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    LEGAL = "legal"
    RETURNING = "returning"
    MINE = "mine"
    EMPLOYEE = "employee"
    DATES = "dates"


ALIASES: dict[str, ListFilter] = {
    **{member.value: member for member in ListFilter if member is not ListFilter.DATES},
    "все": ListFilter.ALL,
    "открытые": ListFilter.OPEN,
    "просроченные": ListFilter.OVERDUE,
    "эскалация": ListFilter.ESCALATED,
    "суд": ListFilter.LEGAL,
    "повторные": ListFilter.RETURNING,
    "мои": ListFilter.MINE,
    "сотрудник": ListFilter.EMPLOYEE,
}


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A filter and a page; `employee_query` is a name still to be matched to an employee."""

    filter: ListFilter = ListFilter.ALL
    subject: int = 0
    page: int = 0
    employee_query: str = ""

    @property
    def period(self) -> Period | None:
        return Period.decode(self.subject) if self.filter is ListFilter.DATES else None


class ListArgumentsError(ValueError):
    """The words are not a filter; the message is the word that was not understood."""


def parse_list_arguments(words: Sequence[str], today: dt.date) -> ListRequest:
    """`/cases open`, `/cases week`, `/cases 2026-11-01 2026-11-30`, `/cases employee Анна`…

    Raises:
        ListArgumentsError: the first word names no filter, or the dates are malformed.
    """
    if not words:
        return ListRequest()
    first = words[0].lower()
    if is_period_word(first):
        try:
            period = parse_period(words, today)
        except PeriodError as error:
            raise ListArgumentsError(str(error)) from None
        assert period is not None
        return ListRequest(ListFilter.DATES, period.encode())
    chosen = ALIASES.get(first)
    if chosen is None:
        raise ListArgumentsError(words[0])
    if chosen is ListFilter.EMPLOYEE:
        query = " ".join(words[1:]).lstrip("@")
        if query.isdigit():
            if not 0 < int(query) <= LARGEST_ID:
                raise ListArgumentsError(query)
            return ListRequest(ListFilter.EMPLOYEE, int(query))
        return ListRequest(ListFilter.EMPLOYEE, employee_query=query)
    if len(words) > 1:
        raise ListArgumentsError(words[1])
    return ListRequest(chosen)


# A list button under a message that is not a list (an alert) carries this mark: the list then
# comes as a new message instead of replacing the alert.
NEW_MESSAGE_MARK = "_new"


def in_new_message(filter_name: str) -> bool:
    return filter_name.endswith(NEW_MESSAGE_MARK)


def page_from_button(filter_name: str, subject: int, page: int) -> ListRequest | None:
    """The request a page button carries, or None when it is not one this bot draws."""
    try:
        chosen = ListFilter(filter_name.removesuffix(NEW_MESSAGE_MARK))
    except ValueError:
        return None
    request = ListRequest(chosen, subject, page)
    if chosen is ListFilter.DATES and request.period is None:
        return None
    if chosen is ListFilter.EMPLOYEE and not 0 < subject <= LARGEST_ID:
        return None
    return request


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // page_size))


def match_employees(employees: Sequence[tuple[int, str]], query: str) -> list[tuple[int, str]]:
    """Employees whose name contains `query` (any case); an exact name wins outright."""
    wanted = query.casefold().strip()
    if not wanted:
        return list(employees)
    exact = [(i, name) for i, name in employees if name.casefold() == wanted]
    if exact:
        return exact
    return [(i, name) for i, name in employees if wanted in name.casefold()]
