"""The terminal coach: the same flow with numbered choices, driven through stdin."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import coach
from bot.settings import Settings
from dialogs.i18n import Language, t
from storage.models import CaseMode
from tests.bot.call_support import cases_in, label, root_cause, solution, transitions

ROOT = Path(__file__).resolve().parents[2]


class ScriptedUser:
    """Answers each prompt from a script: ("pick", label) taps the choice, ("type", text) types."""

    def __init__(self, out: io.StringIO, script: list[tuple[str, str]]) -> None:
        self.out = out
        self.script = list(script)

    def __call__(self) -> str | None:
        if not self.script:
            return None
        kind, value = self.script.pop(0)
        if kind == "type":
            return value
        screen = self.out.getvalue().rsplit("===", 2)[-1]
        match = re.search(rf"(\d+)\. {re.escape(value)}(?:\s{{3}}|\n)", screen)
        assert match, f"no choice {value!r} on screen:\n{screen}"
        return match.group(1)


@pytest.mark.parametrize("language", [Language.RU, Language.EN], ids=str)
async def test_a_whole_live_case_in_the_terminal_ends_closed_in_the_database(
    database_url: str, language: Language
) -> None:
    lang = language.value
    out = io.StringIO()
    pick = lambda key: ("pick", label(lang, key))  # noqa: E731
    user = ScriptedUser(
        out,
        [
            ("pick", "🌡4"),
            ("type", "Посылка пришла разбитой" if lang == "ru" else "The parcel came broken"),
            pick("heard_out"),
            pick("ask_wants"),
            ("type", "замену до пятницы" if lang == "ru" else "a replacement by Friday"),
            pick("facts_clear"),
            pick("fault_colleague"),
            ("pick", t(lang, "call.department.delivery")),
            pick("error_owned"),
            ("pick", solution(lang, "replace")),
            pick("accepted"),
            pick("apologised"),
            pick("tomorrow"),
            pick("resolved"),
            ("pick", root_cause(lang, "delivery")),
            ("type", "Присылайте фото упаковки" if lang == "ru" else "Send a photo of the box"),
            pick("close"),
            ("pick", "4"),
        ],
    )
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    assert await coach(settings, database_url, language, CaseMode.LIVE, user, out) == 0

    assert t(lang, "call.console.done", case_id=1) in out.getvalue()
    [(case, events)] = await cases_in(database_url)
    assert (case.stage, case.outcome) == ("closed", "resolved_after_follow_up")
    assert (case.fault, case.department, case.root_cause) == ("colleague", "delivery", "delivery")
    assert case.client_wants in ("замену до пятницы", "a replacement by Friday")
    assert [e.kind for e in events].count("idea") == 1
    assert transitions(events)[-1] == ("closing", "closed", "close")


def test_the_console_command_walks_a_case_to_closed_through_piped_stdin(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'demo' / 'coach.db'}"
    # listen: 🌡5, a note, "client hung up"; follow-up: "no call-back needed", "client declined";
    # closing: cause "service", department "support", close; wellbeing 4.
    typed = "5\nКлиент кричит и грозит судом\n9\n5\n2\n4\n4\n2\n4\n"
    finished = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--database-url", database_url],
        input=typed,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert t("ru", "call.console.done", case_id=1) in finished.stdout
    assert t("ru", "call.view.legal") in finished.stdout


async def test_the_piped_session_left_a_hung_up_case_on_record(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    out = io.StringIO()
    lines = iter(["5", "Клиент кричит и грозит судом", "9", "5", "2", "4", "4", "2", "4"])
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    code = await coach(
        settings, database_url, Language.RU, CaseMode.LIVE, lambda: next(lines, None), out
    )
    assert code == 0
    [(case, events)] = await cases_in(database_url)
    assert (case.stage, case.outcome, case.legal_threat) == ("closed", "hung_up", True)
    assert (case.root_cause, case.department) == ("service", "support")
    assert [trigger for _, _, trigger in transitions(events)] == [
        "hung_up",
        "no_follow_up",
        "close",
    ]


async def test_end_of_input_leaves_the_case_open_at_its_stage(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    out = io.StringIO()
    lines = iter(["6", "", "99"])
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (
        await coach(
            settings, database_url, Language.EN, CaseMode.LIVE, lambda: next(lines, None), out
        )
        == 0
    )
    assert t("en", "call.console.bad_choice") in out.getvalue()
    [(case, _)] = await cases_in(database_url)
    assert case.stage == "clarify"


def test_the_call_coach_works_after_practising_in_the_same_terminal(tmp_path: Path) -> None:
    """`make practice` then `make demo` on one database: one terminal user who may do both."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"

    def run(command: str, typed: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", command, "--database-url", database_url],
            input=typed,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        )

    practised = run("practice", "1\nЗдравствуйте, я вас слушаю.\n")
    assert practised.returncode == 0, practised.stderr
    coached = run("console", "5\nКлиент кричит и грозит судом\n9\n5\n2\n4\n4\n2\n4\n")
    assert coached.returncode == 0, coached.stderr
    assert t("ru", "call.console.done", case_id=1) in coached.stdout
