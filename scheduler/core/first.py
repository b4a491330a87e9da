"""The greedy plan as a solve's answer, and whether a model still fits in the time left.

No OR-Tools here: when no model can be built and searched in the time left, the engine
answers with the greedy plan without loading the solver (``scheduler.plan.engine``), and
``scheduler.core.solve`` falls back on the same plan when its searches find none.
"""

from __future__ import annotations

from scheduler.core.greedy import repeated, verdict
from scheduler.core.options import UNSCORED
from scheduler.core.problem import LEVELS, REPLAN_LEVELS, Assignment, Problem, Solution

# building a model is not interruptible: one is started only with time for the build
# (seconds an event, measured on 10x Pinghu: day model with its hint 2.4 ms, period model 1.5 ms) and
# MIN_SEARCH seconds of search left (``time_for_a_model``)
BUILD_PER_EVENT = 0.0025
MIN_SEARCH = 0.2


def time_for_a_model(problem: Problem, left: float) -> bool:
    """Whether a model of ``problem`` can still be built and searched a little in ``left``
    seconds: building is not interruptible (``BUILD_PER_EVENT``), so one that would
    overrun is not started."""
    return left > MIN_SEARCH + BUILD_PER_EVENT * len(problem.events)


def greedy_placements(problem: Problem) -> list | None:
    """A greedy plan (``scheduler.core.greedy``) as placements, when it is one: it reaches
    every count minimum (measured on 10x Pinghu: 0.15 s for 700 sessions)."""
    placements: list = []
    return placements if verdict(problem, repeated(problem, placements))[0] else None


def greedy_solution(problem: Problem, placements: list | None, bound: int | None, elapsed: float) -> Solution | None:
    """The greedy plan as a solution when no solve found one in time (never empty-handed):
    FEASIBLE, every level unscored (the engine scores the plan with the validator), each
    bound the most the level can be (the demand bound when one was proven)."""
    if not placements:
        return None
    assignments = [Assignment(e.id, t, dict(picks), sorted(ds)) for e, t, picks, ds in placements]
    names = list(REPLAN_LEVELS if problem.is_replan else LEVELS)
    bounds = problem.level_maxima(names)
    if bound is not None:
        bounds[0] = min(bounds[0], bound)
    sol = Solution("FEASIBLE", assignments, [UNSCORED] * len(names), bounds, names, elapsed)
    sol.info = {"method": "greedy"}
    return sol
