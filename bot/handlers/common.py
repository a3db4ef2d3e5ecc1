"""Joining and everyday commands: /start, /invite, /help, /language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import CoachContext
from bot.keyboards import callback, language_keyboard
from bot.outgoing import escape
from bot.pipeline import Turn, language_of, turn_handler
from dialogs.access import Role, may_invite
from dialogs.i18n import Language, t
from storage.repositories import employees, invites

log = logging.getLogger(__name__)


def _display_name(turn: Turn) -> str:
    return (turn.user.full_name or turn.user.username or str(turn.user.id))[:128]


@turn_handler(employees_only=False)
async def start(turn: Turn, update: Update, context: CoachContext) -> None:
    """Admins by ADMIN_IDS, others by a single-use invite code in a deep link; strangers refused."""
    code = context.args[0] if context.args else ""
    if turn.user.id in turn.settings.admin_ids:
        turn.employee = await employees.ensure_admin(
            turn.session,
            telegram_id=turn.user.id,
            name=_display_name(turn),
            language=turn.language.value,
        )
    elif turn.employee is None and code:
        redeemed = await invites.redeem(turn.session, code, now=turn.now)
        if redeemed is None:
            turn.say(turn.t("access.invite_invalid"))
            return
        turn.employee = await employees.add(
            turn.session,
            telegram_id=turn.user.id,
            name=_display_name(turn),
            role=redeemed.role,
            language=turn.language.value,
        )
        await invites.mark_used_by(turn.session, redeemed.invite_id, turn.employee.id)
    if turn.employee is None:
        turn.say(turn.t("access.stranger"))
        return
    role = Role(turn.employee.role)
    turn.say(
        turn.t("start.welcome", name=escape(turn.employee.name), role=turn.t(f"role.{role.value}"))
        + "\n\n"
        + turn.t(f"help.{role.value}")
    )


@turn_handler()
async def help_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """What this employee can do, for their role."""
    assert turn.employee is not None
    turn.say(turn.t(f"help.{Role(turn.employee.role).value}"))


@turn_handler()
async def invite(turn: Turn, update: Update, context: CoachContext) -> None:
    """Make a single-use invite link for a role (/invite staff|supervisor|trainee)."""
    assert turn.employee is not None
    inviter = Role(turn.employee.role)
    wanted = context.args[0].lower() if context.args else "staff"
    if wanted not in Role.__members__.values() or wanted == Role.ADMIN:
        turn.say(turn.t("invite.usage"))
        return
    role = Role(wanted)
    if not may_invite(inviter, role):
        turn.say(turn.t("access.not_allowed"))
        return
    code = await invites.create(
        turn.session, role=role, created_by_id=turn.employee.id, valid_for=turn.settings.invite_ttl
    )
    link = f"https://t.me/{context.services.bot_username}?start={code}"
    turn.say(
        turn.t(
            "invite.created",
            role=turn.t(f"role.{role.value}"),
            link=escape(link),
            hours=turn.settings.invite_ttl_hours,
        )
    )


@turn_handler()
async def language(turn: Turn, update: Update, context: CoachContext) -> None:
    """Offer the two languages as buttons."""
    turn.say(turn.t("language.choose"), language_keyboard())


@turn_handler()
async def language_chosen(turn: Turn, update: Update, context: CoachContext) -> None:
    """Switch the employee's language; the confirmation is already in the new one."""
    assert turn.employee is not None
    assert update.callback_query is not None
    chosen = callback.parse_language(update.callback_query.data or "")
    if chosen is None:
        turn.callback_answer = turn.t("error.stale_button")
        return
    turn.employee.language = chosen.value
    turn.language = Language(chosen)
    turn.say(turn.t("language.set"))


@turn_handler()
async def unknown_command(turn: Turn, update: Update, context: CoachContext) -> None:
    """A command no area knows: point to /help."""
    turn.say(turn.t("error.unknown_command"))


@turn_handler()
async def unsupported(turn: Turn, update: Update, context: CoachContext) -> None:
    """Stickers, photos, voice and text nobody expects: ask for words, change nothing."""
    answer_unsupported(turn)


def answer_unsupported(turn: Turn) -> None:
    """The answer to a message nobody expects (also typed text with no practice or case open)."""
    turn.say(turn.t("error.unsupported_message"))


@turn_handler()
async def unknown_button(turn: Turn, update: Update, context: CoachContext) -> None:
    """A button whose data no handler recognises (forged or from an old version of the bot)."""
    turn.callback_answer = turn.t("error.stale_button")
    turn.callback_alert = True


@turn_handler()
async def edited(turn: Turn, update: Update, context: CoachContext) -> None:
    """An edited message: the first version was already taken; ask for the correction anew."""
    turn.say(turn.t("reliability.edited_message"))


async def group_command(update: Update, context: CoachContext) -> None:
    """A command to this bot in a group: the coach works in private chats only (learns nothing)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    command = message.text.split()[0]
    addressee = command.partition("@")[2]
    if addressee and addressee.lower() != context.bot.username.lower():
        return
    settings = context.services.settings
    language = language_of(None, user, settings.default_language if settings else "ru")
    try:
        await message.reply_text(t(language, "error.private_only"))
    except Exception as error:  # a group that muted the bot: nothing more to do
        log.info("could not answer in a group: %s", type(error).__name__)
    raise ApplicationHandlerStop
