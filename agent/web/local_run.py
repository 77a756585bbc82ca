"""`capplan serve --offline` in a process of its own on a free loopback port, and the headless chromium
that drives it: what the browser tests, the web benchmark and the screenshot script all start the same way.

Why a module of the app and not of the tests: the benchmark and docs/screenshots.py must not import from
tests/ (issue 16, move 10), and the three had drifted into copies of the same start-up loop.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (apt-get install chromium), driven by Playwright
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT_S = 60.0


class ServeProcess:
    """`capplan serve` on port 0 with its own database; `url` ends in "/". `restart()` keeps the database,
    so a test can check that sessions survive the server."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}  # offline: no key anywhere
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from agent.cli import main; raise SystemExit(main())", "serve", "--port", "0",
             "--db", str(self.db), "--offline"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        assert self.proc.stdout is not None
        deadline = time.time() + START_TIMEOUT_S
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.url = found.group(1)
                return
            if not line and self.proc.poll() is not None:
                break
        raise RuntimeError("capplan serve did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()
