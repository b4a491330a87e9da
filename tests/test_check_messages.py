"""Scenario problems in the planner's language: each whole-scenario check and each kind of
shape error pydantic finds reads as Chinese by default and as English with ``--lang en``,
through ``schedule solve`` (exit 2, nothing written). Ids, field names, dates and values stay
as they are in the file. The texts of these messages all have both languages."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Literal

import pytest
import yaml
from click.testing import CliRunner
from conftest import Mutate, scenario_dict, solve_dict
from conftest import delete_at as _delete
from conftest import set_at as _set
from pydantic import TypeAdapter, ValidationError

from scheduler.cli.commands import main
from scheduler.domain.checks import check_scenario
from scheduler.domain.i18n import TEXT, Message
from scheduler.domain.loader import shape_message
from scheduler.models import Scenario
from scheduler.plan.planfile import plan_json


def _add(section: str, record: dict) -> Mutate:
    return lambda d: d[section].append(record)


def _both(*changes: Mutate) -> Mutate:
    def mutate(d: dict) -> None:
        for change in changes:
            change(d)

    return mutate


def _offering(**fields) -> dict:
    return {"id": "x", "title": "新课", "capacity": 30, **fields}


_PAIR = _set("pairs", [{"id": "pr", "mentor": "yingji", "learner": "minzheng", "attendees": 5}])
_NO_MAX = {"max": 0}

# (case id, change, record, field, Chinese message, English message)
CHECKS = [
    # the plan
    ("plan-reversed", _set("plan.start", "2026-03-10"), "plan", "start", "计划期首日 2026-03-10 晚于末日 2026-03-06",
     "first day 2026-03-10 is after the last day 2026-03-06"),
    ("plan-outside-year", _set("plan.end", "2027-01-05"), "plan", "end", "2027-01-05 不在计划年度 2026 年内",
     "2027-01-05 is outside the plan year 2026"),
    ("total-min-above-total", _set("plan.sessions", {"total": 2, "total_min": 3}), "plan", "sessions.total_min",
     "最少场次 total_min（3）大于总场次 total（2）", "total_min 3 is above total 2"),
    ("type-min-above-max", _set("plan.sessions", {"total": 2, "peer": {"min": 2, "max": 1}}), "plan", "sessions.peer",
     "下限 min（2）大于上限 max（1）", "min 2 is above max 1"),
    ("minimums-above-total", _set("plan.sessions", {"total": 2, "peer": {"min": 2}, "secretary": {"min": 1}}), "plan",
     "sessions", "各类场次的下限合计 3 场，超过总场次 2 场", "the per-type minimums add up to 3, more than the total 2"),
    ("maximums-below", _set("plan.sessions", {"total": 2, "peer": _NO_MAX, "secretary": _NO_MAX, "community": _NO_MAX,
                                              "department": {"max": 1}}), "plan", "sessions",
     "各类场次的上限合计只有 1 场，少于要求的 2 场", "the per-type maximums add up to 1, fewer than the 2 sessions required"),
    ("slot-twice", _set("plan.slots", ["morning", "morning"]), "plan", "slots", "有时段重复列出", "a slot is listed twice"),
    ("blackout-reversed", _set("plan.blackouts", [{"start": "2026-03-05", "end": "2026-03-03", "reason": "检修"}]),
     "plan.blackouts[0]", "start", "开始日期 2026-03-05 晚于结束日期 2026-03-03", "2026-03-05 is after 2026-03-03"),
    # ids
    ("duplicate-id", _set("communities.1.id", "shanxia"), "communities[1] (shanxia)", "id", "编号 shanxia 重复",
     "duplicate id 'shanxia'"),
    ("duplicate-instructor", _set("departments.1.instructors.0.id", "yj-wang"), "departments[1] (minzheng)",
     "instructors[0].id", "教员编号 yj-wang 重复（部门 yingji 已有此编号）",
     "duplicate instructor id 'yj-wang' (also in yingji)"),
    ("order-twice", _add("orders", {"id": "O-2", "community": "shanxia", "offering": "fire", "attendees": 5}),
     "orders[0] (O-1)", "offering", "社区 shanxia 多次点了课程 fire，请合并为一个点单",
     "community 'shanxia' orders 'fire' more than once; merge the orders"),
    # dates of records
    ("venue-date-outside-year", _set("venues.0.unavailable", ["2025-12-01"]), "venues[0] (hall)", "unavailable[0]",
     "2025-12-01 不在计划年度 2026 年内", "2025-12-01 is outside the plan year 2026"),
    ("community-span-reversed", _set("communities.0.unavailable", [{"start": "2026-03-05", "end": "2026-03-03"}]),
     "communities[0] (shanxia)", "unavailable[0]", "开始日期 2026-03-05 晚于结束日期 2026-03-03",
     "2026-03-05 is after 2026-03-03"),
    # venues and pairs
    ("venue-owner", _set("venues.1.owner", "noowner"), "venues[1] (sx-square)", "owner",
     "noowner 既不是 street（街道），也不是已有的社区", "'noowner' is neither 'street' nor a known community"),
    ("pair-mentor", _set("pairs", [{"id": "pr", "mentor": "nodept", "learner": "minzheng", "attendees": 5}]),
     "pairs[0] (pr)", "mentor", "部门 nodept 不存在", "unknown department 'nodept'"),
    ("pair-with-itself", _set("pairs", [{"id": "pr", "mentor": "yingji", "learner": "yingji", "attendees": 5}]),
     "pairs[0] (pr)", "learner", "部门不能与自身结对", "a department cannot be paired with itself"),
    # what an offering's type needs
    ("host-on-peer", _set("offerings.0.host", "shanxia"), "offerings[0] (fire)", "host", "“同行学同行”课程不应填写 host",
     "'host' does not apply to a peer offering"),
    ("peer-without-department", _delete("offerings.0.department"), "offerings[0] (fire)", "department",
     "“同行学同行”课程须填写 department", "a peer offering needs 'department'"),
    ("unknown-host", _add("offerings", _offering(type="community", host="nohost")), "offerings[1] (x)", "host",
     "社区 nohost 不存在", "unknown community 'nohost'"),
    ("unknown-pair", _add("offerings", _offering(type="department", pair="nopair")), "offerings[1] (x)", "pair",
     "结对 nopair 不存在", "unknown pair 'nopair'"),
    # instructors
    ("secretary-without-instructors", _add("offerings", _offering(type="secretary")), "offerings[1] (x)", "instructors",
     "“书记教书记”课程须在 instructors 中列出可授课的书记", "a secretary offering names the secretaries who may teach it"),
    ("unknown-instructor", _set("offerings.0.instructors", ["ghost"]), "offerings[0] (fire)", "instructors[0]",
     "教员 ghost 不存在", "unknown instructor 'ghost'"),
    ("secretary-without-tier", _add("offerings", _offering(type="secretary", instructors=["yj-wang"])), "offerings[1] (x)",
     "instructors[0]", "教员 yj-wang 没有书记层级（tier），不能讲授“书记教书记”课程",
     "'yj-wang' has no secretary tier and cannot teach a secretary offering"),
    ("instructor-of-another-department", _set("offerings.0.instructors", ["mz-li"]), "offerings[0] (fire)",
     "instructors[0]", "mz-li 不是部门 yingji 的教员", "'mz-li' is not an instructor of department 'yingji'"),
    # venues of an offering
    ("unknown-venue", _set("offerings.0.venues", ["novenue"]), "offerings[0] (fire)", "venues[0]", "场地 novenue 不存在",
     "unknown venue 'novenue'"),
    ("online-venue-offline-offering", _set("offerings.0.venues", ["online"]), "offerings[0] (fire)", "venues[0]",
     "场地 online 是线上场地，课程形式却是线下", "venue 'online' is online but the format is offline"),
    ("physical-venue-online-offering", _both(_set("offerings.0.venues", ["hall"]), _set("offerings.0.format", "online")),
     "offerings[0] (fire)", "venues[0]", "场地 hall 是线下场地，课程形式却是线上",
     "venue 'hall' is physical but the format is online"),
    ("visit-at-another-community", _add("offerings", _offering(type="community", host="fenghuang", venues=["sx-square"])),
     "offerings[1] (x)", "venues[0]", "“社区帮社区”场次须在承办社区自己的场地举办；场地 sx-square 属于 shanxia",
     "a community session is held at the host's own venue; 'sx-square' belongs to 'shanxia'"),
    # sizes and slots
    ("min-above-capacity", _set("offerings.0.min_attendees", 70), "offerings[0] (fire)", "min_attendees",
     "最少开班人数 min_attendees（70）大于容量 capacity（60）", "min_attendees 70 is above capacity 60"),
    ("evening-without-slot", _set("offerings.0.duration", "evening"), "offerings[0] (fire)", "duration",
     "晚间课程需要 plan.slots 中有 evening", "an evening offering needs 'evening' in plan.slots"),
    ("full-day-without-afternoon", _both(_set("plan.slots", ["morning"]), _set("offerings.0.duration", "full_day")),
     "offerings[0] (fire)", "duration", "全天课程需要 plan.slots 中同时有 morning 和 afternoon",
     "a full-day offering needs 'morning' and 'afternoon' in plan.slots"),
    ("half-day-in-the-evening-only", _set("plan.slots", ["evening"]), "offerings[0] (fire)", "duration",
     "半天课程需要 plan.slots 中有 morning 或 afternoon", "a half-day offering needs 'morning' or 'afternoon' in plan.slots"),
    # orders
    ("order-community", _set("orders.0.community", "nowhere"), "orders[0] (O-1)", "community", "社区 nowhere 不存在",
     "unknown community 'nowhere'"),
    ("order-offering", _set("orders.0.offering", "nothing"), "orders[0] (O-1)", "offering", "课程 nothing 不存在",
     "unknown offering 'nothing'"),
    ("order-department-offering", _both(_PAIR, _add("offerings", _offering(type="department", pair="pr")),
                                        _set("orders.0.offering", "x")), "orders[0] (O-1)", "offering",
     "x 是“部门带部门”课程，社区不能点单", "'x' is a department-pair offering; communities cannot order it"),
]  # fmt: skip

_CUT = "'" + "O" * 27 + "..." + "O" * 28 + "'"  # a 65-character id as a message shows it

# (case id, change, record, field, Chinese message, English message): one per pydantic error type
SHAPES = [
    ("missing", _delete("communities.1.name"), "communities[1] (fenghuang)", "name", "缺少必填字段", "Field required"),
    ("missing-section", _delete("venues"), "顶层", "venues", "缺少必填字段", "Field required"),
    ("extra_forbidden", _set("orders.0.priorty", 4), "orders[0] (O-1)", "priorty", "没有这个字段（是否拼写有误？）",
     "Extra inputs are not permitted"),
    ("int_type", _set("offerings.0.capacity", [1]), "offerings[0] (fire)", "capacity", "应为整数（填写的是 [1]）",
     "Input should be a valid integer (got [1])"),
    ("int_parsing", _set("offerings.0.capacity", "many"), "offerings[0] (fire)", "capacity",
     "应为整数，这段文字不是整数（填写的是 'many'）",
     "Input should be a valid integer, unable to parse string as an integer (got 'many')"),
    ("int_from_float", _set("offerings.0.capacity", 1.5), "offerings[0] (fire)", "capacity",
     "应为整数，不能有小数部分（填写的是 1.5）",
     "Input should be a valid integer, got a number with a fractional part (got 1.5)"),
    ("finite_number", _set("communities.0.cadres", float("nan")), "communities[0] (shanxia)", "cadres",
     "应为有限的数（填写的是 nan）", "Input should be a finite number (got nan)"),
    ("greater_than_equal", _set("communities.0.cadres", -1), "communities[0] (shanxia)", "cadres",
     "应不小于 0（填写的是 -1）", "Input should be greater than or equal to 0 (got -1)"),
    ("less_than_equal", _set("orders.0.priority", 6), "orders[0] (O-1)", "priority", "应不大于 5（填写的是 6）",
     "Input should be less than or equal to 5 (got 6)"),
    ("string_type", _set("communities.0.name", 5), "communities[0] (shanxia)", "name", "应为文字（填写的是 5）",
     "Input should be a valid string (got 5)"),
    ("string_pattern_mismatch", _set("communities.0.id", "a b"), "communities[0] (a b)", "id",
     r"格式不符，应匹配 ^[A-Za-z0-9][A-Za-z0-9_.\-]*$（填写的是 'a b'）",
     r"String should match pattern '^[A-Za-z0-9][A-Za-z0-9_.\-]*$' (got 'a b')"),
    ("string_too_short", _set("communities.0.name", ""), "communities[0] (shanxia)", "name",
     "至少应有1个字符（填写的是 ''）", "String should have at least 1 character(s) (got '')"),
    ("string_too_long", _set("orders.0.id", "O" * 65), "orders[0] (" + "O" * 59 + "…)", "id",
     f"最多只能有64个字符（填写的是 {_CUT}）", f"String should have at most 64 characters (got {_CUT})"),
    ("enum", _set("offerings.0.type", "lecture"), "offerings[0] (fire)", "type",
     "应为以下取值之一：'secretary'、'peer'、'community'、'department'（填写的是 'lecture'）",
     "Input should be one of 'secretary', 'peer', 'community', 'department' (got 'lecture')"),
    ("bool_type", _set("offerings.0.outdoor", [1]), "offerings[0] (fire)", "outdoor", "应为 true 或 false（填写的是 [1]）",
     "Input should be a valid boolean (got [1])"),
    ("bool_parsing", _set("offerings.0.outdoor", "maybe"), "offerings[0] (fire)", "outdoor",
     "应为 true 或 false，无法识别此值（填写的是 'maybe'）",
     "Input should be a valid boolean, unable to interpret input (got 'maybe')"),
    ("list_type", _set("offerings.0.venues", "hall"), "offerings[0] (fire)", "venues", "应为列表（填写的是 'hall'）",
     "Input should be a valid list (got 'hall')"),
    ("model_type", _set("plan.caps", 5), "plan", "caps", "应为映射（一条 Caps 记录的各字段）（填写的是 5）",
     "Input should be a valid dictionary or instance of Caps (got 5)"),
    ("date_type", _set("plan.end", [5]), "plan", "end", "应为日期（YYYY-MM-DD）（填写的是 [5]）",
     "Input should be a valid date (got [5])"),
    ("date_parsing", _set("plan.end", "0000-01-01"), "plan", "end",
     "应为 YYYY-MM-DD 格式的日期：没有公元0年（填写的是 '0000-01-01'）",
     "Input should be a valid date in the format YYYY-MM-DD, year 0 is out of range (got '0000-01-01')"),
    ("date_from_datetime_parsing", _set("plan.end", "2026-02-30"), "plan", "end",
     "应为有效日期（YYYY-MM-DD）：日超出该月的天数（填写的是 '2026-02-30'）",
     "Input should be a valid date or datetime, day value is outside expected range (got '2026-02-30')"),
    ("date-error-unknown", _set("plan.end", "2026-03-06T25:00"), "plan", "end",
     "应为有效日期（YYYY-MM-DD）：hour value is outside expected range of 0-23（填写的是 '2026-03-06T25:00'）",
     "Input should be a valid date or datetime, hour value is outside expected range of 0-23 (got '2026-03-06T25:00')"),
    ("date_from_datetime_inexact", _set("plan.end", "2026-03-06T10:00"), "plan", "end",
     "应为日期，不能带时刻（填写的是 '2026-03-06T10:00'）",
     "Datetimes provided to dates should have zero time - e.g. be exact dates (got '2026-03-06T10:00')"),
]  # fmt: skip


def solve_lines(tmp_path: Path, change: Mutate, *lang: str) -> tuple[Path, list[str]]:
    """The error lines ``schedule solve`` prints for the test scenario with one change."""
    data = scenario_dict()
    change(data)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out, db = tmp_path / "out", tmp_path / "store.db"
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(out), "--db", str(db), "--quiet", *lang])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not db.exists()
    return path, [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]


@pytest.mark.parametrize(
    ("change", "record", "field", "zh", "en"), [c[1:] for c in CHECKS + SHAPES], ids=[c[0] for c in CHECKS + SHAPES]
)
def test_a_scenario_problem_reads_in_chinese_by_default_and_in_english_with_lang_en(tmp_path, change, record, field, zh, en):
    path, lines = solve_lines(tmp_path, change)
    assert f"error: {path} {record} {field}：{zh}" in lines, "\n".join(lines)
    path, lines = solve_lines(tmp_path, change, "--lang", "en")
    en_record = "(top level)" if record == "顶层" else record
    assert f"error: {path}: {en_record}: {field}: {en}" in lines, "\n".join(lines)


@pytest.mark.parametrize("change", [c[1] for c in CHECKS], ids=[c[0] for c in CHECKS])
def test_every_check_finds_its_problem_as_a_message_of_either_language(change):
    data = scenario_dict()
    change(data)
    found = check_scenario(Scenario.model_validate(data))
    assert found and all(isinstance(m, Message) for _, _, m in found), found


@pytest.fixture(scope="module")
def plan_text() -> str:
    outcome = solve_dict(scenario_dict())
    assert outcome.plan is not None
    return plan_json(outcome.plan)


def test_validate_names_a_broken_snapshot_in_the_planners_language(tmp_path, plan_text):
    """``schedule validate`` runs the same checks on the scenario a plan.json carries."""
    doc = json.loads(plan_text)
    doc["scenario"]["snapshot"]["venues"][1]["owner"] = "noowner"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    zh = CliRunner().invoke(main, ["validate", str(path)])
    en = CliRunner().invoke(main, ["validate", str(path), "--lang", "en"])
    assert zh.exit_code == en.exit_code == 2, zh.output + en.output
    record = "scenario.snapshot: venues[1] (sx-square)"
    assert f"error: {path} {record} owner：noowner 既不是 street（街道），也不是已有的社区" in zh.stderr, zh.stderr
    assert f"error: {path}: {record}: owner: 'noowner' is neither 'street' nor a known community" in en.stderr, en.stderr


def test_render_and_export_say_what_they_wrote_in_the_planners_language(tmp_path, plan_text):
    path = tmp_path / "plan.json"
    path.write_text(plan_text, encoding="utf-8")
    site, feeds = tmp_path / "site", tmp_path / "feeds"
    zh = CliRunner().invoke(main, ["render", str(path), "--out", str(site), "--db", str(tmp_path / "s.db")])
    assert zh.exit_code == 0, zh.output
    n = sum(1 for p in site.rglob("*") if p.is_file())
    assert zh.stdout == f"已在 {site} 中写入 {n} 个文件；请打开 {site / 'index.html'}\n"
    args = ["export", str(path), "--out", str(feeds), "--format", "ics", "--db", str(tmp_path / "s.db"), "--lang", "en"]
    en = CliRunner().invoke(main, args)
    assert en.exit_code == 0, en.output
    n = len(list((feeds / "ics").glob("*.ics")))
    assert en.stdout == f"{n} iCalendar feeds in {feeds / 'ics'} (all.ics: every session)\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([], "error: 请给出 plan.json 或 --version N（二者选一）"),
        (["--lang", "en"], "error: give a plan.json or --version N (one of them)"),
    ],
    ids=["zh", "en"],
)
def test_render_without_a_plan_says_what_to_give_in_the_planners_language(tmp_path, args, line):
    result = CliRunner().invoke(main, ["render", "--out", str(tmp_path / "site"), "--db", str(tmp_path / "s.db"), *args])
    assert result.exit_code == 2 and line in result.stderr.splitlines(), result.output
    assert not (tmp_path / "site").exists()


def _errors(kind, value) -> dict:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(kind).validate_python(value)
    (err,) = info.value.errors()
    return err


@pytest.mark.parametrize(
    ("kind", "value", "zh", "en"),
    [
        (
            Literal["zh", "en"],
            "fr",
            "应为以下取值之一：'zh'、'en'（填写的是 'fr'）",
            "Input should be one of 'zh', 'en' (got 'fr')",
        ),
        (dict[str, int], [1], "应为映射（填写的是 [1]）", "Input should be a valid dictionary (got [1])"),
        # float_parsing has no text of its own: pydantic's English in a Chinese frame
        (
            float,
            "x",
            "取值不符合要求（Input should be a valid number, unable to parse string as a number）（填写的是 'x'）",
            "Input should be a valid number, unable to parse string as a number (got 'x')",
        ),
        (
            dt.date,
            "2026/03/01",
            "应为有效日期（YYYY-MM-DD）：年月日之间应以 - 分隔（填写的是 '2026/03/01'）",
            "Input should be a valid date or datetime, invalid date separator, expected `-` (got '2026/03/01')",
        ),
    ],
    ids=["literal_error", "dict_type", "unmapped-type", "date-separator"],
)
def test_a_shape_error_no_scenario_field_makes_still_reads_in_either_language(kind, value, zh, en):
    message = shape_message(_errors(kind, value))
    assert (message.text("zh"), message.text("en")) == (zh, en)


OURS = sorted(k for k in TEXT if k.startswith(("k.", "sh.", "pg.")))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("key", OURS)
def test_every_scenario_message_has_chinese_and_english_text_with_the_same_placeholders(key):
    zh, en = TEXT[key]
    assert CJK.search(zh), zh
    assert not CJK.search(en), en
    assert sorted(re.findall(r"{(\w+)", zh)) == sorted(re.findall(r"{(\w+)", en))


def test_the_scenario_messages_are_all_there():
    """So that a block of texts lost or renamed fails, not only its own parametrized cases."""
    assert len(OURS) >= 60 and {"k.outside_year", "sh.missing", "sh.got", "sh.top_level", "pg.rendered"} <= set(OURS)
