"""A real Ctrl-C (SIGINT) during a streamed reply: the reply stops, the session goes on, nothing is lost.

Runs `capplan chat` as a subprocess against the local fake server, streams a slow reply, sends SIGINT
once text has arrived, then sends the next message and closes stdin.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from agent.backends.local_server import FakeOpenAIServer, Turn

ROOT = Path(__file__).resolve().parents[1]


def _default_sigint() -> None:
    """In the child before exec: a shell's background job (or a CI runner) may ignore SIGINT, and a
    Python started with SIGINT ignored never raises KeyboardInterrupt; the test needs the real default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sigint_stops_the_reply_and_keeps_the_session(tmp_path: Path) -> None:
    slow = Turn(content="Counting slowly: " + " ".join(str(i) for i in range(400)), piece=4, chunk_delay_s=0.02)
    with FakeOpenAIServer() as server:
        server.push(slow, Turn(content="Second answer, complete."))
        env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test-SIGINTKEY123456",
               "CAPPLAN_MODEL": "fake-model", "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", "chat", "--save", str(tmp_path / "t.md")],
                                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
        assert proc.stdin is not None
        proc.stdin.write("first question\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while server.events_sent < 15 and time.monotonic() < deadline:  # part of the slow stream is out
            time.sleep(0.02)
        assert server.events_sent >= 15, "the reply never started streaming"
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
        proc.stdin.write("second question\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=30)  # closes stdin: end of input ends the session
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Traceback" not in out
    doc = json.loads((tmp_path / "t.json").read_text())
    replies = [m.get("content") or "" for m in doc["messages"] if m["role"] == "assistant"]
    users = [m["content"] for m in doc["messages"] if m["role"] == "user"]
    assert users == ["first question", "second question"]
    assert replies[0].startswith("Counting slowly: 0") and "interrupted" in replies[0]
    assert "399" not in replies[0]  # the stream was cut, not completed
    assert replies[-1] == "Second answer, complete."
    assert "SIGINTKEY" not in (tmp_path / "t.json").read_text() + (tmp_path / "t.md").read_text()


def test_two_ctrl_c_at_the_prompt_save_and_exit(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        server.push(Turn(content="Hello, how many users do you have?"))
        env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test-SIGINTKEY123456",
               "CAPPLAN_MODEL": "fake-model"}
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from agent.cli import main; sys.exit(main())",
                                 "chat", "--save", str(tmp_path / "p.md")],
                                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
        assert proc.stdin is not None
        proc.stdin.write("hi\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while not (tmp_path / "p.json").exists() and time.monotonic() < deadline:  # autosaved after the turn
            time.sleep(0.02)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        try:  # stdin stays open: only the Ctrl-C can end the session (if it does nothing, this times out)
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("two Ctrl-C did not end the session") from None
        out, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err + out
    doc = json.loads((tmp_path / "p.json").read_text())
    assert [m["content"] for m in doc["messages"] if m["role"] == "user"] == ["hi"]
    assert doc["messages"][-1]["content"] == "Hello, how many users do you have?"
