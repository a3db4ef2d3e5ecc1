"""The call coach's use-cases, free of Telegram: open a case, act on it, take typed text, show it.

Both the Telegram handlers and the terminal coach call these functions inside one transaction and
render the plain `CaseView` they return (buttons in Telegram, numbered choices in the terminal).
The rules come from `dialogs/`: the stage only ever changes through `dialogs.call_flow.fire`, and
the stage and its timeline event are written together by `cases.record_transition`.

Messages for other people (alerts to supervisors, a hand-off offer) come back as `Outgoing` in
`Result.others`, already HTML-escaped, for the caller to send after the commit or queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.callback_data import CaseAction, encode_open
from bot.outgoing import Button, Keyboard, Outgoing, escape
from bot.settings import Settings
from dialogs.access import HANDLING_CASES, SUPERVISING, Role, is_supervising, may_handle_cases
from dialogs.call_flow import (
    FAULT_TRIGGERS,
    ON_THE_CALL,
    TRIGGERS,
    WORKING,
    Facts,
    Refusal,
    Step,
    fire,
    is_hot,
    outcome_of,
    previous_stage,
)
from dialogs.case_terms import (
    TEMPERATURES,
    FollowUpOutcome,
    Outcome,
    RootCause,
    SolutionKind,
    Stage,
)
from dialogs.follow_up_time import QuickTime, local_text, parse_due, quick_due
from dialogs.i18n import Language, has, t
from dialogs.signals import mentions_legal_threat, parse_identity
from dialogs.stage_content import CHECKLIST, checklist, stage_content, worth_check
from storage.models import Case, CaseEvent, CaseMode, Employee
from storage.repositories import alerts, cases, clients, employees, follow_ups, wellbeing
from storage.repositories.cases import EventKind

PENDING_PREFIX = "call:"
IDEA = "idea"  # the timeline kind of a client's idea; the weekly digest reads these
NO_FOLLOW_UP_REASONS = ("reason_solved", "reason_declined")
MAX_COLLEAGUES_SHOWN = 12


@dataclass(frozen=True, slots=True)
class Choice:
    """One thing the employee can do now: a button in Telegram, a numbered line in the terminal."""

    label: str
    action: str
    argument: str = ""


Choices = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True, slots=True)
class CaseView:
    """One screen of the coach. Texts are plain (not yet escaped); the renderer escapes them."""

    case_id: int
    version: int
    title: str
    lines: tuple[str, ...] = ()
    tip: str = ""
    phrases: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    prompt: str = ""
    choices: Choices = ()

    def action(self, choice: Choice) -> CaseAction:
        return CaseAction(self.case_id, self.version, choice.action, choice.argument)


@dataclass(slots=True)
class Result:
    """What an action produced: the screen to show, a short notice, and messages for others."""

    view: CaseView | None = None
    notice: str | None = None
    refused: bool = False
    others: list[Outgoing] = field(default_factory=list)
    # The press came from an out-of-date screen: nothing changed, and the pressed message is to be
    # redrawn with `view`, the case as it is now.
    redraw: bool = False


class CallService:
    """The use-cases for one employee in one transaction."""

    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        actor: Employee,
        *,
        now: dt.datetime,
    ) -> None:
        self.session = session
        self.settings = settings
        self.actor = actor
        self.now = now
        self.language = Language(actor.language if actor.language in ("ru", "en") else "ru")
        # Messages for other people, drawn once the case's version is final (see `_drain`).
        self._others: list[tuple[Employee, str, tuple[str, ...], dict[str, object]]] = []

    def t(self, key: str, **values: object) -> str:
        return t(self.language, key, **values)

    # --- Entry points ------------------------------------------------------------------------

    async def start(self, mode: CaseMode) -> Result:
        """Open a new case at `listen` (a live call, or the after-call checklist)."""
        if not may_handle_cases(Role(self.actor.role)):
            return Result(notice=self.t("call.view.trainee"), refused=True)
        active = await self._active_case()
        if active is not None and active.stage in ON_THE_CALL:
            # One call at a time: a second /call mid-call is nearly always a lost screen, and a
            # new case would leave this one open for good. Show it again and say how to end it.
            return Result(
                view=await self.view(active),
                notice=self.t(
                    "call.view.still_on_call",
                    number=active.id,
                    stage=self.t(f"terms.stage.{active.stage}"),
                ),
            )
        case = await cases.create(
            self.session, owner_id=self.actor.id, stage=Stage.LISTEN, mode=mode
        )
        self.actor.active_case_id = case.id
        self.actor.active_practice_id = None  # a real call takes over the chat from practice
        self.actor.pending_input = None
        await self.session.flush()
        return Result(view=await self.view(case))

    async def act(self, action: CaseAction) -> Result:
        """A button press (or a numbered choice) on the case it was drawn for."""
        case = await cases.get(self.session, action.case_id)
        if case is None:
            return Result(notice=self.t("call.refusal.not_yours"), refused=True)
        if (
            case.version != action.version
            and case.owner_id == self.actor.id
            and case.stage not in (Stage.CLOSED, Stage.CANCELLED)
        ):
            # The owner pressed an older screen: a reply lost to a crash or a time-out, or a second
            # device. Nothing changes, and that screen is brought up to date so they can go on.
            return Result(
                view=await self.view(case), notice=self.t("error.stale_button_redrawn"), redraw=True
            )
        cases.ensure_version(case, action.version)
        refusal = self._access_refusal(case, action.action)
        if refusal:
            return Result(notice=self.t(f"call.refusal.{refusal}"), refused=True)
        if case.owner_id == self.actor.id:
            self.actor.pending_input = None  # a tap answers the screen, not the earlier question
        if action.action in TRIGGERS:
            return await self._fire(case, action.action, action.argument)
        handler = getattr(self, f"_do_{action.action}", None)
        if handler is None:
            return Result(notice=self.t("call.refusal.unknown_trigger"), refused=True)
        result: Result = await handler(case, action.argument)
        return result

    async def cancel_active(self) -> Result:
        """`/cancel`: cancel the case the employee is working on, if one is open."""
        case = await self._active_case()
        if case is None or case.owner_id != self.actor.id:
            return Result(notice=self.t("call.view.nothing_to_cancel"))
        return await self._fire(case, "cancel", "")

    async def take_text(self, text: str) -> Result:
        """Typed text: the field the bot asked for, else a note on the current stage."""
        case = await self._active_case()
        if case is None:
            return Result(notice=self.t("call.view.no_open_case"))
        if case.stage in (Stage.CLOSED, Stage.CANCELLED):
            self.actor.pending_input = None
            return Result(notice=self.t("call.view.no_open_case"))
        pending = (self.actor.pending_input or "").removeprefix(PENDING_PREFIX)
        self.actor.pending_input = None
        text = text.strip()
        if pending in ("date", "redate"):
            due = parse_due(text, self.now, self.settings.zone)
            if due is None:
                self.actor.pending_input = PENDING_PREFIX + pending
                return Result(view=await self.view(case), notice=self.t("call.ask.date_invalid"))
            trigger = "schedule" if pending == "date" else "reschedule"
            return await self._fire(case, trigger, "", due_at=due)
        if pending == "reason":
            return await self._fire(case, "no_follow_up", "", reason=text)
        notice = self.t("call.view.note_saved")
        if pending == "what":
            case.what_happened = text
            await self._field(case, "what_happened", text)
        elif pending == "wants":
            case.client_wants = text
            await self._field(case, "client_wants", text)
        elif pending == "client":
            await self._identify_client(case, text)
        elif pending == "solution":
            case.solution_kind = SolutionKind.CUSTOM
            case.solution_text = text
            await self._field(case, "solution", text, data={"solution": SolutionKind.CUSTOM.value})
        elif pending == IDEA or case.stage == Stage.CLOSING:
            await cases.add_event(self.session, case, actor_id=self.actor.id, kind=IDEA, text=text)
            notice = self.t("call.view.idea_saved")
        else:
            await cases.add_event(
                self.session, case, actor_id=self.actor.id, kind=EventKind.NOTE, text=text
            )
        await self._check_legal_threat(case, text)
        return await self._finish(case, notice)

    async def current(self) -> Result:
        """The screen of the employee's active case, if any."""
        case = await self._active_case()
        if case is None:
            return Result(notice=self.t("call.view.no_open_case"))
        return Result(view=await self.view(case))

    # --- Access --------------------------------------------------------------------------------

    def _access_refusal(self, case: Case, action: str) -> str | None:
        role = Role(self.actor.role)
        if not may_handle_cases(role):
            return "not_yours"
        if case.owner_id == self.actor.id:
            return None
        if action == "acknowledge" and case.handoff_to_id == self.actor.id:
            return None
        if action == "take" and is_supervising(role):
            return None
        return "not_yours"

    async def _active_case(self) -> Case | None:
        if self.actor.active_case_id is None:
            return None
        case = await cases.get(self.session, self.actor.active_case_id)
        if case is None or case.owner_id != self.actor.id:
            return None
        return case

    # --- Firing a trigger ----------------------------------------------------------------------

    async def _history(self, case: Case) -> list[Step]:
        """The stage changes so far: read for `back`, for closing and for a repeated escalation."""
        return [
            Step(Stage(from_stage), Stage(to_stage), trigger)
            for from_stage, to_stage, trigger in await cases.stage_changes(self.session, case.id)
            if from_stage and to_stage and trigger
        ]

    async def _fire(
        self,
        case: Case,
        trigger: str,
        argument: str,
        *,
        due_at: dt.datetime | None = None,
        reason: str | None = None,
    ) -> Result:
        stage = Stage(case.stage)
        data: dict[str, Any] = {}
        department = case.department
        if trigger == "fault_colleague":
            department = self._department_named(argument)
        quick = argument in QuickTime.__members__.values()
        if trigger in ("schedule", "reschedule") and due_at is None and quick:
            due_at = quick_due(QuickTime(argument), self.now, self.settings.zone)
        if trigger == "no_follow_up" and reason is None and argument in NO_FOLLOW_UP_REASONS:
            reason = self.t(f"call.button.{argument}")
        colleague = await self._colleague(argument) if trigger == "hand_off" else None
        # Only `back` needs the path to decide (its guards compare the stage it came from).
        history = await self._history(case) if trigger == "back" else None
        facts = Facts(
            fault=FAULT_TRIGGERS.get(trigger),
            department=department,
            temperature=case.temperature,
            solution_kind=case.solution_kind,
            follow_up_at=due_at,
            no_follow_up_reason=reason,
            root_cause=case.root_cause,
            handoff_to_id=colleague.id if colleague else None,
            previous_stage=previous_stage(history) if history is not None else None,
            paused_stage=Stage(case.paused_stage) if case.paused_stage else None,
            actor_supervises=is_supervising(Role(self.actor.role)),
            actor_is_handoff_colleague=case.handoff_to_id == self.actor.id,
        )
        moved = fire(stage, trigger, facts)
        if isinstance(moved, Refusal):
            return Result(
                view=await self.view(case),
                notice=self.t(f"call.refusal.{moved.reason}"),
                refused=True,
            )
        if history is None and (moved is Stage.CLOSING or trigger == "close"):
            history = await self._history(case)  # the outcome is read from the path below
        if case.mode == CaseMode.AFTER and argument in ("yes", "no") and stage in CHECKLIST:
            data["checklist"] = argument
        text: str | None = None
        previous_owner_id = case.owner_id
        if trigger in FAULT_TRIGGERS:
            case.fault = FAULT_TRIGGERS[trigger].value
            if trigger == "fault_colleague":
                case.department = department
                data["department"] = department
        elif trigger in ("accepted", "rejected"):
            data["solution"] = case.solution_kind
            if trigger == "rejected":
                case.rejection_count = (case.rejection_count or 0) + 1
                case.solution_kind = None
                case.solution_text = None
        elif trigger in ("schedule", "reschedule") and due_at is not None:
            if trigger == "reschedule":
                await follow_ups.complete_pending(
                    self.session, case.id, FollowUpOutcome.RESCHEDULED, now=self.now
                )
            await follow_ups.schedule(self.session, case.id, due_at)
            data["due_at"] = due_at.isoformat()
        elif trigger == "no_follow_up":
            text = reason
        elif trigger == "resolved":
            await follow_ups.complete_pending(
                self.session, case.id, FollowUpOutcome.RESOLVED, now=self.now
            )
        elif trigger == "still_unhappy":
            await follow_ups.complete_pending(
                self.session, case.id, FollowUpOutcome.STILL_UNHAPPY, now=self.now
            )
            case.solution_kind = None
            case.solution_text = None
        elif trigger == "escalate":
            case.escalated = True
            case.paused_stage = stage.value
        elif trigger == "hand_off" and colleague is not None:
            case.handoff_to_id = colleague.id
            case.handoff_due_at = self.now + self.settings.handoff_ack
            case.paused_stage = stage.value
            data["to"] = colleague.id
        elif trigger in ("take", "acknowledge"):
            case.owner_id = self.actor.id
            case.paused_stage = None
            case.handoff_due_at = None
            self.actor.active_case_id = case.id
            self.actor.active_practice_id = None
        elif trigger == "cancel":
            case.outcome = Outcome.CANCELLED.value
            await follow_ups.cancel_pending(self.session, case.id, now=self.now)
        elif trigger == "back" and stage is Stage.AWAITING_FOLLOW_UP:
            await follow_ups.cancel_pending(self.session, case.id, now=self.now)
        if history is not None and (moved is Stage.CLOSING or trigger == "close"):
            path = [*history, Step(stage, moved, trigger)]
            case.outcome = outcome_of(path, escalated=case.escalated).value
        elif stage is Stage.CLOSING and trigger == "back":
            case.outcome = None
        await cases.record_transition(
            self.session,
            case,
            actor_id=self.actor.id,
            to_stage=moved.value,
            trigger=trigger,
            text=text,
            data=data or None,
        )
        self.actor.pending_input = None
        if trigger == "escalate":
            await self._alert_escalation(case, stage)
        elif trigger == "hand_off" and colleague is not None:
            self._queue(
                colleague,
                "call.handoff.offer",
                ("acknowledge",),
                stage=stage,
                employee=self.actor.name,
            )
        elif trigger in ("take", "acknowledge") and previous_owner_id != self.actor.id:
            previous_owner = await employees.get(self.session, previous_owner_id)
            if previous_owner is not None:
                key = "call.view.taken" if trigger == "take" else "call.view.acknowledged"
                self._queue(previous_owner, key, (), name=self.actor.name)
        return await self._finish(case, None)

    async def _finish(self, case: Case, notice: str | None) -> Result:
        """Flush, so the case's version is final, then draw the screen and the others' messages."""
        await self.session.flush()
        return Result(view=await self.view(case), notice=notice, others=self._drain(case))

    # --- Actions that change a field, not the stage --------------------------------------------

    async def _field(
        self, case: Case, name: str, text: str | None, *, data: dict[str, Any] | None = None
    ) -> None:
        await cases.add_event(
            self.session,
            case,
            actor_id=self.actor.id,
            kind=EventKind.FIELD,
            text=text,
            data={"field": name, **(data or {})},
        )

    async def _do_temp(self, case: Case, argument: str) -> Result:
        if not argument.isdigit() or int(argument) not in TEMPERATURES:
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        case.temperature = int(argument)
        if case.temperature_start is None:
            case.temperature_start = case.temperature
        await self._field(case, "temperature", None, data={"value": case.temperature})
        return await self._finish(case, None)

    async def _do_solution(self, case: Case, argument: str) -> Result:
        if argument not in SolutionKind.__members__.values():
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        if argument == SolutionKind.CUSTOM:
            self.actor.pending_input = PENDING_PREFIX + "solution"
            return Result(view=await self.view(case, prompt=self.t("call.ask.solution")))
        case.solution_kind = argument
        case.solution_text = None
        await self._field(case, "solution", None, data={"solution": argument})
        return await self._finish(case, None)

    async def _do_ask(self, case: Case, argument: str) -> Result:
        if not has(self.language, f"call.ask.{argument}"):
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        self.actor.pending_input = PENDING_PREFIX + argument
        prompt_key = "date" if argument == "redate" else argument
        return Result(view=await self.view(case, prompt=self.t(f"call.ask.{prompt_key}")))

    async def _do_menu(self, case: Case, argument: str) -> Result:
        return Result(view=await self.view(case, menu=argument))

    async def _do_view(self, case: Case, argument: str) -> Result:
        self.actor.pending_input = None
        return Result(view=await self.view(case))

    async def _do_worth(self, case: Case, argument: str) -> Result:
        criteria = worth_check(self.language).criteria
        if not argument.isdigit() or int(argument) >= len(criteria):
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        extra = dict(case.extra or {})
        marked = set(extra.get("worth", []))
        marked ^= {int(argument)}
        extra["worth"] = sorted(marked)
        case.extra = extra
        await self.session.flush()
        return Result(view=await self.view(case, menu="worth"))

    async def _do_root(self, case: Case, argument: str) -> Result:
        if case.stage != Stage.CLOSING or argument not in RootCause.__members__.values():
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        case.root_cause = argument
        await self._field(case, "root_cause", None, data={"value": argument})
        return await self._finish(case, None)

    async def _do_dept(self, case: Case, argument: str) -> Result:
        department = self._department_named(argument)
        if case.stage != Stage.CLOSING or department is None:
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        case.department = department
        await self._field(case, "department", None, data={"value": department})
        return await self._finish(case, None)

    async def _do_wellbeing(self, case: Case, argument: str) -> Result:
        extra = dict(case.extra or {})
        if (
            case.stage != Stage.CLOSED
            or extra.get("wellbeing_answered")
            or not argument.isdigit()
            or not 1 <= int(argument) <= 5
        ):
            return Result(notice=self.t("call.refusal.not_allowed_here"), refused=True)
        await wellbeing.record(
            self.session, employee_id=self.actor.id, case_id=case.id, score=int(argument)
        )
        extra["wellbeing_answered"] = True  # the answer itself stays private, in its own table
        case.extra = extra
        notice = self.t("call.wellbeing.low" if int(argument) <= 2 else "call.wellbeing.thanks")
        await self.session.flush()
        return Result(view=await self.view(case), notice=notice)

    # --- Client identity and signals -----------------------------------------------------------

    async def _identify_client(self, case: Case, text: str) -> None:
        identity = parse_identity(text)
        if identity.is_empty:
            return
        client = await clients.find_matching(
            self.session,
            phone_key=identity.phone_key,
            email_key=identity.email_key,
            name_key=identity.name_key,
        )
        if client is None:
            client = await clients.add(
                self.session,
                display_name=identity.display_name,
                company=identity.company,
                phone_key=identity.phone_key,
                email_key=identity.email_key,
                name_key=identity.name_key,
            )
        else:
            client.display_name = client.display_name or identity.display_name
            client.company = client.company or identity.company
            client.phone_key = client.phone_key or identity.phone_key
            client.email_key = client.email_key or identity.email_key
            client.name_key = client.name_key or identity.name_key
        case.client_id = client.id
        earlier = await clients.count_cases_of(self.session, client.id, exclude_case_id=case.id)
        case.returning_client = earlier > 0
        # The timeline says a client was recorded, never who: erasure must not miss a copy.
        await self._field(case, "client", None, data={"returning": case.returning_client})

    async def _check_legal_threat(self, case: Case, text: str) -> None:
        if case.legal_threat or not mentions_legal_threat(text):
            return
        case.legal_threat = True
        await cases.add_event(
            self.session,
            case,
            actor_id=self.actor.id,
            kind=EventKind.ALERT,
            data={"alert": "legal"},
        )
        first = await alerts.raise_once(
            self.session,
            key=f"legal:{case.id}",
            kind="legal",
            case_id=case.id,
            employee_id=self.actor.id,
        )
        if first:
            for supervisor in await self._supervisors():
                self._queue(supervisor, "call.alert.legal", ("open",), employee=self.actor.name)

    async def _alert_escalation(self, case: Case, stage: Stage) -> None:
        escalations = [step for step in await self._history(case) if step.trigger == "escalate"]
        key = f"escalated:{case.id}"
        if len(escalations) > 1:
            key += f":{len(escalations)}"
        first = await alerts.raise_once(
            self.session, key=key, kind="escalated", case_id=case.id, employee_id=self.actor.id
        )
        if first:
            for supervisor in await self._supervisors():
                self._queue(
                    supervisor,
                    "call.alert.escalated",
                    ("take", "open"),
                    employee=self.actor.name,
                    stage=stage,
                )

    async def _supervisors(self) -> list[Employee]:
        everyone = await employees.list_by_role(self.session, SUPERVISING)
        return [person for person in everyone if person.id != self.actor.id]

    def _queue(self, person: Employee, key: str, buttons: Sequence[str], **values: object) -> None:
        self._others.append((person, key, tuple(buttons), values))

    def _drain(self, case: Case) -> list[Outgoing]:
        """The queued messages for others, drawn now that the case's version is final."""
        messages: list[Outgoing] = []
        for person, key, buttons, values in self._others:
            language = Language(person.language if person.language in ("ru", "en") else "ru")
            shown = dict(values)
            if isinstance(shown.get("stage"), Stage):
                shown["stage"] = t(language, f"terms.stage.{shown['stage']}")
            escaped = {name: escape(str(value)) for name, value in shown.items()}
            messages.append(
                Outgoing(
                    person.telegram_id,
                    t(language, key, case_id=case.id, **escaped),
                    case_buttons(language, case, buttons),
                )
            )
        self._others.clear()
        return messages

    # --- Lookups -------------------------------------------------------------------------------

    def _department_named(self, argument: str) -> str | None:
        departments = self.settings.departments
        if argument.isdigit() and int(argument) < len(departments):
            return departments[int(argument)]
        return None

    async def _colleague(self, argument: str) -> Employee | None:
        if not argument.isdigit():
            return None
        colleague = await employees.get(self.session, int(argument))
        if (
            colleague is None
            or not colleague.is_active
            or colleague.id == self.actor.id
            or Role(colleague.role) not in HANDLING_CASES
        ):
            return None
        return colleague

    async def _colleagues(self) -> list[Employee]:
        return list(
            await employees.list_by_role(
                self.session,
                HANDLING_CASES,
                excluding_id=self.actor.id,
                limit=MAX_COLLEAGUES_SHOWN,
            )
        )

    # --- The screen ----------------------------------------------------------------------------

    def _choice(self, key: str, action: str, argument: str = "") -> Choice:
        return Choice(self.t(f"call.button.{key}"), action, argument)

    def _department_label(self, name: str) -> str:
        key = f"call.department.{name}"
        return self.t(key) if has(self.language, key) else name

    async def view(self, case: Case, *, menu: str = "", prompt: str = "") -> CaseView:
        """The screen for the case as it is now (optionally one of its sub-menus)."""
        stage = Stage(case.stage)
        after = case.mode == CaseMode.AFTER
        title = self.t(
            "call.view.after_title" if after else "call.view.title",
            case_id=case.id,
            stage=self.t(f"terms.stage.{stage.value}"),
        )
        base: dict[str, Any] = {"case_id": case.id, "version": case.version, "title": title}
        lines = await self._status_lines(case, stage)
        if menu:
            menu_prompt, choices = await self._menu(case, menu)
            return CaseView(**base, lines=lines, prompt=prompt or menu_prompt, choices=choices)
        if stage not in (*WORKING, Stage.CLOSING):
            return await self._paused_or_final(case, stage, base, lines)
        content = stage_content(self.language, stage)
        question = ""
        if after and stage in CHECKLIST:
            question = self.t(f"call.after.question.{stage.value}")
        elif stage is Stage.CLOSING:
            question = self._closing_question(case)
        return CaseView(
            **base,
            lines=lines,
            tip=content.tip,
            phrases=() if after else content.phrases,
            avoid=() if after else content.avoid,
            prompt=prompt or question or " ".join(content.prompts[:1]),
            choices=self._stage_choices(case, stage) + self._side_choices(case, stage),
        )

    async def _status_lines(self, case: Case, stage: Stage) -> tuple[str, ...]:
        lines: list[str] = []
        if case.legal_threat and stage in WORKING:
            lines.append(self.t("call.view.legal"))
        if case.returning_client and case.client_id and stage in WORKING:
            earlier = await clients.count_cases_of(
                self.session, case.client_id, exclude_case_id=case.id
            )
            lines.append(self.t("call.view.returning", count=earlier))
        if case.temperature is not None and stage in (Stage.LISTEN, Stage.CLARIFY, Stage.PROPOSE):
            lines.append(self.t("call.view.temperature", value=case.temperature))
        if stage is Stage.PROPOSE and is_hot(case.temperature):
            lines.append(self.t("call.view.hot_warning"))
        if stage is Stage.CLARIFY:
            if case.what_happened:
                lines.append(self.t("call.view.what", text=case.what_happened))
            if case.client_wants:
                lines.append(self.t("call.view.wants", text=case.client_wants))
            if case.client_id:
                client = await clients.get(self.session, case.client_id)
                if client is not None and client.display_name:
                    lines.append(self.t("call.view.client", text=client.display_name))
        if case.fault and stage in (Stage.OWN_ERROR, Stage.EXPLAIN, Stage.PROPOSE, Stage.CLOSING):
            lines.append(self.t("call.view.fault", fault=self.t(f"terms.fault.{case.fault}")))
        if case.department and stage in (Stage.OWN_ERROR, Stage.CLOSING):
            lines.append(
                self.t("call.view.department", department=self._department_label(case.department))
            )
        if stage is Stage.PROPOSE:
            if case.rejection_count:
                lines.append(self.t("call.view.rejections", count=case.rejection_count))
            if case.solution_kind:
                solution = case.solution_text or self.t(f"terms.solution.{case.solution_kind}")
                lines.append(self.t("call.view.solution", solution=solution))
        if stage is Stage.AWAITING_FOLLOW_UP:
            pending = await follow_ups.pending_for_case(self.session, case.id)
            if pending:
                when = local_text(pending[-1].due_at, self.settings.zone)
                lines.append(self.t("call.view.follow_up_at", when=when))
        if stage is Stage.CLOSING and case.root_cause:
            lines.append(
                self.t("call.view.root_cause", cause=self.t(f"terms.root_cause.{case.root_cause}"))
            )
        return tuple(lines)

    def _temperature_row(self) -> tuple[Choice, ...]:
        return tuple(Choice(f"🌡{value}", "temp", str(value)) for value in TEMPERATURES)

    def _checklist_row(self, trigger: str) -> tuple[Choice, ...]:
        return (self._choice("yes", trigger, "yes"), self._choice("no", trigger, "no"))

    def _stage_choices(self, case: Case, stage: Stage) -> Choices:
        after = case.mode == CaseMode.AFTER
        forward = {
            Stage.LISTEN: "heard_out",
            Stage.CLARIFY: "facts_clear",
            Stage.OWN_ERROR: "error_owned",
            Stage.EXPLAIN: "explained",
            Stage.APOLOGISE: "apologised",
        }
        rows: list[tuple[Choice, ...]] = []
        if stage is Stage.LISTEN or (stage is Stage.PROPOSE and is_hot(case.temperature)):
            rows.append(self._temperature_row())
        if stage is Stage.CLARIFY:
            rows.append(
                (self._choice("ask_what", "ask", "what"), self._choice("ask_wants", "ask", "wants"))
            )
            rows.append((self._choice("ask_client", "ask", "client"),))
        if stage in forward:
            trigger = forward[stage]
            rows.append(
                self._checklist_row(trigger) if after else (self._choice(trigger, trigger),)
            )
        elif stage is Stage.DECIDE:
            rows.append(
                (
                    self._choice("fault_ours", "fault_ours"),
                    self._choice("fault_colleague", "menu", "department"),
                )
            )
            rows.append(
                (
                    self._choice("fault_client", "fault_client"),
                    self._choice("fault_shared", "fault_shared"),
                )
            )
            rows.append((self._choice("fault_unclear", "fault_unclear"),))
        elif stage is Stage.PROPOSE:
            kinds = [
                Choice(self.t(f"terms.solution.{kind.value}").capitalize(), "solution", kind.value)
                for kind in SolutionKind
            ]
            rows.extend(_rows(kinds, 3))
            rows.append((self._choice("worth", "menu", "worth"),))
            if case.solution_kind:
                rows.append(
                    (self._choice("accepted", "accepted"), self._choice("rejected", "rejected"))
                )
        elif stage is Stage.FOLLOW_UP:
            rows.append(self._time_row("schedule"))
            rows.append(
                (
                    self._choice("date", "ask", "date"),
                    self._choice("no_follow_up", "menu", "reason"),
                )
            )
        elif stage is Stage.AWAITING_FOLLOW_UP:
            rows.append(
                (
                    self._choice("resolved", "resolved"),
                    self._choice("still_unhappy", "still_unhappy"),
                )
            )
            rows.append((self._choice("reschedule", "menu", "reschedule"),))
        elif stage is Stage.CLOSING:
            rows.extend(self._closing_rows(case))
        return tuple(rows)

    def _time_row(self, trigger: str) -> tuple[Choice, ...]:
        return tuple(self._choice(quick.value, trigger, quick.value) for quick in QuickTime)

    def _closing_question(self, case: Case) -> str:
        if not case.root_cause:
            return self.t("call.view.choose_root_cause")
        if not case.department:
            return self.t("call.view.choose_department")
        return self.t("call.view.close_ready")

    def _closing_rows(self, case: Case) -> list[tuple[Choice, ...]]:
        if not case.root_cause:
            causes = [
                Choice(self.t(f"terms.root_cause.{cause.value}").capitalize(), "root", cause.value)
                for cause in RootCause
            ]
            return _rows(causes, 3)
        if not case.department:
            departments = [
                Choice(self._department_label(name), "dept", str(index))
                for index, name in enumerate(self.settings.departments)
            ]
            return _rows(departments, 3)
        return [(self._choice("idea", "ask", IDEA), self._choice("close", "close"))]

    def _side_choices(self, case: Case, stage: Stage) -> Choices:
        rows: list[tuple[Choice, ...]] = []
        if stage in WORKING:
            rows.append(
                (
                    self._choice("escalate", "escalate"),
                    self._choice("hand_off", "menu", "colleague"),
                )
            )
        if stage in ON_THE_CALL:
            rows.append((self._choice("hung_up", "hung_up"),))
        last: list[Choice] = []
        if stage is not Stage.LISTEN:
            last.append(self._choice("back", "back"))
        last.append(self._choice("cancel", "cancel"))
        rows.append(tuple(last))
        return tuple(rows)

    async def _menu(self, case: Case, menu: str) -> tuple[str, Choices]:
        """A sub-menu of the current stage: its question and its choices."""
        back = (self._choice("to_stage", "view"),)
        if menu == "department":
            departments = [
                Choice(self._department_label(name), "fault_colleague", str(index))
                for index, name in enumerate(self.settings.departments)
            ]
            return self.t("call.view.choose_department"), (*_rows(departments, 3), back)
        if menu == "colleague":
            people = [
                Choice(person.name, "hand_off", str(person.id))
                for person in await self._colleagues()
            ]
            if not people:
                return self.t("call.view.no_colleagues"), (back,)
            return self.t("call.view.choose_colleague"), (*_rows(people, 2), back)
        if menu == "reason":
            reasons = tuple(
                self._choice(reason, "no_follow_up", reason) for reason in NO_FOLLOW_UP_REASONS
            )
            other = (self._choice("reason_other", "ask", "reason"),)
            return self.t("call.view.choose_reason"), (reasons, other, back)
        if menu == "reschedule":
            typed = (self._choice("date", "ask", "redate"),)
            return self.t("call.view.choose_time"), (self._time_row("reschedule"), typed, back)
        if menu == "worth":
            worth = worth_check(self.language)
            marked = set((case.extra or {}).get("worth", []))
            toggles = tuple(
                (Choice(("✅ " if index in marked else "▫️ ") + criterion, "worth", str(index)),)
                for index, criterion in enumerate(worth.criteria)
            )
            prompt = worth.title
            if marked:
                prompt += "\n" + worth.verdict(self.language, len(marked))
            return prompt, (*toggles, (self._choice("worth_done", "view"),))
        return "", (back,)

    async def _paused_or_final(
        self, case: Case, stage: Stage, base: dict[str, Any], lines: tuple[str, ...]
    ) -> CaseView:
        cancel = ((self._choice("cancel", "cancel"),),)
        if stage is Stage.ESCALATED:
            return CaseView(**base, lines=(*lines, self.t("call.view.escalated")), choices=cancel)
        if stage is Stage.HANDED_OFF:
            colleague = (
                await employees.get(self.session, case.handoff_to_id)
                if case.handoff_to_id
                else None
            )
            deadline = (
                local_text(case.handoff_due_at, self.settings.zone) if case.handoff_due_at else ""
            )
            handed = self.t(
                "call.view.handed_off", name=colleague.name if colleague else "", deadline=deadline
            )
            return CaseView(**base, lines=(*lines, handed), choices=cancel)
        if stage is Stage.CANCELLED:
            return CaseView(**base, lines=(self.t("call.view.cancelled", case_id=case.id),))
        outcome = self.t(f"terms.outcome.{case.outcome}") if case.outcome else ""
        closed = [self.t("call.view.closed", case_id=case.id, outcome=outcome)]
        if case.mode == CaseMode.AFTER:
            closed.extend(await self._feedback(case))
        if (case.extra or {}).get("wellbeing_answered"):
            return CaseView(**base, lines=tuple(closed))
        scores = tuple(Choice(str(score), "wellbeing", str(score)) for score in range(1, 6))
        return CaseView(
            **base, lines=tuple(closed), prompt=self.t("call.wellbeing.question"), choices=(scores,)
        )

    async def _feedback(self, case: Case) -> list[str]:
        """After-call mode: what to do differently, for each step answered "no"."""
        events: Sequence[CaseEvent] = await cases.timeline(self.session, case.id)
        skipped = {
            event.from_stage
            for event in events
            if event.kind == EventKind.TRANSITION and (event.data or {}).get("checklist") == "no"
        }
        items = [item for item in checklist(self.language) if item.stage.value in skipped]
        if not items:
            return [self.t("call.after.feedback.all_done")]
        return [self.t("call.after.feedback.title"), *(f"• {item.feedback}" for item in items)]


