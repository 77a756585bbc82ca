"""Hostile round, class "Files and the terminal": special files, escape sequences, huge echoes, /save.

--output onto devices and FIFOs writes through (never replaces them); control and bidi characters
from model text, tool names, scenario names and resumed transcripts never reach the terminal, and
what goes into Markdown is escaped; echoed values are cut; /save follows --save's rules; new
transcripts are private (0600) whatever the umask.
"""
from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from typing import Iterator

import pytest

from agent import redact
from agent.backends.local_server import FakeOpenAIServer, Turn
from tests.hostile import SCENARIO, run, write_json

ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"  # set window title, clear screen, red
BIDI = "\u202egnp.exe\u202c"
CONTROLS = ("\x1b", "\x07", "\u202e", "\u202c")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "local-placeholder-key")
        monkeypatch.setenv("CAPPLAN_MODEL", "fake-model")
        yield srv


# -- special files -------------------------------------------------------------------------------------
def test_output_to_dev_null_writes_through(monkeypatch, capsys, tmp_path) -> None:
    s = write_json(tmp_path / "s.json", SCENARIO)
    before = os.stat("/dev/null")
    code, out, err = run(monkeypatch, capsys, ["plan", str(s), "--format", "json", "--output", "/dev/null"])
    assert code == 0, err
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_output_to_a_fifo_writes_into_it(monkeypatch, capsys, tmp_path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    s = write_json(tmp_path / "s.json", SCENARIO)
    code, out, err = run(monkeypatch, capsys, ["plan", str(s), "--format", "json", "--output", str(fifo)])
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a regular file
    assert json.loads(got[0])["cost"]["monthly_usd"] > 0


def test_output_through_a_proc_fd_link_keeps_the_target(monkeypatch, capsys, tmp_path) -> None:
    target = tmp_path / "kept.txt"
    with open(target, "w") as fh:
        link = Path(f"/proc/self/fd/{fh.fileno()}")
        s = write_json(tmp_path / "s.json", SCENARIO)
        inode = target.stat().st_ino
        code, out, err = run(monkeypatch, capsys, ["plan", str(s), "--format", "json", "--output", str(link)])
        assert code == 0, err
    assert target.stat().st_ino == inode and json.loads(target.read_text())["inputs"]["registered_users"] == 200000


# -- escape sequences ----------------------------------------------------------------------------------
def test_escapes_from_the_model_never_reach_the_terminal(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(content=f"Hello {ESC}world {BIDI}", piece=3),
                Turn(tool_calls=[{"name": "forecast", "arguments": {**SCENARIO, "name": f"evil{ESC}\n# Heading"}},
                                 {"name": f"tool{ESC}", "arguments": "{}"}]),
                Turn(content="done"))
    code, out, err = run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")], "hi\nplan\n/scenarios\n")
    assert code == 0, err
    for c in CONTROLS:
        assert c not in out and c not in err
    assert "Hello ]0;pwned[2J[31mworld gnp.exe" in out  # the text stays, the control bytes go
    md = (tmp_path / "t.md").read_text()
    for c in CONTROLS:
        assert c not in md
    assert "\n# Heading" not in md and "evil" in md  # a name cannot inject a heading


def test_escapes_in_a_resumed_transcript_are_stripped(monkeypatch, capsys, tmp_path) -> None:
    path = write_json(tmp_path / "t.json", {"messages": [{"role": "user", "content": f"hi{ESC}"}],
                                            "scenarios": [{"name": f"base{ESC}", "kind": "baseline",
                                                           "inputs": SCENARIO, "plan": {}}]})
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--resume", str(path)], "/scenarios\n")
    assert code == 0, err
    assert not any(c in out for c in CONTROLS) and "base]0;pwned" in out


def test_markdown_escapes_html_and_names(tmp_path: Path) -> None:
    from agent import transcript
    from agent.session import Session
    from agent.tools import ToolRegistry

    s = Session()
    s.messages = [{"role": "user", "content": "<script>alert(1)</script>\n# not a heading"}]
    ToolRegistry().call("forecast", json.dumps({**SCENARIO, "name": "a | b <img src=x>"}), s)
    md = transcript.render_markdown(s)
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\n# not a heading" not in md and "\\# not a heading" in md
    assert "<img" not in md and "a \\| b" in md


def test_control_stripping_keeps_newlines_and_text() -> None:
    assert redact.strip_controls("a\x1b[31mb\nc\u202ed\te") == "a[31mb\ncd\te"
    assert redact.one_line("x\ny\x07z") == "x yz"


# -- echoed values are cut ------------------------------------------------------------------------------
def test_a_50_mb_name_gives_a_short_error_line(monkeypatch, capsys, tmp_path) -> None:
    path = write_json(tmp_path / "s.json", {**SCENARIO, "name": "n" * 50_000_000})
    code, out, err = run(monkeypatch, capsys, ["plan", str(path)])
    assert code == 2 and "name:" in err and "(50,000,002 characters)" in err
    assert len(err) < 2_000


def test_a_huge_tool_argument_gives_a_short_tool_error() -> None:
    from agent.session import Session
    from agent.tools import ToolRegistry

    r = ToolRegistry().call("forecast", json.dumps({**SCENARIO, "name": "n" * 1_000_000}), Session())
    assert not r.ok and len(r.content) < 2_000


# -- /save and file modes --------------------------------------------------------------------------------
def test_slash_save_into_a_missing_folder_creates_nothing(monkeypatch, capsys, tmp_path) -> None:
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline"], f"/save {tmp_path}/a/b/c/t.md\n")
    assert code == 0
    flat = " ".join(out.split())
    assert "/save: the folder" in flat and "a/b/c does not exist" in flat
    assert not (tmp_path / "a").exists()


def test_slash_save_onto_a_directory_named_like_the_transcript(monkeypatch, capsys, tmp_path) -> None:
    (tmp_path / "x.md").mkdir()
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline"], f"/save {tmp_path}/x.md\n")
    assert "is a directory" in " ".join(out.split())
    assert not (tmp_path / "x.json").exists()


def test_too_many_tool_calls_in_one_reply_are_capped(server, monkeypatch, capsys, tmp_path) -> None:
    from agent.loop import MAX_TOOL_CALLS_PER_REPLY

    server.push(Turn(tool_calls=[{"name": "show_plan", "arguments": "{}"} for _ in range(100)]), Turn(content="ok"))
    code, out, err = run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")], "go\n")
    assert code == 0 and f"running the first {MAX_TOOL_CALLS_PER_REPLY}" in out
    doc = json.loads((tmp_path / "t.json").read_text())
    calls = [c for m in doc["messages"] for c in m.get("tool_calls") or []]
    assert len(calls) == MAX_TOOL_CALLS_PER_REPLY == len([m for m in doc["messages"] if m["role"] == "tool"])


def test_new_transcripts_are_private_under_a_022_umask(monkeypatch, capsys, tmp_path) -> None:
    old = os.umask(0o022)
    try:
        assert run(monkeypatch, capsys, ["chat", "--offline", "--save", str(tmp_path / "t.md")], "hi\n")[0] == 0
    finally:
        os.umask(old)
    for name in ("t.md", "t.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_an_existing_transcript_keeps_its_mode(monkeypatch, capsys, tmp_path) -> None:
    (tmp_path / "t.md").write_text("old")
    (tmp_path / "t.md").chmod(0o640)
    assert run(monkeypatch, capsys, ["chat", "--offline", "--save", str(tmp_path / "t.md")], "hi\n")[0] == 0
    assert stat.S_IMODE((tmp_path / "t.md").stat().st_mode) == 0o640
