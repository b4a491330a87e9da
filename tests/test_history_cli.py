"""Plan history as a planner uses it: solve, record changes, resolve, list, diff."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli import TINY, no_crash

from scheduler.cli.commands import main
from scheduler.cli.common import lang_in_args
from scheduler.domain.i18n import TEXT
from scheduler.models import Change, ChangeKind
from scheduler.store.plan_store import Store


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


# (what was typed, the Chinese problem, the English problem): one per check of a change
BAD_CHANGES = [
    (
        ["cancel", "S-2026-999"],
        "命令行 cancel：场次 S-2026-999 不存在",
        "command line: cancel: no session 'S-2026-999' in this plan",
    ),
    (
        ["unavailable", "--department", "nobody", "--on", "2026-03-05"],
        "命令行 unavailable --department：部门 nobody 不存在",
        "command line: unavailable: --department: unknown department 'nobody'",
    ),
    (
        ["unavailable", "--instructor", "nobody", "--on", "2026-03-05"],
        "--instructor：教员 nobody 不存在",
        "--instructor: unknown instructor 'nobody'",
    ),
    (["unavailable", "--venue", "nowhere", "--on", "2026-03-05"], "--venue：场地 nowhere 不存在", "unknown venue 'nowhere'"),
    (["unavailable", "--community", "nowhere", "--on", "2026-03-05"], "--community：社区 nowhere 不存在", "unknown community"),
    (
        ["unavailable", "--venue", "v-school", "--from", "2026-03-09", "--to", "2026-03-05"],
        "命令行 unavailable --to：结束日期 2026-03-05 早于开始日期 2026-03-09",
        "command line: unavailable: --to: 2026-03-05 is before 2026-03-09",
    ),
    (
        ["unavailable", "--venue", "v-school", "--on", "2026-03-05", "--from", "2026-03-05"],
        "命令行 unavailable --on：--on 与 --from/--to 只能二选一",
        "--on: give --on or --from/--to, not both",
    ),
    (
        ["unavailable", "--on", "2026-03-05"],
        "--department/--instructor/--venue/--community：请给出其中一项，且只给一项",
        "--department/--instructor/--venue/--community: give exactly one",
    ),
    (
        ["unavailable", "--venue", "v-school"],
        "--from/--to：请给出 --on 日期，或同时给出 --from 和 --to",
        "--from/--to: give --on DAY, or both --from and --to",
    ),
    (
        ["unavailable", "--venue", "v-school", "--on", "2027-08-01"],
        "--on：2027-08-01..2027-08-01 不在计划期 2026-03-02..2026-03-31 之内",
        "--on: 2027-08-01..2027-08-01 is outside the plan's 2026-03-02..2026-03-31",
    ),
    (["withdraw", "--order", "O-404"], "命令行 withdraw --order：点单 O-404 不存在", "no order 'O-404' in this plan's scenario"),
    (
        ["add-order", "--community", "nowhere", "--offering", "p-fire", "--attendees", "5"],
        "命令行 add-order --community：社区 nowhere 不存在",
        "command line: add-order: --community: unknown community 'nowhere'",
    ),
    (
        ["add-order", "--community", "shanxia", "--offering", "nothing", "--attendees", "5"],
        "--offering：课程 nothing 不存在",
        "--offering: unknown offering 'nothing'",
    ),
    (
        ["add-order", "--community", "shanxia", "--offering", "p-fire", "--attendees", "5"],
        "--offering：社区 shanxia 已点过课程 p-fire（点单 O-001），请合并为一个点单",
        "community 'shanxia' would order 'p-fire' more than once (see O-001)",
    ),
    (
        ["add-order", "--community", "shanxia", "--offering", "d-disaster-relief", "--attendees", "5"],
        "--offering：d-disaster-relief 是“部门带部门”课程，社区不能点单",
        "'d-disaster-relief' is a department-pair offering; communities cannot order it",
    ),
    (
        ["add-order", "--community", "xinmu", "--offering", "p-elderly-care", "--attendees", "5", "--id", "O-001"],
        "--id：点单编号 O-001 已被占用",
        "--id: order id 'O-001' is taken",
    ),
]


@pytest.fixture(scope="module")
def solved_store(tmp_path_factory) -> Path:
    """The tiny scenario solved once into a store; tests that only read it or refuse changes copy it."""
    tmp = tmp_path_factory.mktemp("solved-store")
    solved(f"sqlite:///{tmp / 'history.db'}", tmp)
    return tmp / "history.db"


@pytest.fixture
def copied(solved_store, tmp_path) -> str:
    path = tmp_path / "history.db"
    shutil.copyfile(solved_store, path)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("args, zh, en", BAD_CHANGES, ids=[" ".join(c[0]) for c in BAD_CHANGES])
def test_bad_changes_are_refused_in_chinese_by_default_and_in_english_with_lang_en(copied, args, zh, en):
    r = run(copied, *args)
    assert r.exit_code == 2, r.output
    assert zh in r.output, r.output
    assert "共 1 处问题，未写入任何内容。" in r.output
    assert en not in r.output and "command line" not in r.output and "problem(s)" not in r.output
    r = run(copied, *args, "--lang", "en")
    assert r.exit_code == 2, r.output
    assert en in r.output and "command line" in r.output, r.output
    assert "1 problem(s) in the input; nothing was written." in r.output
    assert zh not in r.output and "命令行" not in r.output
    assert Store(copied).pending(1) == []


def test_several_problems_are_reported_together(copied):
    args = ["add-order", "--community", "nowhere", "--offering", "nothing", "--attendees", "5", "--id", "O-001"]
    r = run(copied, *args)
    assert r.exit_code == 2
    for text in (
        "--id：点单编号 O-001 已被占用",
        "--community：社区 nowhere 不存在",
        "--offering：课程 nothing 不存在",
        "共 3 处问题",
    ):
        assert text in r.output, r.output
    assert "3 problem(s) in the input" in run(copied, *args, "--lang", "en").output


def test_an_order_withdrawn_may_be_placed_again(copied, tmp_path):
    """Only the pending changes before it decide whether a new order is one too many."""
    assert run(copied, "withdraw", "--order", "O-001").exit_code == 0
    r = run(copied, "add-order", "--community", "shanxia", "--offering", "p-fire", "--attendees", "10")
    assert r.exit_code == 0, r.output
    r = run(copied, "resolve", "--today", "2026-03-02", "--out", tmp_path / "v2", "--quiet", "--workers", "1")
    assert r.exit_code == 0, r.output
    orders = {(o.community, o.offering): o.id for o in Store(copied).plan(2).scenario.snapshot.orders}
    assert orders[("shanxia", "p-fire")] == "O-009"


def test_cancelling_twice_is_refused(copied):
    sid = Store(copied).plan(1).sessions[0].id
    assert run(copied, "cancel", sid).exit_code == 0
    r = run(copied, "cancel", sid)
    assert r.exit_code == 2 and f"命令行 cancel：场次 {sid} 已在待处理的变更中取消" in r.output, r.output
    r = run(copied, "cancel", sid, "--lang", "en")
    assert r.exit_code == 2 and f"{sid} is already cancelled (pending)" in r.output, r.output
    assert len(Store(copied).pending(1)) == 1


def test_a_change_that_no_longer_applies_is_named_when_resolving(copied, tmp_path):
    """A change recorded without the command's checks (another tool, an older version) is
    refused by resolve, in the planner's language, and nothing is written."""
    store = Store(copied)
    line, head = store.line()
    store.add_change(line.id, head.id, Change(kind=ChangeKind.cancel, session="S-2026-999"))
    r = run(copied, "resolve", "--today", "2026-03-02", "--out", tmp_path / "v2", "--quiet", "--workers", "1")
    assert r.exit_code == 2, r.output
    assert "方案库 sqlite:///" in r.output and "第1项变更（cancel） session：场次 S-2026-999 不存在" in r.output
    assert "共 1 处问题。" in r.output
    r = run(copied, "resolve", "--today", "2026-03-02", "--out", tmp_path / "v2", "--quiet", "--lang", "en")
    assert r.exit_code == 2, r.output
    assert "store sqlite:///" in r.output and "change 1 (cancel): session: no session 'S-2026-999' in this plan" in r.output
    assert not (tmp_path / "v2").exists() and len(store.versions()) == 1


