"""The plan history of a SQLite store, read with Python's own sqlite3 (read only).

``schedule plans`` and ``schedule diff`` only read; importing SQLAlchemy and SQLModel
for that was about 0.3 s of their 0.6 s. ``open_reader`` gives this reader only for a
store that needs nothing else: a SQLite file that exists, is not empty, passes
``PRAGMA quick_check`` and is at this code's schema head. Anything else (a new store to
create, one to migrate, a damaged or newer one, another database) goes to
``scheduler.store.plan_store.Store``, which creates, migrates or refuses it with its own
messages. Its answers are the Store's, field for field (``tests/test_history_cli.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from scheduler.models import Change, Plan
from scheduler.store.shared import VersionSummary, empty_store, no_version, schema_head


@dataclass
class LineRef:
    """A plan line (table ``scenario``): what the history commands read of it."""

    id: int
    head: int | None


@dataclass
class VersionRef:
    """A plan version (table ``plan_version``): what the history commands read of it."""

    id: int
    parent_id: int | None


def sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite file URL (``sqlite:///PATH``); None for anything else
    (another database, a URI with options, a store in memory)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    name = unquote(url[len(prefix) :])
    return Path(name) if name and name != ":memory:" else None


def open_reader(url: str) -> Reader | None:
    """A reader of the store at ``url`` when nothing but reading is needed (see the
    module docstring), else None."""
    path = sqlite_path(url)
    try:
        if path is None or not path.is_file() or path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except (OSError, sqlite3.Error):
        return None
    try:
        ok = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        head = schema_head()
        at = conn.execute("SELECT version_num FROM alembic_version").fetchall() if ok else []
    except sqlite3.Error:
        ok, at = False, []
    if not ok or at != [(head,)]:
        conn.close()
        return None
    return Reader(conn, url)


def _utc(text: str) -> dt.datetime:
    """A stored time: the store writes UTC (SQLite keeps it without its zone; the Store
    gives it back with it)."""
    at = dt.datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


class Reader:
    """The reading half of ``Store`` for ``schedule plans`` and ``schedule diff``."""

    def __init__(self, conn: sqlite3.Connection, url: str):
        self.conn = conn
        self.safe_url = url  # a SQLite file URL has no password

    def versions(self, limit: int = 50) -> list[VersionSummary]:
        """Versions, newest first."""
        rows = self.conn.execute(
            "SELECT v.id, s.name, s.year, v.kind, v.parent_id, v.created_at, v.status, v.levels, v.objective,"
            " v.sessions_count, v.unmet_count, v.today, s.head FROM plan_version v JOIN scenario s ON v.scenario_id = s.id"
            " ORDER BY v.id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            VersionSummary(
                id=r[0],
                name=r[1],
                year=r[2],
                kind=r[3],
                parent=r[4],
                created_at=_utc(r[5]),
                status=r[6],
                levels=json.loads(r[7]),
                objective=json.loads(r[8]),
                sessions=r[9],
                unmet=r[10],
                today=dt.date.fromisoformat(r[11]) if r[11] else None,
                is_head=r[12] == r[0],
            )
            for r in rows
        ]

    def line(self, version: int | None = None) -> tuple[LineRef, VersionRef]:
        """The plan line of ``version`` (default: of the version written last) and its head."""
        if version is None:
            row = self.conn.execute("SELECT scenario_id FROM plan_version ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                raise empty_store(self.safe_url)
        else:
            row = self.conn.execute("SELECT scenario_id FROM plan_version WHERE id = ?", (version,)).fetchone()
            if row is None:
                raise no_version(self.safe_url, version)
        line_id, head = self.conn.execute("SELECT id, head FROM scenario WHERE id = ?", (row[0],)).fetchone()
        return LineRef(line_id, head), self.version(head)

    def version(self, version: int) -> VersionRef:
        row = self.conn.execute("SELECT id, parent_id FROM plan_version WHERE id = ?", (version,)).fetchone()
        if row is None:
            raise no_version(self.safe_url, version)
        return VersionRef(*row)

    def plan(self, version: int) -> Plan:
        row = self.conn.execute("SELECT plan_json FROM plan_version WHERE id = ?", (version,)).fetchone()
        if row is None:
            raise no_version(self.safe_url, version)
        return Plan.model_validate_json(row[0])

    def find_plan(self, text: str) -> tuple[int, dt.datetime] | None:
        """The version whose plan.json is ``text`` byte for byte (the newest), and when it was made."""
        row = self.conn.execute(
            "SELECT id, created_at FROM plan_version WHERE plan_json = ? ORDER BY id DESC LIMIT 1", (text,)
        ).fetchone()
        return (row[0], _utc(row[1])) if row else None

    def pending(self, line_id: int) -> list[tuple[int, Change]]:
        """Changes recorded on this line and not applied by a re-plan yet, oldest first."""
        rows = self.conn.execute(
            "SELECT id, payload FROM change_event WHERE scenario_id = ? AND applied_in IS NULL ORDER BY id", (line_id,)
        ).fetchall()
        return [(cid, Change.model_validate_json(payload)) for cid, payload in rows]
