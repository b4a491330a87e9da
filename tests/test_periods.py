"""Planning by months first (scheduler.core.periods): the period model is a relaxation with
the same objective, its plans are laid out on days, and when that fails the day model
still finds the true optimum."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import build, scenario_dict, solve_dict
from gen import random_scenario
from ortools.sat.python import cp_model

from scheduler.core.cpmodel import Model
from scheduler.core.greedy import greedy_plan, verdict
from scheduler.core.periods import PeriodModel, Pick, spaced
from scheduler.domain.compile import compile_scenario
from scheduler.domain.loader import load_scenario

# found from this file, not the working directory: pytest may be started from any folder
PINGHU = Path(__file__).resolve().parent.parent / "examples" / "pinghu-2026" / "scenario.yaml"


def _two_offerings_across_month_end(gap: int) -> dict:
    """Tuesday 31 March and Wednesday 1 April; one community orders two sessions."""
    d = scenario_dict()
    d["plan"].update(start="2026-03-31", end="2026-04-01", sessions={"total": 2, "total_min": 0})
    d["plan"]["caps"] = {"community_min_gap_days": gap}
    d["offerings"].append({"id": "aid", "title": "社会救助", "type": "peer", "department": "minzheng", "capacity": 60})
    d["orders"].append({"id": "O-2", "community": "shanxia", "offering": "aid", "attendees": 20, "priority": 2})
    return d


def test_month_plan_laid_out_on_days():
    out = solve_dict(_two_offerings_across_month_end(gap=1))
    s = out.plan.solver
    assert (s.status, s.method) == ("OPTIMAL", "periods")
    assert s.objective[0] == 5  # both orders, one on each day
    assert [x.date.isoformat() for x in sorted(out.plan.sessions, key=lambda x: x.date)] == ["2026-03-31", "2026-04-01"]


def test_the_gap_across_a_month_end_is_seen_by_the_month_plan():
    """One session in March and one in April fit each month on its own; on days they are
    one day apart, closer than the community's 3-day gap. The period model counts the gap
    over two months in a row, so its plan already keeps only one, and it is proven."""
    out = solve_dict(_two_offerings_across_month_end(gap=3))
    s = out.plan.solver
    assert (s.status, s.method) == ("OPTIMAL", "periods")
    assert s.objective[0] == s.bound[0] == 3  # only the priority-3 order
    assert [x.offering for x in out.plan.sessions] == ["fire"]


def _three_sessions_pairwise_shared() -> dict:
    """Three working days, two days between a community's sessions; three sessions, each
    pair of them shares a community. Each community alone fits its two sessions (days 1
    and 3), but the three cannot all be two days apart: only a layout on days sees it."""
    d = scenario_dict()
    d["plan"].update(end="2026-03-04", sessions={"total": 3, "total_min": 0})
    d["plan"]["caps"] = {"community_min_gap_days": 2}
    d["communities"].append({"id": "xinmu", "name": "新木社区", "cadres": 30, "secretary": "赵六"})
    for oid, title, dept in (("aid", "社会救助", "minzheng"), ("law", "民法典", "minzheng")):
        d["offerings"].append({"id": oid, "title": title, "type": "peer", "department": dept, "capacity": 60})
    orders = [("shanxia", "fire", 3), ("fenghuang", "fire", 2), ("shanxia", "aid", 4)]
    orders += [("xinmu", "aid", 1), ("fenghuang", "law", 5), ("xinmu", "law", 2)]
    d["orders"] = [
        {"id": f"O-{k}", "community": c, "offering": o, "attendees": 10, "priority": p} for k, (c, o, p) in enumerate(orders, 1)
    ]
    return d


def test_a_month_plan_days_cannot_hold_is_cut_off_and_planned_again():
    """The first month plan meets all six orders (priorities 17 in all); laying it out
    fails, the three sessions with that attendance are cut off together
    (``_layout_conflict``) and the months are planned again: the plan is still by months,
    gives up the least order (O-4, priority 1), and is the day model's proven optimum."""
    data = _three_sessions_pairwise_shared()
    out = solve_dict(data)
    by_days = solve_dict(data, periods=False)
    s = out.plan.solver
    assert (s.status, s.method) == ("OPTIMAL", "periods")
    assert s.objective[0] == 17 - 1 and [u.order for u in out.plan.unmet] == ["O-4"]
    assert s.objective == by_days.plan.solver.objective and by_days.plan.solver.status == "OPTIMAL"


