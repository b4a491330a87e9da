"""Say which rules clash when no plan exists.

Following docs/solver-notes.md, explanations come from separate feasibility models
without the objective: first the quotas (the only rules that *demand* sessions)
are made soft to find which of them cannot be reached; then those quotas are kept
hard and every other rule is made soft, to find the fewest rules a planner would
have to relax to reach them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.core.problem import Problem
from scheduler.core.solve import max_kept_rules


@dataclass
class Explanation:
    unreachable: list[str] = field(default_factory=list)  # rule ids of quotas that cannot be met
    relax: list[str] = field(default_factory=list)  # fewest other rules to relax to meet them
    proven: bool = True  # False when a step ran out of time


def explain_infeasible(problem: Problem, time_limit: float = 20.0, seed: int = 0) -> Explanation:
    demanding = {c.min_rule for c in problem.counts if c.min > 0}
    status, dropped = max_kept_rules(problem, demanding, time_limit / 2, seed)
    if status not in ("OPTIMAL", "FEASIBLE"):
        # even with no quota at all nothing is feasible: cannot happen with optional events
        return Explanation(proven=False)
    exp = Explanation(unreachable=sorted(dropped), proven=status == "OPTIMAL")
    others = set(problem.rules) - demanding
    status, relaxed = max_kept_rules(problem, others, time_limit / 2, seed)
    if status in ("OPTIMAL", "FEASIBLE"):
        exp.relax = sorted(relaxed)
        exp.proven = exp.proven and status == "OPTIMAL"
    return exp
