"""Say which rules clash when no plan exists, and check every word of it by a solve.

Following docs/solver-notes.md, explanations come from separate feasibility models
without the objective: first the quotas (the only rules that *demand* events) are made
soft to find which of them cannot be reached; then those quotas are kept hard and every
other rule is made soft, to find the fewest rules a planner would have to relax to reach
them. Each reported set is then re-checked by a fresh solve with exactly that set
relaxed: a set whose relaxing does not give a plan is not reported. For each quota out
of reach, a last solve says how far it can go with every other rule kept (what relaxing
it would allow).
"""

from __future__ import annotations

from scheduler.core.cpmodel import Model
from scheduler.core.problem import Explanation, Problem
from scheduler.core.solve import FOUND, STATUS, SolveOptions, max_kept_rules, plain_solver


def explain_infeasible(problem: Problem, time_limit: float = 20.0, seed: int = 0) -> Explanation:
    demanding = {c.min_rule for c in problem.counts if c.min > 0}
    status, dropped = max_kept_rules(problem, demanding, time_limit / 3, seed)
    if status not in FOUND:
        # even with no quota at all nothing is feasible: cannot happen with optional events
        return Explanation(proven=False)
    exp = Explanation(proven=status == "OPTIMAL")
    if _opens(problem, set(dropped), time_limit / 6, seed):
        exp.unreachable = sorted(dropped)
        exp.reachable = {r: n for r in exp.unreachable if (n := _most_counted(problem, r, time_limit / 12, seed)) is not None}
    others = set(problem.rules) - demanding
    status, relaxed = max_kept_rules(problem, others, time_limit / 3, seed)
    if status in FOUND and _opens(problem, set(relaxed), time_limit / 6, seed):
        exp.relax = sorted(relaxed)
        exp.proven = exp.proven and status == "OPTIMAL"
    exp.rechecked = True
    return exp


def _opens(problem: Problem, relaxed: set[str], budget: float, seed: int) -> bool:
    """Does relaxing exactly ``relaxed`` (every other rule kept) give a plan? A fresh solve."""
    model = Model(problem, relaxed)
    for lit in model.on.values():
        model.m.add(lit == 0)
    return STATUS[plain_solver(SolveOptions(seed=seed), budget).solve(model.m)] in FOUND


def _most_counted(problem: Problem, min_rule: str, budget: float, seed: int) -> int | None:
    """The most events the quota with minimum ``min_rule`` can count, its minimum relaxed and
    every other rule kept (None unless proven)."""
    rule = next(c for c in problem.counts if c.min_rule == min_rule)
    model = Model(problem, {min_rule})
    model.m.add(model.on[min_rule] == 0)
    counted = [model.x[e.id] for e in model.live if set(rule.tags) <= set(e.tags)]
    model.m.maximize(sum(counted))
    solver = plain_solver(SolveOptions(seed=seed), budget)
    st = STATUS[solver.solve(model.m)]
    return round(solver.objective_value) if st == "OPTIMAL" else None