def test_the_picks_that_cannot_be_laid_out_together_are_named():
    """The clash found is the three sessions, each with its attendance: no plan has them
    all, and the cut built from it removes exactly such month plans."""
    from scheduler.core.solve import Clock, SolveOptions, _layout_conflict

    problem = compile_scenario(build(_three_sessions_pairwise_shared())).problem
    runs = {e.family: e.id for e in reversed(problem.events)}  # the first run of each offering
    picks = [
        Pick(runs[fam], 3, sorted(d.id for d in problem.demands if runs[fam] in d.events))
        for fam in sorted(runs)
        if any(runs[fam] in d.events for d in problem.demands)
    ]
    opts = SolveOptions(time_limit=10, workers=1)
    clash = _layout_conflict(problem, picks, opts, Clock(opts), 10)
    assert sorted(pk.event for pk in clash) == sorted(pk.event for pk in picks)
    assert len(picks) == 3


@pytest.mark.parametrize("seed", range(25))
def test_months_first_reaches_the_day_models_optimum(seed):
    """On random small scenarios (crossing a month end), planning by months first proves
    the same optimum as the day model alone."""
    data = random_scenario(random.Random(1000 + seed), days=5, offerings=3, orders=5)
    by_months = solve_dict(data)
    by_days = solve_dict(data, periods=False)
    assert by_months.status == by_days.status
    if by_days.plan is not None:
        assert by_months.plan.solver.status == by_days.plan.solver.status == "OPTIMAL"
        assert by_months.plan.solver.objective == by_days.plan.solver.objective


@pytest.mark.parametrize("model_class", [Model, PeriodModel])
def test_greedy_start_is_a_complete_feasible_hint(model_class):
    """The greedy plan is hinted with every variable set, objective helpers included, so
    CP-SAT starts from a solution instead of repairing one."""
    problem = compile_scenario(load_scenario(PINGHU)).problem
    placements: list = []
    assert verdict(problem, greedy_plan(problem, placements=placements))[0]
    model = model_class(problem)
    model.levels()
    model.hint_placements(placements)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_spaced_days():
    assert spaced([1, 2, 3, 4, 5, 6, 7], 3) == 3  # 1, 4, 7
    assert spaced([1, 2, 5, 6], 3) == 2
    assert spaced([], 3) == 0
    assert spaced([4], 10) == 1


def test_no_room_in_the_month_means_no_plan():
    """Two sessions required, one morning, one venue: already the month has no room for
    both, and the planner gets the usual explanation."""
    d = scenario_dict()
    d["plan"].update(start="2026-03-02", end="2026-03-02", slots=["morning"], sessions={"total": 2, "total_min": 2})
    d["offerings"].append({"id": "aid", "title": "社会救助", "type": "peer", "department": "minzheng", "capacity": 60})
    d["orders"].append({"id": "O-2", "community": "fenghuang", "offering": "aid", "attendees": 20, "priority": 2})
    d["venues"] = d["venues"][:1]
    out = solve_dict(d)
    assert out.status == "INFEASIBLE"
    assert out.explanation is not None


def test_monthly_cap_the_order_model_ignores_is_still_kept():
    """Without months, both orders fit; with a cap of one session a month for the
    community and a one-week plan, only the more important one can run."""
    d = _two_offerings_across_month_end(gap=0)
    d["plan"].update(start="2026-03-02", end="2026-03-06")
    d["plan"]["caps"] = {"community_per_month": 1}
    out = solve_dict(d)
    s = out.plan.solver
    assert (s.status, s.method) == ("OPTIMAL", "periods")
    assert s.objective[0] == s.bound[0] == 3
    assert [x.offering for x in out.plan.sessions] == ["fire"]


def test_order_plan_months_hint_respects_monthly_caps():
    """The order model's sessions get greedy months before the small solve: one
    community that may attend one session a month gets its three sessions in three
    different months, though all three orders prefer March."""
    d = scenario_dict()
    d["plan"].update(start="2026-03-02", end="2026-05-29", sessions={"total": 3, "total_min": 0})
    d["plan"]["caps"] = {"community_per_month": 1}
    for k in range(2):
        d["offerings"].append({"id": f"x{k}", "title": f"课程{k}", "type": "peer", "department": "minzheng", "capacity": 60})
        d["orders"].append({"id": f"O-x{k}", "community": "shanxia", "offering": f"x{k}", "attendees": 10, "priority": 2})
    for o in d["orders"]:
        o["preferred_months"] = [3]
    problem = compile_scenario(build(d)).problem
    model = PeriodModel(problem)
    picks = [Pick(dm.events[0], 0, [dm.id]) for dm in problem.demands]
    model.hint_periods(picks)
    months = [next(mo for mo, b in model.month[pk.event].items() if model.hinted.value(b)) for pk in picks]
    assert sorted(months) == [3, 4, 5]


def _peer(eid: str, family: str, run: int, length: int, starts: list[int]):
    from scheduler.core.problem import Event

    return Event(eid, family, run, length, starts, tags=("session", "type:peer"), resources=["R"])


def _counts():
    from scheduler.core.problem import CountRule

    return [CountRule(("type:peer",), 0, 2, "c", "d"), CountRule(("session",), 0, 2, "a", "b")]


def test_problems_the_relaxations_do_not_fit_are_solved_on_days():
    """Hand-built problems outside what the compiler makes: an event running past the
    end of its day, and months that go back in time. The relaxations would be stricter
    than the day model there, so the engine solves them on days and stays optimal."""
    from scheduler.core.problem import Demand, Problem, Resource
    from scheduler.core.solve import SolveOptions, solve

    crossing = Problem(
        units_per_day=2,
        days=2,
        period_of_day=[3, 3],
        period_weight={3: 1},
        rules={},
        resources={"R": Resource("R", "R", "room", blocked={"b": frozenset({1})}), "g": Resource("g", "g", "group")},
        events=[_peer("A", "A", 0, 2, [1]), _peer("B", "B", 0, 1, [0])],
        demands=[Demand("dA", "g", 1, 1, ["A"]), Demand("dB", "g", 1, 1, ["B"])],
        counts=_counts(),
    )
    backwards = Problem(
        units_per_day=1,
        days=2,
        period_of_day=[2, 1],
        period_weight={1: 1, 2: 1},
        rules={},
        resources={"R": Resource("R", "R", "room"), "g": Resource("g", "g", "group"), "h": Resource("h", "h", "group")},
        events=[_peer("f#1", "f", 0, 1, [0, 1]), _peer("f#2", "f", 1, 1, [0, 1])],
        demands=[Demand("d0", "g", 1, 1, ["f#1"]), Demand("d1", "h", 1, 1, ["f#2"], preferred_periods=frozenset({1}))],
        counts=_counts(),
    )
    for problem in (crossing, backwards):
        opts = SolveOptions(time_limit=5, workers=1)
        default, by_days = solve(problem, opts), solve(problem, replace(opts, periods=False))
        assert default.status == by_days.status == "OPTIMAL"
        assert default.objective == by_days.objective
        assert default.info["method"] == "days"


