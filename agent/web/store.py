"""Sessions kept in a database: SQLite by default (a file in the user's data directory), PostgreSQL for a
team deployment with several server processes (`--db postgresql://...`).

Why one row per session holding the transcript JSON: a session *is* a transcript (the schema of
`capplan chat --save`), so a browser session exports to `capplan chat --resume` unchanged and a chat
transcript imports as a session. Why a revision number: two server processes may serve the same
session; a save that finds another process saved first is refused (`Conflict`), never silently merged.
Secrets never reach the database: the transcript is scrubbed before it is written.
"""
from __future__ import annotations

import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from agent.web.migrations import STEPS, migrations_table, sessions_table


class Conflict(Exception):
    """The session was saved by someone else since it was loaded."""


@dataclass
class Row:
    id: str
    title: str
    created_at: float
    updated_at: float
    revision: int
    data: dict[str, Any]


def default_db_path() -> Path:
    """$CAPPLAN_DATA_DIR, else $XDG_DATA_HOME/capplan, else ~/.local/share/capplan (the user's data directory)."""
    base = os.environ.get("CAPPLAN_DATA_DIR") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share"), "capplan")
    return Path(base) / "sessions.db"


def database_url(db: str | None) -> str:
    """`--db` as a SQLAlchemy URL: a path (SQLite), postgresql://... (psycopg 3), or the default file."""
    if db and db.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if db and db.startswith("sqlite:"):
        return db
    path = Path(db).expanduser() if db else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class SessionStore:
    def __init__(self, url: str) -> None:
        self.url = url
        sqlite = url.startswith("sqlite")
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=not sqlite,
                                            connect_args={"check_same_thread": False, "timeout": 30} if sqlite else {})
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._lock = threading.Lock()
        self.migrate()

    # -- schema -------------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply the steps not yet applied, in order; returns their names."""
        applied_now = []
        with self._lock, self.engine.begin() as conn:
            migrations_table.create(conn, checkfirst=True)
            done = {r[0] for r in conn.execute(select(migrations_table.c.name))}
            for name, fn in STEPS:
                if name in done:
                    continue
                fn(conn)
                conn.execute(insert(migrations_table).values(name=name, applied_at=time.time()))
                applied_now.append(name)
        return applied_now

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(migrations_table)).scalar_one())

    # -- sessions -----------------------------------------------------------------------------------
    def create(self, data: dict[str, Any], title: str = "") -> Row:
        now = time.time()
        for _ in range(5):
            sid = secrets.token_hex(8)
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(sessions_table).values(id=sid, title=title[:200], created_at=now,
                                                               updated_at=now, revision=0, transcript=_dump(data)))
                return Row(sid, title[:200], now, now, 0, data)
            except IntegrityError:  # pragma: no cover - 64 random bits colliding
                continue
        raise RuntimeError("could not allocate a session id")

    def get(self, sid: str) -> Row | None:
        t = sessions_table
        with self.engine.connect() as conn:
            r = conn.execute(select(t.c.id, t.c.title, t.c.created_at, t.c.updated_at, t.c.revision, t.c.transcript)
                             .where(t.c.id == sid)).first()
        if r is None:
            return None
        return Row(r.id, r.title, r.created_at, r.updated_at, r.revision, json.loads(r.transcript))

    def save(self, sid: str, data: dict[str, Any], revision: int, title: str | None = None) -> int:
        """Write the transcript if the row is still at `revision`; returns the new revision."""
        t = sessions_table
        values: dict[str, Any] = {"transcript": _dump(data), "updated_at": time.time(), "revision": revision + 1}
        if title is not None:
            values["title"] = title[:200]
        with self.engine.begin() as conn:
            done = conn.execute(update(t).where(t.c.id == sid, t.c.revision == revision).values(**values)).rowcount
        if done != 1:
            raise Conflict(sid)
        return revision + 1

    def list(self, limit: int = 200) -> list[dict[str, Any]]:
        t = sessions_table
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.id, t.c.title, t.c.updated_at).order_by(t.c.updated_at.desc()).limit(limit))
            return [{"id": r.id, "title": r.title, "updated_at": r.updated_at} for r in rows]

    def close(self) -> None:
        self.engine.dispose()


def _dump(data: dict[str, Any]) -> str:
    from agent.redact import scrub_json

    return scrub_json(data)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets readers run while a turn saves; a busy timeout makes concurrent writers wait, not fail."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
