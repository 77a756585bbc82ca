"""Shared helpers of the hostile-input suite (tests/test_hostile_*.py).

Why a helper for "no secret anywhere": a leak is a leak whether it reaches stdout, stderr or any file
under the test's folder, whole or as a fragment; every case checks all three the same way.
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.cli import main

# Not sk-shaped, like Azure OpenAI and local-server keys: only the configured-key rule can catch it.
AZURE_KEY = "3f9a2c7e41b84d0f9e6a5c2b7d18e4f0"
# sk-proj style with '-' and '_', never configured: only the shape rule can catch it.
PROJ_KEY = "sk-proj-Ab3_dE-9fGh_IjK-lMn0pQrS_tUvWxYz-12_34"
SCENARIO = {"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000}


def fragments(secret: str, size: int = 10) -> list[str]:
    return [secret[i:i + size] for i in range(0, len(secret) - size + 1)]


def assert_no_secret(secret: str, *texts: str, folder: Path | None = None) -> None:
    """Neither the secret nor any 10-character piece of it in the texts or in any file under `folder`."""
    blobs = list(texts)
    if folder is not None:
        for p in folder.rglob("*"):
            if p.is_file():
                blobs.append(p.read_bytes().decode("utf-8", "replace"))
    for blob in blobs:
        assert secret not in blob
        for piece in fragments(secret):
            assert piece not in blob, f"fragment {piece!r} of the secret leaked"


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str],
        stdin: str = "") -> tuple[int, str, str]:
    """`capplan ARGS` in-process with `stdin`; (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def write_json(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj))
    return path


def one_problem_line(err: str) -> None:
    """The exit-2 contract: no traceback, every line a `capplan ...:` message."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    assert all(line.startswith(("capplan", "usage:")) for line in lines), err
