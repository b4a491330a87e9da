"""Odd command-line values and internal errors: every value is range-checked before any
work, `--today` is checked against the plan, and no traceback ever reaches the terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import scenario_dict
from test_cli import TINY, no_crash

import scheduler.plan.engine
from scheduler.cli.commands import main
from scheduler.store.plan_store import Store
from scheduler.store.reader import Reader

BIG = "1234567890123456789012345678901"  # 31 digits: no store, date or solver takes it


@pytest.fixture(autouse=True)
def crash_dir(tmp_path, monkeypatch) -> Path:
    """Crash reports of this test go to its own folder (tempfile's, as $TMPDIR would)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _break_versions(monkeypatch, broken) -> None:
    """``schedule plans`` reads versions through the Store or its sqlite3 reader: break both."""
    monkeypatch.setattr(Store, "versions", broken)
    monkeypatch.setattr(Reader, "versions", broken)


def run(db: str, *args, debug: bool = False):
    top = ["--debug"] if debug else []
    result = CliRunner().invoke(main, top + [str(a) for a in args] + ["--db", db])
    if not debug:
        no_crash(result)
    return result


@pytest.fixture(scope="module")
def pending_store(tmp_path_factory) -> Path:
    """The tiny example solved once (version 1) with one pending change: the cancellation of
    its first session (``CANCELLED``: its id, its day, and a day four days later, still
    inside the plan)."""
    tmp = tmp_path_factory.mktemp("pending-store")
    db = f"sqlite:///{tmp / 'history.db'}"
    assert run(db, "solve", TINY, "--out", tmp / "v1", "--quiet", "--workers", "1").exit_code == 0
    first = min(json.loads((tmp / "v1" / "plan.json").read_text(encoding="utf-8"))["sessions"], key=lambda s: s["date"])
    day = dt.date.fromisoformat(first["date"])
    CANCELLED.update(sid=first["id"], day=str(day), later=str(day + dt.timedelta(days=4)))
    assert run(db, "cancel", first["id"], "--reason", "台风红色预警").exit_code == 0
    return tmp / "history.db"


CANCELLED: dict[str, str] = {}  # filled by pending_store


@pytest.fixture
def db(pending_store, tmp_path) -> str:
    path = tmp_path / "history.db"
    shutil.copyfile(pending_store, path)
    return f"sqlite:///{path}"


def unchanged(db: str) -> bool:
    """Still version 1 only, with its one pending change."""
    store = Store(db)
    return [v.id for v in store.versions()] == [1] and [c.session for _, c in store.pending(1)] == [CANCELLED["sid"]]


RESOLVE = ["resolve", "--today", "2026-03-09", "--quiet"]
NEW_ORDER = ["add-order", "--community", "xinmu", "--offering", "p-fire"]
# (what was typed, the Chinese error, the English error): each refused by click, exit 2, nothing done
BAD_VALUES = [
    (
        [*NEW_ORDER, "--attendees", "5", "--id", "bad id!"],
        "--id 的值“bad id!”不是有效编号：只能由字母、数字和 _ . - 组成，以字母或数字开头，最长64个字符",
        "--id: 'bad id!' is not a valid id: letters, digits, _ . - only, starting with a letter or digit, at most 64",
    ),
    (
        [*NEW_ORDER, "--attendees", "1000000"],
        "--attendees 的值 1000000 超出范围：应在 1 到 100000 之间",
        "--attendees: 1000000 is out of range: it must be from 1 to 100000",
    ),
    (
        ["add-order", "--community", "x" * 65, "--offering", "p-fire", "--attendees", "5"],
        f"--community 的值“{'x' * 65}”不是有效编号",
        f"--community: '{'x' * 65}' is not a valid id",
    ),
    (["cancel", "S 2026 005"], "SESSION 的值“S 2026 005”不是有效编号", "SESSION: 'S 2026 005' is not a valid id"),
    (["unavailable", "--venue", "v/school", "--on", "2026-03-05"], "--venue 的值“v/school”不是有效编号", "--venue: 'v/school'"),
    (["withdraw", "--order", "-O-001"], "--order 的值“-O-001”不是有效编号", "--order: '-O-001' is not a valid id"),
    (
        ["unavailable", "--venue", "v-school", "--on", "9999-12-31"],
        "--on 的值 9999-12-31 超出范围：应在 2000-01-01 到 2100-12-31 之间",
        "--on: 9999-12-31 is out of range: it must be from 2000-01-01 to 2100-12-31",
    ),
    (
        [*RESOLVE, "--freeze-days", "1000000000"],
        "--freeze-days 的值 1000000000 超出范围：应在 0 到 366 之间",
        "--freeze-days: 1000000000 is out of range: it must be from 0 to 366",
    ),
    (
        ["resolve", "--today", "9999-12-31"],
        "--today 的值 9999-12-31 超出范围：应在 2000-01-01 到 2100-12-31 之间",
        "--today: 9999-12-31 is out of range: it must be from 2000-01-01 to 2100-12-31",
    ),
    (
        ["diff", "1", BIG],
        f"VERSIONS 的值“{BIG}”不是版本号：应为 1 到 2147483647 之间的整数，或 latest（见 schedule plans）",
        f"VERSIONS: '{BIG}' is not a version number: a whole number from 1 to 2147483647, or latest",
    ),
    (["diff", "0"], "VERSIONS 的值“0”不是版本号", "VERSIONS: '0' is not a version number"),
    (["diff", "1", "2.5"], "VERSIONS 的值“2.5”不是版本号", "VERSIONS: '2.5' is not a version number"),
    (
        ["cancel", "S-2026-001", "--version", BIG],
        f"--version 的值 {BIG} 超出范围：应在 1 到 2147483647 之间",
        f"--version: {BIG} is out of range: it must be from 1 to 2147483647",
    ),
    ([*RESOLVE, "--base", "0"], "--base 的值 0 超出范围：应在 1 到 2147483647 之间", "--base: 0 is out of range"),
    ([*RESOLVE, "--version", str(2**31)], "--version 的值 2147483648 超出范围", "--version: 2147483648 is out of range"),
    (["render", "--version", BIG], f"--version 的值 {BIG} 超出范围", f"--version: {BIG} is out of range"),
    (["export", "--version", "0"], "--version 的值 0 超出范围：应在 1 到 2147483647 之间", "--version: 0 is out of range"),
    (["plans", "--limit", BIG], f"--limit 的值 {BIG} 超出范围：应在 1 到 2147483647 之间", f"--limit: {BIG} is out of range"),
    ([*RESOLVE, "--time-limit", "nan"], "--time-limit 的值 nan 超出范围：应在 0.1 到 86400 之间", "--time-limit: nan is out"),
    ([*RESOLVE, "--time-limit", "1e400"], "--time-limit 的值 1e400 超出范围", "--time-limit: 1e400 is out of range"),
    ([*RESOLVE, "--workers", "65"], "--workers 的值 65 超出范围：应在 1 到 64 之间", "--workers: 65 is out of range"),
    ([*RESOLVE, "--seed", "-1"], "--seed 的值 -1 超出范围：应在 0 到 2147483647 之间", "--seed: -1 is out of range"),
    ([*RESOLVE, "--seed", str(2**31)], "--seed 的值 2147483648 超出范围", "--seed: 2147483648 is out of range"),
    (["solve", TINY, "--workers", "0"], "--workers 的值 0 超出范围：应在 1 到 64 之间", "--workers: 0 is out of range"),
]


@pytest.mark.parametrize("args, zh, en", BAD_VALUES, ids=[" ".join(map(str, a))[:60] for a, _, _ in BAD_VALUES])
def test_an_out_of_range_value_is_refused_by_click_in_chinese_and_english_and_nothing_is_done(
    db, tmp_path, crash_dir, args, zh, en
):
    out = ["--out", tmp_path / "out"] if args[0] in ("resolve", "solve", "render", "export") else []
    r = run(db, *args, *out)
    assert r.exit_code == 2, r.output
    assert f"error: {zh}" in r.stderr and "用法：" in r.stderr, r.output
    assert en not in r.output and "Usage:" not in r.output
    r = run(db, *args, *out, "--lang", "en")
    assert r.exit_code == 2, r.output
    assert f"error: {en}" in r.stderr and "Usage:" in r.stderr, r.output
    assert zh not in r.output and "用法" not in r.output
    assert unchanged(db) and not (tmp_path / "out").exists()
    assert list(crash_dir.iterdir()) == []


def test_a_very_long_value_is_cut_short_in_the_message(db):
    r = run(db, "cancel", "S" * 5000)
    assert r.exit_code == 2 and "S" * 79 + "…" in r.output and "S" * 81 not in r.output, r.output


def test_the_words_latest_and_one_version_still_work_for_diff(db, tmp_path):
    assert run(db, "resolve", "--today", CANCELLED["day"], "--workers", "1", "--out", tmp_path / "v2").exit_code == 0
    assert run(db, "diff", "latest").output == run(db, "diff", "2").output == run(db, "diff", "1", "2").output
    r = run(db, "diff", "latest", "2")
    assert r.exit_code == 2 and "“latest”不是版本号" in r.output, r.output


# --------------------------------------------------------------------------- --base


def test_resolve_base_of_a_version_that_does_not_exist_exits_2_not_4(db, tmp_path):
    r = run(db, *RESOLVE, "--base", "99", "--out", tmp_path / "v2")
    assert r.exit_code == 2 and "error: 方案库 sqlite:///" in r.output and "中没有第99版" in r.output, r.output
    r = run(db, *RESOLVE, "--base", "99", "--out", tmp_path / "v2", "--lang", "en")
    assert r.exit_code == 2 and "error: no plan version 99 in the store sqlite:///" in r.output, r.output
    assert unchanged(db) and not (tmp_path / "v2").exists()


def test_resolve_base_of_another_plan_exits_2(db, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(scenario_dict(), allow_unicode=True), encoding="utf-8")
    assert run(db, "solve", other, "--out", tmp_path / "o1", "--quiet", "--workers", "1").exit_code == 0  # version 2
    r = run(db, *RESOLVE, "--version", "1", "--base", "2", "--out", tmp_path / "v3")
    assert r.exit_code == 2 and "第2版属于另一个计划（测试计划），不是第1版所在的计划" in r.output, r.output
    r = run(db, *RESOLVE, "--version", "1", "--base", "2", "--out", tmp_path / "v3", "--lang", "en")
    assert r.exit_code == 2 and "version 2 belongs to another plan (测试计划), not to the plan of version 1" in r.output
    assert [v.id for v in Store(db).versions()] == [2, 1] and len(Store(db).pending(1)) == 1
    assert not (tmp_path / "v3").exists()


# --------------------------------------------------------------------------- --today


def test_cancelling_a_session_before_today_is_refused_naming_the_change_and_the_date(db, tmp_path):
    sid, day, later = CANCELLED["sid"], CANCELLED["day"], CANCELLED["later"]
    args = ["resolve", "--today", later, "--quiet", "--out", tmp_path / "v2"]
    r = run(db, *args)
    assert r.exit_code == 2, r.output
    why = f"场次 {sid} 定于 {day}，早于 --today {later}：已过去的场次不能取消"
    why += f"（确需取消时，请用不晚于 {day} 的 --today）"
    assert "error: 方案库 sqlite:///" in r.output and f"变更 #1（cancel {sid} (台风红色预警)）：{why}" in r.output, r.output
    assert "共 1 处问题，未写入任何内容。" in r.output and "警告" not in r.output  # four days later is inside the plan
    r = run(db, *args, "--lang", "en")
    assert r.exit_code == 2, r.output
    assert (
        f"change #1 (cancel {sid} (台风红色预警)): session {sid} was on {day}, before --today {later}: "
        f"a session in the past cannot be cancelled (to cancel it all the same, give a --today no later than {day})" in r.output
    ), r.output
    assert unchanged(db) and not (tmp_path / "v2").exists()


def test_the_session_day_as_today_lets_that_cancellation_through(db, tmp_path):
    """What the refusal advises works: the change was never lost."""
    r = run(db, "resolve", "--today", CANCELLED["day"], "--quiet", "--workers", "1", "--out", tmp_path / "v2")
    assert r.exit_code == 0, r.output
    assert Store(db).pending(1) == [] and Store(db).plan(2).replan.changes[0].session == CANCELLED["sid"]


def test_today_after_the_plan_warns_and_refuses_to_cancel_the_past(db, tmp_path):
    args = ["resolve", "--today", "2027-03-09", "--quiet", "--out", tmp_path / "v2"]
    r = run(db, *args)
    assert r.exit_code == 2, r.output
    assert "警告: --today 2027-03-09 晚于计划期末日 2026-03-31：计划中的场次都已过去，不会再调整" in r.stderr, r.output
    sid, day = CANCELLED["sid"], CANCELLED["day"]
    assert f"场次 {sid} 定于 {day}，早于 --today 2027-03-09" in r.stderr and "致社区" not in r.output
    r = run(db, *args, "--lang", "en")
    assert "Warning: --today 2027-03-09 is after the plan's last day 2026-03-31: every session is in the past" in r.stderr
    assert r.exit_code == 2 and f"session {sid} was on {day}, before --today 2027-03-09" in r.stderr
    assert unchanged(db) and not (tmp_path / "v2").exists()


def test_today_before_the_plan_warns_in_the_planners_language_and_the_plan_keeps_the_warning(db, tmp_path):
    r = run(db, "resolve", "--today", "2026-01-05", "--quiet", "--workers", "1", "--out", tmp_path / "v2", "--lang", "en")
    assert r.exit_code == 0, r.output
    warning = "--today 2026-01-05 is before the plan's first day 2026-03-02: check the date"
    assert f"Warning: {warning}" in r.stderr
    plan = json.loads((tmp_path / "v2" / "plan.json").read_text(encoding="utf-8"))
    assert warning in plan["warnings"]
    assert any("--today 2026-01-05 早于计划期首日 2026-03-02：请确认日期" == m["zh"] for m in plan["warning_messages"])


def test_today_inside_the_plan_gives_no_today_warning(db, tmp_path):
    r = run(db, "resolve", "--today", CANCELLED["day"], "--quiet", "--workers", "1", "--out", tmp_path / "v2")
    assert r.exit_code == 0 and "--today" not in r.output, r.output


# --------------------------------------------------------------------------- no traceback, ever


def injected(*args, **kwargs):
    raise RuntimeError("injected fault\nwith a second line")


def crash_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("schedule-crash-*-*-*.txt"))


