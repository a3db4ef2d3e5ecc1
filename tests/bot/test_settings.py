"""Settings: every documented setting is read; a wrong one stops start-up with one clear line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_need_nothing_set() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///./data/")
    assert settings.default_language == "ru"
    assert settings.telegram_bot_token is None
    assert settings.admin_ids == []


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "111, 222")
    monkeypatch.setenv("DEPARTMENTS", "Склад, Бухгалтерия")
    monkeypatch.setenv("TEAM_CHAT_ID", "-100123")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "A" * 35)
    settings = load_settings()
    assert settings.admin_ids == [111, 222]
    assert settings.departments == ["Склад", "Бухгалтерия"]
    assert settings.team_chat_id == -100123
    assert "AAAA" not in repr(settings)


def test_values_come_from_an_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_LANGUAGE=en\nTIMEZONE=Europe/London\n", encoding="utf-8")
    monkeypatch.setenv("COMPLAINT_COACH_ENV_FILE", str(env_file))
    settings = load_settings()
    assert (settings.default_language, settings.timezone) == ("en", "Europe/London")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("DEFAULT_LANGUAGE", "de"),
        ("TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("WEBHOOK_LISTEN", "8443"),
        ("TEAM_CHAT_ID", "general"),
        ("HANDOFF_ACK_MINUTES", "0"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
    ],
)
def test_a_malformed_setting_exits_2_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert name in err
    if name == "TELEGRAM_BOT_TOKEN":
        assert value not in err


def test_webhook_without_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.com/hook")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings()


def test_run_without_token_names_the_missing_setting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_every_setting_is_documented_in_env_example_and_readme() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for field in Settings.model_fields:
        assert field.upper() in documented, field
        assert f"`{field.upper()}`" in readme, field
