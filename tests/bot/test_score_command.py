"""`complaint-coach score`: one JSON object with the contract's keys on stdout."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main

CONTRACT_KEYS = ["stage", "lang", "score", "verdict", "hits", "misses", "flags", "tips"]


def test_a_reply_is_scored_as_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["score", "--stage", "own_error", "--lang", "ru", "Это наша ошибка, приношу извинения."]
    )
    output = capsys.readouterr().out
    assert code == 0
    assert output.count("\n") == 1
    result = json.loads(output)
    assert list(result) == CONTRACT_KEYS
    assert (result["stage"], result["lang"], result["verdict"]) == ("own_error", "ru", "good")
    assert result["score"] == 80
    assert result["hits"] == [
        {"rule": "acknowledge", "evidence": "наша ошибка"},
        {"rule": "apology", "evidence": "извинения"},
    ]
    assert result["misses"] == [{"rule": "ownership", "points": 20}]


def test_flags_and_tips_come_in_the_reply_language(capsys: pytest.CaptureFixture[str]) -> None:
    main(["score", "--stage", "listen", "--lang", "en", "Calm down, it's our policy."])
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "bad"
    assert result["flags"] == [{"rule": "dismissal", "evidence": "Calm down"}]
    assert result["tips"][0].startswith("Don't brush it off")


def test_the_reply_can_come_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I'll call you back tomorrow at 10.\n"))
    main(["score", "--stage", "follow_up", "--lang", "en"])
    assert json.loads(capsys.readouterr().out)["score"] == 80


def test_an_unknown_stage_is_refused_by_the_argument_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["score", "--stage", "decide", "--lang", "en", "Hello"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'decide'" in capsys.readouterr().err