def _rows(choices: Sequence[Choice], columns: int) -> list[tuple[Choice, ...]]:
    return [tuple(choices[i : i + columns]) for i in range(0, len(choices), columns)]


def case_buttons(
    language: Language, case: Case, names: Sequence[str]
) -> tuple[tuple[Button, ...], ...]:
    """Buttons for a message to someone else: "take", "acknowledge" (case actions), "open"."""
    buttons: list[Button] = []
    for name in names:
        label = t(language, f"call.button.{name}")
        if name == "open":
            buttons.append(Button(label, encode_open(case.id)))
        else:
            buttons.append(Button(label, CaseAction(case.id, case.version, name).encode()))
    return (tuple(buttons),) if buttons else ()


def render_html(language: str, view: CaseView, notice: str | None = None) -> tuple[str, Keyboard]:
    """One phone screen as Telegram HTML: title, status, tip, phrases, what to avoid, buttons."""
    parts = [f"<b>{escape(view.title)}</b>"]
    if notice:
        parts.append(f"<i>{escape(notice)}</i>")
    parts.extend(escape(line) for line in view.lines)
    if view.tip:
        parts.append(f"💡 {escape(view.tip)}")
    if view.phrases:
        said = "\n".join(f"• {escape(phrase)}" for phrase in view.phrases)
        parts.append(f"<b>{escape(t(language, 'call.view.say'))}</b>\n{said}")
    if view.avoid:
        parts.append(escape(t(language, "call.view.avoid", items="; ".join(view.avoid))))
    if view.prompt:
        parts.append(f"<b>{escape(view.prompt)}</b>")
    keyboard = tuple(
        tuple(Button(choice.label, view.action(choice).encode()) for choice in row)
        for row in view.choices
    )
    return "\n\n".join(parts), keyboard
