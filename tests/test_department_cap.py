"""A department's monthly cap counts every session its instructors teach (书记教书记
included) as well as its peer and pair sessions, each session once. Feasible within the
cap, infeasible (and named) once a secretary session taught by the department's instructor
is fixed into the month of its peer session, feasible again with a second month; the
validator and the greedy first plan count the same way."""

from __future__ import annotations

from collections import Counter

from conftest import build, scenario_dict
from test_rules import assert_infeasible, assert_plan

from scheduler.core.greedy import greedy_plan
from scheduler.domain.compile import compile_scenario
from scheduler.plan.validate import validate


def dangjian(cap: int, end: str = "2026-03-06", secretary: bool = True) -> dict:
    """党建办 delivers a peer session (taught by its dj-chen) and, if ``secretary``, dj-chen
    also teaches a 书记教书记 session; its monthly cap is ``cap``."""
    d = scenario_dict()
    d["departments"][2]["monthly_cap"] = cap
    d["offerings"] = [{"id": "law", "title": "普法讲堂", "type": "peer", "department": "dangjian", "capacity": 60}]
    d["orders"] = [{"id": "O-1", "community": "shanxia", "offering": "law", "attendees": 5}]
    if secretary:
        d["offerings"].append({"id": "sec", "title": "书记讲堂", "type": "secretary", "instructors": ["dj-chen"], "capacity": 30})
        d["orders"].append({"id": "O-2", "community": "fenghuang", "offering": "sec", "attendees": 1})
    d["plan"].update(end=end, sessions={"total": len(d["offerings"])})
    return d


def months(plan) -> Counter:
    return Counter(s.date.month for s in plan.sessions)


def test_a_peer_session_its_own_instructor_teaches_counts_once():
    p = assert_plan(dangjian(cap=1, secretary=False))
    assert len(p.sessions) == 1


def test_a_department_within_its_cap_teaches_both_sessions_in_one_month():
    p = assert_plan(dangjian(cap=2))
    assert months(p) == {3: 2}


def test_a_secretary_session_its_instructor_teaches_counts_toward_the_department_cap():
    out = assert_infeasible(dangjian(cap=1), "cap.department_per_month:dangjian")
    assert out.compiled.problem.rules["cap.department_per_month:dangjian"].label("zh") == "党建办每月最多1场"


def test_a_second_month_makes_room_under_the_department_cap():
    p = assert_plan(dangjian(cap=1, end="2026-04-01"))
    assert months(p) == {3: 1, 4: 1}


def test_the_greedy_first_plan_counts_the_secretary_session_toward_the_department_cap():
    problem = compile_scenario(build(dangjian(cap=1, end="2026-04-01"))).problem
    placements: list = []
    greedy_plan(problem, placements=placements)
    assert sorted(problem.period_of_unit(t) for _, t, _, _ in placements) == [3, 4]


def test_the_greedy_first_plan_counts_two_secretary_sessions_of_one_instructor_toward_the_cap():
    """No peer session takes the department: only the instructor's sessions count."""
    d = dangjian(cap=1, end="2026-04-01")
    d["offerings"][0] = {**d["offerings"][1], "id": "sec2", "title": "书记讲堂二"}
    d["orders"][0] = {"id": "O-1", "community": "shanxia", "offering": "sec2", "attendees": 1}
    problem = compile_scenario(build(d)).problem
    placements: list = []
    greedy_plan(problem, placements=placements)
    assert sorted(problem.period_of_unit(t) for _, t, _, _ in placements) == [3, 4]


def test_the_validator_counts_what_the_department_teaches():
    p = assert_plan(dangjian(cap=2))
    found = [v for v in validate(build(dangjian(cap=1)), p) if v.rule == "cap.department_per_month"]
    assert [v.text("zh") for v in found] == ["[cap.department_per_month] 部门 dangjian 在3月有2场（上限1场）"]
    assert [str(v) for v in found] == ["[cap.department_per_month] department dangjian has 2 sessions in month 3 (cap 1)"]
