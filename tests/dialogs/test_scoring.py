"""The reply scorer: every rubric rule fires on a reply that does it and stays quiet otherwise."""

from __future__ import annotations

import pytest

from dialogs.case_terms import Stage
from dialogs.i18n import Language, has
from dialogs.scoring import SCORED_STAGES, Verdict, rubric, score_reply
from dialogs.scoring.patterns import compile_pattern, is_russian_lemma, lemma_words

RU, EN = Language.RU, Language.EN

# rule, language, stage scored at, a reply that does it (and the words expected as evidence),
# a reply that does not.
EARNING = [
    ("empathy", RU, "listen", "Понимаю, как вам неприятно это слышать.", "Понимаю",
     "Я не понимаю, чего вы от меня хотите."),
    ("empathy", EN, "listen", "I can imagine how frustrating this must be.", "imagine",
     "I don't understand what you want from me."),
    ("let_finish", RU, "listen", "Я вас внимательно слушаю, продолжайте.",
     "Я вас внимательно слушаю", "Подождите, сейчас я вам всё объясню."),
    ("let_finish", EN, "listen", "Please go on, I'm listening.", "go on",
     "Hold on, let me explain how this works."),
    ("thanks", RU, "listen", "Благодарю, что сообщили нам об этом.", "Благодарю",
     "Сообщили и сообщили, разберёмся."),
    ("thanks", EN, "listen", "Thank you for letting us know.", "Thank",
     "Noted, we'll look at it."),
    ("open_question", RU, "clarify", "Когда именно пришёл заказ?", "Когда",
     "Заказ пришёл вчера, это я вижу."),
    ("open_question", EN, "clarify", "What exactly happened with the order?", "What",
     "Did the order arrive yesterday?"),
    ("paraphrase", RU, "clarify", "Если я правильно понял, курьер опоздал на два часа?",
     "правильно понял", "Курьер опоздал на два часа."),
    ("paraphrase", EN, "clarify", "So what you're saying is the courier was two hours late?",
     "So what you're saying", "The courier was two hours late."),
    ("acknowledge", RU, "own_error", "Это целиком наша ошибка.", "наша ошибка",
     "Это ошибка системы, так бывает."),
    ("acknowledge", EN, "own_error", "That was our mistake, plain and simple.", "our mistake",
     "Mistakes happen sometimes."),
    ("apology", RU, "own_error", "Приношу вам свои извинения.", "извинения",
     "Ну, бывает, что поделаешь."),
    ("apology", EN, "own_error", "I apologise for the mix-up.", "apologise",
     "Mix-ups happen."),
    ("ownership", RU, "own_error", "Я лично возьму это под контроль.", "Я лично",
     "Кто-нибудь этим займётся."),
    ("ownership", EN, "own_error", "I will personally make sure it gets fixed.",
     "I will personally", "It will probably get looked at."),
    ("concrete_solution", RU, "propose", "Мы заменим товар на новый.", "заменим",
     "Мы что-нибудь придумаем."),
    ("concrete_solution", EN, "propose", "We will send you a replacement.", "send",
     "We'll think of something."),
    ("time_bound", RU, "propose", "Курьер привезёт его завтра до обеда.", "завтра",
     "Курьер привезёт его как-нибудь потом."),
    ("time_bound", EN, "propose", "You will have it by Friday.", "by Friday",
     "You will have it at some point."),
    ("check_agreement", RU, "propose", "Вас устроит такой вариант?", "устроит",
     "Другого варианта не будет."),
    ("check_agreement", EN, "propose", "Would that work for you?", "work",
     "That is the only option we have."),
    ("plain_explanation", RU, "explain",
     "Так вышло, потому что в заявке был указан другой артикул.", "потому что",
     "В заявке был указан другой артикул."),
    ("plain_explanation", EN, "explain",
     "This happened because the order had a different part number.", "happened",
     "The order had a different part number."),
    ("follow_up_promise", RU, "follow_up", "Я перезвоню вам, как только всё выясню.",
     "перезвоню", "Как только всё выясню, будет понятно."),
    ("follow_up_promise", EN, "follow_up", "I'll call you back as soon as I know more.",
     "call you back", "As soon as I know more, things will be clearer."),
]  # fmt: skip

