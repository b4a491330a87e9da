"""Plan history in a database: every plan version, its sessions, and the changes that
led from one version to the next.

SQLite (``schedule.db`` in the working directory) is the default; ``--db URL`` or
``SCHEDULE_DB`` selects another database, e.g. ``postgresql+psycopg://user:pw@host/db``.
The schema is created and upgraded by alembic migrations, on first use or with
``schedule db upgrade``.

Writes are all-or-nothing: a version, its sessions and attendances, the changes it
applies and the new head of its line go in one transaction, so a crash or a kill
leaves the store as it was. A write may carry a staged file (OUT/plan.json): it goes in
place just before the commit and back out if the commit fails, so the store is never
ahead of the files. Two planners re-planning the same line at once: the second to write
gets ``PlanChanged`` (optimistic concurrency on ``scenario.revision``).

A store that is no usable plan store is refused when opened, before any work: a 0-byte
file, a SQLite file that fails ``PRAGMA quick_check``, a schema revision this code does
not know (a newer ``schedule`` wrote it); ``check_writable`` refuses one it cannot write.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sqlite3
import time
import weakref
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, event, func, insert, inspect, make_url, text, update
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError
from sqlmodel import Session, col, create_engine, select

from scheduler.models import Change, Plan, PlannedSession
from scheduler.plan.planfile import plan_json
from scheduler.store.shared import (  # noqa: F401 - StoreError, database_url, ... are this module's API too
    DEFAULT_URL,
    ENV_URL,
    MIGRATIONS,
    StoreError,
    VersionSummary,
    database_url,
    empty_store,
    migrations,
    no_version,
    schema_head,
)
from scheduler.store.tables import AttendanceRow, ChangeRow, PlanVersion, ScenarioRow, SessionRow

# Testing hook: when set to a file path, a write pauses just before its commit after
# creating that file, so a test can kill the process mid-write (tests/test_store.py).
ENV_PAUSE = "SCHEDULE_PAUSE_BEFORE_COMMIT"
# Testing hook: when set to ``FOLDER:N``, the N processes that open a new store at once
# meet twice while migrating it, so that whether they race does not depend on timing
# (tests/test_store.py): just before the migration lock is taken, and again after the
# current revision is read, just before the first change to the store. Without the lock
# all N read "no tables yet" before any creates them, every time; with it the others
# wait at the lock, and the second meeting ends as soon as they are seen shut out.
ENV_BARRIER = "SCHEDULE_TEST_BARRIER"


class PlanChanged(StoreError):
    """The plan line moved on since it was loaded (another planner wrote a version)."""


class StagedFile(Protocol):
    """A file that goes in place just before a write commits, and back out if the commit
    fails (``scheduler.plan.staging.StagedPlan``: OUT/plan.json)."""

    def put(self) -> None:
        """Put the new file in place, keeping the old one; raise if it cannot."""

    def undo(self):
        """Put the old file back; ``None``, or a ``Message`` saying what could not be undone."""

    def done(self) -> None:
        """The commit succeeded: drop what was kept of the old file."""


def safe_url(url: str) -> str:
    """The URL without its password, for messages (one without a password as it was given)."""
    parsed = make_url(url)
    return url if parsed.password is None else parsed.render_as_string(hide_password=True)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


MIGRATION_LOCK = 0x5C4ED  # PostgreSQL advisory lock key held while migrating


class Store:
    def __init__(self, url: str | None = None, upgrade: bool = True, create: bool = True):
        """Open the store: refuse a file that is no plan store (0 bytes, damaged, or of a
        schema this code does not know), and migrate it when ``upgrade``. ``create``: a
        SQLite file that does not exist yet is made; else "no plan in the store yet"."""
        self.url = database_url(url)
        try:
            path = _sqlite_file(self.url)
            if path is not None:
                self._prepare_file(path, create)
            if self.url.startswith("sqlite"):
                self.engine = create_engine(self.url, connect_args={"timeout": 30})
                event.listen(self.engine, "connect", _sqlite_pragmas)
                self._check_integrity()
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            _OPEN.add(self)
            if self._known_revision() != self.head_revision() and upgrade:
                self.upgrade()
        except (SQLAlchemyError, ImportError, MigrationError) as err:
            why = _first_line(err)
            raise StoreError(f"cannot open the store {self.safe_url}: {why}", "s.open", store=self.safe_url, why=why) from None

    @property
    def safe_url(self) -> str:
        return safe_url(self.url)

    # -- schema ---------------------------------------------------------------------
    # alembic (about 0.5 s to import) is loaded only to migrate: the revision a store is at
    # is the row of its ``alembic_version`` table, and the revisions this code knows are
    # read from the migration files (``migrations()``), so opening a store at the head
    # (every command but the first on a new store) needs none of it.
    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def head_revision(self) -> str | None:
        return schema_head()

    def _known_revision(self) -> str | None:
        """The store's revision; ``StoreError`` when no migration of this code has that
        id: a newer ``schedule`` wrote the store, and nothing here may touch it."""
        current = self.revision()
        if current is not None and current not in migrations():
            head = self.head_revision()
            raise StoreError(
                f"the store {self.safe_url} was written by a newer version of schedule "
                f"(schema {current}; this version knows up to {head}): upgrade schedule or pick another store with --db",
                "s.newer",
                store=self.safe_url,
                revision=current,
                head=head,
            )
        return current

    def upgrade(self) -> tuple[str | None, str | None]:
        """Apply every migration not applied yet; returns (before, after)."""
        before = self.revision()
        try:
            with self.engine.begin() as conn:
                _test_barrier("lock")
                # two processes opening a new store at once: the second waits for the first
                # to commit, then finds nothing left to apply
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                elif conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock before reading the revision
                _test_barrier_before_first_change(conn)
                _alembic_upgrade(conn)
        except (SQLAlchemyError, MigrationError) as err:  # e.g. a read-only store, a revision another version wrote meanwhile
            raise self._write_failed(err) from None
        return before, self.revision()

    def check_writable(self) -> None:
        """``StoreError`` unless this process can write to the store (a read-only file or
        folder, a read-only database user or transaction): a write is tried, then rolled
        back, so the store stays exactly as it was."""
        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "sqlite":
                    # PRAGMA runs outside the driver's implicit transactions: begin one, so
                    # that the write (of the value already there) is rolled back, not committed
                    conn.exec_driver_sql("BEGIN")
                    value = int(conn.exec_driver_sql("PRAGMA user_version").scalar())
                    conn.exec_driver_sql(f"PRAGMA user_version = {value}")
                else:
                    conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
                conn.rollback()
        except SQLAlchemyError as err:
            why = _first_line(err)
            raise StoreError(
                f"the store {self.safe_url} cannot be written ({why}): check the permissions of the file and its folder, "
                "or pick another store with --db",
                "s.read_only",
                store=self.safe_url,
                why=why,
            ) from None

    def _prepare_file(self, path: Path, create: bool) -> None:
        """Refuse a 0-byte store file; make a missing one (when ``create``)."""
        try:
            size = path.stat().st_size if path.is_file() else None
        except OSError:
            size = None  # let SQLite say what is wrong with the path
        if size == 0:
            raise StoreError(
                f"the store file {path} is empty (0 bytes), not a plan store: remove it or pick another store with --db",
                "s.zero_bytes",
                path=str(path),
                store=self.safe_url,
            )
        if path.exists():
            return
        if not create:
            raise empty_store(self.safe_url)
        try:
            _create_sqlite_file(path)
        except OSError as err:
            why = f"{err.strerror}: {path.parent}"
            raise StoreError(f"cannot open the store {self.safe_url}: {why}", "s.open", store=self.safe_url, why=why) from None

    def _check_integrity(self) -> None:
        """SQLite's ``PRAGMA quick_check``: a damaged file is refused before it is read or written."""
        try:
            with self.engine.connect() as conn:
                found = [str(r) for r in conn.exec_driver_sql("PRAGMA quick_check").scalars()]
        except DatabaseError as err:
            if "malformed" not in str(err):
                raise  # e.g. "file is not a database": cannot open the store
            found = [_first_line(err)]
        if found != ["ok"]:
            why = found[0].replace("*** in database main ***", "").strip().splitlines()[0]
            raise StoreError(
                f"the store {self.safe_url} is damaged (SQLite integrity check: {why}): "
                "restore it from a backup or pick another store with --db",
                "s.corrupt",
                store=self.safe_url,
                why=why,
            )

    def _write_failed(self, err: BaseException) -> StoreError:
        why = _first_line(err)
        return StoreError(
            f"the store {self.safe_url} could not be written ({why}); nothing was written",
            "s.write_failed",
            store=self.safe_url,
            why=why,
        )

    # -- reading ----------------------------------------------------------------------
    def line(self, version: int | None = None) -> tuple[ScenarioRow, PlanVersion]:
        """A plan line and its current version: that of ``version``, else the line
        written to last."""
        with Session(self.engine) as s:
            if version is None:
                row = s.exec(select(PlanVersion).order_by(col(PlanVersion.id).desc()).limit(1)).first()
                if row is None:
                    raise empty_store(self.safe_url)
            else:
                row = s.get(PlanVersion, version)
                if row is None:
                    raise self._no_version(version)
            line = s.get(ScenarioRow, row.scenario_id)
            head = s.get(PlanVersion, line.head)
            return line, head

    def plan(self, version: int) -> Plan:
        with Session(self.engine) as s:
            row = s.get(PlanVersion, version)
            if row is None:
                raise self._no_version(version)
            return Plan.model_validate_json(row.plan_json)

    def plan_text(self, version: int) -> str:
        with Session(self.engine) as s:
            row = s.get(PlanVersion, version)
            if row is None:
                raise self._no_version(version)
            return row.plan_json

    def version(self, version: int) -> PlanVersion:
        with Session(self.engine) as s:
            row = s.get(PlanVersion, version)
            if row is None:
                raise self._no_version(version)
            return row

    def versions(self, limit: int = 50) -> list[VersionSummary]:
        """Versions, newest first."""
        with Session(self.engine) as s:
            rows = s.exec(
                select(PlanVersion, ScenarioRow)
                .join(ScenarioRow, PlanVersion.scenario_id == ScenarioRow.id)
                .order_by(col(PlanVersion.id).desc())
                .limit(limit)
            ).all()
            return [
                VersionSummary(
                    id=v.id,
                    name=sc.name,
                    year=sc.year,
                    kind=v.kind,
                    parent=v.parent_id,
                    created_at=v.created_at,
                    status=v.status,
                    levels=json.loads(v.levels),
                    objective=json.loads(v.objective),
                    sessions=v.sessions_count,
                    unmet=v.unmet_count,
                    today=v.today,
                    is_head=sc.head == v.id,
                )
                for v, sc in rows
            ]

    def sessions(self, version: int) -> list[SessionRow]:
        with Session(self.engine) as s:
            return list(s.exec(select(SessionRow).where(SessionRow.version_id == version).order_by(col(SessionRow.code))).all())

    def pending(self, line_id: int) -> list[tuple[int, Change]]:
        """Changes recorded on this line and not applied by a re-plan yet, oldest first."""
        with Session(self.engine) as s:
            rows = s.exec(
                select(ChangeRow)
                .where(ChangeRow.scenario_id == line_id, col(ChangeRow.applied_in).is_(None))
                .order_by(col(ChangeRow.id))
            ).all()
            return [(r.id, Change.model_validate_json(r.payload)) for r in rows]

    def count(self, table) -> int:
        with Session(self.engine) as s:
            return s.exec(select(func.count()).select_from(table)).one()

    # -- writing ----------------------------------------------------------------------
    def add_change(self, line_id: int, head: int, change: Change) -> int:
        with self._write() as s:
            row = ChangeRow(
                scenario_id=line_id,
                recorded_on=head,
                kind=change.kind.value,
                payload=change.model_dump_json(exclude_none=True),
                created_at=_now(),
            )
            s.add(row)
            s.flush()
            _pause_before_commit()
            return row.id

    def discard_change(self, line_id: int, change_id: int) -> bool:
        """Delete a change recorded on this line and not applied yet (it never reached a
        plan, so nothing refers to it); False when it is not pending there (any more: a
        re-plan may have applied it meanwhile)."""
        with self._write() as s:
            gone = s.execute(
                delete(ChangeRow).where(
                    ChangeRow.id == change_id, ChangeRow.scenario_id == line_id, col(ChangeRow.applied_in).is_(None)
                )
            )
            _pause_before_commit()
            return gone.rowcount == 1

    def record_solve(self, plan: Plan, source: str = "", staged: StagedFile | None = None) -> int:
        """Write a freshly solved plan as a new version and make it its line's head;
        ``staged`` (plan.json) goes in place in the same step (see ``_Transaction``)."""
        p = plan.scenario.snapshot.plan
        for attempt in range(2):
            try:
                with self._write(staged) as s:
                    line = s.exec(select(ScenarioRow).where(ScenarioRow.name == p.name, ScenarioRow.year == p.year)).first()
                    if line is None:
                        line = ScenarioRow(name=p.name, year=p.year, source=source, created_at=_now())
                        s.add(line)
                        s.flush()
                    s.execute(update(ScenarioRow).where(ScenarioRow.id == line.id).values(revision=ScenarioRow.revision + 1))
                    vid = self._insert_version(s, line.id, None, "solve", plan, _plan_text(plan, staged))
                    s.execute(update(ScenarioRow).where(ScenarioRow.id == line.id).values(head=vid, source=source))
                    _pause_before_commit()
                    return vid
            except IntegrityError:
                if attempt:  # another planner created the same line at the same moment: try once more
                    raise
        raise AssertionError("unreachable")

    def record_replan(
        self, plan: Plan, line_id: int, parent: int, revision: int, change_ids: list[int], staged: StagedFile | None = None
    ) -> int:
        """Write a re-plan of ``parent`` and mark ``change_ids`` applied by it, with
        ``staged`` (plan.json) in the same step; fails with ``PlanChanged`` if the line's
        revision is no longer ``revision`` (someone wrote since it was loaded)."""
        with self._write(staged) as s:
            # the first statement writes, so SQLite takes its write lock at once
            moved = s.execute(
                update(ScenarioRow)
                .where(ScenarioRow.id == line_id, ScenarioRow.revision == revision, ScenarioRow.head == parent)
                .values(revision=ScenarioRow.revision + 1)
            )
            if moved.rowcount != 1:
                raise self._changed(s, line_id, parent)
            vid = self._insert_version(s, line_id, parent, "resolve", plan, _plan_text(plan, staged))
            if change_ids:
                done = s.execute(
                    update(ChangeRow)
                    .where(col(ChangeRow.id).in_(change_ids), col(ChangeRow.applied_in).is_(None))
                    .values(applied_in=vid)
                )
                if done.rowcount != len(change_ids):
                    raise PlanChanged("a change this re-plan applies was applied by another re-plan meanwhile", "s.applied")
            s.execute(update(ScenarioRow).where(ScenarioRow.id == line_id).values(head=vid))
            _pause_before_commit()
            return vid

    def _no_version(self, version: int) -> StoreError:
        return no_version(self.safe_url, version)

    def _changed(self, s: Session, line_id: int, parent: int) -> PlanChanged:
        line = s.get(ScenarioRow, line_id)
        s.refresh(line)
        return PlanChanged(
            f"plan changed since you loaded it: you started from version {parent}, "
            f"but the current version is now {line.head}. Look at it (`schedule diff {parent} {line.head}`), "
            "then run the command again.",
            "h.base_moved",
            parent=parent,
            head=line.head,
        )

    def _insert_version(self, s: Session, line_id: int, parent: int | None, kind: str, plan: Plan, text: str) -> int:
        info = plan.solver
        row = PlanVersion(
            scenario_id=line_id,
            parent_id=parent,
            kind=kind,
            created_at=_now(),
            input_sha256=plan.scenario.sha256,
            snapshot=plan.scenario.snapshot.model_dump_json(),
            seed=info.seed,
            deterministic=info.deterministic,
            engine=plan.engine,
            ortools=info.ortools,
            status=info.status,
            objective=json.dumps(info.objective),
            bound=json.dumps(info.bound),
            levels=json.dumps(info.levels),
            gap=info.gap,
            today=plan.replan.today if plan.replan else None,
            freeze_days=plan.replan.freeze_days if plan.replan else None,
            sessions_count=len(plan.sessions),
            unmet_count=len(plan.unmet),
            plan_json=text,
        )
        s.add(row)
        s.flush()
        # the sessions and their attendance as two bulk inserts, no ORM object a row (on a
        # 700-session plan, 2,000 SQLModel rows took 0.1-0.2 s to build and flush); the
        # sessions' ids are read back by their codes, unique in a version
        if plan.sessions:
            s.execute(insert(SessionRow), [self._session_row(row.id, ps) for ps in plan.sessions])
            ids = dict(s.execute(select(SessionRow.code, SessionRow.id).where(SessionRow.version_id == row.id)).all())
            attendance = [
                dict(session_id=ids[ps.id], community=a.community, attendees=a.attendees, orders=",".join(a.orders))
                for ps in plan.sessions
                for a in ps.attendance
            ]
            if attendance:
                s.execute(insert(AttendanceRow), attendance)
        return row.id

    @staticmethod
    def _session_row(version_id: int, ps: PlannedSession) -> dict:
        return dict(
            version_id=version_id,
            code=ps.id,
            offering=ps.offering,
            title=ps.title,
            type=ps.type.value,
            date=ps.date,
            slots=",".join(x.value for x in ps.slots),
            venue=ps.venue,
            instructor=ps.instructor,
            host=ps.host,
            headcount=ps.headcount,
            sequence=ps.sequence,
        )

    def _write(self, staged: StagedFile | None = None):
        return _Transaction(self, staged)


