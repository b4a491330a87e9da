"""What the store and its read-only reader share, with no database library imported:
errors, the store's URL, the version summary, and the schema revisions this code knows.

Reading the plan history (``schedule plans``, ``schedule diff``) from a SQLite store
needs none of SQLAlchemy, SQLModel or alembic (about 0.3 s of a command's start):
``scheduler.store.reader`` reads it with Python's own sqlite3.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "sqlite:///schedule.db"
ENV_URL = "SCHEDULE_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(Exception):
    """The store cannot do what was asked; the message says why, for a planner.

    ``key`` and ``params`` name the message in ``scheduler.domain.i18n`` (planners read it in
    Chinese or English); ``str()`` is the English text."""

    def __init__(self, message: str, key: str = "", **params):
        super().__init__(message)
        self.key = key
        self.params = params
        self.not_undone = None  # a write that failed and could not put plan.json back: a Message saying so


def database_url(option: str | None = None) -> str:
    """``--db`` wins, then ``SCHEDULE_DB``, then ``schedule.db`` here. A plain file
    path means a SQLite file."""
    url = option or os.environ.get(ENV_URL) or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


def no_version(store: str, version: int) -> StoreError:
    return StoreError(f"no plan version {version} in the store {store}", "s.no_version", version=version, store=store)


def empty_store(store: str) -> StoreError:
    return StoreError(f"no plan in the store {store} yet: run `schedule solve SCENARIO` first", "s.empty", store=store)


@dataclass
class VersionSummary:
    id: int
    name: str
    year: int
    kind: str
    parent: int | None
    created_at: dt.datetime
    status: str
    levels: list[str]
    objective: list[int]
    sessions: int
    unmet: int
    today: dt.date | None
    is_head: bool


@functools.cache
def migrations() -> list[str]:
    """The revisions of this code's migrations, oldest first (each file's ``revision``
    follows its ``down_revision``), read from ``migrations/versions``."""
    after: dict[str | None, str] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        body = path.read_text(encoding="utf-8")
        rev = re.search(r'^revision = "([^"]+)"', body, re.M)
        down = re.search(r'^down_revision = (?:"([^"]+)"|None)', body, re.M)
        if rev and down:
            after[down.group(1)] = rev.group(1)
    out, rev = [], after.get(None)
    while rev is not None:
        out.append(rev)
        rev = after.get(rev)
    return out


def schema_head() -> str | None:
    """The newest revision this code knows (None: no migration at all)."""
    return migrations()[-1] if migrations() else None
