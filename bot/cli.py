"""The `complaint-coach` command: one entry point for the bot, the terminal coach and the tools.

Each sub-command lives in its own module exposing `add_arguments(parser)` and
`run(args, settings) -> exit code`; this module only parses, loads settings and dispatches, so a
wrong setting always ends the same way: one line naming it, exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.settings import SettingsError, load_settings

EXIT_CONFIG = 2

# name → (module implementing it, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "bot.serve",
        "start the Telegram bot (long polling, or webhook when WEBHOOK_URL is set)",
    ),
    "migrate": ("bot.migrate_command", "create or upgrade the database schema"),
    "console": ("bot.console", "the call coach in a terminal, no Telegram needed"),
    "practice": ("bot.practice_console", "practise an angry-client scenario in a terminal"),
    "score": ("bot.score_command", "score one reply for a stage and print JSON"),
    "export": ("bot.export_command", "write the cases as CSV"),
    "bench": ("bot.bench", "measure the bot's cost per update against a bare python-telegram-bot"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="complaint-coach",
        description="Complaint Coach: coaches staff through calls with angry clients.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, load settings (exit 2 with one line if one is wrong) and run."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.handler(args, settings))
    except SettingsError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
