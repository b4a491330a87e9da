"""Property: any valid small scenario solves, and the independent validator finds nothing."""

from __future__ import annotations

import random

from conftest import solve_dict
from gen import random_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.plan.validate import objective, validate


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9))
def test_random_scenarios_give_valid_plans(seed):
    data = random_scenario(random.Random(seed))
    out = solve_dict(data)  # the engine raises PlanInvalid if the validator disagrees
    # no quota demands a session here (total_min 0, type minimums 0): a plan always exists
    assert out.plan is not None, out.status
    assert validate(out.scenario, out.plan) == []
    recomputed = objective(out.scenario, out.plan)
    assert [recomputed[k] for k in out.plan.solver.levels] == out.plan.solver.objective
    met = {o for s in out.plan.sessions for a in s.attendance for o in a.orders}
    assert met.isdisjoint(u.order for u in out.plan.unmet)
    assert met | {u.order for u in out.plan.unmet} == {o["id"] for o in data["orders"]}
