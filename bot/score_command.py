"""`complaint-coach score`: score one reply for a stage and print the result as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys

from bot.settings import Settings
from dialogs.i18n import Language
from dialogs.scoring import SCORED_STAGES, score_reply


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stage", required=True, choices=[stage.value for stage in SCORED_STAGES])
    parser.add_argument(
        "--lang",
        choices=[language.value for language in Language],
        help="the reply's language (default: DEFAULT_LANGUAGE)",
    )
    parser.add_argument("reply", nargs="?", default="-", help="the reply; '-' or none reads stdin")


def run(args: argparse.Namespace, settings: Settings) -> int:
    reply = sys.stdin.read() if args.reply == "-" else args.reply
    result = score_reply(args.stage, args.lang or settings.default_language, reply.strip())
    print(json.dumps(result.to_dict(), ensure_ascii=False))
    return 0
