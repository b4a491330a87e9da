"""Broken surroundings: `schedule solve` and `schedule resolve` check the output folder
and the store before any solve, and publish a plan as one step, so that the store is
never ahead of the files.

Each case starts from a store holding version 1 and one pending cancellation, and an
old OUT/plan.json. A failure anywhere must exit 2 with the reason in the planner's
language (naming the folder or the store), and leave the store (versions, pending
changes) and plan.json as they were.

Running as root, permission bits stop nobody: read-only files and folders are made
with ``chattr +i`` (``test_store.read_only``; the case skips where that is not allowed)
or the store is opened through a read-only URL (SQLite ``mode=ro``, a PostgreSQL session
with read-only transactions). Unwritable output that needs no privilege: a parent that
is a file, plan.json that is a folder, a folder under /proc.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import scenario_dict, solve_dict
from sqlalchemy.exc import OperationalError
from storage import BACKENDS, fresh_url
from test_cli import no_crash, write_scenario
from test_store import damage_an_index_page, read_only, read_only_url, set_revision, sqlite_path, stored_revision

import scheduler.plan.staging
from scheduler.cli.commands import main
from scheduler.models import Change, ChangeKind
from scheduler.plan.planfile import write_plan
from scheduler.store.plan_store import Store, _Transaction, safe_url

COMMANDS = ["solve", "resolve"]
LANGS = ["zh", "en"]


def two_session_scenario() -> dict:
    d = scenario_dict()
    d["plan"]["sessions"] = {"total": 2, "total_min": 0}
    d["offerings"].append({"id": "aid", "title": "社会救助", "type": "peer", "department": "minzheng", "capacity": 60})
    d["orders"].append({"id": "O-2", "community": "fenghuang", "offering": "aid", "attendees": 15, "priority": 4})
    return d


@pytest.fixture(scope="module")
def first_plan():
    out = solve_dict(two_session_scenario())
    assert out.plan is not None
    return out.plan


@dataclass
class Planned:
    url: str
    scenario: Path
    out: Path
    today: str

    def args(self, command: str, lang: str, out: Path | None = None, url: str | None = None) -> list[str]:
        common = ["--out", out or self.out, "--db", url or self.url, "--lang", lang, "--quiet", "--workers", "1"]
        first = ["solve", self.scenario] if command == "solve" else ["resolve", "--today", self.today]
        return [str(a) for a in first + common + ["--time-limit", "10"]]


def make_planned(backend: str, tmp_path: Path, plan) -> Planned:
    """Version 1 of ``plan`` in a fresh store (SQLite: in a folder of its own), one pending
    cancellation, and OUT/plan.json of version 1."""
    if backend == "sqlite":
        (tmp_path / "store").mkdir()
        url = f"sqlite:///{tmp_path / 'store' / 'schedule.db'}"
    else:
        url = fresh_url(backend, tmp_path)
    scenario = write_scenario(tmp_path, two_session_scenario())
    store = Store(url)
    v = store.record_solve(plan, str(scenario))
    line, _ = store.line()
    store.add_change(line.id, v, Change(kind=ChangeKind.cancel, session=plan.sessions[0].id, reason="台风红色预警"))
    store.engine.dispose()
    write_plan(plan, tmp_path / "out")
    return Planned(url, scenario, tmp_path / "out", plan.scenario.snapshot.plan.start.isoformat())


@pytest.fixture(params=BACKENDS)
def planned(request, tmp_path, first_plan) -> Planned:
    return make_planned(request.param, tmp_path, first_plan)


@pytest.fixture
def planned_sqlite(tmp_path, first_plan) -> Planned:
    return make_planned("sqlite", tmp_path, first_plan)


def invoke(args: list[str]):
    result = CliRunner().invoke(main, args)
    no_crash(result)
    return result


def history(url: str) -> tuple:
    """What planners see of the store: versions (id, parent, kind), head, revision, pending changes."""
    store = Store(url)
    try:
        line, head = store.line()
        return [(v.id, v.parent, v.kind) for v in store.versions()], head.id, line.revision, store.pending(line.id)
    finally:
        store.engine.dispose()


def snapshot(p: Planned) -> tuple:
    """The store and the output folder, to compare before and after: the store's history,
    a SQLite file byte for byte, and every file of OUT (no temporary file or backup left)."""
    path = sqlite_path(p.url)
    files = {f.name: f.read_bytes() for f in p.out.iterdir()} if p.out.is_dir() else None
    return history(p.url), path.read_bytes() if path else None, files


@pytest.fixture
def no_solve(monkeypatch) -> list:
    """The engine fails the test if it is called: what must fail before the solve."""
    called = []

    def refuse(*args, **kwargs):
        called.append(True)
        raise AssertionError("the solver ran")

    monkeypatch.setattr("scheduler.plan.engine.run_scenario", refuse)  # the commands import it when they run
    monkeypatch.setattr("scheduler.plan.engine.replan", refuse)
    return called


# --------------------------------------------------------------------------- rejected input


@pytest.mark.parametrize(
    "case",
    [
        ("a malformed scenario", {"plan": 3}, []),
        ("output under a file", two_session_scenario(), ["--out", "notes.txt/out"]),
    ],
    ids=lambda c: c[0],
)
def test_a_refused_solve_leaves_the_working_folder_as_it_was(case, tmp_path, monkeypatch, no_solve):
    """No schedule.db and no out/ appear where the planner works (default --db and --out)."""
    _, data, extra = case
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCHEDULE_DB")
    write_scenario(tmp_path, data)
    (tmp_path / "notes.txt").write_text("notes\n", encoding="utf-8")
    result = invoke(["solve", "scenario.yaml", *extra])
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "scenario.yaml"]
    assert no_solve == []


# --------------------------------------------------------------------------- unusable output folder, before the solve

OUTPUT_CASES = {
    # name: (how to make it, message in zh, message in en)
    "parent is a file": (
        lambda tmp: _file(tmp / "notes.txt") / "out",
        "无法创建输出文件夹 {out}：{tmp}/notes.txt 是文件，不是文件夹",
        "the output folder {out} cannot be made: {tmp}/notes.txt is a file, not a folder",
    ),
    "plan.json is a folder": (
        lambda tmp: _folder(tmp / "odd" / "plan.json").parent,
        "无法写入 {out}/plan.json：已有同名的文件夹",
        "cannot write {out}/plan.json: it is a folder",
    ),
    "a folder under /proc": (
        lambda tmp: Path("/proc/self/plans"),
        "输出文件夹 {out} 无法写入（",
        "the output folder {out} cannot be written (",
    ),
}


def _file(path: Path) -> Path:
    path.write_text("notes\n", encoding="utf-8")
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", OUTPUT_CASES, ids=str)
def test_an_unusable_output_folder_fails_before_the_solve_and_changes_nothing(
    case, command, lang, planned_sqlite, tmp_path, no_solve
):
    make, zh, en = OUTPUT_CASES[case]
    if case == "a folder under /proc" and not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    out = make(tmp_path)
    before = snapshot(planned_sqlite)
    result = invoke(planned_sqlite.args(command, lang, out=out))
    assert result.exit_code == 2, result.output
    assert (zh if lang == "zh" else en).format(out=out, tmp=tmp_path) in result.output
    assert no_solve == [] and snapshot(planned_sqlite) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_output_folder_fails_before_the_solve_and_changes_nothing(command, planned_sqlite, no_solve):
    before = snapshot(planned_sqlite)
    with read_only(planned_sqlite.out):
        zh = invoke(planned_sqlite.args(command, "zh"))
        en = invoke(planned_sqlite.args(command, "en"))
    assert (zh.exit_code, en.exit_code) == (2, 2), zh.output + en.output
    assert f"输出文件夹 {planned_sqlite.out} 无法写入（" in zh.output
    assert f"the output folder {planned_sqlite.out} cannot be written (" in en.output
    assert no_solve == [] and snapshot(planned_sqlite) == before


# --------------------------------------------------------------------------- plan.json that cannot be written after the solve


@pytest.mark.parametrize("command", COMMANDS)
def test_plan_json_that_cannot_be_written_after_the_solve_leaves_store_and_file_as_they_were(command, planned, monkeypatch):
    """The disk fills up while plan.json is written (after the checks): the new version is
    not recorded, and for resolve the pending change stays pending."""
    real = scheduler.plan.staging._new_sibling

    def disk_full(path, kind, text=""):
        if kind == "tmp":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, kind, text)

    monkeypatch.setattr(scheduler.plan.staging, "_new_sibling", disk_full)
    before = snapshot(planned)
    for lang, message in [
        ("zh", f"{planned.out}/plan.json 写入失败（No space left on device）；方案库和原有的方案文件均未改动"),
        ("en", f"{planned.out}/plan.json could not be written (No space left on device); the store and the old plan file"),
    ]:
        result = invoke(planned.args(command, lang))
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert snapshot(planned) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_an_immutable_plan_json_refused_at_the_rename_leaves_store_and_file_as_they_were(command, planned_sqlite):
    """A real refusal by the file system, after the checks passed: the rename onto an
    immutable plan.json fails (root only: for others a read-only file can be replaced)."""
    if os.geteuid() != 0:
        pytest.skip("for a user other than root, a read-only plan.json can be replaced: nothing to refuse")
    target = planned_sqlite.out / "plan.json"
    before = snapshot(planned_sqlite)
    with read_only(target):
        result = invoke(planned_sqlite.args(command, "en"))
    assert result.exit_code == 2, result.output
    assert f"{target} could not be written (Operation not permitted)" in result.output
    assert snapshot(planned_sqlite) == before


# --------------------------------------------------------------------------- a commit that fails after the rename


def failing_commit(monkeypatch, target: Path, seen: list) -> None:
    """Make the store's commit fail, noting what plan.json held at that moment."""

    def commit(self) -> None:
        seen.append(target.read_bytes() if target.exists() else None)
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(_Transaction, "commit", commit)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_failing_commit_puts_the_old_plan_json_back(command, lang, planned, monkeypatch):
    target = planned.out / "plan.json"
    old = target.read_bytes()
    before = snapshot(planned)
    seen = []
    failing_commit(monkeypatch, target, seen)
    result = invoke(planned.args(command, lang))
    assert result.exit_code == 2, result.output
    message = {
        "zh": f"方案库 {safe_url(planned.url)} 写入失败（disk I/O error），未写入任何内容",
        "en": f"the store {safe_url(planned.url)} could not be written (disk I/O error); nothing was written",
    }[lang]
    assert message in result.output
    assert len(seen) == 1 and seen[0] not in (None, old)  # the new plan.json was in place when the commit came
    assert target.read_bytes() == old
    monkeypatch.undo()
    assert snapshot(planned) == before