# rule, language, a reply that does it (and the evidence), a reply that does not.
LOSING = [
    ("rudeness", RU, "Вы что, совсем не понимаете, что я говорю?", "Вы что, совсем не понимаете",
     "Давайте я объясню ещё раз, другими словами."),
    ("rudeness", EN, "Stop shouting at me.", "Stop shouting",
     "I can hear that you're upset."),
    ("swearing", RU, "Да блин, опять этот заказ.", "блин",
     "Да, опять этот заказ, сейчас посмотрю."),
    ("swearing", EN, "Oh damn, not this order again.", "damn",
     "Oh, this order again, let me look."),
    ("blame_shifting", RU, "Это не мой отдел, звоните продавцу.", "не мой отдел",
     "Я сам обращусь к продавцу и всё выясню."),
    ("blame_shifting", EN, "That's not my department, talk to sales.", "not my department",
     "I'll speak to our sales team myself."),
    ("dismissal", RU, "Успокойтесь, пожалуйста, такие у нас правила.", "Успокойтесь",
     "Я понимаю, давайте посмотрим, что можно сделать."),
    ("dismissal", EN, "Calm down, it's our policy.", "Calm down",
     "I see, let's look at what we can do."),
    ("non_apology", RU, "Извините, если вас это задело.", "Извините, если",
     "Извините, что так вышло с заказом."),
    ("non_apology", EN, "I'm sorry if you feel that way.", "sorry if",
     "I'm sorry this happened with your order."),
    ("upselling", RU, "Кстати, у нас есть премиум-подписка со скидкой.", "Кстати, у нас есть",
     "Кстати, я уже оформил вам возврат."),
    ("upselling", EN, "By the way, you could upgrade to our premium plan.", "upgrade",
     "By the way, I've already arranged your refund."),
    ("arguing", RU, "Вы ошибаетесь, всё было не так.", "Вы ошибаетесь",
     "Давайте вместе проверим, как всё было."),
    ("arguing", EN, "With all due respect, you're wrong.", "With all due respect",
     "Let's check together what happened."),
    ("blame_client", RU, "Вы сами виноваты, надо было читать договор.", "Вы сами виноваты",
     "Давайте вместе посмотрим договор."),
    ("blame_client", EN, "You should have read the contract.", "You should have",
     "Let's look at the contract together."),
]  # fmt: skip


def _ids(cases: list[tuple[object, ...]]) -> list[str]:
    return [f"{case[0]}-{case[1]}" for case in cases]


@pytest.mark.parametrize(("rule", "language", "stage", "reply", "evidence", "other"), EARNING,
                         ids=_ids(EARNING))  # fmt: skip
def test_an_earning_rule_fires_with_the_words_that_earned_it(
    rule: str, language: Language, stage: str, reply: str, evidence: str, other: str
) -> None:
    result = score_reply(stage, language, reply)
    hits = {hit.rule: hit.evidence for hit in result.hits}
    assert hits.get(rule) == evidence
    assert rule not in {miss.rule for miss in result.misses}


@pytest.mark.parametrize(("rule", "language", "stage", "reply", "evidence", "other"), EARNING,
                         ids=_ids(EARNING))  # fmt: skip
def test_an_earning_rule_stays_quiet_when_the_reply_does_not_do_it(
    rule: str, language: Language, stage: str, reply: str, evidence: str, other: str
) -> None:
    result = score_reply(stage, language, other)
    assert rule not in {hit.rule for hit in result.hits}
    assert rule in {miss.rule for miss in result.misses}


@pytest.mark.parametrize(("rule", "language", "reply", "evidence", "other"), LOSING,
                         ids=_ids(LOSING))  # fmt: skip
def test_a_losing_rule_flags_the_words_at_every_stage(
    rule: str, language: Language, reply: str, evidence: str, other: str
) -> None:
    for stage in SCORED_STAGES:
        result = score_reply(stage, language, reply)
        assert {flag.rule: flag.evidence for flag in result.flags}.get(rule) == evidence


@pytest.mark.parametrize(("rule", "language", "reply", "evidence", "other"), LOSING,
                         ids=_ids(LOSING))  # fmt: skip
def test_a_losing_rule_leaves_a_decent_reply_alone(
    rule: str, language: Language, reply: str, evidence: str, other: str
) -> None:
    result = score_reply(Stage.LISTEN, language, other)
    assert rule not in {flag.rule for flag in result.flags}


def test_every_rule_is_exercised_by_the_tables_above_in_both_languages() -> None:
    covered = {(rule, language) for rule, language, *_ in EARNING + LOSING}
    assert covered == {(rule, language) for rule in rubric().rules for language in Language}


@pytest.mark.parametrize(
    "reply", ["Приношу извинения за задержку.", "Извиняюсь, это недоразумение.", "Извините нас."]
)
def test_russian_apologies_are_recognised_in_any_form(reply: str) -> None:
    result = score_reply(Stage.OWN_ERROR, RU, reply)
    assert "apology" in {hit.rule for hit in result.hits}


