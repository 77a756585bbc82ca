"""The session store's schema, as named migrations applied in order (the way simonw/llm migrates its logs).

Why named and recorded: a database made by an older capplan is upgraded step by step when a newer one
opens it; each step runs once, inside a transaction, and is recorded in `capplan_migrations`. The schema
version is the number of steps applied. Never edit a released step: add a new one at the end.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, text
from sqlalchemy.engine import Connection

metadata = MetaData()

migrations_table = Table(
    "capplan_migrations", metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", Float, nullable=False),
)

sessions_table = Table(
    "capplan_sessions", metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(200), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("revision", Integer, nullable=False, default=0),  # optimistic lock across server processes
    Column("transcript", Text, nullable=False),  # the transcript JSON of `capplan chat --save`
)

Step = Callable[[Connection], None]
STEPS: list[tuple[str, Step]] = []


def step(name: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        STEPS.append((name, fn))
        return fn
    return register


@step("m001_sessions")
def _m001(conn: Connection) -> None:
    conn.execute(text(
        "CREATE TABLE capplan_sessions (id VARCHAR(32) PRIMARY KEY, title VARCHAR(200) NOT NULL, "
        "created_at FLOAT NOT NULL, updated_at FLOAT NOT NULL, transcript TEXT NOT NULL)"))


@step("m002_updated_index")
def _m002(conn: Connection) -> None:
    conn.execute(text("CREATE INDEX capplan_sessions_updated ON capplan_sessions (updated_at)"))


@step("m003_revision")
def _m003(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE capplan_sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"))


SCHEMA_VERSION = len(STEPS)