def test_a_failing_commit_removes_a_new_plan_json_and_the_folders_made_for_it(planned_sqlite, tmp_path, monkeypatch):
    target = tmp_path / "new" / "out" / "plan.json"
    seen = []
    failing_commit(monkeypatch, target, seen)
    result = invoke(planned_sqlite.args("solve", "en", out=target.parent))
    assert result.exit_code == 2, result.output
    assert seen[0] is not None  # it was there at the commit
    assert not (tmp_path / "new").exists()


# --------------------------------------------------------------------------- a store that cannot be used, before the solve

STORE_MESSAGES = {
    "newer": (
        "由更新版本的 schedule 写入（数据表版本 9999_future，",
        "was written by a newer version of schedule (schema 9999_future;",
    ),
    "corrupt": ("已损坏（SQLite 完整性检查未通过：", "is damaged (SQLite integrity check: "),
    "read only": ("无法写入（", "cannot be written ("),
}


def _expect(p: Planned, kind: str, lang: str, url: str | None = None) -> str:
    """The start of the message: the store named as the planner gave it (no password), then what is wrong."""
    zh, en = STORE_MESSAGES[kind]
    name = safe_url(url or p.url)
    return f"方案库 {name} {zh}" if lang == "zh" else f"the store {name} {en}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_written_by_a_newer_schedule_fails_before_the_solve(command, lang, planned, no_solve):
    set_revision(planned.url, "9999_future")
    path = sqlite_path(planned.url)
    raw = path.read_bytes() if path else None
    result = invoke(planned.args(command, lang))
    assert result.exit_code == 2, result.output
    assert _expect(planned, "newer", lang) in result.output
    assert "scheduler:scheduler@" not in result.output  # no password in the message
    assert no_solve == [] and stored_revision(planned.url) == "9999_future"
    assert (path.read_bytes() if path else None) == raw


