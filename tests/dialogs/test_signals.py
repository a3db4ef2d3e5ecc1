"""Signals in notes: legal threats in inflected Russian and in English; client identity keys."""

from __future__ import annotations

import pytest

from dialogs.signals import email_key, mentions_legal_threat, parse_identity, phone_key


@pytest.mark.parametrize(
    "note",
    [
        "Я вас засужу!",
        "засудим всю вашу контору",
        "Подам в суд, так и знайте",
        "дойду до суда",
        "разберёмся в суде",
        "пойду судиться",
        "Пожалуюсь в Роспотребнадзор",
        "напишу в роспотребнадзор и прокуратуру",
        "мой юрист вам позвонит",
        "передам юристам",
        "общество защиты прав потребителей узнает",
        "подаю иск",
        "My lawyer will call you",
        "I will sue you",
        "we are suing the company",
        "See you in court.",
        "I'm reporting this to the regulator",
        "we'll take legal action",
    ],
)
def test_a_threat_of_court_lawyers_or_regulators_is_noticed(note: str) -> None:
    assert mentions_legal_threat(note)


@pytest.mark.parametrize(
    "note",
    [
        "Я буду жаловаться вашему начальству",
        "Курьер опоздал на три часа",
        "заказал суши, привезли не то",
        "Thank you for your courtesy",
        "the courier was late again",
        "",
    ],
)
def test_an_ordinary_complaint_is_not_a_legal_threat(note: str) -> None:
    assert not mentions_legal_threat(note)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("8 (999) 123-45-67", "79991234567"),
        ("+7 999 123 45 67", "79991234567"),
        ("999-123-45-67", "79991234567"),
        ("+44 20 7946 0958", "442079460958"),
        ("12-34", None),
    ],
)
def test_phones_written_differently_get_one_key(typed: str, key: str | None) -> None:
    assert phone_key(typed) == key


def test_emails_are_matched_regardless_of_case() -> None:
    assert email_key("  Ivan.Petrov@Mail.RU ") == "ivan.petrov@mail.ru"
    assert email_key("not an e-mail") is None


def test_one_line_about_the_client_yields_every_key() -> None:
    identity = parse_identity("Иван Петров, ООО «Ромашка», 8 999 123-45-67, Ivan@Mail.ru")
    assert identity.display_name == "Иван Петров"
    assert identity.phone_key == "79991234567"
    assert identity.email_key == "ivan@mail.ru"
    assert identity.name_key == parse_identity("иван  петров; ооо ромашка").name_key


def test_a_name_alone_is_not_enough_to_recognise_anyone() -> None:
    identity = parse_identity("Иван")
    assert identity.name_key is None
    assert not identity.is_empty
