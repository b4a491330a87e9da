"""The core is neutral (issue 11): a problem built by hand, with tags the street office
never uses and no total count rule, is solved and planned greedily; and no core module
depends on a word of the domain (type tags, communities, sessions, ...)."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest

from scheduler.core.cpmodel import Model
from scheduler.core.cpsat import cp_model
from scheduler.core.greedy import greedy_plan, repeated, verdict
from scheduler.core.problem import CountRule, Demand, Event, Problem, Resource
from scheduler.core.solve import SolveOptions, solve

CORE = Path(__file__).resolve().parent.parent / "scheduler" / "core"
DOMAIN_WORDS = re.compile(r"communit|department|venue|session|secretar|peer|type:|offering|\border", re.IGNORECASE)


def lectures_and_a_lab() -> Problem:
    """One tutor gives every event, one per day on two days; the crew asks for each.

    The lectures are wanted most (weights 5 and 3), but a rule asks for exactly one lab
    (weight 2): the best plan runs the lab and the first lecture, demand 5 + 2 = 7."""

    def course(eid: str, tag: str) -> Event:
        return Event(eid, family=eid, run=0, length=1, starts=[0, 1], tags=(tag,), resources=["tutor"])

    return Problem(
        units_per_day=1,
        days=2,
        period_of_day=[1, 2],
        period_weight={1: 1, 2: 1},
        rules={},
        resources={"tutor": Resource("tutor", "Tutor", "person"), "crew": Resource("crew", "Crew", "group")},
        events=[course("intro", "lecture"), course("advanced", "lecture"), course("practice", "lab")],
        demands=[
            Demand("want-intro", "crew", 10, 5, ["intro"]),
            Demand("want-advanced", "crew", 10, 3, ["advanced"]),
            Demand("want-practice", "crew", 10, 2, ["practice"]),
        ],
        counts=[CountRule(("lab",), 1, 1, "lab:min", "lab:max")],
    )


@pytest.mark.parametrize("periods", [True, False], ids=["months-first", "days-only"])
def test_a_hand_built_problem_with_unfamiliar_tags_and_no_total_rule_solves_to_its_optimum(periods):
    """Demand 7 (the lab rule kept), the crew served 7 of its 10 (700 per mille), no
    preferred period, the two events one per period (spread 0)."""
    sol = solve(lectures_and_a_lab(), SolveOptions(time_limit=10, workers=1, periods=periods))
    assert sol.status == "OPTIMAL"
    assert sol.level_names == ["demand", "fairness", "preferred", "spread", "rhythm"]
    assert sol.objective == sol.bound == [7, 700, 0, 0, 0]  # no rhythm windows, no two events at once
    assert sorted(a.event for a in sol.assignments) == ["intro", "practice"]
    assert sorted(a.start for a in sol.assignments) == [0, 1]


def test_greedy_reaches_a_hand_built_groups_minimum_before_filling_up():
    """With no ``group_order``, the count rules are the groups in declaration order: the
    lab goes first, then the most wanted lecture; the second lecture finds no day left."""
    problem = lectures_and_a_lab()
    placements: list = []
    state = greedy_plan(problem, placements=placements)
    ok, text = verdict(problem, state)
    assert ok, text
    assert list(state.placed) == ["practice", "intro"]
    assert state.counted == [1]
    assert sorted(e.id for e, _, _, _ in placements) == ["intro", "practice"]


def test_greedy_fills_the_groups_of_group_order_first():
    """``group_order`` names the groups to fill first: asked for two lectures at least,
    greedy places both before the lab, which then finds no day left (short of its minimum)."""
    problem = lectures_and_a_lab()
    problem.counts.append(CountRule(("lecture",), 2, 2, "lecture:min", "lecture:max"))
    problem.group_order = [("lecture",)]
    state = greedy_plan(problem)
    assert list(state.placed) == ["intro", "advanced"]
    ok, text = verdict(problem, state)
    assert not ok and "lab 0 < min 1" in text


def test_the_total_rule_bounds_the_total_only_when_it_counts_every_event():
    problem = lectures_and_a_lab()
    problem.counts.append(CountRule(("lecture",), 0, 1, "lecture:min", "lecture:max"))
    problem.total_tags = ("lecture",)  # the lab does not carry it: not a total
    assert problem.total_range(problem.events) == (0, 3)
    everyone = [replace(e, tags=(*e.tags, "course")) for e in problem.events]
    problem.counts.append(CountRule(("course",), 1, 2, "course:min", "course:max"))
    problem.total_tags = ("course",)
    assert problem.total_range(everyone) == (1, 2)
    model = Model(replace(problem, events=everyone))
    model.levels()
    assert model.total_var is not None and list(model.total_var.proto.domain) == [1, 2]


def three_that_must_run() -> Problem:
    """Three events that must run, sharing one room over three units: A at 0 or 1, B at 1
    or 2, C at 0 or 2. Plans exist (A0 B1 C2, A1 B2 C0), but first-fit puts A at 0 and B
    at 2 (its starts rotated), and C finds no unit left."""

    def event(eid: str, starts: list[int]) -> Event:
        return Event(eid, family=eid, run=0, length=1, starts=starts, resources=["room"], optional=False, min_size=0)

    return Problem(
        units_per_day=3,
        days=1,
        period_of_day=[1],
        period_weight={1: 1},
        rules={},
        resources={"room": Resource("room", "Room", "place")},
        events=[event("A", [0, 1]), event("B", [1, 2]), event("C", [0, 2])],
        demands=[],
        counts=[],
    )


def test_a_greedy_plan_that_leaves_out_an_event_that_must_run_is_no_plan():
    problem = three_that_must_run()
    state = greedy_plan(problem)
    assert sorted(state.placed) == ["A", "B"], "the first-fit trap this test is about"
    ok, text = verdict(problem, state)
    assert not ok and "must run left out (C)" in text
    # two that must run and can only start at unit 0 of one room: no plan, and greedy's
    # plan of one of them is none either, however often it starts again
    clash = replace(problem, events=[replace(e, starts=[0]) for e in problem.events[:2]])
    placements: list = []
    assert len(repeated(clash, placements).placed) == 1 and len(placements) == 1
    none_in_time = solve(clash, SolveOptions(time_limit=0.01, workers=1))  # no time to build a model: greedy or nothing
    assert none_in_time.status == "UNKNOWN" and none_in_time.assignments == []
    sol = solve(problem, SolveOptions(time_limit=10, workers=1))
    assert sol.status == "OPTIMAL" and sorted(a.event for a in sol.assignments) == ["A", "B", "C"]
    assert len({a.start for a in sol.assignments}) == 3


def test_greedy_starts_again_with_the_events_it_left_out_first_until_every_one_that_must_run_is_placed():
    """First-fit leaves C out of ``three_that_must_run``; placed first, C takes a unit
    and A and B still fit: a plan, with no solver (as on 20 of the 21 ITC-2007
    instances, where first-fit left 1-7 lectures out)."""
    problem = three_that_must_run()
    placements: list = []
    state = repeated(problem, placements)
    assert sorted(state.placed) == ["A", "B", "C"] and verdict(problem, state)[0]
    assert sorted(pl[0].id for pl in placements) == ["A", "B", "C"]
    assert len({pl[1] for pl in placements}) == 3  # one room: three units
    in_no_time = solve(problem, SolveOptions(time_limit=0.01, workers=1))  # no time for a model: the greedy plan
    assert in_no_time.status == "FEASIBLE" and in_no_time.info["method"] == "greedy"
    assert sorted(a.event for a in in_no_time.assignments) == ["A", "B", "C"]


def test_a_solution_of_a_model_that_grew_hints_the_models_own_variables():
    """A level that is a constant (no demands: demand is 0 in every plan) held with
    ``>=`` adds a constant literal: the next model, built the same way, is one variable
    short of the solution it is hinted with, and hinting it raised ValueError."""
    problem = three_that_must_run()
    model = Model(problem)
    levels = model.levels()
    grown = model.m.clone()
    grown.add(levels["demand"] >= 0)
    assert len(grown.proto.variables) == len(model.m.proto.variables) + 1, "the growth this test is about"
    solver = cp_model.CpSolver()
    assert solver.solve(grown) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    model.hint_solution(solver)
    hinted = dict(zip(model.m.proto.solution_hint.vars, model.m.proto.solution_hint.values))
    assert len(hinted) == len(model.m.proto.variables)
    assert all(hinted[v.index] == solver.value(v) for v in model.start.values())


@pytest.mark.parametrize("shared_units", [True, False])
def test_events_that_must_share_a_time_unit_cost_rhythm_only_where_the_problem_counts_it(shared_units):
    """Two events that must run in the only unit there is, in different rooms: a pair that
    shares a time unit, counted against rhythm unless the problem says events share time
    freely (CB-CTT's lectures in different rooms)."""

    def event(eid: str) -> Event:
        return Event(eid, family=eid, run=0, length=1, starts=[0], resources=[f"room-{eid}"], optional=False, min_size=0)

    problem = Problem(
        units_per_day=1,
        days=1,
        period_of_day=[1],
        period_weight={1: 1},
        rules={},
        resources={f"room-{x}": Resource(f"room-{x}", x, "place") for x in "ab"},
        events=[event("a"), event("b")],
        demands=[],
        counts=[],
        shared_units=shared_units,
    )
    sol = solve(problem, SolveOptions(time_limit=10, workers=1, periods=False))
    assert sol.status == "OPTIMAL" and len(sol.assignments) == 2
    assert sol.objective[-1] == sol.bound[-1] == (-1 if shared_units else 0)


def test_invalidate_makes_the_problem_see_its_new_events():
    problem = lectures_and_a_lab()
    assert problem.event("intro").starts == [0, 1]
    problem.events = [replace(e, starts=[1]) for e in problem.events]
    problem.invalidate()
    assert problem.event("intro").starts == [1]


def domain_literals(source: str, name: str) -> list[str]:
    """``name:line 'text'`` for each string literal (docstrings left out: they may say
    what the compiler maps onto the core) that contains a word of the domain."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(node):
            docstrings.add(id(node.body[0].value))
    return [
        f"{name}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and DOMAIN_WORDS.search(node.value)
    ]


def test_no_core_module_has_a_domain_word_in_a_string_literal():
    found = [hit for path in sorted(CORE.glob("*.py")) for hit in domain_literals(path.read_text(encoding="utf-8"), path.name)]
    assert not found, "domain words in scheduler/core (move them to scheduler/domain/compile.py):\n" + "\n".join(found)


def test_the_domain_word_scan_finds_literals_and_f_strings_but_not_docstrings():
    source = (
        '"""Communities order sessions."""\n\n'
        'def f(e):\n    """A venue."""\n    return e.tags[1] == "type:peer" or f"{e}-offering"\n'
    )
    assert domain_literals(source, "x.py") == ["x.py:5 'type:peer'", "x.py:5 '-offering'"]