NEW_ORDER = ["--community", "xinmu", "--offering", "p-fire", "--attendees", "5"]
# (what was typed, the Chinese error, the English error): click's own parsing, for every history command
BAD_COMMAND_LINES = [
    (
        ["plans", "--limit", "0"],
        "--limit 的值 0 超出范围：应在 1 到 2147483647 之间",
        "--limit: 0 is out of range: it must be from 1 to 2147483647",
    ),
    (["cancel"], "缺少参数 SESSION", "missing argument SESSION"),
    (["cancel", "S-2026-001", "--version", "x"], "--version 的值“x”不是整数", "--version: 'x' is not a whole number"),
    (
        ["unavailable", "--venue", "v-school", "--on", "2026-13-45"],
        "--on 的值“2026-13-45”不是日期，应写作 YYYY-MM-DD",
        "--on: '2026-13-45' is not a date in the form YYYY-MM-DD",
    ),
    (["withdraw"], "缺少必填选项 --order", "missing option --order"),
    (
        ["withdraw", "--ordr", "O-001"],
        "没有选项 --ordr（是否想输入 --db 或 --order？）",
        "no such option --ordr (did you mean --db or --order?)",
    ),
    (["withdraw", "--order", "O-001", "O-002"], "多余的参数：O-002", "unexpected extra arguments: O-002"),
    (["add-order", "--offering", "p-fire", "--attendees", "5"], "缺少必填选项 --community", "missing option --community"),
    (
        ["add-order", *NEW_ORDER[:-1], "abc"],
        "--attendees 的值“abc”不是整数",
        "--attendees: 'abc' is not a whole number",
    ),
    (
        ["add-order", *NEW_ORDER, "--priority", "9"],
        "--priority 的值 9 超出范围：应在 1 到 5 之间",
        "--priority: 9 is out of range: it must be from 1 to 5",
    ),
    (
        ["add-order", *NEW_ORDER, "--preferred-month", "3", "--preferred-month", "13"],
        "--preferred-month 的值 13 超出范围：应在 1 到 12 之间",
        "--preferred-month: 13 is out of range",
    ),
    (["resolve"], "缺少必填选项 --today", "missing option --today"),
    (["resolve", "--today", "2026-02-30"], "--today 的值“2026-02-30”不是日期", "--today: '2026-02-30' is not a date"),
    (
        ["resolve", "--today", "2026-03-02", "--freeze-days", "-1"],
        "--freeze-days 的值 -1 超出范围：应在 0 到 366 之间",
        "--freeze-days: -1 is out of range: it must be from 0 to 366",
    ),
    (["resolve", "--today", "2026-03-02", "--time-limit", "0"], "应在 0.1 到 86400 之间", "it must be from 0.1 to 86400"),
    (
        ["add-order", *NEW_ORDER, "--id", "a b"],
        "--id 的值“a b”不是有效编号：只能由字母、数字和 _ . - 组成",
        "--id: 'a b' is not a valid id: letters, digits, _ . - only",
    ),
    (["diff", "--notices=yes"], "选项 --notices 不带值", "option --notices does not take a value"),
    (["db", "upgrade", "--bad"], "没有选项 --bad", "no such option --bad"),
    (["db", "upgrad"], "没有命令 upgrad（是否想输入 upgrade？）", "no such command 'upgrad' (did you mean upgrade?)"),
]


