"""The plan store, on SQLite and on a real PostgreSQL server: the same tests for both.

Versions round-trip byte for byte, writes are all-or-nothing (also when the process
is killed mid-write or mid-solve), and a second planner re-planning the same plan
gets "plan changed since you loaded it" instead of overwriting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import scenario_dict, solve_dict
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from storage import BACKENDS, fresh_url

from scheduler.core.solve import SolveOptions
from scheduler.models import Change, ChangeKind
from scheduler.plan.engine import replan
from scheduler.plan.planfile import plan_json
from scheduler.store.plan_store import (
    ENV_BARRIER,
    ENV_PAUSE,
    MIGRATIONS,
    PlanChanged,
    Store,
    StoreError,
    _Transaction,
    migrations,
)
from scheduler.store.tables import AttendanceRow, ChangeRow, PlanVersion, SessionRow, SQLModel

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


def test_the_revisions_read_without_alembic_are_alembics(url):
    """Opening a store reads its revision and this code's migrations without alembic
    (``plan_store.migrations``): both agree with what alembic itself says."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert migrations() == [s.revision for s in reversed(list(script.walk_revisions()))]
    assert migrations()[-1] == script.get_current_head()
    store = Store(url)
    with create_engine(url).connect() as conn:
        assert store.revision() == MigrationContext.configure(conn).get_current_revision() == script.get_current_head()


def test_two_planners_opening_a_new_store_at_once_both_get_it(url, tmp_path):
    """Each process migrates a new store on first use; the others must wait for the
    first instead of failing on tables it is creating. The test barrier (ENV_BARRIER)
    makes the race certain: all three have found the store empty before any takes the
    lock, and without the lock all three read the revision before any creates a table."""
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {**os.environ, ENV_BARRIER: f"{barrier}:3"}
    code = "import sys; from scheduler.store.plan_store import Store; s = Store(sys.argv[1]); print(s.revision())"
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


# --------------------------------------------------------------------------- a store that is no (usable) plan store
# Helpers here are shared with tests/test_surroundings.py.


def sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def damage_an_index_page(path: Path) -> None:
    """Overwrite the cells of one index page with garbage, as a bad sector would: the
    file still opens and reads, but ``PRAGMA quick_check`` fails."""
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_plan_session_version_id'").fetchone()[0]
    con.close()
    with path.open("r+b") as f:
        f.seek(root * page_size - 1024)  # the cells sit at the end of their page
        f.write(b"\xde\xad\xbe\xef" * 256)


def set_revision(url: str, revision: str) -> None:
    """Write another schema revision into the store, as a newer ``schedule`` would."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def stored_revision(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    return revision


def read_only_url(url: str) -> str:
    """The same store opened read-only: SQLite's ``mode=ro``; for PostgreSQL a session whose
    transactions are read-only (as for a replica or a read-only role)."""
    path = sqlite_path(url)
    if path is not None:
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return make_url(url).update_query_dict({"options": "-c default_transaction_read_only=on"}).render_as_string(False)


@contextlib.contextmanager
def read_only(path: Path):
    """``path`` (a file or a folder) read-only. Permission bits do not stop root, so as
    root the file is made immutable (``chattr +i``); the test skips where that is not
    allowed (no CAP_LINUX_IMMUTABLE, a file system without the attribute)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("running as root, and chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_new_sqlite_store_file_appears_with_its_schema_and_nothing_beside_it(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    assert store.revision() == store.head_revision()
    assert [p.name for p in tmp_path.iterdir()] == ["new.db"]  # the file made beside it is gone


def test_a_zero_byte_store_file_is_refused_not_taken_as_a_new_store(tmp_path):
    empty = tmp_path / "schedule.db"
    empty.touch()
    with pytest.raises(StoreError, match="empty \\(0 bytes\\), not a plan store") as err:
        Store(f"sqlite:///{empty}")
    assert err.value.key == "s.zero_bytes" and err.value.params["path"] == str(empty)
    assert empty.stat().st_size == 0


def test_a_damaged_sqlite_store_is_refused_and_left_as_it_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'schedule.db'}"
    Store(url).record_solve(two_session_plan())
    damage_an_index_page(tmp_path / "schedule.db")
    damaged = (tmp_path / "schedule.db").read_bytes()
    with pytest.raises(StoreError, match="is damaged") as err:
        Store(url)
    assert err.value.key == "s.corrupt" and "page" in err.value.params["why"]
    assert (tmp_path / "schedule.db").read_bytes() == damaged


