"""`capplan serve` on the command line: bad flags are exit 2 with the flag named; beyond loopback a token
is generated, printed once with the address, and then required."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="web extra not installed: pip install -e '.[web]'")

from agent.cli import main  # noqa: E402
from agent.commands.serve import is_loopback  # noqa: E402
from tests.web_support import free_port  # noqa: E402


@pytest.mark.parametrize("argv, words", [
    (["--port", "70000"], "--port"), (["--token", "short"], "--token: use at least 8"),
    (["--base-url", "ftp://x"], "--base-url"),
])
def test_bad_flags(argv: list[str], words: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--db", str(tmp_path / "s.db"), *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_database_that_cannot_open_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://nobody:pw-that-must-not-show@127.0.0.1:{free_port()}/none"  # nothing listens there
    assert main(["serve", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "--db: cannot open the session database" in err and "pw-that-must-not-show" not in err


def test_loopback_names() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.0.2.1", "example.com", "::"))


def test_binding_beyond_loopback_generates_and_requires_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(self: Any, sockets: Any = None) -> None:  # no socket is opened: the app is inspected instead
        seen["app"] = self.config.app
        seen["host"] = self.config.host

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    assert main(["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "s.db")]) == 0
    settings = seen["app"].settings
    assert seen["host"] == "0.0.0.0" and settings.token and len(settings.token) >= 24
    assert settings.allowed_hosts == set()
    assert main(["serve", "--db", str(tmp_path / "s.db")]) == 0
    assert seen["app"].settings.token is None and "127.0.0.1" in seen["app"].settings.allowed_hosts
