"""The chat start names a retired or nearly retired chat model before its first turn fails."""
from __future__ import annotations

import io
import sys
from datetime import date

import pytest

from agent.backends.local_server import FakeOpenAIServer, Turn
from agent.backends.model_notice import chat_model_notice
from agent.cli import main


def test_within_the_window_names_the_date_and_the_days_left() -> None:
    text = chat_model_notice("gpt-5-mini", today=date(2026, 12, 1))
    assert text is not None and "is deprecated on 2026-12-11, in 10 days" in text and "--model or CAPPLAN_MODEL" in text


def test_after_the_date_and_on_it() -> None:
    assert "was deprecated on 2026-12-11" in (chat_model_notice("gpt-5-mini", today=date(2027, 1, 5)) or "")
    assert "is deprecated today" in (chat_model_notice("gpt-5-mini", today=date(2026, 12, 11)) or "")


@pytest.mark.parametrize("model,today", [
    ("gpt-5-mini", date(2026, 10, 1)),  # 71 days ahead: outside the window
    ("gpt-5.4-mini", date(2026, 12, 1)),  # no deprecation date in the data
    ("llama3.1:8b", date(2026, 12, 1)),  # a local model the price data does not know
])
def test_no_notice(model: str, today: date) -> None:
    assert chat_model_notice(model, today=today) is None


def test_chat_with_a_retired_model_warns_once_at_the_start(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-NOTICEabcdefghijklmn")
        monkeypatch.setenv("CAPPLAN_MODEL", "deepseek-chat")  # deprecated 2026-07-24 in the price data
        srv.push(Turn(content="Hello."), Turn(content="Hi again."))
        monkeypatch.setattr(sys, "stdin", io.StringIO("hello\nand again\n"))
        code = main(["chat"])
    out = capsys.readouterr()
    assert code == 0, out.err
    said = out.out + out.err
    assert said.count("The chat model deepseek-chat was deprecated on 2026-07-24") == 1
    assert "NOTICEabcdefgh" not in said
