"""The session store on SQLite and on a real PostgreSQL: migrations, round trips, revisions, secrets.

PostgreSQL is Debian's server started by the test setup on 127.0.0.1 (tests/web_support.py). Where it
cannot start, these tests are skipped with the reason; CI installs postgresql so they run there.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("sqlalchemy", reason="web extra not installed: pip install -e '.[web]'")

from sqlalchemy import create_engine, text  # noqa: E402

from agent.web.migrations import SCHEMA_VERSION, STEPS  # noqa: E402
from agent.web.store import Conflict, SessionStore, database_url, default_db_path  # noqa: E402
from tests.web_support import postgres_cluster  # noqa: E402


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    try:
        with postgres_cluster() as url:
            yield url
    except RuntimeError as exc:
        if os.environ.get("CI"):
            raise  # CI installs postgresql: a cluster that cannot start there is a failure, not a skip
        pytest.skip(f"PostgreSQL could not start here: {exc}")


def _fresh_pg_db(server: str) -> str:
    name = "t_" + secrets.token_hex(4)
    engine = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return database_url(str(tmp_path / "s.db"))
    return database_url(_fresh_pg_db(request.getfixturevalue("pg_server")))


def test_fresh_database_is_at_the_latest_schema(url: str) -> None:
    store = SessionStore(url)
    assert store.schema_version() == SCHEMA_VERSION == len(STEPS)
    assert store.migrate() == []  # running again applies nothing
    store.close()


def test_round_trip_list_and_revisions(url: str) -> None:
    store = SessionStore(url)
    data = {"messages": [{"role": "user", "content": "héllo <b>"}], "scenarios": []}
    row = store.create(data, "first")
    again = store.get(row.id)
    assert again is not None and again.data == data and again.title == "first" and again.revision == 0
    rev = store.save(row.id, {"messages": [], "scenarios": [], "n": 1}, 0, "renamed")
    assert rev == 1 and store.get(row.id).data["n"] == 1  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        store.save(row.id, {"messages": []}, 0)  # another process saved first: refused, not merged
    second = store.create({"messages": []}, "second")
    listed = store.list()
    assert [s["id"] for s in listed] == [second.id, row.id] and listed[1]["title"] == "renamed"
    assert store.get("0" * 16) is None
    store.close()
    reopened = SessionStore(url)  # a restart loses nothing
    assert reopened.get(row.id).data["n"] == 1  # type: ignore[union-attr]
    reopened.close()


def test_secrets_never_reach_the_database(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-test-" + "Z" * 30
    monkeypatch.setenv("OPENAI_API_KEY", key)
    store = SessionStore(url)
    row = store.create({"messages": [{"role": "assistant", "content": f"the key is {key}"}]})
    engine = create_engine(url)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT transcript FROM capplan_sessions WHERE id = :i"), {"i": row.id}).scalar_one()
    engine.dispose()
    assert key not in raw and "***" in raw
    store.close()


def test_an_older_database_is_migrated_in_order(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:  # the database as the first release left it: only m001, one session
        conn.execute(text("CREATE TABLE capplan_migrations (name VARCHAR(100) PRIMARY KEY, applied_at FLOAT NOT NULL)"))
        STEPS[0][1](conn)
        conn.execute(text("INSERT INTO capplan_migrations VALUES ('m001_sessions', 0)"))
        conn.execute(text("INSERT INTO capplan_sessions VALUES ('00000000000000aa', 'old', 1, 2, :t)"),
                     {"t": json.dumps({"messages": []})})
    engine.dispose()
    store = SessionStore(url)
    assert store.schema_version() == SCHEMA_VERSION
    old = store.get("00000000000000aa")
    assert old is not None and old.title == "old" and old.revision == 0
    assert store.save(old.id, {"messages": [1]}, 0) == 1
    store.close()


def test_concurrent_saves_of_one_session_keep_exactly_one(url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = SessionStore(url)
    row = store.create({"messages": []})

    def attempt(i: int) -> bool:
        try:
            store.save(row.id, {"messages": [i]}, 0)
            return True
        except Conflict:
            return False

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert results.count(True) == 1
    winner = results.index(True)
    assert store.get(row.id).data == {"messages": [winner]}  # type: ignore[union-attr]
    store.close()


def test_database_url_and_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CAPPLAN_DATA_DIR", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "sessions.db"
    assert database_url(None) == f"sqlite:///{tmp_path / 'data' / 'sessions.db'}"
    assert database_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert database_url(str(tmp_path / "x.db")).endswith("x.db")