def _plan_text(plan: Plan, staged: StagedFile | None) -> str:
    """plan.json's text: the staged file's own when it carries one (``StagedPlan.text``), so
    the store keeps what the file holds and the JSON is built once (0.2 s on 700 sessions)."""
    text = getattr(staged, "text", None)
    return text if isinstance(text, str) else plan_json(plan)


class _Transaction:
    """A session in one transaction: commit on success, roll back on any error.

    With a ``staged`` file (plan.json) the file goes in place first and the commit comes
    after it, so the store is never ahead of the files: a file that cannot be written
    rolls the transaction back, and a commit that fails puts the old file back."""

    def __init__(self, store: Store, staged: StagedFile | None = None):
        self.store = store
        self.staged = staged
        self.session = Session(store.engine)

    def __enter__(self) -> Session:
        self.session.begin()
        return self.session

    def __exit__(self, kind, value, tb) -> None:
        try:
            if kind is None:
                self._finish()
            else:
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(value, OperationalError):
            raise self.store._write_failed(value) from None

    def _finish(self) -> None:
        staged = self.staged
        if staged is not None:
            try:
                staged.put()
            except BaseException:
                self.session.rollback()
                raise
        try:
            self.commit()
        except BaseException as err:
            undone = staged.undo() if staged is not None else None
            if not isinstance(err, SQLAlchemyError):
                raise
            failed = self.store._write_failed(err)
            failed.not_undone = undone  # what of the file could not be put back, for the planner
            raise failed from None
        if staged is not None:
            staged.done()

    def commit(self) -> None:
        """The commit (its own method, so a test can make it fail)."""
        self.session.commit()


