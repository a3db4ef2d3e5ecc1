"""Signals the coach acts on in what the employee types: legal threats and who the client is.

A legal or regulator threat ("засужу", "в суд", "Роспотребнадзор", "lawyer", "sue"…) flags the
case and alerts the supervisors. Russian is matched on lemmas (pymorphy3, every parse of a word,
since its first guess is not always the right part of speech), English on Snowball stems. The
morphological analyser is expensive to build, so it is built once per process, on first use.

A client is recognised again by a normalised phone, e-mail or name-and-company key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import pymorphy3
import snowballstemmer

_WORD = re.compile(r"[^\W\d_]+")

# Lemmas of Russian words that mean a court, a lawyer or a regulator is being brought in.
LEGAL_LEMMAS_RU = frozenset(
    {
        "суд",
        "засудить",
        "отсудить",
        "судиться",
        "судебный",
        "досудебный",
        "иск",
        "исковой",
        "юрист",
        "адвокат",
        "прокуратура",
        "прокурор",
        "роспотребнадзор",
        "полиция",
        "омбудсмен",
    }
)
# Consecutive lemmas that mean the same only together.
LEGAL_PHRASES_RU = (("защита", "право", "потребитель"),)
# English: stems, and the surface forms of "sue" (its stem "su" would match too much).
LEGAL_STEMS_EN = frozenset(
    {"lawyer", "attorney", "solicitor", "court", "lawsuit", "litig", "ombudsman", "regul"}
)
LEGAL_WORDS_EN = frozenset({"sue", "sues", "sued", "suing", "regulator", "regulators"})
LEGAL_PHRASES_EN = (("legal", "action"), ("trade", "standard"), ("small", "claim"))


@functools.cache
def _morph() -> Any:
    return pymorphy3.MorphAnalyzer()


@functools.cache
def _english_stemmer() -> Any:
    return snowballstemmer.stemmer("english")


def _words(text: str) -> list[str]:
    return [word.lower().replace("ё", "е") for word in _WORD.findall(text)]


@functools.lru_cache(maxsize=20000)
def _lemmas(word: str) -> frozenset[str]:
    return frozenset(str(parse.normal_form).replace("ё", "е") for parse in _morph().parse(word))


def _has_phrase(units: list[frozenset[str]], phrase: tuple[str, ...]) -> bool:
    return any(
        all(part in units[start + offset] for offset, part in enumerate(phrase))
        for start in range(len(units) - len(phrase) + 1)
    )


def mentions_legal_threat(text: str) -> bool:
    """True when `text` mentions suing, a court, a lawyer or a regulator, in Russian or English."""
    words = _words(text)
    if not words:
        return False
    russian = [_lemmas(word) if re.search("[а-я]", word) else frozenset() for word in words]
    if any(lemmas & LEGAL_LEMMAS_RU for lemmas in russian):
        return True
    if any(_has_phrase(russian, phrase) for phrase in LEGAL_PHRASES_RU):
        return True
    stems = [
        frozenset({word, str(_english_stemmer().stemWord(word))})
        if not re.search("[а-я]", word)
        else frozenset()
        for word in words
    ]
    if any(units & (LEGAL_STEMS_EN | LEGAL_WORDS_EN) for units in stems):
        return True
    return any(_has_phrase(stems, phrase) for phrase in LEGAL_PHRASES_EN)


# --- Client identity ---------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s()\-.]{5,}\d")
MIN_PHONE_DIGITS = 7


@dataclass(frozen=True, slots=True)
class ClientIdentity:
    """What the employee typed about the client, with the keys used to recognise them later."""

    display_name: str | None
    company: str | None
    phone_key: str | None
    email_key: str | None
    name_key: str | None

    @property
    def is_empty(self) -> bool:
        return not (self.phone_key or self.email_key or self.name_key or self.display_name)


def phone_key(phone: str) -> str | None:
    """Digits only; a Russian number written with a leading 8 (or without the 7) becomes 7…."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits.startswith("9"):
        digits = "7" + digits
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def email_key(email: str) -> str | None:
    email = email.strip().lower()
    return email if _EMAIL.fullmatch(email) else None


def _plain(text: str) -> str:
    return " ".join(_words(text))


def name_key(name: str | None, company: str | None) -> str | None:
    """Name and company together (a name alone is too common to recognise anyone by)."""
    if not name or not company or not _plain(name) or not _plain(company):
        return None
    return f"{_plain(name)}|{_plain(company)}"


def parse_identity(text: str) -> ClientIdentity:
    """Pick a phone, an e-mail, and "name, company" out of one free-text line."""
    email_match = _EMAIL.search(text)
    rest = _EMAIL.sub(" ", text)
    phone_match = _PHONE.search(rest)
    rest = _PHONE.sub(" ", rest)
    parts = [part.strip(" ;:-") for part in re.split(r"[,;\n]", rest)]
    parts = [part for part in parts if _plain(part)]
    display_name = parts[0] if parts else None
    company = parts[1] if len(parts) > 1 else None
    return ClientIdentity(
        display_name=display_name,
        company=company,
        phone_key=phone_key(phone_match.group()) if phone_match else None,
        email_key=email_key(email_match.group()) if email_match else None,
        name_key=name_key(display_name, company),
    )
