"""The preferred months' ceiling (``periods.preferred_ceiling``): a bound no plan passes.

A run sits in one month, so an offering's runs meet the preferences of at most as many
months as it has runs. The solve holds the ``preferred`` level under that count, which
proves the level as soon as a plan reaches it and bounds it when the stage is stopped
early (a large street). These tests check that the count never cuts off a real plan
(brute force over every plan of tiny scenarios) and that it is exactly the best where
only the runs limit the level.
"""

from __future__ import annotations

import pytest
from conftest import build, scenario_dict, solve_dict
from test_optimality import LEVELS, POOL, brute_force_best, tiny

PREFERRED = LEVELS.index("preferred")


def _ceiling(data: dict) -> int:
    from scheduler.core.periods import preferred_ceiling
    from scheduler.domain.compile import compile_scenario

    return preferred_ceiling(compile_scenario(build(data)).problem)


def _across_the_month_border(runs: int, wishes: list[list[int]]) -> dict:
    """Monday 30 March to Friday 3 April, one offering with ``runs`` runs, one order of
    each of three communities preferring these months."""
    d = scenario_dict()
    d["plan"].update(start="2026-03-30", end="2026-04-03", sessions={"total": runs, "total_min": 0})
    d["communities"].append({"id": "xinnan", "name": "新南社区", "cadres": 30, "secretary": "王六"})
    d["offerings"][0]["max_runs"] = runs
    d["orders"] = [
        {"id": f"O-{k}", "community": c, "offering": "fire", "attendees": 10, "priority": 3, "preferred_months": months}
        for k, (c, months) in enumerate(zip(["shanxia", "fenghuang", "xinnan"], wishes), start=1)
    ]
    return d


# (runs, each order's preferred months, the most met in a preferred month)
BORDER = [
    (1, [[3], [4], [4]], 2),  # one run: April's two, or March's one
    (2, [[3], [4], [4]], 3),  # a run in each month
    (1, [[3], [3, 4], [4]], 2),
    (1, [[], [5], [4]], 1),  # May is outside the plan: only April counts
]


@pytest.mark.proof("the preferred ceiling is the best where only the runs limit it")
@pytest.mark.parametrize("runs,wishes,best", BORDER, ids=[f"border{k}" for k in range(len(BORDER))])
def test_the_preferred_ceiling_is_the_best_when_runs_are_all_that_limit_it(runs, wishes, best):
    data = _across_the_month_border(runs, wishes)
    assert _ceiling(data) == best
    assert brute_force_best(build(data))[PREFERRED] == best
    plan = solve_dict(data).plan
    assert plan.solver.status == "OPTIMAL"
    assert plan.solver.objective[PREFERRED] == plan.solver.bound[PREFERRED] == best


@pytest.mark.proof("no plan meets more preferred months than the ceiling")
@pytest.mark.parametrize("seed", POOL[:12], ids=[f"seed{s}" for s in POOL[:12]])
def test_no_plan_meets_more_preferred_months_than_the_ceiling(seed):
    data = tiny(seed)
    best = brute_force_best(build(data))
    assert best is not None and best[PREFERRED] <= _ceiling(data)


def test_a_solve_stopped_before_its_proofs_reports_true_bounds_and_the_ceiling():
    """Pinghu with two deterministic units: the first stage stops before its proof (the
    demand level's bound comes from the search alone), the preferred stage reports the
    ceiling at worst; every bound still holds for the proven optimum, and nothing is
    claimed proven."""
    from conftest import ROOT

    from scheduler.core.periods import preferred_ceiling
    from scheduler.core.solve import SolveOptions, solve
    from scheduler.domain.compile import compile_scenario
    from scheduler.domain.loader import load_scenario

    problem = compile_scenario(load_scenario(ROOT / "examples" / "pinghu-2026" / "scenario.yaml")).problem
    sol = solve(problem, SolveOptions(time_limit=2.0, workers=2, deterministic=True))
    assert sol.status == "FEASIBLE" and sol.level_names == LEVELS
    assert sol.objective[0] < sol.bound[0]
    assert all(value <= bound for value, bound in zip(sol.objective, sol.bound))
    full = solve(problem, SolveOptions(time_limit=60, workers=2, deterministic=True))
    assert full.status == "OPTIMAL"
    assert sol.bound[0] >= full.objective[0]  # the demand level's bound holds for every plan
    assert sol.bound[PREFERRED] <= preferred_ceiling(problem)
