"""Session state and transcripts: naming, final choice, atomic save, resume gives the same state."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agent import transcript
from agent.session import ScenarioRecord, Session
from agent.tools import ToolRegistry

KEY = "sk-test-SECRETKEY1234567890"


def _session() -> Session:
    s = Session(model="fake-model", backend="openai")
    reg = ToolRegistry()
    s.messages = [{"role": "system", "content": "sys"}, {"role": "user", "content": "200k users, 3000 online"},
                  {"role": "assistant", "content": None, "tool_calls": [
                      {"id": "call_1", "type": "function", "function": {"name": "forecast", "arguments": "{}"}}]}]
    r = reg.call("forecast", '{"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000}', s)
    s.messages.append({"role": "tool", "tool_call_id": "call_1", "content": r.content})
    reg.call("what_if", '{"scale_users": 2, "name": "double"}', s)
    s.messages.append({"role": "assistant", "content": "Here is the plan."})
    s.add_usage(100, 20)
    s.timings.append({"turn": 1.0, "total_s": 1.0, "model_s": 0.9, "tools_s": 0.05, "overhead_s": 0.1})
    s.backend_state["pending"] = "growth"
    return s


def test_final_is_latest_baseline_unless_adopted() -> None:
    s = Session()
    assert s.final is None
    s.add(ScenarioRecord("baseline", "baseline", {}, {}))
    s.add(ScenarioRecord("what-if 1", "what_if", {}, {}, base="baseline"))
    assert s.final == "baseline" and s.baseline_name == "baseline"
    s.final_name = "what-if 1"
    assert s.final == "what-if 1"
    assert s.get("WHAT IF 1") is s.scenarios["what-if 1"]
    assert s.get(None) is s.scenarios["what-if 1"]
    assert s.unique_name("baseline") == "baseline-2"
    s.reset()
    assert not s.scenarios and s.final is None


def test_save_then_resume_gives_same_state(tmp_path: Path) -> None:
    s = _session()
    s.final_name = "double"
    md, js = transcript.save(s, tmp_path / "review.md")
    assert md == tmp_path / "review.md" and js == tmp_path / "review.json"
    back = transcript.load(js)
    assert back.to_dict() == s.to_dict()
    assert back.final == "double"
    assert back.backend_state == {"pending": "growth"}
    assert list(back.scenarios) == ["baseline", "double"]


def test_transcript_json_fields(tmp_path: Path) -> None:
    s = _session()
    _, js = transcript.save(s, tmp_path / "t")
    data = json.loads(js.read_text())
    assert data["schema_version"] == transcript.SCHEMA_VERSION == 2
    assert data["model"] == "fake-model" and data["backend"] == "openai"
    assert data["final"] == "baseline"
    assert [sc["name"] for sc in data["scenarios"]] == ["baseline", "double"]
    first = data["scenarios"][0]
    assert first["inputs"]["registered_users"] == 200000
    assert first["plan"]["load"]["peak_concurrent_users"] == 4500
    assert data["scenarios"][1]["base"] == "baseline"
    assert data["messages"][2]["tool_calls"][0]["function"]["name"] == "forecast"
    assert data["messages"][3]["role"] == "tool"
    assert data["usage"] == {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "requests": 1}
    assert data["timings"][0]["overhead_s"] == 0.1


def test_markdown_has_conversation_then_final_plan(tmp_path: Path) -> None:
    md, _ = transcript.save(_session(), tmp_path / "t.md")
    text = md.read_text()
    conv, plan = text.index("## Conversation"), text.index("## Final plan: baseline")
    assert conv < plan
    assert "**You:** 200k users, 3000 online" in text
    assert "*ran forecast*" in text
    assert "| registered users | 200,000 | 400,000 |" in text


def test_key_is_scrubbed_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    s = _session()
    s.messages.append({"role": "user", "content": f"my key is {KEY} and sk-otherkey1234567890"})
    md, js = transcript.save(s, tmp_path / "t.md")
    for path in (md, js):
        body = path.read_text()
        assert KEY not in body and "sk-otherkey1234567890" not in body
    json.loads(js.read_text())  # still valid JSON after scrubbing


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "t.json"
    target.write_text("old")

    def boom(*_a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        transcript.atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # no temp file left behind


@pytest.mark.parametrize("given, md, js", [
    ("a.md", "a.md", "a.json"), ("a.json", "a.md", "a.json"), ("a", "a.md", "a.json"), ("x/a.v2.md", "x/a.v2.md", "x/a.v2.json"),
])
def test_paths_for(given: str, md: str, js: str) -> None:
    assert transcript.paths_for(given) == (Path(md), Path(js))


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"), ('{"hello": 1}', "not a capplan chat transcript"),
    ('{"messages": [], "scenarios": [{"nope": 1}]}', "damaged"),
])
def test_load_rejects_bad_files(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.json"
    p.write_text(content)
    with pytest.raises(transcript.TranscriptError, match=message):
        transcript.load(p)
    with pytest.raises(transcript.TranscriptError, match="no such file"):
        transcript.load(tmp_path / "missing.json")
