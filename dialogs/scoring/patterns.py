"""Word patterns over lemmas and stems, compiled once and matched against an analysed reply.

The notation is described at the top of `rubrics.yaml`. Patterns are indexed by the normal forms
their first word may take, so a reply is scanned once and only the patterns that can start at a
word are tried there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from dialogs.i18n import Language
from dialogs.scoring.text import NEGATIONS, Analysed, Token, english_stem, russian_lemmas

GAP_WORDS = 3


class Wildcard(Enum):
    ANY = "*"
    GAP = "~"
    NUMBER = "#"


Element = frozenset[str] | Wildcard


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled pattern: what it was written as, its elements, whether it needs a question."""

    source: str
    elements: tuple[Element, ...]
    question_only: bool
    exact_words: frozenset[str] = frozenset()
    sentence_start: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    """Where a rule's pattern matched: token indices (inclusive) and the words as written."""

    rule: str
    first: int
    last: int
    evidence: str
    sentence: int


def _word(language: Language, word: str) -> str:
    if word.startswith("="):  # exactly as written: "=мне" must not widen to every form of "я"
        return word[1:].lower().replace("ё", "е")
    word = word.lower().replace("ё", "е")
    return english_stem(word) if language is Language.EN else word


def compile_pattern(language: Language, source: str) -> Pattern:
    """Compile one pattern; raises ValueError on a pattern that could never be matched."""
    words = source.split()
    question_only = bool(words) and words[0] == "?"
    if question_only:
        words = words[1:]
    sentence_start = bool(words) and words[0] == "^"
    if sentence_start:
        words = words[1:]
    elements: list[Element] = []
    for word in words:
        if word in {w.value for w in Wildcard}:
            elements.append(Wildcard(word))
        else:
            elements.append(frozenset(_word(language, part) for part in word.split("|") if part))
    if not elements or elements[0] in (Wildcard.ANY, Wildcard.GAP):
        raise ValueError(f"pattern {source!r} must start with a word or #")
    if elements[-1] is Wildcard.GAP:
        raise ValueError(f"pattern {source!r} must not end with ~")
    exact = frozenset(
        part[1:].lower().replace("ё", "е")
        for word in words
        for part in word.split("|")
        if part.startswith("=")
    )
    return Pattern(source, tuple(elements), question_only, exact, sentence_start)


def lemma_words(pattern: Pattern) -> set[str]:
    """The words of a pattern that stand for all their forms (those not marked `=`)."""
    words = {w for element in pattern.elements if isinstance(element, frozenset) for w in element}
    return words - pattern.exact_words


def is_russian_lemma(word: str) -> bool:
    """Whether `word` is one of its own dictionary forms, so that inflected replies match it."""
    return word in russian_lemmas(word)


def _starts_sentence(tokens: Sequence[Token], index: int) -> bool:
    return index == 0 or tokens[index - 1].sentence != tokens[index].sentence


class Matcher:
    """Every rule's patterns for one language, indexed by their first word."""

    def __init__(self, language: Language, rules: Mapping[str, Sequence[Pattern]]) -> None:
        self.language = language
        self._negations = NEGATIONS[language]
        self._by_word: dict[str, list[tuple[str, Pattern]]] = defaultdict(list)
        self._by_number: list[tuple[str, Pattern]] = []
        for rule, patterns in rules.items():
            for pattern in patterns:
                first = pattern.elements[0]
                if first is Wildcard.NUMBER:
                    self._by_number.append((rule, pattern))
                elif isinstance(first, frozenset):
                    for word in first:
                        self._by_word[word].append((rule, pattern))

    def find(self, analysed: Analysed, *, negatable: Iterable[str] = ()) -> list[Found]:
        """Every match in reply order; rules in `negatable` are ignored right after a negation."""
        negatable_rules = frozenset(negatable)
        tokens = analysed.tokens
        found: list[Found] = []
        for index, token in enumerate(tokens):
            candidates: list[tuple[str, Pattern]] = []
            if token.is_number:
                candidates.extend(self._by_number)
            for form in token.forms:
                candidates.extend(self._by_word.get(form, ()))
            for rule, pattern in candidates:
                if pattern.question_only and token.sentence not in analysed.questions:
                    continue
                if pattern.sentence_start and not _starts_sentence(tokens, index):
                    continue
                last = self._match(analysed, pattern.elements, 1, index + 1)
                if last is None:
                    continue
                if rule in negatable_rules and index > 0:
                    previous = tokens[index - 1]
                    if previous.sentence == token.sentence and previous.forms & self._negations:
                        continue
                evidence = analysed.text[token.start : tokens[last].end]
                found.append(Found(rule, index, last, evidence, token.sentence))
        return found

    def _match(
        self, analysed: Analysed, elements: tuple[Element, ...], position: int, at: int
    ) -> int | None:
        """The index of the last token matched, or None; patterns stay within one sentence."""
        tokens = analysed.tokens
        if position == len(elements):
            return at - 1
        element = elements[position]
        sentence = tokens[at - 1].sentence
        if element is Wildcard.GAP:
            for skip in range(GAP_WORDS + 1):
                next_at = at + skip
                if next_at > len(tokens) or (skip and tokens[next_at - 1].sentence != sentence):
                    break
                matched = self._match(analysed, elements, position + 1, next_at)
                if matched is not None:
                    return matched
            return None
        if at >= len(tokens) or tokens[at].sentence != sentence:
            return None
        token = tokens[at]
        if element is Wildcard.ANY:
            ok = True
        elif element is Wildcard.NUMBER:
            ok = token.is_number
        else:
            assert isinstance(element, frozenset)
            ok = not token.is_number and not element.isdisjoint(token.forms)
        return self._match(analysed, elements, position + 1, at + 1) if ok else None
