"""Who may do what: the access rules, kept in one place so every route applies the same ones."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    STAFF = "staff"
    TRAINEE = "trainee"


SUPERVISING = frozenset({Role.ADMIN, Role.SUPERVISOR})
HANDLING_CASES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STAFF})

_MAY_INVITE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.SUPERVISOR: frozenset({Role.STAFF, Role.TRAINEE}),
    Role.STAFF: frozenset(),
    Role.TRAINEE: frozenset(),
}


def may_invite(inviter: Role, invitee: Role) -> bool:
    """Admins invite anyone; supervisors invite staff and trainees; nobody else invites."""
    return invitee in _MAY_INVITE[inviter]


def may_handle_cases(role: Role) -> bool:
    """Trainees practise only: real cases are not theirs to open or see."""
    return role in HANDLING_CASES


def is_supervising(role: Role) -> bool:
    return role in SUPERVISING


def may_see_case(
    role: Role, employee_id: int, *, owner_id: int, handed_to_id: int | None = None
) -> bool:
    """Supervisors and admins see every case; staff their own and those handed to them."""
    if role in SUPERVISING:
        return True
    if role is not Role.STAFF:
        return False
    return employee_id in (owner_id, handed_to_id)
