"""Stores for tests: a SQLite file, and a real PostgreSQL server when one is given.

``SCHEDULE_TEST_PG`` is a database URL (``.ci/run`` starts Debian's PostgreSQL and
sets it). Without it the PostgreSQL cases skip, except under CI (``CI`` set),
where they fail: CI must run the same store tests on both.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("SCHEDULE_TEST_PG")
BACKENDS = ["sqlite", "postgresql"]


def fresh_url(backend: str, tmp_path) -> str:
    """An empty database of this kind."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'schedule.db'}"
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("SCHEDULE_TEST_PG is not set under CI: the PostgreSQL store tests must run")
        pytest.skip("no PostgreSQL server (set SCHEDULE_TEST_PG)")
    engine = create_engine(PG_URL)
    with engine.begin() as conn:  # an empty schema for each test
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL
