"""All settings of the bot, read once at start-up from the environment or a `.env` file.

Created in `main()` and passed down, never at import time, so tests and two processes on one machine
can each have their own.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL

TELEGRAM_API_DEFAULT = "https://api.telegram.org/bot"


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every setting of PRODUCT.md §6, plus the few knobs the reliability promises need."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    telegram_bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_base_url: str = TELEGRAM_API_DEFAULT
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8443"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: Literal["ru", "en"] = "ru"
    timezone: str = "Europe/Moscow"
    team_chat_id: int | None = None
    departments: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["sales", "delivery", "billing", "support", "production", "other"]
    )
    handoff_ack_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    notes_retention_days: int = Field(default=0, ge=0)
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 90)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("admin_ids", "departments", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"\d+:[A-Za-z0-9_-]{20,}", value.get_secret_value()
        ):
            raise ValueError("expected the form 123456:ABC... given by @BotFather")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_known(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("telegram_api_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^\s/]+", value):
            raise ValueError("expected an http(s):// address")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("expected host:port, e.g. 0.0.0.0:8443")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone name such as Europe/Moscow") from None
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - in the secret header.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters: letters, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def handoff_ack(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.handoff_ack_minutes)

    @property
    def invite_ttl(self) -> dt.timedelta:
        return dt.timedelta(hours=self.invite_ttl_hours)

    @property
    def listen_host_port(self) -> tuple[str, int]:
        host, _, port = self.webhook_listen.rpartition(":")
        return host, int(port)


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad setting as the user would type it in `.env`."""
    first = error.errors()[0]
    location = [str(part) for part in first.get("loc", ()) if isinstance(part, str)]
    name = location[0].upper() if location else _setting_named_in(first.get("msg", ""))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"Setting {name} is invalid: {message}" if name else f"Settings are invalid: {message}"


def _setting_named_in(message: str) -> str:
    match = re.search(r"\b([A-Z][A-Z_]{2,})\b", message)
    return match.group(1) if match else ""


def load_settings() -> Settings:
    """Read the settings, raising SettingsError with one clear line when one is wrong."""
    env_file = os.environ.get("COMPLAINT_COACH_ENV_FILE", ".env")
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as error:
        raise SettingsError(describe_error(error)) from None


def require_token(settings: Settings) -> str:
    """The bot token, or SettingsError: only commands that talk to Telegram need it."""
    if settings.telegram_bot_token is None:
        raise SettingsError(
            "Setting TELEGRAM_BOT_TOKEN is missing: get one from @BotFather and put it in .env"
        )
    return settings.telegram_bot_token.get_secret_value()
