"""The plan store, on SQLite and on a real PostgreSQL server: the same tests for both.

Versions round-trip byte for byte, writes are all-or-nothing (also when the process
is killed mid-write or mid-solve), and a second planner re-planning the same plan
gets "plan changed since you loaded it" instead of overwriting.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import scenario_dict, solve_dict
from sqlalchemy import create_engine
from storage import BACKENDS, fresh_url

from scheduler.engine import replan
from scheduler.models import Change, ChangeKind
from scheduler.planfile import plan_json
from scheduler.solver import SolveOptions
from scheduler.store import ENV_BARRIER, ENV_PAUSE, PlanChanged, Store, StoreError
from scheduler.tables import AttendanceRow, ChangeRow, PlanVersion, SessionRow, SQLModel

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "examples" / "tiny" / "scenario.yaml"


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    return fresh_url(request.param, tmp_path)


def two_session_plan():
    d = scenario_dict()
    d["plan"]["sessions"] = {"total": 2, "total_min": 0}
    d["offerings"].append({"id": "aid", "title": "社会救助", "type": "peer", "department": "minzheng", "capacity": 60})
    d["orders"].append({"id": "O-2", "community": "fenghuang", "offering": "aid", "attendees": 15, "priority": 4})
    out = solve_dict(d)
    assert out.plan is not None and len(out.plan.sessions) == 2
    return out.plan


def counts(store: Store) -> dict[str, int]:
    return {t.__tablename__: store.count(t) for t in (PlanVersion, SessionRow, AttendanceRow, ChangeRow)}


def test_migrations_create_exactly_the_tables_the_code_uses(url):
    store = Store(url)
    assert store.revision() == store.head_revision()
    with create_engine(url).connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert drift == []


def test_two_planners_opening_a_new_store_at_once_both_get_it(url, tmp_path):
    """Each process migrates a new store on first use; the others must wait for the
    first instead of failing on tables it is creating. The test barrier (ENV_BARRIER)
    makes the race certain: all three have found the store empty before any takes the
    lock, and without the lock all three read the revision before any creates a table."""
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {**os.environ, ENV_BARRIER: f"{barrier}:3"}
    code = "import sys; from scheduler.store import Store; s = Store(sys.argv[1]); print(s.revision())"
    argv = [sys.executable, "-c", code, url]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    head = Store(url).head_revision()
    assert [out.strip() for out, _ in results] == [head] * 3
    assert len(list(barrier.glob("lock-*"))) == 3  # each came to the lock with an empty store
    assert len(list(barrier.glob("change-*"))) == 1  # and one alone changed it


def test_a_solved_plan_round_trips_byte_for_byte(url):
    plan = two_session_plan()
    store = Store(url)
    v = store.record_solve(plan, "scenario.yaml")
    assert store.plan_text(v) == plan_json(plan)
    assert store.plan(v) == plan
    rows = store.sessions(v)
    assert [(r.code, r.date, r.venue) for r in rows] == [(s.id, s.date, s.venue) for s in plan.sessions]
    line, head = store.line()
    assert head.id == v and line.name == plan.scenario.snapshot.plan.name and line.revision == 1
    assert counts(store)["attendance"] == sum(len(s.attendance) for s in plan.sessions)
    v2 = store.record_solve(plan, "scenario.yaml")  # solving again: a new version on the same line
    assert [x.id for x in store.versions()] == [v2, v] and store.versions()[0].is_head


def test_changes_stay_pending_until_a_re_plan_applies_them(url):
    plan = two_session_plan()
    store = Store(url)
    v = store.record_solve(plan)
    line, _ = store.line()
    first = plan.sessions[0]
    cid = store.add_change(line.id, v, Change(kind=ChangeKind.cancel, session=first.id, reason="台风红色预警"))
    assert [c for _, c in store.pending(line.id)] == [Change(kind=ChangeKind.cancel, session=first.id, reason="台风红色预警")]
    out = replan(plan, v, [c for _, c in store.pending(line.id)], first.date - dt.timedelta(days=1), 0, SolveOptions(workers=1))
    v2 = store.record_replan(out.plan, line.id, v, line.revision, [cid])
    assert store.pending(line.id) == []
    assert store.version(v2).parent_id == v and store.line()[1].id == v2
    assert store.plan(v2).replan.parent == v


def test_a_second_planner_gets_plan_changed_not_a_silent_overwrite(url):
    plan = two_session_plan()
    store = Store(url)
    v = store.record_solve(plan)
    line, _ = store.line()
    cid = store.add_change(line.id, v, Change(kind=ChangeKind.cancel, session=plan.sessions[0].id))
    today = plan.sessions[0].date - dt.timedelta(days=1)
    changes = [c for _, c in store.pending(line.id)]
    # both planners load version v at revision r, both re-plan
    mine = replan(plan, v, changes, today, 0, SolveOptions(workers=1)).plan
    theirs = replan(plan, v, changes, today, 0, SolveOptions(workers=1)).plan
    other = Store(url)  # another process, another connection
    other.record_replan(theirs, line.id, v, line.revision, [cid])
    before = counts(store)
    with pytest.raises(PlanChanged, match="plan changed since you loaded it"):
        store.record_replan(mine, line.id, v, line.revision, [cid])
    assert counts(store) == before  # nothing of the refused write is left


def test_a_failing_write_leaves_nothing_behind(url, monkeypatch):
    plan = two_session_plan()
    store = Store(url)
    store.record_solve(plan)
    before = counts(store)
    real = Store._insert_version

    def half_then_fail(self, s, *args):
        real(self, s, *args)  # the version and its sessions are in the transaction...
        raise RuntimeError("disk full")  # ...when the write fails

    monkeypatch.setattr(Store, "_insert_version", half_then_fail)
    with pytest.raises(RuntimeError):
        store.record_solve(plan)
    assert counts(store) == before
    assert store.line()[0].revision == 1


def _schedule(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "the write never started"
        time.sleep(0.05)


def test_killing_a_write_midway_leaves_the_store_as_before_and_usable(url, tmp_path):
    store = Store(url)
    first = _schedule("solve", str(TINY), "--out", str(tmp_path / "a"), "--quiet", "--db", url, env={})
    assert first.wait(120) == 0, first.communicate()
    before = counts(store)
    marker = tmp_path / "writing"
    proc = _schedule("solve", str(TINY), "--out", str(tmp_path / "b"), "--quiet", "--db", url, env={ENV_PAUSE: str(marker)})
    _wait_for(marker, proc)  # the new version and its sessions are written, not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    after = Store(url)
    assert counts(after) == before
    assert [v.id for v in after.versions()] == [1]
    again = _schedule("solve", str(TINY), "--out", str(tmp_path / "c"), "--quiet", "--db", url, env={})
    assert again.wait(120) == 0, again.communicate()
    assert len(Store(url).versions()) == 2


def test_killing_a_solve_midway_leaves_the_store_as_before(url, tmp_path):
    store = Store(url)
    proc = _schedule(
        "solve", str(ROOT / "examples" / "pinghu-2026" / "scenario.yaml"), "--out", str(tmp_path / "o"), "--db", url, env={}
    )
    # wait for the first progress line: the solve is under way
    line = proc.stderr.readline()
    assert line.startswith("["), line + proc.stderr.read()
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert counts(store) == dict.fromkeys(counts(store), 0)
    assert not (tmp_path / "o" / "plan.json").exists()


def test_an_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot open the store"):
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
