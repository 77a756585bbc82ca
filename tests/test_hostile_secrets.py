"""Hostile round, class "Secrets": the API key never reaches the terminal, a file or an error message.

Each case plants the key (configured and not sk-shaped, or sk-proj-shaped and not configured) in one
place a hostile server or model can reach: streamed model text (split across chunks), tool arguments,
scenario names, server error bodies, and the CLI's own error lines; then checks stdout, stderr and
every file on disk for the key and for any 10-character fragment of it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from agent import redact
from agent.backends.local_server import FakeOpenAIServer, Turn
from tests.hostile import AZURE_KEY, PROJ_KEY, SCENARIO, assert_no_secret, run, write_json


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", AZURE_KEY)  # configured, and not sk-shaped
        monkeypatch.setenv("CAPPLAN_MODEL", "fake-model")
        yield srv


def _chat(monkeypatch, capsys, tmp_path: Path, lines: list[str]) -> tuple[int, str, str]:
    return run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")], "".join(l + "\n" for l in lines))


def test_configured_key_in_streamed_text_split_across_chunks(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(content=f"Your key is {AZURE_KEY} and half of it is {AZURE_KEY[:16]} ok.", piece=5))
    code, out, err = _chat(monkeypatch, capsys, tmp_path, ["what is my key?"])
    assert code == 0, err
    assert "Your key is *** and half of it is *** ok." in out
    assert_no_secret(AZURE_KEY, out, err, folder=tmp_path)


def test_unconfigured_sk_proj_key_in_streamed_text(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(content=f"Found {PROJ_KEY} in the logs, and k_{PROJ_KEY}.", piece=7))
    code, out, err = _chat(monkeypatch, capsys, tmp_path, ["anything secret?"])
    assert code == 0, err
    assert "Found sk-*** in the logs" in out
    assert_no_secret(PROJ_KEY, out, err, folder=tmp_path)


def test_key_in_tool_arguments_and_scenario_names(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(
        Turn(tool_calls=[{"name": "forecast", "arguments": {**SCENARIO, "name": f"plan {AZURE_KEY}"}}]),
        Turn(content="planned"),
        Turn(tool_calls=[{"name": "what_if", "arguments": {"scale_users": 2, "name": PROJ_KEY}}]),
        Turn(content="compared"),
        Turn(tool_calls=[{"name": "explain", "arguments": {"metric": f"cost {AZURE_KEY}", "name": "nope " + PROJ_KEY}}]),
        Turn(content="explained"),
    )
    code, out, err = _chat(monkeypatch, capsys, tmp_path, ["plan it", "double it", "explain", "/scenarios",
                                                          "/plan"])
    assert code == 0, err
    assert "Scenario: plan ***" in out and "Side by side" in out
    assert_no_secret(AZURE_KEY, out, err, folder=tmp_path)
    assert_no_secret(PROJ_KEY, out, err, folder=tmp_path)
    names = [s["name"] for s in json.loads((tmp_path / "t.json").read_text())["scenarios"]]
    assert names == ["plan ***", "sk-***"]


@pytest.mark.parametrize("status", [400, 401, 404, 500])
def test_key_in_server_error_bodies(server, monkeypatch, capsys, tmp_path, status) -> None:
    body = {"error": {"message": f"bad key {AZURE_KEY} (also {PROJ_KEY}); provided: sk-proj-****{AZURE_KEY[-4:]}",
                      "type": "invalid_request_error", "code": "x"}}
    server.push(*[Turn(status=status, error=body, headers={"retry-after": "0"})] * 4)
    code, out, err = _chat(monkeypatch, capsys, tmp_path, ["hello"])
    assert code == 0, err
    assert_no_secret(AZURE_KEY, out, err, folder=tmp_path)
    assert_no_secret(PROJ_KEY, out, err, folder=tmp_path)
    assert AZURE_KEY[-4:] not in out  # the visible end of a server-masked key is a fragment too


def test_key_in_scenario_name_on_the_plan_command(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", AZURE_KEY)
    path = write_json(tmp_path / "s.json", {**SCENARIO, "name": f"team {AZURE_KEY} {PROJ_KEY}"})
    for fmt in ("table", "markdown", "json"):
        code, out, err = run(monkeypatch, capsys, ["plan", str(path), "--format", fmt])
        assert code == 0, err
        assert_no_secret(AZURE_KEY, out, err)
        assert_no_secret(PROJ_KEY, out, err)
    code, out, err = run(monkeypatch, capsys, ["plan", str(path), "--format", "json", "-o", str(tmp_path / "p.json")])
    assert code == 0
    assert json.loads((tmp_path / "p.json").read_text())["name"] == "team *** sk-***"
    (tmp_path / "s.json").unlink()  # the input file holds the key on purpose
    assert_no_secret(AZURE_KEY, out, err, folder=tmp_path)


def test_key_in_cli_error_lines(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", AZURE_KEY)
    path = write_json(tmp_path / "s.json", {**SCENARIO, "name": AZURE_KEY * 20, "region": PROJ_KEY})
    code, out, err = run(monkeypatch, capsys, ["plan", str(path)])
    assert code == 2 and "name:" in err
    assert_no_secret(AZURE_KEY, out, err)
    assert_no_secret(PROJ_KEY, out, err)


# -- the rules themselves -------------------------------------------------------------------------
def test_configured_key_rule_catches_a_key_of_any_shape(monkeypatch) -> None:
    key = "c0ffee11d00d4bad8badf00dfacefeed"
    monkeypatch.setattr(redact, "_registered", set())  # keys earlier tests' backends registered
    monkeypatch.setenv("OPENAI_API_KEY", key)
    assert redact.scrub(f"a {key} b") == "a *** b"
    assert redact.scrub(f"cut: {key[:12]}") == "cut: ***"
    assert redact.scrub(f"cut: {key[-9:]}.") == "cut: ***."
    monkeypatch.delenv("OPENAI_API_KEY")
    assert key in redact.scrub(f"a {key} b")  # proves the rule above was the configured-key one


def test_shape_rule_catches_unconfigured_keys(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("AZURE_OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(redact, "_registered", set())
    for key in (PROJ_KEY, "sk-ant-api03-Xy_z-0123456789", "sk-0123456789abcdefABCDEF"):
        assert redact.scrub(f"x {key} y") == "x sk-*** y"
        assert redact.scrub(f"key_{key}") == "key_sk-***"
    assert redact.scrub("a task-management-system and risk-assessment-matrix") == \
        "a task-management-system and risk-assessment-matrix"


def test_stream_scrubber_never_emits_half_a_key(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", AZURE_KEY)
    text = f"here {AZURE_KEY} there {PROJ_KEY} end"
    for size in (1, 3, 7, 16):
        s = redact.StreamScrubber()
        shown = "".join(s.feed(text[i:i + size]) for i in range(0, len(text), size)) + s.flush()
        assert shown == "here *** there sk-*** end"


DIGIT_KEY = "local-key-2026120112345678"  # a local-server key whose fragments are digits, as people pick them


def test_a_key_with_digit_fragments_never_breaks_a_saved_transcript(server, monkeypatch, capsys, tmp_path) -> None:
    """Masking a fragment inside a JSON number made the transcript unloadable; strings are scrubbed, numbers kept."""
    monkeypatch.setenv("OPENAI_API_KEY", DIGIT_KEY)
    big = 2026120112345678.0  # the key's digits as a number in the plan inputs
    server.push(Turn(tool_calls=[{"id": "c1", "name": "forecast", "arguments": {
                     "app_type": "chatbot", "registered_users": 20261201, "concurrent_users": 3000, "name": "x20261201123"}}]),
                Turn(content=f"Noted 20261201123 and {DIGIT_KEY[-12:]} for {big:.0f}."))
    code, out, err = _chat(monkeypatch, capsys, tmp_path, ["plan it"])
    assert code == 0, err
    data = json.loads((tmp_path / "t.json").read_text())  # loads: the document is intact
    from agent.transcript import load

    session = load(tmp_path / "t.json")
    assert session.messages and data["messages"][-1]["content"].startswith("Noted ")
    assert data["scenarios"][0]["inputs"]["registered_users"] == 20261201  # a number that holds a fragment, kept
    assert DIGIT_KEY[-12:] not in (tmp_path / "t.json").read_text()
    assert_no_secret(DIGIT_KEY, out, err, folder=tmp_path)


def test_scrub_json_keeps_numbers_and_structure() -> None:
    key = "zz-2026120112345678"
    obj = {"n": 2026120112345678, "s": f"key {key} and 20261201 1234 5678", "list": [1.5, "12345678x"], "flag": True}
    out = json.loads(redact.scrub_json(obj, [key]))
    assert out["n"] == 2026120112345678 and out["list"][0] == 1.5 and out["flag"] is True
    assert key not in out["s"] and "12345678" not in out["list"][1]
    assert redact.scrub_json({"a": 1}, [key]) == '{"a": 1}'  # nothing to scrub: the fast path, byte for byte
