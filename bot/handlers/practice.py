"""Practice in Telegram: /practice, typed replies to the simulated client, /stop, /trainees.

Typed text reaches `reply_to_client` through the bot's one text route (`bot.handlers.typed_text`),
which gives it to practice while a session runs, before the call coach.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callback_data, practice_service
from bot.callback_data import PracticeAction
from bot.context import CoachApplication, CoachContext
from bot.keyboards import grid
from bot.outgoing import Button, Keyboard, escape
from bot.pipeline import Turn, turn_handler
from dialogs import practice as dialogs_practice
from dialogs.access import Role, is_supervising
from dialogs.i18n import Language, t
from dialogs.practice import Scenario, render_scorecard
from storage.models import PracticeSession


def register(application: CoachApplication) -> None:
    application.add_handler(CommandHandler("practice", practice_command))
    application.add_handler(CommandHandler("stop", stop_command))
    application.add_handler(CommandHandler("trainees", trainees_command))
    application.add_handler(
        CallbackQueryHandler(practice_button, pattern=callback_data.PRACTICE_PATTERN)
    )


def _session_buttons(language: Language, practice_id: int) -> Keyboard:
    return grid(
        [
            Button(
                t(language, "practice.button.hint"), PracticeAction(practice_id, "hint").encode()
            ),
            Button(
                t(language, "practice.button.stop"), PracticeAction(practice_id, "stop").encode()
            ),
        ],
        2,
    )


def _scenario_buttons(turn: Turn) -> Keyboard:
    buttons = [
        Button(scenario.title[turn.language], PracticeAction(0, "pick", scenario.id).encode())
        for scenario in dialogs_practice.scenarios().values()
    ]
    buttons.append(
        Button(
            turn.t("practice.random"), PracticeAction(0, "pick", practice_service.RANDOM).encode()
        )
    )
    return grid(buttons, 1)


def _show_opening(turn: Turn, practice: PracticeSession, scenario: Scenario) -> None:
    language = Language(practice.language)
    intro = practice_service.intro_text(language, scenario)
    client = practice_service.opening_text(language, scenario, practice.state)
    title = escape(scenario.title[language])
    turn.say(
        f"<b>{title}</b>\n{escape(intro)}\n\n{escape(client)}",
        _session_buttons(language, practice.id),
    )


@turn_handler()
async def practice_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Offer the scenarios as buttons (/practice ID or /practice random starts one at once)."""
    assert turn.employee is not None
    running = await practice_service.active_session(turn.session, turn.employee)
    if running is not None:
        scenario = practice_service.scenario_of(running)
        title = escape(scenario.title[Language(running.language)])
        turn.say(
            turn.t("practice.already", title=title), _session_buttons(turn.language, running.id)
        )
        return
    if context.args:
        await _start(turn, context.args[0])
        return
    turn.say(turn.t("practice.choose"), _scenario_buttons(turn))


async def _start(turn: Turn, scenario_id: str) -> None:
    assert turn.employee is not None
    scenario = practice_service.choose_scenario(scenario_id)
    if scenario is None:
        turn.say(turn.t("practice.unknown_scenario"))
        return
    practice = await practice_service.start(turn.session, turn.employee, scenario, turn.language)
    _show_opening(turn, practice, scenario)


@turn_handler()
async def practice_button(turn: Turn, update: Update, context: CoachContext) -> None:
    """A scenario picked, a hint asked for, or the session finished from its buttons."""
    assert turn.employee is not None
    assert update.callback_query is not None
    action = callback_data.parse_practice(update.callback_query.data or "")
    if action is None:
        turn.callback_answer, turn.callback_alert = turn.t("error.stale_button"), True
        return
    running = await practice_service.active_session(turn.session, turn.employee)
    if action.action == "pick":
        if running is not None:
            scenario = practice_service.scenario_of(running)
            title = escape(scenario.title[Language(running.language)])
            turn.say(turn.t("practice.already", title=title))
            return
        await _start(turn, action.argument)
        return
    if running is None or running.id != action.session_id:
        turn.callback_answer, turn.callback_alert = turn.t("practice.stale"), True
        return
    if action.action == "hint":
        language = Language(running.language)
        turn.say(escape(practice_service.hint_text(language, running)))
    elif action.action == "stop":
        await _stop(turn, running)
    else:
        turn.callback_answer, turn.callback_alert = turn.t("error.stale_button"), True


async def _stop(turn: Turn, running: PracticeSession) -> None:
    assert turn.employee is not None
    scorecard = await practice_service.stop(turn.session, turn.employee, running)
    turn.say(escape(render_scorecard(scorecard, Language(running.language))))


@turn_handler()
async def stop_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """End the running practice and show its scorecard."""
    assert turn.employee is not None
    running = await practice_service.active_session(turn.session, turn.employee)
    if running is None:
        turn.say(turn.t("practice.no_session"))
        return
    await _stop(turn, running)


async def reply_to_client(turn: Turn, text: str) -> None:
    """A reply to the simulated client: its score, the client's reaction, at the end the card."""
    assert turn.employee is not None
    running = await practice_service.active_session(turn.session, turn.employee)
    if running is None:  # the pointer leads to a session that has finished
        turn.say(turn.t("practice.no_session"))
        return
    language = Language(running.language)
    replied = await practice_service.reply(turn.session, turn.employee, running, text)
    text = escape(practice_service.reply_text(language, replied))
    if replied.scorecard is not None:
        turn.say(text)
    else:
        turn.say(text, _session_buttons(language, running.id))


@turn_handler()
async def trainees_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """Supervisors and admins: every trainee's sessions with the score of each stage."""
    assert turn.employee is not None
    if not is_supervising(Role(turn.employee.role)):
        turn.say(turn.t("access.not_allowed"))
        return
    rows = await practice_service.trainees_overview(turn.session)
    if not rows:
        turn.say(turn.t("practice.trainees.none"))
        return
    lines = [f"<b>{escape(turn.t('practice.trainees.title'))}</b>"]
    for row in rows:
        summary, *sessions = practice_service.trainee_lines(turn.language, row, turn.settings.zone)
        lines.append("\n".join([f"<b>{escape(summary)}</b>", *map(escape, sessions)]))
    turn.say("\n\n".join(lines))