class MigrationError(Exception):
    """alembic could not migrate the store (its ``CommandError``, e.g. an unknown revision)."""


def _alembic_upgrade(connection) -> None:
    """Apply every migration not applied yet on ``connection`` (alembic, imported here)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    try:
        command.upgrade(cfg, "head")
    except CommandError as err:
        raise MigrationError(str(err)) from None


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (also ``sqlite:///file:PATH?mode=ro&uri=true``); ``None``
    for another database or one in memory."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    name = u.database
    if u.query.get("uri") == "true" and name.startswith("file:"):
        name = name.removeprefix("file:")
    return Path(name)


def _create_sqlite_file(path: Path) -> None:
    """Make a new SQLite store file that is never seen empty.

    SQLite itself creates an empty (0-byte) file and writes its first page only at the
    first commit, so a 0-byte file could be a store another process is creating just now
    and could not be refused as the damaged or foreign file it otherwise is. Here the
    file is made beside its place with its first page written, then hard-linked into
    place (which fails if another process got there first: theirs is kept)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.new")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask applies, as for SQLite's own
    try:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute("PRAGMA user_version = 0")  # writes the header page (autocommit)
        finally:
            con.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():  # no hard links here (some network drives): SQLite makes the file
                return
    finally:
        tmp.unlink(missing_ok=True)


