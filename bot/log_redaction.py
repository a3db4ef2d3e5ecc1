"""Logging that cannot leak: the bot token, invite codes and clients' contact details are masked.

Libraries log request URLs (which contain the token) and exceptions may quote user text, so the
mask is applied to every record, whoever logged it, rather than trusting each call site.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A date and time ("2026-11-25 08:14") looks like a phone number to the pattern; it is not one.
_PHONE = re.compile(r"(?<![\w/])(?!\d{4}-\d\d-\d\d\b)\+?\d[\d\s().-]{8,}\d(?!\w)")
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b")
_DEEP_LINK = re.compile(r"(start=|/start\s+)[A-Za-z0-9_-]+")

REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret, token, deep-link code, e-mail and phone number masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    text = _DEEP_LINK.sub(lambda match: match.group(1) + REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message (and traceback) with `redact`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(formatted, self._secrets)
            record.exc_info = None
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr through the redacting filter; keep chatty HTTP libraries at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