def test_an_unexpected_exception_exits_3_with_a_short_message_and_the_traceback_in_a_file(db, crash_dir, monkeypatch):
    _break_versions(monkeypatch, injected)
    r = run(db, "plans")
    assert r.exit_code == 3, r.output
    (path,) = crash_files(crash_dir)
    assert r.stderr == f"error: 内部错误（程序缺陷，请报告）：RuntimeError: injected fault。详细信息已写入 {path}\n"
    assert "Traceback" not in r.output and "with a second line" not in r.output
    report = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in report and "in plans" in report and "with a second line" in report
    assert f"command: main plans --db {db}" in report
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it may name files and stores: the owner's only
    r = run(db, "plans", "--lang", "en")
    assert r.exit_code == 3 and "error: internal error (a bug, please report it): RuntimeError: injected fault." in r.stderr
    assert len(crash_files(crash_dir)) == 2 and "The details are in " + str(crash_dir) in r.stderr


def test_with_debug_the_exception_propagates_and_no_crash_file_is_written(db, crash_dir, monkeypatch):
    _break_versions(monkeypatch, injected)
    r = run(db, "plans", debug=True)
    assert isinstance(r.exception, RuntimeError) and str(r.exception).startswith("injected fault")
    assert crash_files(crash_dir) == []


