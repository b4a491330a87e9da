"""``caps.street_per_day`` and ``caps.street_per_week``: the street's whole load, every
session counted whoever runs it and wherever (sessions at the same time count too).
Each is feasible under its cap, infeasible (and named) once the sessions are fixed into
one day or week against it, feasible again when the plan gets another day or week; the
validator, the greedy first plan and the month-first solve keep them too."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from conftest import build, scenario_dict, solve_dict
from ortools.sat.python import cp_model
from test_rules import assert_infeasible, assert_plan, two_peer_offerings

from scheduler.core.greedy import greedy_plan
from scheduler.core.periods import PeriodModel
from scheduler.core.solve import STATUS
from scheduler.domain.compile import compile_scenario
from scheduler.plan.validate import validate

MONDAY = "2026-03-02"


def three_sessions(end: str = MONDAY, **caps) -> dict:
    """Three peer sessions of three departments; on one day they fit only with a cap of 3
    (shanxia attends two of them, morning and afternoon, and the third runs beside one)."""
    d = two_peer_offerings()
    d["offerings"].append({"id": "law", "title": "普法讲堂", "type": "peer", "department": "dangjian", "capacity": 60})
    d["orders"].append({"id": "O-3", "community": "shanxia", "offering": "law", "attendees": 5})
    d["plan"].update(end=end, sessions={"total": 3})
    d["plan"]["caps"] = caps
    return d


def per_day(plan) -> Counter:
    return Counter(s.date for s in plan.sessions)


def per_week(plan) -> Counter:
    return Counter(s.date - dt.timedelta(days=s.date.weekday()) for s in plan.sessions)


def test_a_day_within_the_street_cap_holds_every_session():
    p = assert_plan(three_sessions(street_per_day=3))
    assert per_day(p) == {dt.date(2026, 3, 2): 3}


def test_the_default_street_cap_of_two_a_day_makes_three_sessions_on_one_day_infeasible_and_named():
    out = assert_infeasible(three_sessions(), "cap.street_per_day")
    label = out.compiled.problem.rules["cap.street_per_day"]
    assert label.label("zh") == "全街道每天最多2场"
    assert label.label("en") == "at most 2 sessions a day across the street"


def test_a_second_day_makes_room_under_the_daily_street_cap():
    p = assert_plan(three_sessions(end="2026-03-03"))
    assert sorted(per_day(p).values()) == [1, 2]


def test_a_week_within_the_weekly_street_cap_holds_every_session():
    p = assert_plan(three_sessions(end="2026-03-06", street_per_week=3))
    assert list(per_week(p).values()) == [3] and max(per_day(p).values()) <= 2


def test_a_weekly_street_cap_below_the_sessions_fixed_into_one_week_is_infeasible_and_named():
    out = assert_infeasible(three_sessions(end="2026-03-06", street_per_week=2), "cap.street_per_week")
    label = out.compiled.problem.rules["cap.street_per_week"]
    assert label.label("zh") == "全街道每周（周一至周日）最多2场"
    assert label.label("en") == "at most 2 sessions a week (Monday to Sunday) across the street"


def test_the_street_week_ends_on_sunday_so_the_next_monday_makes_room():
    d = three_sessions(end="2026-03-08", street_per_week=2)
    d["plan"]["holidays"] = {"working_days": ["2026-03-08"]}  # a working Sunday is still the same week
    assert_infeasible(d, "cap.street_per_week")
    d["plan"].update(end="2026-03-09", holidays={})
    p = assert_plan(d)
    assert sorted(per_week(p).values()) == [1, 2] and dt.date(2026, 3, 9) in per_day(p)


def test_a_week_split_over_two_months_is_one_week_for_the_month_first_solve():
    """Mon 30 March to Fri 3 April is one week: the month plan may put sessions in both
    months, but only two of them fit in that week; the plan found is exact."""
    d = three_sessions(end="2026-04-03", street_per_week=2)
    d["plan"].update(start="2026-03-30", sessions={"total": 3, "total_min": 1})
    out = solve_dict(d)
    assert out.plan is not None and validate(out.scenario, out.plan) == []
    assert list(per_week(out.plan).values()) == [2]


def test_the_month_relaxation_allows_twice_the_usable_days_of_a_month_and_no_more():
    """31 March and 1 April: one usable day in each month, so at most two sessions in
    March under the daily cap of 2 (the period model states it per month)."""
    d = three_sessions(end="2026-04-01")
    d["plan"].update(start="2026-03-31")
    d["offerings"] = [{**o, "months": [3]} for o in d["offerings"]]
    model = PeriodModel(compile_scenario(build(d)).problem)
    assert STATUS[cp_model.CpSolver().solve(model.m)] == "INFEASIBLE"
    d["plan"]["caps"] = {"street_per_day": 3}
    model = PeriodModel(compile_scenario(build(d)).problem)
    assert STATUS[cp_model.CpSolver().solve(model.m)] in ("OPTIMAL", "FEASIBLE")


def test_the_greedy_first_plan_keeps_the_street_caps():
    """Without the caps, greedy puts all three sessions on the first day."""
    problem = compile_scenario(build(three_sessions(end="2026-03-10", street_per_day=1, street_per_week=2))).problem
    placements: list = []
    greedy_plan(problem, placements=placements)
    days = Counter(t // problem.units_per_day for _, t, _, _ in placements)
    weeks = Counter(day // 7 for day in days.elements())
    assert len(placements) == 3 and set(days.values()) == {1} and max(weeks.values()) == 2


def test_the_validator_finds_a_day_and_a_week_over_the_street_caps():
    p = assert_plan(three_sessions(street_per_day=3))
    sc = build(three_sessions(street_per_week=2))
    found = [v for v in validate(sc, p) if v.rule.startswith("cap.street")]
    assert [v.text("zh") for v in found] == [
        "[cap.street_per_day] 2026-03-02 全街道有3场（每天上限2场）",
        "[cap.street_per_week] 2026-03-02起的一周内全街道有3场（每周上限2场）",
    ]
    assert [str(v) for v in found] == [
        "[cap.street_per_day] 3 sessions across the street on 2026-03-02 (cap 2 a day)",
        "[cap.street_per_week] 3 sessions across the street in the week of 2026-03-02 (cap 2 a week)",
    ]


def test_two_a_day_and_no_weekly_cap_by_default():
    caps = build(scenario_dict()).plan.caps
    assert caps.street_per_day == 2 and caps.street_per_week is None
    rules = compile_scenario(build(scenario_dict())).problem.rules
    assert "cap.street_per_day" in rules and "cap.street_per_week" not in rules