def test_a_store_of_an_unknown_revision_is_refused_not_migrated(url):
    Store(url).record_solve(two_session_plan())
    set_revision(url, "9999_future")
    for upgrade in (True, False):  # every command, and `schedule db upgrade`
        with pytest.raises(StoreError, match="written by a newer version of schedule") as err:
            Store(url, upgrade=upgrade)
        assert err.value.key == "s.newer" and err.value.params["revision"] == "9999_future"
    assert stored_revision(url) == "9999_future"


def test_a_read_only_store_is_refused_by_check_writable_and_stays_as_it_was(url):
    store = Store(url)
    store.record_solve(two_session_plan())
    before = counts(store)
    reader = Store(read_only_url(url))
    assert [v.id for v in reader.versions()] == [1]  # reading works
    with pytest.raises(StoreError, match="cannot be written") as err:
        reader.check_writable()
    assert err.value.key == "s.read_only" and "read" in err.value.params["why"]
    store.check_writable()  # the probe of a writable store changes nothing either
    assert counts(store) == before and stored_revision(url) == store.head_revision()


class Staged:
    """A staged file that logs what the store asks of it; ``put`` fails when told to."""

    def __init__(self, log: list[str], fail_put: bool = False) -> None:
        self.log, self.fail_put = log, fail_put

    def put(self) -> None:
        self.log.append("put")
        if self.fail_put:
            raise OSError(28, "No space left on device")

    def undo(self):
        self.log.append("undo")

    def done(self) -> None:
        self.log.append("done")


def _pending_replan(url: str):
    """A store with version 1 and one pending cancellation, and the re-plan that applies it."""
    plan = two_session_plan()
    store = Store(url)
    v = store.record_solve(plan)
    line, _ = store.line()
    cid = store.add_change(line.id, v, Change(kind=ChangeKind.cancel, session=plan.sessions[0].id))
    out = replan(plan, v, [c for _, c in store.pending(line.id)], plan.sessions[0].date, 0, SolveOptions(workers=1))
    return store, line, out.plan, cid


def test_the_staged_plan_file_goes_in_place_before_the_commit(url, monkeypatch):
    store, line, new, cid = _pending_replan(url)
    log = []
    real = _Transaction.commit

    def commit(self) -> None:
        log.append("commit")
        real(self)

    monkeypatch.setattr(_Transaction, "commit", commit)
    v2 = store.record_replan(new, line.id, 1, line.revision, [cid], Staged(log))
    assert log == ["put", "commit", "done"]
    assert store.pending(line.id) == [] and store.line()[1].id == v2


def test_a_failing_commit_takes_the_staged_file_back_and_leaves_the_changes_pending(url, monkeypatch):
    store, line, new, cid = _pending_replan(url)
    before = counts(store)
    log = []

    def commit(self) -> None:
        log.append("commit")
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(_Transaction, "commit", commit)
    with pytest.raises(StoreError, match="could not be written \\(.*disk I/O error\\); nothing was written") as err:
        store.record_replan(new, line.id, 1, line.revision, [cid], Staged(log))
    assert err.value.key == "s.write_failed" and err.value.params["store"] == store.safe_url
    assert log == ["put", "commit", "undo"]
    monkeypatch.undo()
    assert counts(store) == before and [i for i, _ in store.pending(line.id)] == [cid]


def test_a_staged_file_that_cannot_be_put_rolls_the_write_back(url):
    store, line, new, cid = _pending_replan(url)
    before = counts(store)
    log = []
    with pytest.raises(OSError, match="No space left"):
        store.record_replan(new, line.id, 1, line.revision, [cid], Staged(log, fail_put=True))
    assert log == ["put"]  # no commit, nothing to undo
    assert counts(store) == before and [i for i, _ in store.pending(line.id)] == [cid]
    assert store.line()[0].revision == line.revision