def test_the_neighbourhood_of_a_month_plan_only_restricts_the_problem():
    """``nearby`` keeps only the picked sessions, each in its month (or within one month
    of it when widened), none bound to run and every order free: so each of its plans is
    a plan of the problem, and fairness still counts every order the problem could meet."""
    from scheduler.core.periods import nearby

    problem = compile_scenario(load_scenario(PINGHU)).problem
    upd, months = problem.units_per_day, problem.period_of_day

    def wanting(eid: str) -> list[str]:
        return [d.id for d in problem.demands if eid in d.events][:1]

    picks = [Pick(e.id, months[e.starts[len(e.starts) // 2] // upd], wanting(e.id)) for e in problem.events[:12]]
    picked = {pk.event for pk in picks}
    for wide in ({picks[0].event}, None):
        near = nearby(problem, picks, wide)
        assert [e.id for e in near.events] == [pk.event for pk in picks]
        for e, pk in zip(near.events, picks):
            reach = 1 if wide is None or e.id in wide else 0
            assert e.starts and set(e.starts) <= set(problem.event(e.id).starts)
            assert all(abs(months[t // upd] - pk.period) <= reach for t in e.starts)
            assert e.optional and e.family == e.id
        assert not any(d.required for d in near.demands)
        assert {d.id for d in problem.demands if d.events} <= near.in_scope
        served = {(d.id, x) for d in near.demands for x in d.events}
        if wide is None:  # any attendance a picked session may have
            assert served == {(d.id, x) for d in problem.demands for x in d.events if x in picked}
        else:  # only what each was picked with
            assert served == {(d, pk.event) for pk in picks for d in pk.demands}


def test_a_month_plan_that_cannot_be_laid_out_gives_the_best_plan_near_it(monkeypatch):
    """When no month plan can be laid out on days (here: every layout is made to fail),
    the engine lays out the last month plan's sessions near their months instead of
    solving the whole day model in the time left. The plan passes the independent
    validator (``run_scenario`` checks every plan) and the bounds it reports are the
    period model's, which hold for every plan: the demand bound is what a normal solve
    proves optimal."""
    from scheduler.core import solve as solve_module
    from scheduler.core.solve import SolveOptions
    from scheduler.plan.engine import run_scenario

    tiny = PINGHU.parent.parent / "tiny" / "scenario.yaml"
    opts = SolveOptions(time_limit=20, workers=2, explain_time=0)
    normal = run_scenario(load_scenario(tiny), opts).plan.solver
    assert normal.method == "periods" and normal.bound[0] == normal.objective[0]
    monkeypatch.setattr(solve_module, "_lay_out", lambda *a: None)
    monkeypatch.setattr(solve_module, "_layout_conflict", lambda *a: [])
    s = run_scenario(load_scenario(tiny), opts).plan.solver
    assert s.method == "near"
    assert s.bound[0] == normal.bound[0] and s.objective[0] <= s.bound[0]
    assert all(v <= b for v, b in zip(s.objective, s.bound))
    assert s.status == ("OPTIMAL" if s.objective == s.bound else "FEASIBLE")


def test_a_near_plan_whose_later_levels_had_no_time_is_not_called_optimal(monkeypatch):
    """A near plan found with only the first stage's levels (demand and fairness: the
    later stage had no time) is FEASIBLE even where those two are at their proven bounds:
    nothing was proven, or even optimised, of the levels after them."""
    from scheduler.core import solve as solve_module
    from scheduler.core.solve import SolveOptions
    from scheduler.plan.engine import run_scenario

    tiny = PINGHU.parent.parent / "tiny" / "scenario.yaml"
    solve_days = solve_module._solve_days

    def first_stage_only(*args, **kwargs):
        sol = solve_days(*args, **kwargs)
        sol.objective, sol.bound, sol.level_names = sol.objective[:2], sol.bound[:2], sol.level_names[:2]
        return sol

    monkeypatch.setattr(solve_module, "_lay_out", lambda *a: None)
    monkeypatch.setattr(solve_module, "_layout_conflict", lambda *a: [])
    monkeypatch.setattr(solve_module, "_solve_days", first_stage_only)
    s = run_scenario(load_scenario(tiny), SolveOptions(time_limit=20, workers=2, explain_time=0)).plan.solver
    assert s.method == "near" and s.objective == s.bound  # both levels at the bounds that hold for every plan
    assert s.status == "FEASIBLE"


def test_a_plan_near_the_month_plan_is_reproducible_in_deterministic_mode(monkeypatch):
    """The near plan in deterministic mode (no month hint: it breaks day rules, and an
    infeasible hint aborts an interleaved search): two solves give the same plan."""
    from scheduler.core import solve as solve_module
    from scheduler.core.solve import SolveOptions
    from scheduler.plan.engine import run_scenario

    tiny = PINGHU.parent.parent / "tiny" / "scenario.yaml"
    monkeypatch.setattr(solve_module, "_lay_out", lambda *a: None)
    monkeypatch.setattr(solve_module, "_layout_conflict", lambda *a: [])
    opts = SolveOptions(time_limit=20, workers=2, explain_time=0, deterministic=True)
    first, again = (run_scenario(load_scenario(tiny), opts).plan for _ in range(2))
    assert first.solver.method == again.solver.method == "near"
    assert [s.model_dump() for s in first.sessions] == [s.model_dump() for s in again.sessions]
    assert first.solver.objective == again.solver.objective