@pytest.mark.parametrize("args, zh, en", BAD_COMMAND_LINES, ids=[" ".join(c[0]) for c in BAD_COMMAND_LINES])
def test_usage_errors_are_in_chinese_by_default_and_in_english_with_lang_en(db, tmp_path, args, zh, en):
    if args[0] == "resolve":
        args = [*args, "--out", tmp_path / "out"]
    r = run(db, *args)
    assert r.exit_code == 2, r.output
    assert "error: " in r.output and zh in r.output, r.output
    assert "用法：" in r.output and "--help 查看说明。" in r.output
    assert "Usage:" not in r.output and "Error:" not in r.output and en not in r.output
    r = run(db, *args, "--lang", "en")
    assert r.exit_code == 2, r.output
    assert en in r.output and "Usage:" in r.output, r.output
    assert zh not in r.output and "用法" not in r.output
    assert sorted(tmp_path.iterdir()) == []  # refused before the store was opened


def test_usage_errors_read_lang_before_click_does(db, tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    args = ["resolve", "--today", "2026-03-02", "--out", tmp_path / "a-file"]
    assert "--out 应为文件夹，但" in run(db, *args).output
    r = run(db, *args, "--lang=en")
    assert r.exit_code == 2 and f"--out: {tmp_path / 'a-file'} is a file, not a folder" in r.output, r.output
    r = run(db, "plans", "--lang", "fr")  # not a language: the default, Chinese
    assert r.exit_code == 2 and "--lang 的值“fr”无效，可选：zh、en" in r.output, r.output


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
    assert r.exit_code == 2 and "中还没有方案" in r.output and "schedule solve" in r.output
    r = run(db, "cancel", "S-2026-001", "--lang", "en")
    assert r.exit_code == 2 and "no plan in the store" in r.output
    assert "schedule solve" in run(db, "plans").output


def test_db_upgrade_is_idempotent(db):
    r = run(db, "db", "upgrade")
    assert r.exit_code == 0 and "数据表版本 （无） → 0001" in r.output, r.output
    r = run(db, "db", "upgrade", "--lang", "en")
    assert r.exit_code == 0 and "schema 0001 -> 0001" in r.output, r.output


def test_render_and_export_a_version_straight_from_the_store(db, tmp_path):
    plan = solved(db, tmp_path)
    sid = plan["sessions"][1]["id"]
    run(db, "cancel", sid, "--reason", "台风红色预警")
    r = run(db, "resolve", "--today", plan["sessions"][0]["date"], "--quiet", "--workers", "1", "--out", tmp_path / "v2")
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


def test_reading_a_version_from_a_store_that_is_not_there_makes_none(tmp_path):
    """render and export --version read the store: with none there, they say there is no
    plan yet (exit 2) and leave no store file behind."""
    missing = tmp_path / "none.db"
    for args in (["render", "--version", 1, "--out", tmp_path / "site"], ["export", "--version", 1, "--out", tmp_path / "f"]):
        r = run(f"sqlite:///{missing}", *args, "--lang", "en")
        assert r.exit_code == 2 and "no plan in the store" in r.output, r.output
        assert not missing.exists()


def test_store_errors_speak_the_planners_language(db, tmp_path):
    solved(db, tmp_path)
    r = run(db, "export", "--version", 9)
    assert r.exit_code == 2 and "没有第9版" in r.output
    r = run(db, "export", "--version", 9, "--lang", "en")
    assert r.exit_code == 2 and "no plan version 9" in r.output
    r = run(db, "diff", "1", "--lang", "en")
    assert r.exit_code == 2 and "fresh solve" in r.output
    assert "重新求解" in run(db, "diff", "1").output


# --------------------------------------------------------------------------- the messages themselves

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("key", sorted(k for k in TEXT if k.split(".")[0] in ("c", "e", "u")))
def test_every_input_error_message_has_chinese_and_english_text(key):
    zh, en = TEXT[key]
    assert CJK.search(zh), zh
    assert not CJK.search(en), en
    assert set(re.findall(r"{(\w+)", zh)) <= set(re.findall(r"{(\w+)", en))  # the ids, dates and values


@pytest.mark.parametrize(
    "args, lang",
    [
        ([], "zh"),
        (["--lang", "en"], "en"),
        (["--lang=en"], "en"),
        (["--lang", "en", "--lang", "zh"], "zh"),
        (["--lang", "fr"], "zh"),
        (["--lang"], "zh"),
        (["--", "--lang", "en"], "zh"),
    ],
)
def test_the_language_is_read_from_the_raw_arguments(args, lang):
    assert lang_in_args(["cancel", "S-2026-001", *args]) == lang


def test_the_history_read_without_sqlalchemy_is_the_stores(db, tmp_path, monkeypatch):
    """``plans`` and ``diff`` read a SQLite store at its head with sqlite3 alone
    (``scheduler.store.reader``): every field it gives is the Store's, and the commands
    print the same whichever reads it."""
    from scheduler.cli import common
    from scheduler.store.reader import open_reader

    plan = solved(db, tmp_path)
    assert run(db, "cancel", plan["sessions"][1]["id"], "--reason", "台风").exit_code == 0
    r = run(db, "resolve", "--today", plan["sessions"][0]["date"], "--out", tmp_path / "v2", "--quiet", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert run(db, "withdraw", "--order", plan["sessions"][0]["attendance"][0]["orders"][0]).exit_code == 0
    store, reader = Store(db), open_reader(db)
    assert reader is not None
    assert reader.versions() == store.versions() and len(reader.versions()) == 2
    assert reader.pending(1) == store.pending(1) and len(reader.pending(1)) == 1
    for v in (None, 1, 2):
        (line, head), (line2, head2) = reader.line(v), store.line(v)
        assert (line.id, line.head, head.id, head.parent_id) == (line2.id, line2.head, head2.id, head2.parent_id)
    assert reader.plan(2) == store.plan(2) and reader.version(2).parent_id == store.version(2).parent_id == 1
    outputs = [run(db, *args).output for args in (["plans"], ["diff", "1", "2"], ["diff", "7"])]
    monkeypatch.setattr(common, "open_history", lambda db, lang="zh": common.open_store(db, lang))
    assert [run(db, *args).output for args in (["plans"], ["diff", "1", "2"], ["diff", "7"])] == outputs
    assert "7" in outputs[2]  # an unknown version is named by both


def test_stores_the_reader_does_not_read_open_as_before(tmp_path):
    """A missing file, an empty one, another database or a store to migrate is no
    reader's: the Store creates, refuses or migrates it."""
    from scheduler.store.reader import open_reader

    assert open_reader(f"sqlite:///{tmp_path / 'none.db'}") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert open_reader(f"sqlite:///{tmp_path / 'empty.db'}") is None
    assert open_reader("postgresql+psycopg://u:p@localhost/x") is None
    old = tmp_path / "old.db"
    Store(f"sqlite:///{old}")
    import sqlite3

    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'an-older-one'")
    assert open_reader(f"sqlite:///{old}") is None
