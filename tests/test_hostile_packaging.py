"""Hostile round, class "Packaging": a non-editable install plans and chats with a model.

Builds a wheel from a copy of the tracked sources, installs it (without dependencies) into a fresh
virtual environment that borrows this environment's installed libraries through a .pth line (no
network: nothing is downloaded), and runs `capplan plan` and an LLM chat against the local fake
server from a folder outside the repository, so nothing can be found through the source tree.
One test on purpose: building and installing takes a while.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from agent.backends.local_server import FakeOpenAIServer, Turn

ROOT = Path(__file__).resolve().parents[1]


def test_a_wheel_install_plans_and_chats(tmp_path: Path) -> None:
    pytest.importorskip("setuptools")
    pytest.importorskip("wheel")
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    src = tmp_path / "src"
    for name in files:
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_symlink():
            target.symlink_to(os.readlink(ROOT / name))
        elif (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, text=True)
    wheel = next((tmp_path / "dist").glob("capplan-*.whl"))

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # libraries, not capplan
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, text=True)

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "support-chatbot.json", work / "s.json")
    capplan = env_dir / "bin" / "capplan"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "OPENAI_API_KEY", "OPENAI_BASE_URL")}
    where = subprocess.run([str(py), "-c", "import agent; print(agent.__file__)"], cwd=work, env=clean,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(site), where  # the installed copy, not the source tree

    done = subprocess.run([str(capplan), "plan", "s.json", "--format", "json"], cwd=work, env=clean,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cost"]["monthly_usd"] > 0

    with FakeOpenAIServer() as server:
        server.push(Turn(content="Hello from the fake model."))
        chat = subprocess.run([str(capplan), "chat", "--save", "t.md"], cwd=work, input="hi\n", timeout=120,
                              env={**clean, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "local-test-key",
                                   "CAPPLAN_MODEL": "fake-model"}, capture_output=True, text=True)
    assert chat.returncode == 0, chat.stderr
    assert "Hello from the fake model." in chat.stdout and "not found" not in chat.stderr
    system = server.requests[0].body["messages"][0]
    assert system["role"] == "system" and system["content"] == (ROOT / "prompts" / "system.md").read_text().strip()
