"""Hostile round, class "Crashes": where the README promises a clear message, there is one.

A misbehaving model server (agent/backends/local_server.py MODES) never ends the chat: what arrived is
kept, the person is told, and the next line is read. Hostile files and arguments give exit 2 with a
line naming the field, never a traceback or exit 1; a --batch line fails on its own line.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from agent.session import Session
from agent.tools import ToolRegistry
from agent.backends.local_server import MODES, FakeOpenAIServer, Turn
from tests.hostile import SCENARIO, one_problem_line, run, write_json

ROOT = Path(__file__).resolve().parents[1]
TEXT = "The plan needs two app servers and costs about four hundred dollars."


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "local-placeholder-key")
        monkeypatch.setenv("CAPPLAN_MODEL", "fake-model")
        monkeypatch.setenv("CAPPLAN_STREAM_IDLE_S", "1")
        yield srv


def _chat(monkeypatch, capsys, tmp_path: Path, *lines: str) -> tuple[int, str, str, dict]:
    code, out, err = run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")],
                         "".join(line + "\n" for line in lines))
    return code, out, err, json.loads((tmp_path / "t.json").read_text())


# -- a misbehaving server: the turn keeps what arrived, the session goes on -----------------------------
@pytest.mark.parametrize("mode,note", [
    ("malformed_json", "malformed chunk"),
    ("choices_not_list", "ignored 1 malformed chunk"),
    ("bad_content_type", "ignored 1 malformed chunk"),
    ("truncated", "without saying it was complete"),
])
def test_bad_chunks_keep_the_text_and_the_session(server, monkeypatch, capsys, tmp_path, mode, note) -> None:
    server.push(Turn(content=TEXT, mode=mode, piece=8), Turn(content="Second answer."))
    code, out, err, doc = _chat(monkeypatch, capsys, tmp_path, "first", "second")
    assert code == 0 and "Traceback" not in out + err
    assert note in out
    replies = [m["content"] for m in doc["messages"] if m["role"] == "assistant"]
    assert TEXT.startswith(replies[0]) and len(replies[0]) >= len(TEXT) // 2 - 8  # what arrived is kept
    assert replies[-1] == "Second answer."  # the next line was read and answered


def test_string_tool_call_index_still_runs_the_tool(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(tool_calls=[{"name": "forecast", "arguments": SCENARIO}], mode="string_index"),
                Turn(content="Planned."))
    code, out, err, doc = _chat(monkeypatch, capsys, tmp_path, "plan it")
    assert code == 0 and [s["name"] for s in doc["scenarios"]] == ["baseline"]


def test_keepalive_only_stream_is_stopped_and_the_session_goes_on(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(mode="keepalive", keepalive_s=5), Turn(content="Back."))
    started = time.monotonic()
    code, out, err, doc = _chat(monkeypatch, capsys, tmp_path, "hello", "again")
    assert code == 0 and "sent no reply (no data for 1 s)" in out
    assert [m["content"] for m in doc["messages"] if m["role"] == "assistant"] == ["Back."]
    assert time.monotonic() - started < 60  # a hang would never get here (not a speed check)


@pytest.mark.parametrize("mode,words", [("html_200", "text/html"), ("empty_200", "without any reply data")])
def test_a_non_api_answer_is_reported_plainly(server, monkeypatch, capsys, tmp_path, mode, words) -> None:
    server.push(Turn(mode=mode))
    code, out, err, doc = _chat(monkeypatch, capsys, tmp_path, "hello")
    assert code == 0 and words in out and "not an OpenAI-compatible API" in out


def test_every_server_mode_is_covered() -> None:
    covered = {"malformed_json", "choices_not_list", "bad_content_type", "truncated", "string_index", "keepalive",
               "html_200", "empty_200"}
    assert covered == set(MODES)


def test_retry_message_counts_the_attempts_made(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(*[Turn(status=500, headers={"retry-after": "0"})] * 4)
    code, out, err, doc = _chat(monkeypatch, capsys, tmp_path, "hello")
    assert "(attempt 2 of up to 4)" in out and "(attempt 4 of up to 4)" in out and "attempt 5" not in out
    assert len(server.requests) == 4


def test_sigterm_during_a_hanging_stream_saves_and_exits_143(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        server.push(Turn(content="Planned it."), Turn(mode="keepalive", keepalive_s=60))
        env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "local-key-123456",
               "CAPPLAN_MODEL": "fake-model"}
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "chat", "--save", str(tmp_path / "t.md")],
                                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdin is not None
        proc.stdin.write("first\nsecond\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "terminated: saving" in out
    doc = json.loads((tmp_path / "t.json").read_text())
    assert [m["content"] for m in doc["messages"] if m["role"] == "user"] == ["first", "second"]


# -- tool arguments that validate must plan or come back as a tool error ------------------------------
@pytest.mark.parametrize("args", [
    {"scale_users": 1e308}, {"multiply": {"workload.output_tokens": 1e308}}, {"scale_users": 1e-320},
    {"set": {"registered_users": True}}, {"set": {"concurrent_users": "3000"}},
])
def test_what_if_with_absurd_numbers_is_a_tool_error(args) -> None:
    reg, s = ToolRegistry(), Session()
    assert reg.call("forecast", json.dumps(SCENARIO), s).ok
    r = reg.call("what_if", json.dumps(args), s)
    assert not r.ok and r.content.startswith("Error")
    assert list(s.scenarios) == ["baseline"]


def test_deeply_nested_tool_arguments_are_a_tool_error() -> None:
    r = ToolRegistry().call("forecast", "[" * 100_000 + "]" * 100_000, Session())
    assert not r.ok and "nested too deeply" in r.content


# -- files and flags: exit 2, one line naming the field ---------------------------------------------------
SCENARIOS = {
    "deep": ("[" * 100_000 + "]" * 100_000, "nested more than"),
    "subnormal": (json.dumps({**SCENARIO, "concurrent_users": 1e-320}), "concurrent_users:"),
    "overflow": ('{"app_type": "chatbot", "registered_users": 1e999, "concurrent_users": 5}', "too large"),
    "duplicate": ('{"app_type": "chatbot", "registered_users": 5, "registered_users": 500, "concurrent_users": 1}',
                  "duplicate key 'registered_users'"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_hostile_scenario_files_exit_2(monkeypatch, capsys, tmp_path, name) -> None:
    text, words = SCENARIOS[name]
    (tmp_path / "s.json").write_text(text)
    code, out, err = run(monkeypatch, capsys, ["plan", str(tmp_path / "s.json"), "--format", "json"])
    assert code == 2 and out == ""
    one_problem_line(err)
    assert words in err


PRICES = {
    "api_models_number": ({"api_models": 5}, "prices.api_models: must be a list"),
    "rds_as_list": ({"rds_instances": []}, "prices.rds_instances: must be an object"),
    "string_price": ({"cpu_instances": [{"name": "c7i.large", "vcpu": 2, "memory_gib": 4, "usd_per_hour": "0.1"}]},
                     "prices.cpu_instances[0].usd_per_hour: must be a number"),
    "infinite_price": ('{"cpu_instances": [{"name": "c7i.large", "vcpu": 2, "memory_gib": 4, "usd_per_hour": 1e999}]}',
                       "too large"),
    "empty_egress": ({"services": {"internet_egress_tiers": {"value": []}}},
                     "prices.services.internet_egress_tiers.value: must be a non-empty list"),
    "vcpu_zero": ({"cpu_instances": [{"name": "c7i.large", "vcpu": 0, "memory_gib": 4, "usd_per_hour": 0.1}]},
                  "prices.cpu_instances[0].vcpu: must be above 0"),
    "service_text": ({"services": {"s3_standard": {"value": "cheap"}}}, "prices.services.s3_standard.value: must be a number"),
}


@pytest.mark.parametrize("name", list(PRICES))
def test_hostile_price_files_exit_2(monkeypatch, capsys, tmp_path, name) -> None:
    prices, words = PRICES[name]
    (tmp_path / "p.json").write_text(prices if isinstance(prices, str) else json.dumps(prices))
    s = write_json(tmp_path / "s.json", SCENARIO)
    code, out, err = run(monkeypatch, capsys, ["plan", str(s), "--prices", str(tmp_path / "p.json"), "--format", "json"])
    assert code == 2 and out == ""
    one_problem_line(err)
    assert words in err


CATALOGS = {
    "models_object": ({"models": {"id": "x"}}, "c.json: models: must be a list"),
    "mbu_zero": ({"profiles": [{"id": "trtllm", "mbu": 0}]}, "c.json: profiles[0].mbu: must be a fraction above 0"),
    "infinite_memory": ('{"gpus": [{"id": "g", "memory_gb": 1e999, "memory_bandwidth_tb_s": 3, "dense_tflops": {"bf16": 900}}]}',
                        "too large"),
    "negative_tflops": ({"gpus": [{"id": "g", "memory_gb": 80, "memory_bandwidth_tb_s": 3,
                                   "dense_tflops": {"bf16": -900}}]}, "c.json: gpus[0].dense_tflops.bf16: must be above 0"),
}


@pytest.mark.parametrize("name", list(CATALOGS))
def test_hostile_catalog_files_exit_2(monkeypatch, capsys, tmp_path, name) -> None:
    cat, words = CATALOGS[name]
    (tmp_path / "c.json").write_text(cat if isinstance(cat, str) else json.dumps(cat))
    code, out, err = run(monkeypatch, capsys, ["llm-estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
                                               "--input-tokens", "100", "--output-tokens", "100",
                                               "--catalog", str(tmp_path / "c.json")])
    assert code == 2
    one_problem_line(err)
    assert words in err


@pytest.mark.parametrize("messages", [[1, 2], ["hello"], [{"role": "hacker", "content": "x"}],
                                      [{"role": "user", "content": {"nested": 1}}]])
def test_resume_with_bad_messages_exits_2(monkeypatch, capsys, tmp_path, messages) -> None:
    path = write_json(tmp_path / "t.json", {"messages": messages, "scenarios": []})
    before = path.read_bytes()
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--resume", str(path)])
    assert code == 2 and "messages[0]" in err
    one_problem_line(err)
    assert path.read_bytes() == before


def test_batch_lines_fail_one_by_one(monkeypatch, capsys, tmp_path) -> None:
    good = '{"model": "llama-3.1-8b", "gpu": "h100-sxm", "input_tokens": 100, "output_tokens": 100}'
    lines = [good.encode(), b'{"model": "llama-3.1-8b", "gpu": "h100-sxm", "input_tokens": 1e999, "output_tokens": 1}',
             b'{"model": "llama-3.1-8b", "gpu": "h100-\xff", "input_tokens": 1, "output_tokens": 1}', good.encode()]
    (tmp_path / "b.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = run(monkeypatch, capsys, ["llm-estimate", "--batch", str(tmp_path / "b.jsonl")])
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4
    assert "output_tokens_per_s" in rows[0] and "output_tokens_per_s" in rows[3]
    assert rows[1]["error"].startswith("line 2:") and "too large" in rows[1]["error"]
    assert rows[2] == {"error": "line 3: not UTF-8 text"}
