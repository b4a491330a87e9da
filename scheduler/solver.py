"""The solve entry point: a scenario in, a validated plan out.

``run(path, options)`` reads and checks a scenario file, compiles it into the neutral
problem, solves it (``scheduler.core.solve``) and validates the plan independently;
``run_scenario`` does the same for a ``Scenario`` already loaded, and ``replan``
repairs an earlier plan after changes. ``SolveOptions`` sets time, seed and workers.
"""

from scheduler.core.options import SolveOptions
from scheduler.plan.engine import Outcome, PlanInvalid, Replanned, replan, run, run_scenario

__all__ = ["Outcome", "PlanInvalid", "Replanned", "SolveOptions", "replan", "run", "run_scenario"]
