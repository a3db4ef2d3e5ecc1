"""The commands menu Telegram shows next to the text box, in each user's language."""

from __future__ import annotations

from telegram import Bot, BotCommand

from dialogs.i18n import Language, t

# In menu order: the frontline commands first, the supervisor's desk after.
MENU = (
    "call",
    "after",
    "cancel",
    "practice",
    "stop",
    "me",
    "cases",
    "case",
    "stats",
    "export",
    "praise",
    "trainees",
    "invite",
    "forget_client",
    "language",
    "help",
)


def menu(language: Language) -> list[BotCommand]:
    return [BotCommand(name, t(language, f"command.{name}")) for name in MENU]


async def register_commands(bot: Bot) -> None:
    """Publish the menu: Russian for Russian-speaking users, English for everyone else."""
    await bot.set_my_commands(menu(Language.EN))
    for language in Language:
        await bot.set_my_commands(menu(language), language_code=language.value)
