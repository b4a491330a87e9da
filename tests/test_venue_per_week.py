"""``caps.venue_per_week``: a venue hosts at most N sessions in a calendar week (Monday to
Sunday). Feasible under the cap, infeasible (and named) once the sessions are fixed into
one week against it, feasible again when the plan gets a day of the next week; the
validator, the greedy first plan and the month-first solve keep it too."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from conftest import build, scenario_dict, solve_dict
from test_rules import assert_infeasible, assert_plan, two_peer_offerings

from scheduler.core.greedy import greedy_plan
from scheduler.domain.compile import compile_scenario
from scheduler.models import Plan
from scheduler.plan.validate import validate


def hall_only(cap: int | None, end: str = "2026-03-06") -> dict:
    """Two peer sessions (different departments and communities) that may only use the hall,
    in the week of Monday 2 March 2026 unless ``end`` reaches further."""
    d = two_peer_offerings()
    for o in d["offerings"]:
        o["venues"] = ["hall"]
    d["plan"]["end"] = end
    if cap is not None:
        d["plan"]["caps"] = {"venue_per_week": cap}
    return d


def weeks(plan: Plan) -> Counter:
    return Counter((s.venue, s.date - dt.timedelta(days=s.date.weekday())) for s in plan.sessions)


def test_a_venue_within_its_weekly_cap_hosts_every_session_of_the_week():
    p = assert_plan(hall_only(cap=2))
    assert len(p.sessions) == 2 and set(weeks(p).values()) == {2}


def test_a_weekly_cap_below_the_sessions_fixed_into_one_week_is_infeasible_and_named():
    out = assert_infeasible(hall_only(cap=1), "cap.venue_per_week:hall")
    label = out.compiled.problem.rules["cap.venue_per_week:hall"]
    assert label.label("zh") == "街道报告厅每周（周一至周日）最多1场"
    assert label.label("en").startswith("街道报告厅: at most 1 ") and label.label("en").endswith("a week (Monday to Sunday)")


def test_the_week_ends_on_sunday_so_a_day_of_the_next_week_makes_room():
    d = hall_only(cap=1, end="2026-03-08")
    d["plan"]["holidays"] = {"working_days": ["2026-03-08"]}  # a working Sunday is still the same week
    assert_infeasible(d, "cap.venue_per_week:hall")
    d["plan"]["end"] = "2026-03-09"  # Monday: the next week
    d["plan"]["holidays"] = {}
    p = assert_plan(d)
    assert dt.date(2026, 3, 9) in {s.date for s in p.sessions} and set(weeks(p).values()) == {1}


def test_a_week_split_over_two_months_is_one_week_for_the_month_first_solve():
    """Mon 30 March to Fri 3 April is one week: the month plan may put one session in each
    month, but only one of them fits in the hall that week."""
    d = hall_only(cap=1, end="2026-04-03")
    d["plan"]["start"] = "2026-03-23"
    d["offerings"].append({"id": "law", "title": "普法讲堂", "type": "peer", "department": "dangjian", "capacity": 60})
    d["departments"][2]["instructors"].append({"id": "dj-sun", "name": "孙老师"})
    d["offerings"][2]["venues"] = ["hall"]
    d["orders"].append({"id": "O-3", "community": "shanxia", "offering": "law", "attendees": 5})
    d["plan"]["sessions"] = {"total": 3, "total_min": 2}
    p = assert_plan(d)
    assert len(p.sessions) == 2 and max(weeks(p).values()) == 1


def test_the_validator_finds_a_venue_over_its_weekly_cap():
    p = assert_plan(hall_only(cap=2))
    sc = build(hall_only(cap=1))
    found = [v for v in validate(sc, p) if v.rule == "cap.venue_per_week"]
    assert len(found) == 1
    assert found[0].text("zh") == "[cap.venue_per_week] 场地 hall 在2026-03-02起的一周内有2场（上限1场）"
    assert str(found[0]) == "[cap.venue_per_week] venue hall hosts 2 sessions in the week of 2026-03-02 (cap 1)"


def test_the_greedy_first_plan_keeps_the_weekly_cap():
    """Without the cap, greedy puts both sessions in the first week of these seven days."""
    d = hall_only(cap=1, end="2026-03-10")
    problem = compile_scenario(build(d)).problem
    placements: list = []
    greedy_plan(problem, placements=placements)
    by_week = Counter((opts["venue"], t // problem.units_per_day // 7) for _, t, opts, _ in placements)
    assert len(placements) == 2 and set(by_week.values()) == {1}


def test_no_weekly_cap_by_default():
    d = scenario_dict()
    assert build(d).plan.caps.venue_per_week is None
    assert not any(r.startswith("cap.venue_per_week") for r in compile_scenario(build(d)).problem.rules)
    assert solve_dict(hall_only(cap=None)).plan is not None