# the stores opened in this process, so that one ending at once (``cli.common.leave``) can
# close their connections first (a database server then sees the session end, not a reset)
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()


def close_open_stores() -> None:
    """Close the connections of every store this process opened."""
    for store in list(_OPEN):
        store.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _pause_before_commit() -> None:
    marker = os.environ.get(ENV_PAUSE)
    if marker:
        Path(marker).write_text("writing\n", encoding="utf-8")
        time.sleep(120)


def _test_barrier(stage: str, shut_out=None) -> None:
    """The ``SCHEDULE_TEST_BARRIER`` meeting point ``stage``: a process leaves a file
    there, then waits for the other processes' files, or until ``shut_out()`` says they
    wait for a lock this one holds. Does nothing when the variable is unset."""
    spec = os.environ.get(ENV_BARRIER)
    if not spec:
        return
    folder, n = spec.rsplit(":", 1)
    (Path(folder) / f"{stage}-{os.getpid()}").touch()
    end = time.monotonic() + 60
    while len(list(Path(folder).glob(f"{stage}-*"))) < int(n) and not (shut_out and shut_out()):
        if time.monotonic() > end:
            raise RuntimeError(f"test barrier {stage!r}: fewer than {n} processes came in 60 s")
        time.sleep(0.01)  # polling only: the wait ends on the files, not on time