def test_the_password_of_a_database_url_is_not_written_to_the_crash_file(crash_dir, monkeypatch):
    monkeypatch.setattr("scheduler.cli.history.open_history", injected)
    r = run("postgresql+psycopg://planner:s3cret@db.example/schedule", "plans")
    assert r.exit_code == 3, r.output
    (path,) = crash_files(crash_dir)
    report = path.read_text(encoding="utf-8")
    assert "plans --db 'postgresql+psycopg://planner:***@db.example/schedule'" in report and "s3cret" not in report


def test_a_fault_outside_any_command_is_caught_too(db, crash_dir, monkeypatch):
    """E.g. in saying a usage error in the planner's language (after click's parsing)."""
    monkeypatch.setattr("scheduler.cli.common._usage_text", injected)
    r = run(db, "plans", "--limit", "0")
    assert r.exit_code == 3 and "RuntimeError: injected fault" in r.stderr and "Traceback" not in r.output, r.output
    (path,) = crash_files(crash_dir)
    assert "in parse_args" in path.read_text(encoding="utf-8")  # raised while parsing, before any command ran
    r = run(db, "plans", "--limit", "0", debug=True)
    assert isinstance(r.exception, RuntimeError)


def test_when_no_crash_file_can_be_written_the_message_says_so_and_still_no_traceback(db, tmp_path, monkeypatch):
    _break_versions(monkeypatch, injected)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    r = run(db, "plans", "--lang", "en")
    assert r.exit_code == 3 and "Traceback" not in r.output
    assert "RuntimeError: injected fault. The details could not be written to a file" in r.stderr and "--debug" in r.stderr


