"""Shared pieces of the web tests: the app on a temporary database, an SSE reader, a throwaway PostgreSQL.

Why a real PostgreSQL: the store's SQL (migrations, optimistic revisions) must run on the server a
team deployment uses, not only on SQLite. The cluster is Debian's postgresql, started here on
127.0.0.1 with initdb/pg_ctl in a temporary directory (as the `postgres` user when the tests run as
root, since PostgreSQL refuses to run as root), and stopped after the tests.
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator


def sse_events(body: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        event, data = "message", ""
        for line in block.split("\n"):
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data += line[6:]
        out.append((event, json.loads(data) if data else {}))
    return out


def guided_factory(notify: Any) -> Any:
    from agent.guided.backend import GuidedBackend

    return GuidedBackend()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yields a postgresql:// URL of a fresh cluster on 127.0.0.1; raises RuntimeError(reason) if it cannot start."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    root = os.geteuid() == 0
    if root:
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no 'postgres' user to run the server as") from None
    tmp = tempfile.mkdtemp(prefix="capplan-pg-")
    data, sock = Path(tmp) / "data", Path(tmp) / "sock"
    sock.mkdir()
    if root:
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        os.chown(sock, pw.pw_uid, pw.pw_gid)
    prefix = ["runuser", "-u", "postgres", "--"] if root else []
    port = free_port()
    user = "postgres" if root else (os.environ.get("USER") or "postgres")
    try:
        run = lambda cmd: subprocess.run(prefix + cmd, capture_output=True, text=True, timeout=120)  # noqa: E731
        r = run([initdb, "-D", str(data), "-A", "trust", "-U", user, "--no-sync", "-E", "UTF8"])
        if r.returncode:
            raise RuntimeError(f"initdb failed: {r.stderr.strip()[:300]}")
        opts = f"-c listen_addresses=127.0.0.1 -c port={port} -k {sock} -c fsync=off -c max_connections=60"
        r = run([pg_ctl, "-D", str(data), "-o", opts, "-l", str(Path(tmp) / "log"), "-w", "-t", "60", "start"])
        if r.returncode:
            log = (Path(tmp) / "log").read_text() if (Path(tmp) / "log").exists() else r.stderr
            raise RuntimeError(f"pg_ctl start failed: {log.strip()[-300:]}")
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60)
        time.sleep(0.1)
        shutil.rmtree(tmp, ignore_errors=True)
