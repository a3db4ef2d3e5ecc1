"""Turning a reply into words that rules can match: Russian lemmas, English stems.

Russian is tokenised with razdel and each word is replaced by the normal forms of *all* its
pymorphy3 parses (the first parse is not always the right one: "вина" parses first as "вино"), so a
pattern lemma matches any reading of the word. English is split on letters and apostrophes,
contractions are opened ("can't" → "can not") and each word is reduced to its Snowball stem.
Lemmas and stems are cached per word, and the analyser is created once per process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import razdel
import snowballstemmer

from dialogs.i18n import Language

if TYPE_CHECKING:
    import pymorphy3

NEGATIONS = {Language.RU: frozenset({"не", "ни"}), Language.EN: frozenset({"not", "never", "no"})}
_SENTENCE_END = frozenset({".", "!", "?", "…", "?!", "!?", "...", "?.."})
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)?")
_ENGLISH_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)*|\d+(?:[.,:]\d+)?|[.!?…]+|[^\sa-z\d]")
_CONTRACTIONS = {
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "i'm": ("i", "am"),
    "let's": ("let", "us"),
}
_SUFFIXES = (
    ("n't", "not"),
    ("'re", "are"),
    ("'ll", "will"),
    ("'ve", "have"),
    ("'d", "would"),
    ("'s", ""),  # "it's", "company's": the bare word is what matters
)
_BRITISH = re.compile(r"is(e|es|ed|ing|ation|ations)$")  # apologise → apologize, one stem for both


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a reply: where it is, as written, its possible normal forms, its sentence."""

    start: int
    end: int
    text: str
    forms: frozenset[str]
    sentence: int
    is_number: bool = False


@dataclass(frozen=True, slots=True)
class Analysed:
    """A reply split into words, with which sentences end in a question mark."""

    text: str
    tokens: tuple[Token, ...]
    questions: frozenset[int]


@functools.cache
def _morph() -> pymorphy3.MorphAnalyzer:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@functools.cache
def _english_stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def russian_lemmas(word: str) -> frozenset[str]:
    """The normal form of every pymorphy3 parse of `word` (lower-cased, ё read as е)."""
    word = word.lower().replace("ё", "е")
    return frozenset(parse.normal_form.replace("ё", "е") for parse in _morph().parse(word))


@functools.lru_cache(maxsize=65536)
def russian_forms(word: str) -> frozenset[str]:
    """What a Russian word of a reply matches: its lemmas and the word itself as written."""
    word = word.lower().replace("ё", "е")
    return russian_lemmas(word) | {word}


@functools.lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    """The Snowball stem of `word`, British and American spellings made one."""
    word = _BRITISH.sub(r"iz\1", word.lower())
    return str(_english_stemmer().stemWord(word))


def normal_forms(language: Language, word: str) -> frozenset[str]:
    """What a single word of a pattern or a reply is matched as."""
    if language is Language.RU:
        return russian_forms(word)
    return frozenset({english_stem(word), word.lower()})


def _words_en(text: str) -> list[tuple[int, int, str]]:
    pieces: list[tuple[int, int, str]] = []
    for match in _ENGLISH_TOKEN.finditer(text.lower().replace("’", "'")):
        word, start, end = match.group(), match.start(), match.end()
        if word in _CONTRACTIONS:
            for part in _CONTRACTIONS[word]:
                pieces.append((start, end, part))
            continue
        for suffix, expansion in _SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix):
                pieces.append((start, end, word[: -len(suffix)]))
                if expansion:
                    pieces.append((start, end, expansion))
                break
        else:
            pieces.append((start, end, word))
    return pieces


def _words_ru(text: str) -> list[tuple[int, int, str]]:
    return [(token.start, token.stop, token.text) for token in razdel.tokenize(text)]


def analyse(language: Language, text: str) -> Analysed:
    """Split `text` into tokens with normal forms; punctuation only marks sentence ends."""
    pieces = _words_ru(text) if language is Language.RU else _words_en(text)
    tokens: list[Token] = []
    questions: set[int] = set()
    sentence = 0
    for start, end, word in pieces:
        if word in _SENTENCE_END or (word and all(char in ".!?…" for char in word)):
            if "?" in word:
                questions.add(sentence)
            sentence += 1
            continue
        if _NUMBER.fullmatch(word):
            tokens.append(Token(start, end, text[start:end], frozenset(), sentence, True))
            continue
        if not any(char.isalpha() for char in word):
            continue
        forms = russian_forms(word) if language is Language.RU else frozenset({english_stem(word)})
        tokens.append(Token(start, end, text[start:end], forms, sentence))
    return Analysed(text, tuple(tokens), frozenset(questions))