def test_ctrl_c_exits_130_with_a_short_message(db, crash_dir, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    _break_versions(monkeypatch, interrupted)
    r = run(db, "plans")
    assert r.exit_code == 130 and r.stderr == "已中断。\n", r.output
    r = run(db, "plans", "--lang", "en")
    assert r.exit_code == 130 and r.stderr == "Interrupted.\n", r.output
    assert crash_files(crash_dir) == []


def test_an_invalid_plan_from_the_engine_still_exits_3_with_its_own_message(tmp_path, crash_dir, monkeypatch):
    """The engine's own internal-error path (the validator rejects its plan) is not a crash."""
    check_plan = scheduler.plan.engine.check_plan

    def overstated(sc, plan, parent=None):
        plan.solver.objective[0] += 1  # the solver "claims" more than the validator recomputes
        check_plan(sc, plan, parent)

    monkeypatch.setattr(scheduler.plan.engine, "check_plan", overstated)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    r = run(db, "solve", TINY, "--out", tmp_path / "out", "--quiet", "--workers", "1")
    assert r.exit_code == 3 and "内部错误（程序缺陷，请报告）：" in r.stderr and "demand" in r.stderr, r.output
    assert crash_files(crash_dir) == [] and not (tmp_path / "out").exists()


def test_a_real_process_shows_no_traceback_and_writes_the_crash_file_under_tmpdir(db, tmp_path):
    """The terminal of a real `schedule` process: stderr has the short message only."""
    code = (
        "import sys, scheduler.store.plan_store as s\n"
        "def boom(*a, **k): raise ZeroDivisionError('injected')\n"
        "s.Store.versions = boom\n"
        "import scheduler.store.reader as r\n"
        "r.Reader.versions = boom\n"
        "from scheduler.cli.commands import main\n"
        "main()\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    cmd = [sys.executable, "-c", code, "plans", "--db", db]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout and "ZeroDivisionError: injected" in proc.stderr
    (path,) = crash_files(tmp_path)
    assert str(path) in proc.stderr and "ZeroDivisionError: injected" in path.read_text(encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", code, "--debug", "plans", "--db", db], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1 and "Traceback (most recent call last)" in proc.stderr
    assert len(crash_files(tmp_path)) == 1