@pytest.mark.parametrize(
    "reply",
    ["Да, мы ошиблись с адресом.", "Это ошибка с нашей стороны.", "Это наша вина, признаю."],
)
def test_russian_acknowledgments_are_recognised_in_any_form(reply: str) -> None:
    # "вина" is parsed first as a form of "вино": every parse counts, not only the first.
    result = score_reply(Stage.OWN_ERROR, RU, reply)
    assert "acknowledge" in {hit.rule for hit in result.hits}


def test_a_non_apology_earns_no_apology_points() -> None:
    result = score_reply(Stage.APOLOGISE, EN, "I'm sorry if you feel that way.")
    assert "apology" not in {hit.rule for hit in result.hits}
    assert [flag.rule for flag in result.flags] == ["non_apology"]


def test_a_real_apology_elsewhere_in_the_reply_still_counts_beside_a_non_apology() -> None:
    result = score_reply(
        Stage.APOLOGISE, EN, "Sorry if you feel that way. I apologise for the delay."
    )
    assert {hit.rule: hit.evidence for hit in result.hits}["apology"] == "apologise"


def test_a_paraphrase_is_not_counted_as_empathy_too() -> None:
    result = score_reply(Stage.CLARIFY, RU, "Правильно ли я понимаю, что заказ не пришёл?")
    assert "empathy" not in {hit.rule for hit in result.hits}


def test_a_full_reply_scores_good_and_names_every_point() -> None:
    result = score_reply(
        Stage.PROPOSE, RU, "Заменим товар завтра до 18:00 за наш счёт. Вас устроит?"
    )
    assert result.score == 100
    assert result.verdict is Verdict.GOOD
    assert [(hit.rule, hit.evidence) for hit in result.hits] == [
        ("concrete_solution", "Заменим"),
        ("time_bound", "завтра"),
        ("check_agreement", "устроит"),
    ]
    assert result.tips == ()


def test_a_polite_reply_with_swearing_is_bad_whatever_its_points() -> None:
    result = score_reply(Stage.LISTEN, RU, "Понимаю, спасибо, я вас слушаю, блин, продолжайте.")
    assert result.score == 50
    assert result.verdict is Verdict.BAD
    assert result.tips[0] == "Никакой брани: клиент запомнит только её."


def test_a_half_done_stage_needs_work_and_tips_name_what_was_missed() -> None:
    result = score_reply(Stage.OWN_ERROR, EN, "This was our mistake.")
    assert result.verdict is Verdict.NEEDS_WORK
    assert result.score == 45
    assert result.tips[0] == "Apologise for real: “I apologise.”"


def test_an_empty_reply_scores_zero() -> None:
    result = score_reply(Stage.LISTEN, EN, "")
    assert (result.score, result.verdict, result.hits) == (0, Verdict.BAD, ())


def test_the_result_has_exactly_the_contract_keys() -> None:
    data = score_reply(Stage.FOLLOW_UP, EN, "I'll call you back tomorrow at 10.").to_dict()
    assert list(data) == ["stage", "lang", "score", "verdict", "hits", "misses", "flags", "tips"]
    assert data["hits"][0] == {"rule": "follow_up_promise", "evidence": "call you back"}


def test_a_stage_that_is_not_scored_is_refused() -> None:
    with pytest.raises(ValueError, match="not scored"):
        score_reply(Stage.CLOSED, EN, "Bye")


def test_every_russian_pattern_word_is_a_dictionary_form() -> None:
    """Patterns hold lemmas: a word in another form would never match an inflected reply."""
    wrong = {
        (rule.name, word)
        for rule in rubric().rules.values()
        for pattern in rule.patterns[RU]
        for word in lemma_words(pattern)
        if not is_russian_lemma(word)
    }
    assert wrong == set()


def test_every_rule_has_a_name_and_a_tip_in_both_languages() -> None:
    missing = [
        (language.value, f"practice.{kind}.{rule}")
        for rule in rubric().rules
        for language in Language
        for kind in ("rule", "tip")
        if not has(language, f"practice.{kind}.{rule}")
    ]
    assert missing == []


def test_a_pattern_cannot_start_with_a_gap() -> None:
    with pytest.raises(ValueError, match="must start"):
        compile_pattern(EN, "~ sorry")


def test_english_spellings_share_a_stem() -> None:
    for reply in ("We apologise.", "We apologize.", "Our apologies."):
        result = score_reply(Stage.OWN_ERROR, EN, reply)
        assert "apology" in {hit.rule for hit in result.hits}, reply