def _test_barrier_before_first_change(conn) -> None:
    """The second meeting point: before the migration's first statement that changes the
    store, when alembic has read the current revision (on ``SCHEDULE_TEST_BARRIER``)."""
    if not os.environ.get(ENV_BARRIER):
        return
    shut_out = _shut_out_probe(conn)
    met = []

    def before_execute(_conn, _cursor, statement: str, *_args) -> None:
        if not met and statement.lstrip().upper().startswith(("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")):
            met.append(True)
            _test_barrier("change", shut_out)

    event.listen(conn, "before_cursor_execute", before_execute)


def _shut_out_probe(conn):
    """For the test barrier: a function saying whether other processes cannot come on
    because this connection holds a lock. It asks the database (a session waits for us;
    the file is write-locked), so a missing or weaker lock is never taken on trust."""
    if conn.dialect.name == "postgresql":
        me = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted AND :me = ANY(pg_blocking_pids(pid))")

        def blocked_by_me() -> bool:
            with conn.engine.connect() as other:
                return other.execute(waiting, {"me": me}).scalar() > 0

        return blocked_by_me
    if conn.dialect.name == "sqlite":
        own, path = conn.connection.dbapi_connection, conn.engine.url.database

        def write_locked() -> bool:
            # no transaction, no write lock (and no probe: two at once would see each other's)
            if not own.in_transaction:
                return False
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:  # "database is locked"
                return True
            finally:
                other.close()

        return write_locked
    return lambda: False


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__
