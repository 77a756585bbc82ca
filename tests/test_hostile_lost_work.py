"""Hostile round, class "Work that is lost": nothing already said or saved is destroyed.

/reset, a second unnamed forecast, a correction after a what-if, two sessions on one file, an
unwritable --save folder, and a crash between the .md and .json writes.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from agent.saving import TranscriptSaver
from agent.session import Session
from agent.tools import ToolRegistry
from agent.backends.local_server import FakeOpenAIServer, Turn
from tests.hostile import SCENARIO, one_problem_line, run

KEY = "local-key-not-secret-shape-0000"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("CAPPLAN_MODEL", "fake-model")
        yield srv


def _lines(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


# -- /reset ---------------------------------------------------------------------------------------
def test_reset_of_a_resumed_transcript_keeps_the_file(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(tool_calls=[{"name": "forecast", "arguments": SCENARIO}]), Turn(content="Planned."))
    save = tmp_path / "day1.md"
    assert run(monkeypatch, capsys, ["chat", "--save", str(save)], _lines("plan 200k users"))[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    server.push(Turn(content="A new start."))
    code, out, err = run(monkeypatch, capsys, ["chat", "--resume", str(tmp_path / "day1.json")],
                         _lines("/reset", "hello again"))
    assert code == 0, err
    assert f"The earlier conversation stays in {save}; this one saves to {tmp_path / 'day1-2.md'}" in out
    assert {n: (tmp_path / n).read_bytes() for n in before} == before  # byte for byte
    new = json.loads((tmp_path / "day1-2.json").read_text())
    assert new["scenarios"] == [] and [m["content"] for m in new["messages"] if m["role"] == "user"] == ["hello again"]


def test_reset_before_anything_was_saved_starts_no_extra_file(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(content="Hi."))
    code, out, err = run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")], _lines("/reset", "hi"))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json", "t.md"]


# -- scenarios --------------------------------------------------------------------------------------
def test_second_unnamed_forecast_keeps_the_first(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(tool_calls=[{"name": "forecast", "arguments": SCENARIO}]), Turn(content="200k planned."),
                Turn(tool_calls=[{"name": "forecast", "arguments": {**SCENARIO, "registered_users": 400000}}]),
                Turn(content="400k planned."))
    code, out, err = run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")],
                         _lines("200k users", "what if we had 400k users?"))
    assert code == 0, err
    doc = json.loads((tmp_path / "t.json").read_text())
    assert [(s["name"], s["inputs"]["registered_users"]) for s in doc["scenarios"]] == [
        ("baseline", 200000), ("baseline-2", 400000)]


def test_what_if_with_a_taken_name_gets_a_new_one() -> None:
    reg, s = ToolRegistry(), Session()
    reg.call("forecast", json.dumps(SCENARIO), s)
    reg.call("what_if", '{"scale_users": 2, "name": "big"}', s)
    r = reg.call("what_if", '{"scale_users": 3, "name": "big"}', s)
    assert r.ok and "already exists" in r.content
    assert [(n, x.inputs["registered_users"]) for n, x in s.scenarios.items()] == [
        ("baseline", 200000), ("big", 400000), ("big-2", 600000)]


def test_correction_that_breaks_a_what_if_marks_it_stale() -> None:
    reg, s = ToolRegistry(), Session()
    reg.call("forecast", json.dumps({**SCENARIO, "name": "baseline"}), s)
    reg.call("what_if", '{"set": {"concurrent_users": 150000}, "name": "busy"}', s)
    before = s.scenarios["busy"].plan
    r = reg.call("forecast", json.dumps({**SCENARIO, "registered_users": 100000, "name": "baseline"}), s)
    assert r.ok and json.loads(r.content)["what_ifs_stale"] == ["busy"]
    busy = s.scenarios["busy"]
    assert busy.plan is before and "concurrent_users" in (busy.stale or "")
    assert "stale" in json.loads(reg.call("show_plan", '{"name": "busy"}', s).content)


# -- two sessions, one file ---------------------------------------------------------------------------
def test_two_sessions_saving_to_one_file_lose_nothing(tmp_path: Path) -> None:
    warnings: list[str] = []
    a, b = Session(), Session()
    a.messages.append({"role": "user", "content": "from A"})
    b.messages.append({"role": "user", "content": "from B"})
    sa = TranscriptSaver(a, tmp_path / "t.md", warn=warnings.append)
    sb = TranscriptSaver(b, tmp_path / "t.md", warn=warnings.append)
    assert sa.save() and sb.save()
    assert sb.path == tmp_path / "t-2.md"
    assert "was changed by another session" in warnings[0] and "t-2.md" in warnings[0]
    assert json.loads((tmp_path / "t.json").read_text())["messages"][0]["content"] == "from A"
    assert json.loads((tmp_path / "t-2.json").read_text())["messages"][0]["content"] == "from B"
    a.messages.append({"role": "user", "content": "A again"})
    assert sa.save() and sa.path == tmp_path / "t.md"  # A's own file is still A's
    assert len(warnings) == 1


def test_an_edit_of_the_saved_file_is_not_overwritten(tmp_path: Path) -> None:
    s = Session()
    warnings: list[str] = []
    saver = TranscriptSaver(s, tmp_path / "t.md", warn=warnings.append)
    assert saver.autosave()
    (tmp_path / "t.md").write_text("my notes, added by hand\n")
    assert saver.autosave()
    assert (tmp_path / "t.md").read_text() == "my notes, added by hand\n"
    assert (tmp_path / "t-2.md").exists() and warnings


# -- unwritable --save --------------------------------------------------------------------------------
def test_save_into_a_folder_that_cannot_be_written_is_exit_2(monkeypatch, capsys, tmp_path) -> None:
    (tmp_path / "plain-file").write_text("x")
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--save", str(tmp_path / "plain-file" / "t.md")])
    assert code == 2
    one_problem_line(err)
    assert "--save:" in err and "plain-file" in err
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--save", "/proc/capplan-t.md"])
    assert code == 2 and "--save: cannot write in the folder /proc" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0500 folder")
def test_save_into_a_read_only_folder_is_exit_2(monkeypatch, capsys, tmp_path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    code, _, err = run(monkeypatch, capsys, ["chat", "--offline", "--save", str(ro / "t.md")])
    assert code == 2 and "--save: cannot write in the folder" in err


def test_final_save_that_fails_is_not_exit_0(server, monkeypatch, capsys, tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()

    def vanish(_body: dict[str, Any]) -> Turn:  # while the model answers, the folder goes away
        shutil.rmtree(folder, ignore_errors=True)
        return Turn(content="ok")

    server.responder = vanish
    code, out, err = run(monkeypatch, capsys, ["chat", "--save", str(folder / "t.md")], _lines("hi"))
    assert code == 1
    assert "Autosave to" in out and "Could not save to" in out


# -- a crash between the two writes ---------------------------------------------------------------
def test_markdown_and_json_name_the_turn_they_were_written_at(server, monkeypatch, capsys, tmp_path) -> None:
    server.push(Turn(content="one"), Turn(content="two"))
    assert run(monkeypatch, capsys, ["chat", "--save", str(tmp_path / "t.md")], _lines("a", "b"))[0] == 0
    doc = json.loads((tmp_path / "t.json").read_text())
    assert doc["saved_turn"] == 2
    md = (tmp_path / "t.md").read_text()
    assert "Saved after turn 2 at " in md
    stamp = md.split("Saved after turn 2 at ")[1][:19]
    import time

    assert time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(doc["saved_at"])) == stamp  # one save, both files
