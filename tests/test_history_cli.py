"""Plan history as a planner uses it: solve, record changes, resolve, list, diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli import TINY, no_crash

from scheduler.cli import main
from scheduler.store import Store


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


def run(db: str, *args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args] + ["--db", db])
    no_crash(result)
    return result


def solved(db: str, tmp_path: Path) -> dict:
    r = run(db, "solve", TINY, "--out", tmp_path / "v1", "--quiet", "--workers", "1")
    assert r.exit_code == 0, r.output
    return json.loads((tmp_path / "v1" / "plan.json").read_text(encoding="utf-8"))


def test_cancel_then_resolve_writes_a_child_version_with_diff_and_notices(db, tmp_path):
    plan = solved(db, tmp_path)
    sid = plan["sessions"][1]["id"]
    r = run(db, "cancel", sid, "--reason", "台风红色预警")
    assert r.exit_code == 0 and sid in r.output
    r = run(db, "plans")
    assert "台风红色预警" in r.output and "cancel" in r.output
    r = run(db, "resolve", "--today", plan["sessions"][0]["date"], "--out", tmp_path / "v2", "--quiet", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert f"~ {sid}" in r.output and "原因：台风红色预警" in r.output and "致社区" in r.output
    new = json.loads((tmp_path / "v2" / "plan.json").read_text(encoding="utf-8"))
    assert new["replan"]["parent"] == 1
    store = Store(db)
    assert [v.id for v in store.versions()] == [2, 1] and store.line()[1].id == 2
    assert store.plan_text(2) == (tmp_path / "v2" / "plan.json").read_text(encoding="utf-8")
    r = run(db, "diff", "1", "2", "--lang", "en")
    assert r.exit_code == 0 and "To community" in r.output and "Reason: 台风红色预警" in r.output
    assert run(db, "diff", "latest").output == run(db, "diff", "1", "2").output


def test_absences_withdrawals_and_new_orders_are_recorded_and_applied(db, tmp_path):
    plan = solved(db, tmp_path)
    sc_orders = [o for s in plan["sessions"] for a in s["attendance"] for o in a["orders"]]
    away = ["--department", "minzheng", "--from", "2026-03-10", "--to", "2026-03-14", "--reason", "外出学习"]
    assert run(db, "unavailable", *away).exit_code == 0
    assert run(db, "unavailable", "--venue", "v-school", "--on", "2026-03-18", "--reason", "应急会议").exit_code == 0
    assert run(db, "withdraw", "--order", sc_orders[0]).exit_code == 0
    r = run(db, "add-order", "--community", "xinmu", "--offering", "p-elderly-care", "--attendees", "5", "--priority", "4")
    assert r.exit_code == 0, r.output
    assert len(Store(db).pending(1)) == 4
    r = run(db, "resolve", "--today", "2026-03-02", "--out", tmp_path / "v2", "--quiet", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert Store(db).pending(1) == []
    new = json.loads((tmp_path / "v2" / "plan.json").read_text(encoding="utf-8"))
    assert len(new["replan"]["changes"]) == 4
    served = {o for s in new["sessions"] for a in s["attendance"] for o in a["orders"]}
    assert sc_orders[0] not in served


@pytest.mark.parametrize(
    "args, field",
    [
        (["cancel", "S-2026-999"], "session"),
        (["unavailable", "--department", "nobody", "--on", "2026-03-05"], "department"),
        (["unavailable", "--venue", "v-school", "--from", "2026-03-09", "--to", "2026-03-05"], "end"),
        (["unavailable", "--venue", "v-school", "--on", "2026-03-05", "--from", "2026-03-05"], "--on"),
        (["unavailable", "--on", "2026-03-05"], "--department"),
        (["unavailable", "--venue", "v-school", "--on", "2027-08-01"], "start"),
        (["withdraw", "--order", "O-404"], "order"),
        (["add-order", "--community", "nowhere", "--offering", "p-fire", "--attendees", "5"], "community"),
        (["add-order", "--community", "shanxia", "--offering", "nothing", "--attendees", "5"], "offering"),
        (["add-order", "--community", "shanxia", "--offering", "p-fire", "--attendees", "5"], "more than once"),
        (["add-order", "--community", "shanxia", "--offering", "d-disaster-relief", "--attendees", "5"], "cannot order"),
    ],
)
def test_bad_changes_are_refused_with_exit_2_and_nothing_recorded(db, tmp_path, args, field):
    solved(db, tmp_path)
    r = run(db, *args)
    assert r.exit_code == 2, r.output
    assert field in r.output and "command line" in r.output
    assert Store(db).pending(1) == []


def test_cancelling_twice_is_refused(db, tmp_path):
    plan = solved(db, tmp_path)
    sid = plan["sessions"][0]["id"]
    assert run(db, "cancel", sid).exit_code == 0
    r = run(db, "cancel", sid)
    assert r.exit_code == 2 and "already cancelled" in r.output


def test_resolve_from_a_version_that_is_no_longer_current_is_refused(db, tmp_path):
    plan = solved(db, tmp_path)
    run(db, "cancel", plan["sessions"][0]["id"])
    assert run(db, "resolve", "--today", "2026-03-02", "--quiet", "--out", tmp_path / "a", "--workers", "1").exit_code == 0
    run(db, "cancel", plan["sessions"][1]["id"])
    r = run(db, "resolve", "--today", "2026-03-02", "--base", "1", "--quiet", "--out", tmp_path / "b", "--lang", "en")
    assert r.exit_code == 4 and "plan changed since you loaded it" in r.output
    r = run(db, "resolve", "--today", "2026-03-02", "--base", "1", "--quiet", "--out", tmp_path / "b")
    assert r.exit_code == 4 and "方案在您查看之后已被修改" in r.output
    assert len(Store(db).versions()) == 2


def test_resolve_without_changes_keeps_the_version(db, tmp_path):
    solved(db, tmp_path)
    r = run(db, "resolve", "--today", "2026-03-02")
    assert r.exit_code == 0 and "第1版仍是当前方案" in r.output
    assert len(Store(db).versions()) == 1


def test_commands_on_an_empty_store_say_what_to_do(db):
    r = run(db, "cancel", "S-2026-001")
    assert r.exit_code == 2 and "schedule solve" in r.output
    assert "schedule solve" in run(db, "plans").output


def test_db_upgrade_is_idempotent(db):
    r = run(db, "db", "upgrade")
    assert r.exit_code == 0 and "empty -> 0001" in r.output
    r = run(db, "db", "upgrade")
    assert r.exit_code == 0 and "0001 -> 0001" in r.output


def test_render_and_export_a_version_straight_from_the_store(db, tmp_path):
    plan = solved(db, tmp_path)
    sid = plan["sessions"][1]["id"]
    run(db, "cancel", sid, "--reason", "台风红色预警")
    r = run(db, "resolve", "--today", plan["sessions"][0]["date"], "--quiet", "--workers", "1")
    assert r.exit_code == 0, r.output
    r = run(db, "render", "--version", 2, "--out", tmp_path / "site")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "site" / "index.html").is_file()
    r = run(db, "export", "--version", 2, "--format", "ics", "--out", tmp_path / "feeds")
    assert r.exit_code == 0, r.output
    feed = (tmp_path / "feeds" / "ics" / "all.ics").read_text(encoding="utf-8")
    assert "SEQUENCE:1" in feed  # the re-placed session, numbered by the store's history
    for args in (["render"], ["render", tmp_path / "v1" / "plan.json", "--version", 1], ["export", "--version", 9]):
        r = run(db, *args)
        assert r.exit_code == 2 and "error:" in r.output


def test_store_errors_speak_the_planners_language(db, tmp_path):
    solved(db, tmp_path)
    r = run(db, "export", "--version", 9)
    assert r.exit_code == 2 and "没有第9版" in r.output
    r = run(db, "export", "--version", 9, "--lang", "en")
    assert r.exit_code == 2 and "no plan version 9" in r.output
    r = run(db, "diff", "1", "--lang", "en")
    assert r.exit_code == 2 and "fresh solve" in r.output
    assert "重新求解" in run(db, "diff", "1").output
