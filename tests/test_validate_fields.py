"""The independent validator checks every field of a plan against the scenario, and says
what it finds in the planner's language.

Real plans of a small scenario with one session of each type (a fresh solve, and a
re-plan that drops a session) pass; each mutation below breaks one field and is caught
under its rule id. Violations print in Chinese by default and in English with
``--lang en``; ``str()`` stays English for logs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from conftest import scenario_dict, solve_dict
from test_cli import invoke, no_crash, write_scenario

from scheduler.core.solve import SolveOptions
from scheduler.domain.i18n import Message
from scheduler.models import Change, ChangeKind, Plan
from scheduler.plan import engine
from scheduler.plan.engine import PlanInvalid, replan
from scheduler.plan.validate import Violation, validate, validate_replan

CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = dt.date(2026, 3, 2)


def four_types() -> dict:
    """One session of each type in one week; O-5 is the host's own order of its site visit
    (never met), so the plan has an unmet entry too."""
    d = scenario_dict()
    d["plan"]["sessions"] = {"total": 4, "total_min": 3, "department": {"min": 1, "max": 1}}
    d["pairs"] = [{"id": "p1", "mentor": "yingji", "learner": "minzheng", "attendees": 12}]
    d["offerings"] += [
        {"id": "sec", "title": "书记讲堂", "type": "secretary", "instructors": ["dj-chen"], "capacity": 30},
        {"id": "visit", "title": "薪火广场现场观摩", "type": "community", "host": "shanxia", "capacity": 40},
        {"id": "pair", "title": "应急带民政", "type": "department", "pair": "p1", "capacity": 30},
    ]
    d["orders"] += [
        {"id": "O-2", "community": "fenghuang", "offering": "fire", "attendees": 10},
        {"id": "O-3", "community": "shanxia", "offering": "sec", "attendees": 2},
        {"id": "O-4", "community": "fenghuang", "offering": "visit", "attendees": 10},
        {"id": "O-5", "community": "shanxia", "offering": "visit", "attendees": 5},
    ]
    return d


@pytest.fixture(scope="module")
def fresh() -> Plan:
    out = solve_dict(four_types())
    assert out.plan is not None, out.status
    return out.plan


@pytest.fixture(scope="module")
def replanned(fresh) -> Plan:
    """The secretary session cancelled with the whole week frozen: it cannot be re-placed, so it is dropped."""
    sec = next(s for s in fresh.sessions if s.type.value == "secretary")
    cancel = Change(kind=ChangeKind.cancel, session=sec.id, reason="台风红色预警")
    out = replan(fresh, 1, [cancel], TODAY, 5, SolveOptions(time_limit=10, workers=1, seed=0))
    assert out.plan is not None, out.status
    assert [c.id for c in out.plan.cancelled] == [sec.id]
    return out.plan


def test_real_plans_of_every_session_type_pass(fresh, replanned):
    assert {s.type.value for s in fresh.sessions} == {"secretary", "peer", "community", "department"}
    assert [u.order for u in fresh.unmet] == ["O-5"]
    assert validate(fresh.scenario.snapshot, fresh) == []
    assert validate(replanned.scenario.snapshot, replanned) == []
    assert validate_replan(fresh, replanned) == []


# --------------------------------------------------------------------------- mutations

Mutation = Callable[[dict], object]


def of_type(plan: dict, kind: str) -> dict:
    return next(s for s in plan["sessions"] if s["type"] == kind)


def entry(plan: dict, kind: str, community: str) -> dict:
    return next(a for a in of_type(plan, kind)["attendance"] if a["community"] == community)


def put(target: dict, **fields) -> None:
    target.update(fields)


def append(items: list, item: dict) -> None:
    items.append(json.loads(json.dumps(item)))


def no_order_entry(community: str, attendees: int) -> Mutation:
    return lambda p: append(of_type(p, "peer")["attendance"], {"community": community, "attendees": attendees, "orders": []})


def mislabel_unmet(**fields) -> Mutation:
    return lambda p: put(p["unmet"][0], **fields)


def cancelled_copy(p: dict, **fields) -> dict:
    """A running session listed as dropped too (the shape of a cancelled entry)."""
    c = {**json.loads(json.dumps(of_type(p, "peer"))), "id": "S-2026-099", "reason": "暴雨", "dropped_on": "2026-03-02"}
    return {**c, **fields}


# (rule, i18n key of the message, mutation): each breaks exactly the field the rule is about
SESSION_MUTATIONS = {
    "title": ("plan.title", "v.title", lambda p: put(of_type(p, "peer"), title="另一门课")),
    "type": ("plan.type", "v.type", lambda p: put(of_type(p, "peer"), type="secretary")),
    "peer-departments": ("plan.departments", "v.departments", lambda p: put(of_type(p, "peer"), departments=[])),
    "secretary-departments": (
        "plan.departments",
        "v.departments",
        lambda p: put(of_type(p, "secretary"), departments=["dangjian"]),
    ),
    "pair-departments-swapped": (
        "plan.departments",
        "v.departments",
        lambda p: put(of_type(p, "department"), departments=["minzheng", "yingji"]),
    ),
    "community-departments": (
        "plan.departments",
        "v.departments",
        lambda p: put(of_type(p, "community"), departments=["yingji"]),
    ),
    "host-missing": ("plan.host", "v.host", lambda p: put(of_type(p, "community"), host=None)),
    "host-wrong": ("plan.host", "v.host", lambda p: put(of_type(p, "community"), host="fenghuang")),
    "host-on-a-peer-session": ("plan.host", "v.host.none", lambda p: put(of_type(p, "peer"), host="shanxia")),
    "venue-unknown": ("plan.unknown_venue", "v.venue.unknown", lambda p: put(of_type(p, "peer"), venue="nowhere")),
    "venue-of-another-community": ("eligible.host_venue", "v.host_venue", lambda p: put(of_type(p, "community"), venue="hall")),
    "instructor-unknown": (
        "plan.unknown_instructor",
        "v.instructor.unknown",
        lambda p: put(of_type(p, "peer"), instructor="nobody"),
    ),
    "instructor-missing": (
        "eligible.instructor",
        "v.instructor.missing",
        lambda p: put(of_type(p, "secretary"), instructor=None),
    ),
    "instructor-of-another-department": (
        "eligible.instructor",
        "v.instructor.department",
        lambda p: put(of_type(p, "peer"), instructor="mz-li"),
    ),
    "instructor-at-a-site-visit": (
        "eligible.instructor",
        "v.instructor.community",
        lambda p: put(of_type(p, "community"), instructor="yj-wang"),
    ),
    "slots-of-another-duration": (
        "calendar.duration",
        "v.duration",
        lambda p: put(of_type(p, "peer"), slots=["morning", "afternoon"]),
    ),
    "slot-not-open": ("calendar.slots", "v.slots", lambda p: put(of_type(p, "peer"), slots=["evening"])),
    "date-a-sunday": ("calendar.working_day", "v.working_day", lambda p: put(of_type(p, "peer"), date="2026-03-08")),
    "date-outside-the-plan": ("calendar.plan_dates", "v.plan_dates", lambda p: put(of_type(p, "peer"), date="2026-03-09")),
    "sequence-negative": ("plan.sequence", "v.sequence", lambda p: put(of_type(p, "peer"), sequence=-1)),
    "session-id-twice": (
        "plan.session_ids",
        "v.session_ids",
        lambda p: put(of_type(p, "peer"), id=of_type(p, "secretary")["id"]),
    ),
    "headcount": ("plan.headcount", "v.headcount", lambda p: put(of_type(p, "peer"), headcount=31)),
}

ATTENDANCE_MUTATIONS = {
    "zero-attendees-no-orders": ("plan.attendance_empty", "v.attendance_empty.orders", no_order_entry("fenghuang", 0)),
    "negative-attendees": ("plan.attendance_empty", "v.attendance_empty.attendees", no_order_entry("fenghuang", -5)),
    "community-not-in-the-scenario": ("plan.unknown_community", "v.unknown_community", no_order_entry("ghost", 0)),
    "community-listed-twice": (
        "plan.attendance",
        "v.attendance.twice",
        lambda p: append(of_type(p, "peer")["attendance"], entry(p, "peer", "shanxia")),
    ),
    "order-unknown": ("plan.unknown_order", "v.unknown_order", lambda p: put(entry(p, "peer", "shanxia"), orders=["O-404"])),
    "order-of-another-community": (
        "plan.attendance",
        "v.attendance.order",
        lambda p: put(entry(p, "peer", "shanxia"), orders=["O-2"]),
    ),
    "order-of-another-offering": (
        "plan.attendance",
        "v.attendance.order",
        lambda p: put(entry(p, "peer", "shanxia"), orders=["O-3"], attendees=2),
    ),
    "attendees-not-the-orders-head-count": (
        "plan.attendance",
        "v.attendance.sum",
        lambda p: put(entry(p, "peer", "shanxia"), attendees=21),
    ),
    "order-twice-in-one-session": (
        "order.once",
        "v.order_once.same",
        lambda p: put(entry(p, "peer", "shanxia"), orders=["O-1", "O-1"], attendees=40),
    ),
    "order-in-two-sessions": (
        "order.once",
        "v.order_once",
        lambda p: append(of_type(p, "secretary")["attendance"], entry(p, "peer", "fenghuang")),
    ),
    "host-as-visitor": (
        "eligible.host_not_visitor",
        "v.host_not_visitor",
        lambda p: put(entry(p, "community", "fenghuang"), community="shanxia"),
    ),
}

UNMET_MUTATIONS = {
    "unmet-order-unknown": (
        "plan.unknown_order",
        "v.unknown_order",
        lambda p: append(p["unmet"], {**p["unmet"][0], "order": "O-404"}),
    ),
    "unmet-community-not-the-orders": ("order.unmet_order", "v.unmet_order", mislabel_unmet(community="fenghuang")),
    "unmet-offering-not-the-orders": ("order.unmet_order", "v.unmet_order", mislabel_unmet(offering="fire")),
    "unmet-twice": ("order.unmet_once", "v.unmet_once", lambda p: append(p["unmet"], p["unmet"][0])),
    "met-and-unmet": (
        "order.accounting",
        "v.order_accounting.both",
        lambda p: append(p["unmet"], {**p["unmet"][0], "order": "O-1", "offering": "fire"}),
    ),
    "neither-met-nor-unmet": ("order.accounting", "v.order_accounting.neither", lambda p: p["unmet"].clear()),
    "cancelled-in-a-fresh-plan": ("plan.cancelled", "v.cancelled.fresh", lambda p: append(p["cancelled"], cancelled_copy(p))),
}

CANCELLED_MUTATIONS = {
    "cancelled-and-running": (
        "plan.session_ids",
        "v.session_ids.running",
        lambda p: put(p["cancelled"][0], id=p["sessions"][0]["id"]),
    ),
    "cancelled-twice": ("plan.session_ids", "v.session_ids.cancelled_twice", lambda p: append(p["cancelled"], p["cancelled"][0])),
    "cancelled-offering-unknown": (
        "plan.unknown_offering",
        "v.unknown_offering",
        lambda p: put(p["cancelled"][0], offering="gone"),
    ),
    "cancelled-title": ("plan.title", "v.title", lambda p: put(p["cancelled"][0], title="另一门课")),
    "cancelled-type": ("plan.type", "v.type", lambda p: put(p["cancelled"][0], type="peer")),
    "cancelled-departments": ("plan.departments", "v.departments", lambda p: put(p["cancelled"][0], departments=["yingji"])),
    "cancelled-without-a-date": ("plan.cancelled", "v.cancelled.no_date", lambda p: put(p["cancelled"][0], dropped_on=None)),
    "cancelled-without-a-reason": ("plan.cancelled", "v.cancelled.reason", lambda p: put(p["cancelled"][0], reason=" ")),
}


def mutated(plan: Plan, mutate: Mutation) -> Plan:
    data = plan.model_dump(mode="json")
    mutate(data)
    return Plan.model_validate(data)


def caught(plan: Plan, rule: str, key: str) -> Violation:
    found = validate(plan.scenario.snapshot, plan)
    hits = [v for v in found if v.rule == rule and v.message.key == key]
    assert hits, f"expected [{rule}] {key}, got {[str(v) for v in found]}"
    return hits[0]


def assert_both_languages(v: Violation) -> None:
    assert str(v) == v.text("en") and str(v).startswith(f"[{v.rule}] ")
    zh = v.text("zh")
    assert zh.startswith(f"[{v.rule}] ") and CJK.search(zh), zh
    assert zh != str(v)


@pytest.mark.parametrize(
    ("rule", "key", "mutate"),
    list((SESSION_MUTATIONS | ATTENDANCE_MUTATIONS | UNMET_MUTATIONS).values()),
    ids=list(SESSION_MUTATIONS | ATTENDANCE_MUTATIONS | UNMET_MUTATIONS),
)
def test_a_mutated_field_of_a_solved_plan_is_caught(fresh, rule, key, mutate):
    assert_both_languages(caught(mutated(fresh, mutate), rule, key))


@pytest.mark.parametrize(
    ("rule", "key", "mutate"),
    list(CANCELLED_MUTATIONS.values()),
    ids=list(CANCELLED_MUTATIONS),
)
def test_a_mutated_cancelled_entry_of_a_replan_is_caught(replanned, rule, key, mutate):
    v = caught(mutated(replanned, mutate), rule, key)
    assert v.session
    assert_both_languages(v)


def test_the_attendance_entry_seen_in_the_field_is_caught_twice(fresh):
    """Zero attendees, no orders, a community that does not exist: two rules, both named."""
    plan = mutated(fresh, no_order_entry("ghost", 0))
    rules = {v.rule for v in validate(plan.scenario.snapshot, plan)}
    assert {"plan.unknown_community", "plan.attendance_empty"} <= rules


# --------------------------------------------------------------------------- the planner's language


def test_violations_print_in_chinese_by_default_and_in_english_with_lang_en(fresh, tmp_path):
    data = fresh.model_dump(mode="json")
    peer = of_type(data, "peer")
    peer["date"] = "2026-03-08"
    data["scenario"]["snapshot"]["plan"]["end"] = "2026-03-08"  # inside the plan: only the Sunday is wrong
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    zh = invoke("validate", path)
    no_crash(zh)
    assert zh.exit_code == 1, zh.output
    assert "发现 1 处违规" in zh.stdout
    assert f"  [calendar.working_day] {peer['id']}：2026-03-08 不是工作日" in zh.stdout.splitlines()
    assert "working day" not in zh.stdout

    en = invoke("validate", path, "--lang", "en")
    assert en.exit_code == 1, en.output
    assert f"  [calendar.working_day] {peer['id']}: 2026-03-08 is not a working day" in en.stdout.splitlines()
    assert not CJK.search(en.stdout), en.stdout


def test_session_types_and_slots_are_named_in_the_planners_language(fresh):
    plan = mutated(fresh, lambda p: put(of_type(p, "peer"), type="secretary", slots=["morning", "afternoon"]))
    found = {v.message.key: v for v in validate(plan.scenario.snapshot, plan)}
    assert "“书记教书记”" in found["v.type"].text("zh") and "'secretary teaches secretaries'" in str(found["v.type"])
    assert "上午、下午" in found["v.duration"].text("zh") and "morning, afternoon" in str(found["v.duration"])


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["内部错误", "引擎生成的方案未通过独立校验", "[calendar.working_day] S-2026-001：2026-03-08 不是工作日"]),
        ("en", ["internal error", "[calendar.working_day] S-2026-001: 2026-03-08 is not a working day"]),
    ],
    ids=["zh", "en"],
)
def test_an_engine_plan_the_validator_rejects_exits_3_in_the_planners_language(tmp_path, monkeypatch, lang, words):
    def rejects(sc, plan):
        return [Violation("calendar.working_day", "S-2026-001", Message("v.working_day", date=dt.date(2026, 3, 8)))]

    monkeypatch.setattr(engine, "validate", rejects)
    scenario = write_scenario(tmp_path, scenario_dict())
    out = tmp_path / "out"
    result = invoke("solve", scenario, "--out", out, "--db", f"sqlite:///{tmp_path / 's.db'}", "--quiet", "--lang", lang)
    no_crash(result)
    assert result.exit_code == 3, result.output
    assert all(w in result.stderr for w in words), result.stderr
    assert not (out / "plan.json").exists()


def test_a_replan_the_validator_rejects_exits_3_in_chinese_and_records_nothing(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 's.db'}"
    scenario = write_scenario(tmp_path, scenario_dict())
    assert invoke("solve", scenario, "--out", tmp_path / "v1", "--db", db, "--quiet").exit_code == 0
    assert invoke("cancel", "S-2026-001", "--reason", "台风", "--db", db).exit_code == 0

    def rejects(parent, plan):
        return [Violation("replan.frozen", "S-2026-001", Message("v.replan_frozen.attendance"))]

    monkeypatch.setattr(engine, "validate_replan", rejects)
    result = invoke("resolve", "--today", "2026-03-02", "--out", tmp_path / "v2", "--db", db, "--quiet")
    no_crash(result)
    assert result.exit_code == 3, result.output
    assert "内部错误" in result.stderr and "[replan.frozen] S-2026-001：处于冻结期，参加单位却有变化" in result.stderr
    assert not (tmp_path / "v2" / "plan.json").exists()
    versions = invoke("plans", "--db", db).stdout
    assert " solve " in versions and " resolve " not in versions  # no version 2 recorded


def test_plan_invalid_keeps_english_for_logs():
    err = PlanInvalid([Message("v.objective", level="demand", solver=9, validator=8)])
    assert str(err) == "the engine produced an invalid plan:\nobjective level demand: solver says 9, validator computes 8"
    assert "目标层级 demand：求解器给出 9，校验器算得 8" in err.text("zh")
