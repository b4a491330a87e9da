"""What a solve is asked to do and what it reports while it runs, without OR-Tools.

Kept apart from ``scheduler.core.solve`` so that the command line, the engine and the
plan file can hold options and statuses without loading the solver (about 0.27 s of
imports: OR-Tools and numpy, ``scheduler.core.cpsat``), e.g. when only the greedy plan fits in the
time limit (``scheduler.core.first``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scheduler.core.problem import Assignment, relative_gap

FOUND = ("OPTIMAL", "FEASIBLE")  # statuses with a solution
# A rhythm value below any real one: the solver's figure for a layout whose rhythm it did
# not score. The engine's check accepts a solver figure below the validator's (never above)
# and replaces it with the validator's count.
UNSCORED = -(10**9)


@dataclass
class Progress:
    level: str
    stage: int
    stages: int
    objective: int
    bound: int
    elapsed: float
    phase: str = "days"  # "selection", "periods": the relaxations of scheduler.core.periods; "days": the full model

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


@dataclass
class SolveOptions:
    time_limit: float = 30.0  # seconds in all (deterministic mode: deterministic time units)
    seed: int = 0
    workers: int = 2
    deterministic: bool = False
    relative_gap: float = 0.0  # stop a level once within this gap
    periods: bool = True  # a first solve plans by months first (scheduler.core.periods); False: days only
    progress: Callable[[Progress], None] | None = None
    explain_time: float = 20.0  # seconds in all for the what-ifs that explain unmet demands (scheduler.core.whatif)
    # time.perf_counter() when the command began: the engine fits the solve, the reasons
    # and writing the plan in ``time_limit`` from then (``scheduler.plan.engine``); None:
    # the solve alone gets ``time_limit``. Read by the engine only, never by a Clock.
    started: float | None = None
    # called at most once, from the solving thread, with the first plan laid out on days and
    # the demand level's proven bound (None if unproven), while rhythm is still optimised:
    # the later steps move its sessions in time and keep what runs and who attends, unless
    # a rhythm step replaces the plan (so a caller compares what the final plan serves).
    # The engine works out the reasons meanwhile (``scheduler.plan.reasons.EarlyReasons``).
    early_plan: Callable[[list[Assignment], int | None], None] | None = None


def solver_threads(opts: SolveOptions) -> int:
    """The solver threads that run: --workers, and at least two in deterministic mode."""
    return max(2 if opts.deterministic else 1, opts.workers)