@pytest.mark.parametrize("args", [["plans"], ["db", "upgrade"], ["cancel", "S-2026-001"]], ids=" ".join)
def test_every_command_refuses_a_store_of_a_newer_schedule_without_a_traceback(args, planned_sqlite):
    set_revision(planned_sqlite.url, "9999_future")
    result = invoke([*args, "--db", planned_sqlite.url, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert _expect(planned_sqlite, "newer", "en") in result.output


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_store_fails_before_the_solve_and_is_not_written(command, lang, planned_sqlite, no_solve):
    path = sqlite_path(planned_sqlite.url)
    damage_an_index_page(path)
    damaged = path.read_bytes()
    result = invoke(planned_sqlite.args(command, lang))
    assert result.exit_code == 2, result.output
    assert _expect(planned_sqlite, "corrupt", lang) in result.output
    assert no_solve == [] and path.read_bytes() == damaged


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_zero_byte_store_file_fails_before_the_solve_and_stays_as_it_is(command, lang, planned_sqlite, no_solve):
    path = sqlite_path(planned_sqlite.url)
    path.write_bytes(b"")
    result = invoke(planned_sqlite.args(command, lang))
    assert result.exit_code == 2, result.output
    expected = {
        "zh": f"方案库文件 {path} 是空文件（0字节），不是方案库：请删除该文件，或用 --db 指定其他方案库",
        "en": f"the store file {path} is empty (0 bytes), not a plan store: remove it or pick another store with --db",
    }[lang]
    assert expected in result.output
    assert no_solve == [] and path.read_bytes() == b""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_opened_read_only_fails_before_the_solve(command, lang, planned, no_solve):
    """SQLite ``mode=ro``; PostgreSQL with read-only transactions (a replica, a read-only role)."""
    before = snapshot(planned)
    url = read_only_url(planned.url)
    result = invoke(planned.args(command, lang, url=url))
    assert result.exit_code == 2, result.output
    assert _expect(planned, "read only", lang, url) in result.output
    assert "scheduler:scheduler@" not in result.output
    assert no_solve == [] and snapshot(planned) == before


@pytest.mark.parametrize("what", ["the store file", "the store's folder"])
@pytest.mark.parametrize("command", [*COMMANDS, "cancel"])
def test_a_read_only_store_file_or_folder_fails_before_any_work(what, command, planned_sqlite, no_solve):
    """The file system refuses the write (``chattr +i`` as root): SQLite opens the file
    read-only, or cannot make its journal beside it. ``cancel`` used to crash here."""
    path = sqlite_path(planned_sqlite.url)
    before = snapshot(planned_sqlite)

    def args(lang: str) -> list[str]:
        if command == "cancel":
            return ["cancel", "S-2026-002", "--db", planned_sqlite.url, "--lang", lang]
        return planned_sqlite.args(command, lang)

    with read_only(path if what == "the store file" else path.parent):
        zh, en = invoke(args("zh")), invoke(args("en"))
    assert (zh.exit_code, en.exit_code) == (2, 2), zh.output + en.output
    assert _expect(planned_sqlite, "read only", "zh") in zh.output
    assert _expect(planned_sqlite, "read only", "en") in en.output
    assert no_solve == [] and snapshot(planned_sqlite) == before
