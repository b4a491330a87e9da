"""Solve a neutral ``Problem`` with OR-Tools CP-SAT: the order of the solves.

The objective is lexicographic and solved in stages: a stage maximises its levels,
weighted so that the order is exact; each level is then held at the value found
while the next stage runs from the old solution as a complete hint. The first stage
starts from a greedy plan (``scheduler.core.greedy``).

A first solve plans by months first: the period model (``scheduler.core.periods``) is a
relaxation of the day model (``scheduler.core.cpmodel``) with the same objective levels,
so when its plan can be laid out on days (a small feasibility solve), the plan is
optimal wherever the period model proved it. If it cannot, the day model is solved,
its demand held to the period model's bound. Re-planning solves the day model (its
stability levels are about days).

The last level, ``rhythm``, depends on the day (weeks, parts of a day), so the period
model cannot see it: it is optimised while the month plan is laid out on days, bounded
by the piece model (weeks cut at month borders) and, on problems small enough, by a
last day-model stage (``_lay_out``); plan.json states its bound and gap.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from scheduler.core.cpmodel import MAX_PAIRS, REPLAN_LEVELS, Model
from scheduler.core.cpsat import cp_model
from scheduler.core.first import MIN_SEARCH, greedy_placements, greedy_solution, time_for_a_model
from scheduler.core.options import FOUND, UNSCORED, Progress, SolveOptions, solver_threads  # noqa: F401 - this module's API too
from scheduler.core.periods import (
    PeriodModel,
    Pick,
    calendar_model,
    flattened,
    nearby,
    pieces,
    preferred_ceiling,
    realisation,
    relaxations_apply,
)
from scheduler.core.problem import LEVELS, Assignment, Problem, Solution

STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.UNKNOWN: "UNKNOWN",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
}


class _Callback(cp_model.CpSolverSolutionCallback):
    """Tells ``notify`` of each solution; stops the search at a value of ``enough``."""

    def __init__(self, notify: Callable[[int, int], None], enough: int | None = None):
        super().__init__()
        self._notify = notify
        self._enough = enough

    def on_solution_callback(self) -> None:
        value = round(self.objective_value)
        self._notify(value, round(self.best_objective_bound))
        if self._enough is not None and value >= self._enough:
            self.stop_search()


def _parameters(opts: SolveOptions, budget: float, model: cp_model.CpModel, workers: int | None = None) -> cp_model.CpSolver:
    """The stages' solver; ``workers``: that many instead of the options' (outside
    deterministic mode only)."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = opts.seed
    # Deterministic mode interleaves a fixed portfolio of subsolvers in batches, which
    # gives the same plan for 2, 3 or 8 workers (measured on Pinghu and tiny); one worker
    # would run a different, sequential search. So it never runs with fewer than two.
    prm.num_workers = workers if workers and not opts.deterministic else solver_threads(opts)
    prm.cp_model_probing_level = 0  # probing costs seconds in presolve here and found little (measured)
    prm.linearization_level = 2  # the LP with all constraints proves the levels far sooner (measured)
    # the full-problem worker with the most LP (the other worker runs neighbourhood
    # searches): measured on Pinghu's stage models, the preferred months proved in
    # 0.8 s instead of 1.1-1.9 s and the piece bound in 1.0-1.3 s for every seed, where
    # CP-SAT's default worker needed interleaving and took 1-14 s; on 10x its LP took
    # 1.0-1.1 GB at the peak instead of 0.85, so large models keep the default worker
    # (docs/solver-notes.md)
    if len(model.proto.variables) <= MAX_LP_VARIABLES:
        prm.subsolvers.append("max_lp")
    if opts.deterministic:
        prm.interleave_search = True
        prm.interleave_batch_size = INTERLEAVE_BATCH
        prm.max_deterministic_time = max(0.1, budget)
    else:
        prm.max_time_in_seconds = max(0.1, budget)
    if opts.relative_gap:
        prm.relative_gap_limit = opts.relative_gap
    return solver


# Levels solved together in one stage are weighted so that one unit of a level outweighs
# the whole range of the levels after it in that stage (exact lexicographic order).
# Measured on the Pinghu example: the period model is fastest in three stages (its
# presolve is cheap; preferred months alone prove sooner than with spread); the day
# model in two (each stage pays a presolve of about a second). Re-planning puts the
# stability levels in the first stage: the demand met and the fewest changes are
# decided together.
PERIOD_STAGES = [("demand", "fairness"), ("preferred",), ("spread",)]
STAGES = [("demand", "fairness"), ("preferred", "spread", "rhythm")]
REPLAN_STAGES = [("demand", "changes", "moved"), ("fairness", "preferred", "spread", "rhythm")]
PERIOD_SHARE = 0.8  # of the time limit, at most, for the selection and period models; the rest lays out days
# seconds an event, at least, left for laying the months out on days: measured on 10x
# Pinghu (896 candidate events) the first layout took 10-12 s (13 ms an event; 18 are
# kept), and with less than that left the month plan was lost (``_period_limit``)
LAYOUT_PER_EVENT = 0.018
# of that, at most, for the selection model (demand and fairness; Pinghu needs < 1 s). 10x at
# 60 s: 0.25 left demand 0.75-1.33% from its bound; 0.35 gave 0.09-0.11%, or demand proven
SELECTION_SHARE = 0.35
POLISH_LIMIT = 2.0  # at most, for the look near the last solution before a stage
BOUND_SHARE = 0.2  # of the time limit, at most, for ``demand_bound``
LAYOUT_SHARE = 0.5  # of the time left, at most, for laying the months out on days (rhythm with months fixed)
MID_LIMIT = 0.3  # at most, for moving a week-first layout's days towards mid-week (``_mid_week``)
WEEKS_LIMIT = 2.0  # at most, for giving a month plan's events weeks and laying those out (``_in_weeks``)
RHYTHM_LIMIT = 4.0  # at most, for each rhythm solve: the layouts, the piece model, the day model's last stage
CALENDAR_LIMIT = 1.0  # at most, for the calendar relaxation's rhythm bound (``_calendar_bound``)
PIECE_LIMIT = 20.0  # at most, for the piece model's rhythm bound
INTERLEAVE_BATCH = 8
MAX_LP_VARIABLES = 10_000  # at most, in a model solved with the max_lp worker (``_parameters``): Pinghu's have 1,100-6,200
PAIR_LIMIT = 20_000  # at most, pairs of candidate events for the day model's last rhythm stage (memory)
LIFT_SHARE = 0.3  # of the period budget, at most, for giving the selection model's events periods
# month plans that could not be laid out on days, at most, cut off before the day model
# takes over; the rounds and seconds of each core search (``_layout_conflict``)
MAX_CUTS = 20
PIECE_RESERVE = 2.0  # seconds at most, kept after a near plan for its rhythm bound (``_near_rhythm``)
NEAR_SHARE = 0.5  # of the time limit, kept for the plan near the last month plan (``_near_plan``) when cuts fail
CORE_ROUNDS = 3
CORE_LIMIT = 2.0


class _Stage:
    """One solve: its levels, their weights, and how to read the first level back."""

    def __init__(self, names: tuple[str, ...], model: Model, exprs: dict[str, cp_model.LinearExpr]):
        self.names = names
        self.weights = [1] * len(names)
        self.low = 0  # the least the levels after the first can add up to
        for k in range(len(names) - 2, -1, -1):
            lo, hi = model.ranges[names[k + 1]]
            self.weights[k] = self.weights[k + 1] * (hi - lo + 1)
            self.low += self.weights[k + 1] * lo
        self.objective = sum(w * exprs[n] for w, n in zip(self.weights, names))

    def head(self, combined: int) -> int:
        """The stage's first level from a combined value (the rest lie in [low, low + weight))."""
        if len(self.names) == 1:
            return combined
        return (combined - self.low) // self.weights[0]


class Clock:
    """Time spent since the start: wall seconds, or deterministic units in deterministic mode."""

    def __init__(self, opts: SolveOptions):
        self.opts = opts
        self.began = time.perf_counter()
        self.det = 0.0

    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def used(self) -> float:
        return self.det if self.opts.deterministic else self.elapsed()

    def left(self, limit: float) -> float:
        return max(0.0, limit - self.used())

    def solve(self, model: cp_model.CpModel, budget: float, workers: int | None = None) -> tuple[cp_model.CpSolver, str]:
        """Solve within ``budget``, no callback; ``workers``: that many instead of the
        options' (outside deterministic mode only). (No callback ever stops an interleaved
        search, which deterministic mode runs: ``stop_search()`` there aborted the whole
        process in CP-SAT 9.15, a failed check in postsolve, docs/solver-notes.md; to stop
        once a known plan is proven, a model asks for a better one instead.)"""
        solver = _parameters(self.opts, budget, model, workers)
        code = solver.solve(model)
        self.det += solver.deterministic_time
        return solver, STATUS[code]


def _stop_when_found(solver: cp_model.CpSolver, found: threading.Event, share: float, done: threading.Event) -> None:
    """Stop the search once ``share`` seconds have passed and some solution exists."""
    if not done.wait(share):
        while not done.is_set():
            if found.is_set():
                solver.stop_search()
                return
            done.wait(0.1)


@dataclass
class _Run:
    """How far a sequence of stages got."""

    status: str  # OPTIMAL (every stage proven), FEASIBLE, or the first stage's failure
    objective: list[int]
    bound: list[int]
    solved: list[str]  # the levels of the stages that have a solution
    solver: cp_model.CpSolver | None = None  # the last solve with a solution


def _fixed_search(
    model: Model, fixed: list[tuple[cp_model.IntVar, int]], objective, clock: Clock, budget: float
) -> cp_model.CpSolver | None:
    """Optimise ``objective`` with these variables fixed (a small solve on a copy of the
    model) and hint what it finds; None when it finds nothing."""
    near = model.m.clone()  # same variable indices, current hint included
    for v, value in fixed:
        near.add(near.get_int_var_from_proto_index(v.index) == value)
    near.maximize(objective)
    solver, st = clock.solve(near, budget)
    if st not in ("OPTIMAL", "FEASIBLE"):
        return None
    model.hint_solution(solver)
    return solver


def _runs_and_attendance(model: Model) -> list[cp_model.IntVar]:
    """What runs and who attends: fixing these leaves periods, days and options free."""
    return [*model.x.values(), *model.y.values()]


def _run_stages(
    model: Model,
    stage_names: list[tuple[str, ...]],
    opts: SolveOptions,
    clock: Clock,
    limit: float,
    phase: str,
    polish: bool = False,
    run: _Run | None = None,
) -> _Run:
    """Solve the stages one after the other within ``limit`` (counted from the clock's
    start); each level is held at its value for the stages after it. ``polish``: before
    each later stage, optimise it with what runs and who attends fixed (a small solve
    that starts the stage close to its optimum). ``run``: stages already solved (their
    levels held in the model, their solution hinted)."""
    exprs = model.levels()
    _ceilings(model, stage_names)
    stages = [_Stage(names, model, exprs) for names in stage_names]
    run = run or _Run("OPTIMAL", [], [], [])
    fresh = False  # the last solution came from a full stage solve (so a polish may help)
    for i, stage in enumerate(stages):
        if all(n in run.solved for n in stage.names):
            continue
        if fresh and polish:
            _polish(model, stage, run, clock, limit)
        if _hold_if_hint_is_best(model, exprs, stage, run):
            continue
        left = clock.left(limit)
        if left < MIN_SEARCH:  # no time for a search: the stages before stand
            run.status = "UNKNOWN" if run.solver is None else run.status
            break
        share = left / (len(stages) - i)  # this stage's even part of what is left
        found = threading.Event()
        notify = _notifier(stage, i + 1, len(stages), opts, clock, phase, found)
        solver, st = _solve_stage(model, stage, opts, clock, notify, found, left, share)
        if st not in ("OPTIMAL", "FEASIBLE"):
            if i == 0:
                run.status = st
            break  # keep the previous stage's solution; later levels stay unproven
        best_bound = _hold_stage(model, exprs, stage, solver, st, run)
        fresh = True
        if opts.progress:
            notify(round(solver.objective_value), best_bound)
        model.hint_solution(solver)
    if run.solver is not None and len(run.solved) < sum(len(names) for names in stage_names):
        run.status = "FEASIBLE"
    return run


def _ceilings(model: Model, stage_names: list[tuple[str, ...]]) -> None:
    """Record ``periods.preferred_ceiling`` as the most ``preferred`` can reach when it is
    below the level's range (``_most``): a stage that reaches it is proven (and stopped,
    outside deterministic mode), and a stage stopped early reports it as its bound at
    worst, not the count of its terms. Not a constraint of the model: as one it slowed
    Pinghu's preferred stage (its ceiling 66 is far from the 55 proven) and changed its
    plans."""
    if "preferred" in model.ceilings or not any("preferred" in n for n in stage_names):
        return  # (the ranges exist: ``_run_stages`` built the levels)
    most = preferred_ceiling(model.p)
    if most < model.ranges["preferred"][1]:
        model.ceilings["preferred"] = most


def _most(model: Model, name: str) -> int | None:
    """The most any plan can reach on a level: a relaxation's ceiling, or its range's top;
    None when neither is known (``demand``, whose bound only a search gives)."""
    if name in model.ceilings:
        return model.ceilings[name]
    return model.ranges[name][1] if name in model.ranges else None


def _at_most(value: int, most: int | None) -> int:
    """``value``, or ``most`` when that is known and smaller."""
    return value if most is None else min(value, most)


def _reaches_most(model: Model, value_of: Callable[[cp_model.LinearExpr], int], exprs: dict, names: tuple[str, ...]) -> bool:
    """Whether every one of these levels is at the most any plan can reach on it."""
    return all((most := _most(model, n)) is not None and value_of(exprs[n]) >= most for n in names)


def _polish(model: Model, stage: _Stage, run: _Run, clock: Clock, limit: float) -> None:
    """Start a stage close to its optimum: optimise it with what runs and who attends fixed."""
    fixed = [(v, model.hinted.value(v)) for v in _runs_and_attendance(model)]
    budget = min(POLISH_LIMIT, clock.left(limit))
    run.solver = _fixed_search(model, fixed, stage.objective, clock, budget) or run.solver


def _hold_if_hint_is_best(model: Model, exprs: dict[str, cp_model.LinearExpr], stage: _Stage, run: _Run) -> bool:
    """Skip a stage whose hinted solution (run.solver's) reaches the most any plan can on
    every level: hold the levels there and record them as proven, with no search."""
    if run.solver is None or not _reaches_most(model, model.hinted.value, exprs, stage.names):
        return False
    for n in stage.names:
        best = _most(model, n)
        model.m.add(exprs[n] >= best)
        run.solved.append(n)
        run.objective.append(best)
        run.bound.append(best)
    return True


def _notifier(
    stage: _Stage, number: int, stages: int, opts: SolveOptions, clock: Clock, phase: str, found: threading.Event
) -> Callable[[int, int], None]:
    """Mark that a stage has a solution (for its watchdog) and report its progress in the
    terms of its first level (the combined objective means nothing to a planner)."""

    def notify(obj: int, bnd: int) -> None:
        """Called by the solver on each solution, and once more with the stage's result."""
        found.set()
        if opts.progress:
            head = stage.head
            opts.progress(Progress(stage.names[0], number, stages, head(obj), head(bnd), clock.elapsed(), phase))

    return notify


def _solve_stage(
    model: Model,
    stage: _Stage,
    opts: SolveOptions,
    clock: Clock,
    notify: Callable[[int, int], None],
    found: threading.Event,
    left: float,
    share: float,
) -> tuple[cp_model.CpSolver, str]:
    """Solve one stage with up to ``left`` seconds; outside deterministic mode a watchdog
    stops it once ``share`` has passed and it has a solution, so later stages get time."""
    model.m.maximize(stage.objective)
    # a one-level stage that reaches its ceiling is done (never stopped when interleaved:
    # see Clock.solve)
    enough = _most(model, stage.names[0]) if len(stage.names) == 1 and not opts.deterministic else None
    return _solve_watched(model.m, opts, clock, _Callback(notify, enough), found, left, share)


def _solve_watched(
    m: cp_model.CpModel,
    opts: SolveOptions,
    clock: Clock,
    callback: cp_model.CpSolverSolutionCallback,
    found: threading.Event,
    left: float,
    share: float,
    workers: int | None = None,
) -> tuple[cp_model.CpSolver, str]:
    """Solve with up to ``left`` seconds, stopped once ``share`` has passed and ``found`` is
    set (by ``callback``); deterministic mode has no watchdog and gets ``share``.
    ``workers``: that many instead of the options' (outside deterministic mode only)."""
    done = threading.Event()
    solver = _parameters(opts, share if opts.deterministic else left, m, workers)
    watchdog = None
    if not opts.deterministic:
        watchdog = threading.Thread(target=_stop_when_found, args=(solver, found, share, done), daemon=True)
        watchdog.start()
    code = solver.solve(m, callback)
    done.set()
    if watchdog:
        watchdog.join()
    clock.det += solver.deterministic_time
    return solver, STATUS[code]


def _hold_stage(
    model: Model, exprs: dict[str, cp_model.LinearExpr], stage: _Stage, solver: cp_model.CpSolver, st: str, run: _Run
) -> int:
    """Record a solved stage in ``run`` and hold each of its levels at the value found, so
    later stages cannot trade it away; returns the solver's best (combined) bound."""
    # every level at the most any plan reaches is a proof too (``_ceilings``)
    proven = st == "OPTIMAL" or _reaches_most(model, solver.value, exprs, stage.names)
    if not proven:
        run.status = "FEASIBLE"
    run.solver = solver
    run.solved += stage.names
    # a later stage may improve an earlier level that was not proven: read them all again
    run.objective = [solver.value(exprs[n]) for n in run.solved]
    best_bound = round(solver.best_objective_bound)
    if len(stage.names) == 1:  # its combined bound is the level's: the progress line shows the ceiling too
        best_bound = _at_most(best_bound, _most(model, stage.names[0]))
    for k, name in enumerate(stage.names):
        value = solver.value(exprs[name])
        if proven:
            run.bound.append(value)
        elif k == 0:
            run.bound.append(_at_most(stage.head(best_bound), _most(model, name)))
        else:  # a later level of an unproven stage: only the most it can reach
            run.bound.append(_most(model, name))
        model.m.add(exprs[name] >= value)
    return best_bound


def _greedy_hint(model: Model, problem: Problem, placements: list | None = None) -> None:
    """Hint a greedy plan when it is feasible: large problems get a plan at once."""
    placements = placements if placements is not None else greedy_placements(problem)
    if placements:
        model.hint_placements(placements)


def solve(problem: Problem, opts: SolveOptions | None = None) -> Solution:
    """Optimise the levels in order; the result says how far each was proven.

    A first solve plans by months first (``scheduler.core.periods``): the period model is a
    relaxation with the same objective, so when its plan can be laid out on days, that
    plan is optimal wherever the period model proved it. Otherwise the day model is
    solved directly, its demand held to the period model's bound. When no solve finds
    a plan in the time limit, the greedy plan is the answer (``first.greedy_solution``).

    Re-planning with a known demand bound tries the *pinned* problem first (every
    earlier placement that can stay, stays; nothing new): it is small, so it solves in
    a fraction of the time. When it meets the bound, its plan is optimal for the whole
    problem: no plan serves more demand, none changes less (the pinned plans are
    exactly those with the least ``changes``), and the later levels were optimised
    over exactly those plans. Otherwise the whole problem is solved, from its plan.
    """
    opts = opts or SolveOptions()
    clock = Clock(opts)
    if problem.is_replan:
        return _solve_replan(problem, opts, clock)
    greedy = greedy_placements(problem)
    sol, demand_bound = None, None
    if opts.periods and relaxations_apply(problem):
        sol, demand_bound = _solve_by_periods(problem, opts, clock, greedy)
    if sol is None and _time_to_build(problem, clock, opts.time_limit):
        sol = _solve_days(problem, opts, clock, opts.time_limit, demand_bound=demand_bound, greedy=greedy)
    return _or_greedy(sol, problem, greedy, demand_bound, clock)


def _or_greedy(sol: Solution | None, problem: Problem, greedy: list | None, bound: int | None, clock: Clock) -> Solution:
    """``sol``, unless no solve found a plan: then the greedy plan when there is one."""
    if sol is not None and (sol.status != "UNKNOWN" or not greedy):
        return sol
    return greedy_solution(problem, greedy, bound, clock.elapsed()) or Solution(
        "UNKNOWN", [], [], [], [], clock.elapsed(), {"method": "days"}
    )


def _time_to_build(problem: Problem, clock: Clock, limit: float) -> bool:
    """``first.time_for_a_model`` on this clock."""
    return time_for_a_model(problem, clock.left(limit))


def _solve_replan(problem: Problem, opts: SolveOptions, clock: Clock) -> Solution:
    """A re-plan: the pinned problem first when the demand bound is known (see ``solve``);
    the greedy re-plan (earlier sessions put back first, the frozen ones first) when no
    solve found a plan in time and it places every session that must run."""
    hint = None
    if problem.demand_bound is not None and _time_to_build(problem, clock, opts.time_limit / 2):
        sol = _solve_days(problem.pinned(), opts, clock, opts.time_limit / 2)
        if sol.objective and sol.objective[0] == problem.demand_bound:
            sol.bound[0] = problem.demand_bound
            sol.bound[1] = sol.objective[1]  # the least change cost any plan has
            sol.status = "OPTIMAL" if sol.objective == sol.bound and len(sol.level_names) == len(REPLAN_LEVELS) else "FEASIBLE"
            sol.info["pinned"] = True
            return sol
        hint = sol.assignments or None
    greedy = greedy_placements(problem)  # None when it leaves out a session that must run (a frozen one)
    sol = None
    if _time_to_build(problem, clock, opts.time_limit):
        sol = _solve_days(problem, opts, clock, opts.time_limit, hint, problem.demand_bound, greedy)
    return _or_greedy(sol, problem, greedy, problem.demand_bound, clock)


def demand_bound(problem: Problem, opts: SolveOptions) -> int | None:
    """A proven upper bound of the demand level of ``problem`` (and of every problem
    with the same events and demands and more rules, e.g. a re-plan of the same
    scenario): its selection model, solved for demand and fairness within a share of the
    time limit. None if it finds nothing."""
    if not relaxations_apply(problem):
        return None
    fresh = replace(problem, keeps=[], demand_bound=None, replanning=False)
    _, run = _selection_model(fresh, opts, Clock(opts), opts.time_limit * BOUND_SHARE)
    return run.bound[0] if run.bound else None


def _selection_model(problem: Problem, opts: SolveOptions, clock: Clock, limit: float) -> tuple[PeriodModel, _Run]:
    """The selection model (``periods.flattened``) from a greedy start, its first stage
    (demand and fairness) solved within ``limit``."""
    loose = flattened(problem)
    selection = PeriodModel(loose)
    _greedy_hint(selection, loose)
    return selection, _run_stages(selection, [PERIOD_STAGES[0]], opts, clock, limit, "selection")


def _solve_by_periods(
    problem: Problem, opts: SolveOptions, clock: Clock, greedy: list | None = None
) -> tuple[Solution | None, int | None]:
    """The selection model, the period model, then the plan laid out on days (see
    ``scheduler.core.periods``). Returns the solution, or None and the best demand bound
    known when the days must be solved (or no time is left to try); ``greedy``: the
    greedy plan's placements, if it is one.

    A month plan that cannot be laid out on days teaches the period model something: the
    picks that together cannot be laid out (``_layout_conflict``) are cut off and the
    months planned again (at most ``MAX_CUTS`` times). A cut holds for every real plan,
    so the period model stays a relaxation and what it proves still holds."""
    limit = _period_limit(problem, opts)
    if not _time_to_build(problem, clock, limit):
        return None, None
    selection, head = _selection_model(problem, opts, clock, limit * SELECTION_SHARE)
    no_plan = Solution("INFEASIBLE", [], [], [], [], clock.elapsed(), {"method": "periods"}), None
    if head.status == "INFEASIBLE":
        return no_plan  # a relaxation has no plan: neither has the problem
    bound = head.bound[0] if head.bound else None
    cuts: list[list[Pick]] = []
    run = None
    while True:
        model, run = _month_plan(problem, selection, head, cuts, opts, clock, limit, greedy, run)
        if run.status == "INFEASIBLE":
            return no_plan
        if run.solver is None:
            return None, bound
        if head.bound and run.bound[0] > head.bound[0]:
            run.bound[0] = head.bound[0]  # the selection model's bound holds for every plan
        bound = run.bound[0]
        picks = model.picks(run.solver)
        sol = _lay_out(problem, picks, run, opts, clock)
        if sol is not None:
            return sol, bound
        conflict = _layout_conflict(problem, picks, opts, clock, limit) if _time_to_build(problem, clock, limit) else []
        if not conflict or len(cuts) == MAX_CUTS or clock.left(opts.time_limit) < NEAR_SHARE * opts.time_limit:
            return _near_plan(problem, picks, run, bound, opts, clock, {pk.event for pk in conflict}), bound
        cuts.append(conflict)


def _near_plan(
    problem: Problem,
    picks: list[Pick],
    run: _Run,
    bound: int | None,
    opts: SolveOptions,
    clock: Clock,
    wide: set[str] | None = None,
) -> Solution | None:
    """When the last month plan cannot be laid out on days: the best plan near it, the
    day model's stages in the time left (``periods.nearby``): first its sessions in their
    months with their own attendance, those in ``wide`` (the picks that clash) within a
    month of theirs; then, from that plan, every session within a month and any
    attendance. Measured on Pinghu with 12 days between a community's sessions, the day
    model of the whole problem, given what was left of 30 s, found no better than the
    greedy plan in 2 of 5 runs (weighted demand 480 of a proven 619); the narrow step is
    solved in 3-4 s (docs/solver-notes.md, "Spacing across months"). It is a
    restriction, so its own bounds prove nothing: the bounds reported are the period
    model's, each only while the levels before it are at the period model's values
    (``_near_bounds``). None when it finds no plan."""
    best, steps = None, [wide, None] if wide is not None else [None]
    for widened in steps:
        near = nearby(problem, picks, widened)
        if not _time_to_build(near, clock, opts.time_limit):
            break
        # no progress lines: their bounds would be the neighbourhood's, not the problem's.
        # Half the time left for the narrower neighbourhood; the wider one holds its plan
        # and starts from it
        last = opts.time_limit - min(PIECE_RESERVE, clock.left(opts.time_limit) / 4)
        until = last - (last - clock.used()) / 2 if widened is not None else last
        hint = best.assignments if best else _month_hint(near, picks, opts)
        sol = _solve_days(near, replace(opts, progress=None), clock, until, hint=hint)
        if sol.assignments and (best is None or sol.objective > best.objective):
            best = sol
            best.bound = _near_bounds(problem, sol, run, bound)
            best.status, best.info = _proven(best), {"method": "near"}
        if best is not None and best.status == "OPTIMAL":
            break
    return _near_rhythm(problem, best, run, opts, clock) if best else None


def _month_hint(near: Problem, picks: list[Pick], opts: SolveOptions) -> list[Assignment] | None:
    """The month plan as a hint for its neighbourhood: each pick at its first start in
    its month, with its options and attendance. It breaks day rules (that is why it is
    near), so none in deterministic mode: an infeasible hint aborts an interleaved search
    (docs/solver-notes.md); the greedy plan is hinted then."""
    if opts.deterministic:
        return None
    upd, out = near.units_per_day, []
    for pk in picks:
        starts = near.event(pk.event).starts
        mine = [t for t in starts if near.period_of_day[t // upd] == pk.period] or starts
        if mine:
            out.append(Assignment(pk.event, mine[0], dict(pk.options), sorted(pk.demands)))
    return out


def _near_rhythm(problem: Problem, sol: Solution, run: _Run, opts: SolveOptions, clock: Clock) -> Solution:
    """The piece model's rhythm bound for a near plan that reaches every earlier level of
    the month plan (``_window_bound`` holds those levels at their values)."""
    k = len(run.solved)
    if sol.level_names[:k] != run.solved or sol.objective[:k] != run.objective or sol.objective[k:] == sol.bound[k:]:
        return sol
    value = sol.objective[k]
    if value == UNSCORED or sol.level_names[k:] != ["rhythm"]:
        return sol
    bound = _window_bound(problem, run, sol.assignments, value, opts, clock)[0]
    sol.bound[k] = min(sol.bound[k], bound)
    sol.status = _proven(sol)
    return sol


def _proven(sol: Solution) -> str:
    """A near plan's status: OPTIMAL when it has every level and each is at a bound that
    holds for the whole problem (``_near_bounds``, the piece model's), else FEASIBLE. A
    plan whose later stages had no time has only the first levels: being at their bounds
    says nothing of the rest (seen on Pinghu at 12 days: "OPTIMAL [619, 918]")."""
    return "OPTIMAL" if sol.level_names == LEVELS and sol.objective == sol.bound else "FEASIBLE"


def _near_bounds(problem: Problem, sol: Solution, run: _Run, bound: int | None) -> list[int]:
    """Bounds of ``sol``'s levels that hold for the whole problem: the period model's for
    as long as ``sol`` matches its levels (a staged bound holds for the plans that reach
    the levels before it), then the most each level can be; demand's is ``bound``."""
    most = problem.level_maxima(sol.level_names)
    known = dict(zip(run.solved, zip(run.objective, run.bound)))
    out, held = [], True
    for k, name in enumerate(sol.level_names):
        value, best = known.get(name, (None, most[k]))
        out.append(best if held else most[k])
        held = held and value == sol.objective[k]
    if bound is not None and out:
        out[0] = min(out[0], bound)
    return out


def _period_limit(problem: Problem, opts: SolveOptions) -> float:
    """When the selection and period models must stop: ``PERIOD_SHARE`` of the limit, or
    earlier so that laying the months out on days keeps ``LAYOUT_PER_EVENT`` an event
    (a month plan is worth nothing until it is laid out)."""
    return max(0.0, min(opts.time_limit * PERIOD_SHARE, opts.time_limit - LAYOUT_PER_EVENT * len(problem.events)))


def _month_plan(
    problem: Problem,
    selection: PeriodModel,
    head: _Run,
    cuts: list[list[Pick]],
    opts: SolveOptions,
    clock: Clock,
    limit: float,
    greedy: list | None,
    before: _Run | None = None,
) -> tuple[PeriodModel, _Run]:
    """The period model with ``cuts`` (``PeriodModel.forbid``), its stages solved within
    ``limit``, from the selection model's result when that can be given months.
    ``before``: the month plan the last cut removed; a plan with its values is looked
    for first (``_same_values``)."""
    model = PeriodModel(problem)
    for cut in cuts:
        model.forbid(cut)
    exprs = model.levels()
    if before is not None and before.solver is not None:
        again = _same_values(model, exprs, before, opts, clock, limit)
        if again is not None:
            return model, again
    first, second = PERIOD_STAGES[0], _Stage(PERIOD_STAGES[1], model, exprs)
    run = lifted = None
    if head.solver is not None and selection.x.keys() == model.x.keys() and selection.y.keys() == model.y.keys():
        # the same events and attendance, given periods: if that fits, the period
        # model's first stage is done, as far as the selection model proved it (the selection
        # model is the smaller one, so it got the first stage's time)
        pairs = zip(_runs_and_attendance(model), _runs_and_attendance(selection))
        fixed = [(v, head.solver.value(w)) for v, w in pairs]
        model.hint_periods(selection.picks(head.solver))
        if cuts and opts.deterministic:
            model.m.clear_hints()  # it may break a cut, and an infeasible hint aborts interleaved search
        budget = min(clock.left(limit), max(POLISH_LIMIT, LIFT_SHARE * limit))
        lifted = _fixed_search(model, fixed, second.objective, clock, budget)
        if lifted is not None:
            for n, value in zip(first, head.objective):
                model.m.add(exprs[n] >= value)
            run = _Run(head.status, list(head.objective), list(head.bound), list(first), lifted)
    if lifted is None:
        _greedy_hint(model, problem, greedy)  # a plan: it meets every cut
    return model, _run_stages(model, PERIOD_STAGES, opts, clock, limit, "periods", polish=True, run=run)


def _same_values(
    model: PeriodModel, exprs: dict[str, cp_model.LinearExpr], before: _Run, opts: SolveOptions, clock: Clock, limit: float
) -> _Run | None:
    """A plan of the period model with its cuts whose levels reach ``before``'s values
    (a feasibility solve from ``before``'s plan, repaired: measured on Pinghu with 12 days
    between a community's sessions, about 0.3 s where solving the stages again took 2.5 s,
    the preferred level's proof being slow). A cut only removes plans, so ``before``'s
    bounds still hold and the levels it proved stay proven. None when not found in time
    (or the cut lowered a level): the stages are then solved again."""
    if not opts.deterministic:
        model.hint_solution(before.solver)  # same variables, same indices: the cuts add none
    held = model.m.clone()
    for n, value in zip(before.solved, before.objective):
        held.add(exprs[n] >= value)
    if opts.deterministic:
        held.clear_hints()  # the plan breaks the cut, and an infeasible hint aborts interleaved search
    solver, st = clock.solve(held, min(clock.left(limit), POLISH_LIMIT))
    if st not in FOUND:
        return None
    model.hint_solution(solver)
    return _Run(before.status, list(before.objective), list(before.bound), list(before.solved), solver)


def _layout_conflict(problem: Problem, picks: list[Pick], opts: SolveOptions, clock: Clock, limit: float) -> list[Pick]:
    """Picks of a month plan that cannot all be laid out on days together, each with its
    attendance: CP-SAT's core when every pick is an assumption (one worker), shrunk by
    solving again with the core alone (a few rounds; not necessarily minimal). Empty
    when none is found in the time left. Other events may be dropped and count minimums
    are off, so more events or more attendance only add to the clash: no plan of the
    problem has all of these picks, and cutting them off keeps every plan."""
    real = realisation(problem, picks)
    loose = replace(
        real,
        events=[replace(e, optional=True) for e in real.events],
        demands=[replace(d, required=False) for d in real.demands],
        counts=[replace(c, min=0) for c in real.counts],
    )
    model = Model(loose)
    for pk in picks:
        for d in pk.demands:
            if (d, pk.event) in model.y and pk.event in model.x:
                model.m.add(model.y[d, pk.event] == model.x[pk.event])  # each pick with its attendance
    by_index = {model.x[pk.event].index: pk for pk in picks if pk.event in model.x}
    core = [pk for pk in picks if pk.event not in model.x]  # no start left at all: it alone clashes
    if core:
        return core
    lits = [model.x[pk.event] for pk in picks]
    for _ in range(CORE_ROUNDS):
        model.m.clear_assumptions()
        model.m.add_assumptions(lits)
        solver = plain_solver(opts, min(clock.left(limit), CORE_LIMIT), workers=1)
        st = STATUS[solver.solve(model.m)]
        clock.det += solver.deterministic_time
        if st != "INFEASIBLE":
            break
        found = [i for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
        if not found or (core and len(found) == len(lits)):  # nothing, or no smaller than last round
            break
        core = [by_index[i] for i in found]
        lits = [model.x[pk.event] for pk in core]
    return core


def _lay_out(problem: Problem, picks: list[Pick], run: _Run, opts: SolveOptions, clock: Clock) -> Solution | None:
    """Lay the period plan out on days, optimising ``rhythm`` (the one level that depends
    on the day), then bound it and try to do better.

    Rhythm is optimised here, after the months, and not in the period model: it has no
    days. With the months fixed the layout is a small model, but its best rhythm is only
    the best over plans with *these* months. So the piece model (``periods.pieces``: weeks
    cut at month borders, every earlier level held) bounds the window part of rhythm over
    all plans, and its plan, laid out on days, often comes closer to that bound; when a gap
    is left, a bounded last stage solves the day model for rhythm alone, every earlier
    level held and the best plan as a complete hint. plan.json reports the bound and gap.
    None when the plan cannot be laid out (the caller then solves the day model)."""
    # the first layout may take all the time left to find a plan, but stops optimising
    # after RHYTHM_LIMIT once it has one
    left = clock.left(opts.time_limit)
    share, announce = min(left * LAYOUT_SHARE, RHYTHM_LIMIT), _announcer(opts, run)
    first = _in_weeks(problem, picks, opts, clock, share, announce)
    if first is None:
        first = _realise(realisation(problem, picks), opts, clock, clock.left(opts.time_limit), share, announce)
    if first is None:
        return None
    placed, value = first
    bound = 0  # no deviation and no shared time unit
    if value < bound:
        bound, week_picks, piece_of_day = _window_bound(problem, run, placed, value, opts, clock)
        if week_picks:
            budget = min(clock.left(opts.time_limit), RHYTHM_LIMIT)
            again = _realise(realisation(problem, week_picks, piece_of_day), opts, clock, budget, budget)
            if again is not None and again[1] > value:
                placed, value = again
    if value < bound:  # the day model may do better, or prove a tighter bound
        placed, value, day_bound = _prove_rhythm(problem, run, placed, value, opts, clock)
        bound = min(bound, day_bound)
    if opts.progress and value != UNSCORED:
        opts.progress(Progress("rhythm", 1, 1, value, bound, clock.elapsed(), "days"))
    proven = run.status == "OPTIMAL" and value == bound
    levels = [*run.solved, "rhythm"]
    sol = Solution("OPTIMAL" if proven else "FEASIBLE", placed, [*run.objective, value], [*run.bound, bound], levels, 0.0)
    sol.wall_time, sol.info = clock.elapsed(), {"method": "periods"}
    return sol


def _in_weeks(
    problem: Problem, picks: list[Pick], opts: SolveOptions, clock: Clock, share: float, announce
) -> tuple[list[Assignment], int] | None:
    """The month plan laid out week first: the piece model of its realisation (what runs,
    who attends and each event's month fixed; weeks cut at month borders) gives each event
    a week with the window part of rhythm at its best, then that is laid out on days with
    rhythm maximised. Measured on Pinghu: the weeks in 0.2-0.3 s (-18, proven for these
    months) and the layout in 0.16 s, where laying out the months alone climbed from -66
    to the same -18 in 1.4 s. None when there are no rhythm windows, the weeks cannot be
    laid out on days (a gap rule across weeks, which pieces do not see) or time is short:
    the caller then lays out the months."""
    budget = min(share, WEEKS_LIMIT)
    if not (problem.rhythm_window_of_day and problem.rhythm_weight) or not _time_to_build(problem, clock, clock.used() + budget):
        return None
    loose, _, window_of = pieces(realisation(problem, picks))
    model = PeriodModel(loose, gap_across=False)
    members: dict[int, list] = {}
    for months in model.month.values():
        for k, lit in months.items():
            members.setdefault(window_of[k], []).append(lit)
    model.m.maximize(-sum(model.even_deviations(problem.rhythm_weight, members, [], "week_first")[0]))
    solver, st = clock.solve(model.m, budget)
    if st not in FOUND:
        return None
    weeks = realisation(problem, model.picks(solver), loose.period_of_day)
    laid = _realise(weeks, opts, clock, min(clock.left(opts.time_limit), budget), share, announce, middle=True)
    return _mid_week(weeks, laid, opts, clock) if laid is not None and laid[1] != UNSCORED else laid


def _mid_week(problem: Problem, laid: tuple[list[Assignment], int], opts: SolveOptions, clock: Clock):
    """The layout with its rhythm held, each day moved as near the middle of its week as a
    short search finds (``MID_LIMIT``). Rhythm sees weeks and half-days, not the days
    within a week, so a first layout decides those and takes each week's earliest days
    (measured on Pinghu, weeks first: 41% of sessions on days 1-10 of their month, where
    issue 12 asks for 40% at most; with this step 39% deterministic and 33-43% in four
    other runs: better, not yet robust). Asked as a last, bounded step: as a term below
    rhythm in its search it made that search 2 s, not 0.1."""
    placed, value = laid
    days = Model(problem)
    days.m.add(days.levels()["rhythm"] >= value)
    days.hint_placements([(problem.event(a.event), a.start, a.options, a.demands) for a in placed])
    far = []
    for e in problem.events:
        usable = _usable_days(problem, e)
        if e.id in days.day and len(usable) > 1:
            mid = usable[len(usable) // 2]
            off = days.m.new_int_var(0, max(usable[-1] - mid, mid - usable[0]), f"offmid_{e.id}")
            days.m.add_abs_equality(off, days.day[e.id] - mid)
            far.append(off)
    if not far:
        return laid
    days.m.minimize(sum(far))
    budget = min(MID_LIMIT, clock.left(opts.time_limit))
    # one worker while the reasons are worked out beside the solve (``opts.early_plan``):
    # the search runs its whole budget either way, and the reasons get the other core
    beside = opts.early_plan is not None
    solver, st = _solve_until_found(days.m, opts, clock, budget, budget, workers=1 if beside else None)
    return (days.assignments(solver), value) if st in FOUND else laid


def _usable_days(problem: Problem, e) -> list[int]:
    """The days an event may start on, in order."""
    return sorted({t // problem.units_per_day for t in e.starts})


def _solve_until_found(
    m: cp_model.CpModel, opts: SolveOptions, clock: Clock, left: float, share: float, workers: int | None = None
):
    """``_solve_watched`` with the watchdog told of any solution (the objective aside)."""
    found = threading.Event()
    return _solve_watched(m, opts, clock, _Callback(lambda obj, bnd: found.set()), found, left, share, workers)


def _announcer(opts: SolveOptions, run: _Run) -> Callable[[list[Assignment]], None] | None:
    """What passes the first laid-out plan to ``opts.early_plan``, with the demand bound."""
    if opts.early_plan is None:
        return None
    proven = run.bound[0] if run.solved and run.solved[0] == "demand" else None
    early_plan = opts.early_plan

    def announce(plain: list[Assignment]) -> None:
        early_plan(plain, proven)

    return announce


def _realise(
    problem: Problem,
    opts: SolveOptions,
    clock: Clock,
    left: float,
    share: float,
    announce: Callable[[list[Assignment]], None] | None = None,
    middle: bool = False,
) -> tuple[list[Assignment], int] | None:
    """A realisation (``periods.realisation``): first any layout (a feasibility solve,
    quick at every size; ``announce`` is called with it), then rhythm maximised from it
    within ``share``. The rhythm model
    holds a variable for each pair of events that could share a half-day, so on a large
    street it may not even finish presolve in time: the plain layout is kept then, its
    rhythm ``UNSCORED`` (the validator scores the plan; the level stays unproven)."""
    start = clock.elapsed()
    plain = any_layout(problem, opts, clock, left, middle)
    if plain is None:
        return None
    if announce is not None:
        announce(plain)
    n = len(problem.events)
    budget = min(share, left - (clock.elapsed() - start))
    if (problem.shared_units and n * (n - 1) // 2 > MAX_PAIRS) or budget <= 0.1:
        return plain, UNSCORED
    days = Model(problem)
    rhythm = days.levels()["rhythm"]
    days.m.maximize(rhythm)
    days.hint_placements([(problem.event(a.event), a.start, a.options, a.demands) for a in plain])
    solver, st = _solve_until_found(days.m, opts, clock, budget, budget)
    if st not in ("OPTIMAL", "FEASIBLE"):
        return plain, UNSCORED
    return days.assignments(solver), solver.value(rhythm)


def any_layout(
    problem: Problem,
    opts: SolveOptions,
    clock: Clock,
    left: float,
    middle: bool = False,
    near: list[Assignment] | None = None,
    workers: int | None = None,
) -> list[Assignment] | None:
    """Any plan of a realisation: no objective, so no rhythm terms are built. ``middle``:
    each event's day hinted at the middle of the days it may take (``_in_weeks``);
    ``near``: a plan whose days are hinted wherever an event may still take them, solved
    with ``plain_solver``'s light settings (a what-if's layout, most of whose events keep
    their months: measured on three of Pinghu's, 0.07 s each instead of 0.11-0.12 s with
    the stages' LP worker); ``workers``: its solver threads then (None: the options')."""
    days = Model(problem)
    kept = {a.event: a.start // problem.units_per_day for a in near or []}
    for e in problem.events:
        usable = _usable_days(problem, e) if e.id in days.day else []
        if kept.get(e.id) in usable:
            days.m.add_hint(days.day[e.id], kept[e.id])
        elif middle and usable:
            days.m.add_hint(days.day[e.id], usable[len(usable) // 2])
    # a model without an objective stops at its first solution: the whole budget is a limit only
    if near is None:
        solver, st = _solve_until_found(days.m, opts, clock, left, left)
    else:
        solver = plain_solver(opts, left, workers, light=True)
        st = STATUS[solver.solve(days.m)]
        clock.det += solver.deterministic_time
    return days.assignments(solver) if st in FOUND else None


def _window_bound(
    problem: Problem, run: _Run, placed: list[Assignment], value: int, opts: SolveOptions, clock: Clock
) -> tuple[int, list[Pick], list[int]]:
    """A bound of ``rhythm`` for the plans that hold every earlier level at its value, the
    realised plan's rhythm being ``value``: the calendar relaxation's (``_calendar_bound``)
    when the plan reaches it, else the piece model's too (``_piece_bound``), with the
    piece model's plan (empty when none) and its pieces by day."""
    if not (problem.rhythm_window_of_day and problem.rhythm_weight and run.status == "OPTIMAL"):
        return 0, [], []
    held = dict(zip(run.solved, run.objective))
    cheap = _calendar_bound(problem, held.get("spread"), opts, clock)
    if value >= cheap:
        return cheap, [], []  # the realised plan reaches it: no piece model needed
    bound, picks, piece_of_day = _piece_bound(problem, held, value, opts, clock)
    return min(cheap, bound), picks, piece_of_day


def _piece_bound(
    problem: Problem, held: dict[str, int], value: int, opts: SolveOptions, clock: Clock
) -> tuple[int, list[Pick], list[int]]:
    """The piece model's bound (``periods.pieces``): its least window deviation with the
    ``held`` levels, asked for a plan better than ``value``; with its plan and pieces."""
    loose, period_of, window_of = pieces(problem)
    model = PeriodModel(loose, gap_across=False)
    exprs = model.levels()
    for name in ("demand", "fairness", "preferred"):
        model.m.add(exprs[name] >= held[name])

    def deviations(weights: dict[int, int], bucket_of: dict[int, int], name: str) -> list:
        members: dict[int, list] = {}
        for months in model.month.values():
            for k, lit in months.items():
                members.setdefault(bucket_of[k], []).append(lit)
        return model.even_deviations(weights, members, [], name)[0]

    model.m.add(-sum(deviations(problem.period_weight, period_of, "piece_period")) >= held["spread"])
    weekly = -sum(deviations(problem.rhythm_weight, window_of, "piece_window"))
    model.m.maximize(weekly)
    # only a plan better than the realised one is asked for: "none" proves that plan's
    # rhythm (the window part bounds the whole level), and the search needs no callback
    # to stop there (see Clock.solve). No hint: the realised plan breaks this constraint,
    # and an infeasible hint aborts an interleaved search (docs/solver-notes.md); measured
    # on Pinghu, the proof then takes about 1 s
    model.m.add(weekly >= value + 1)
    # the max_lp worker (``_parameters``) proves it in about 1 s for every seed; CP-SAT's
    # default worker needed interleaved search, and even so took 1-14 s by seed
    budget = min(clock.left(opts.time_limit), PIECE_LIMIT)
    # one worker while the reasons are worked out beside the solve (``opts.early_plan``,
    # announced with the first layout): measured on Pinghu, the proof alone takes about as
    # long on one worker as on two (1.2 s against 1.0-1.35), and the command ended 0.8-1 s
    # sooner in three paired runs, the reasons getting the other core
    beside = opts.early_plan is not None and not opts.deterministic
    solver, st = clock.solve(model.m, budget, workers=1 if beside else None)
    if st == "INFEASIBLE":
        return min(0, value), [], []
    if st == "MODEL_INVALID":
        return 0, [], []
    # the bound holds with or without a solution found (the realised plan is one)
    bound = min(0, solver.value(weekly) if st == "OPTIMAL" else math.floor(solver.best_objective_bound + 1e-6))
    return bound, model.picks(solver) if st in ("OPTIMAL", "FEASIBLE") else [], loose.period_of_day


def _calendar_bound(problem: Problem, spread: int | None, opts: SolveOptions, clock: Clock) -> int:
    """The calendar relaxation's bound of ``rhythm`` (``periods.calendar_model``) for
    plans that hold ``spread``; 0 (no bound) when not solved in ``CALENDAR_LIMIT``. One
    worker: the model has a few dozen counts (Pinghu: solved in a few milliseconds)."""
    model, least = calendar_model(problem, spread)
    solver = plain_solver(opts, min(CALENDAR_LIMIT, clock.left(opts.time_limit)), workers=1)
    st = STATUS[solver.solve(model)]
    clock.det += solver.deterministic_time
    if st not in FOUND:
        return 0
    # the least deviation is at least the proven lower bound, rounded up
    return min(0, -math.ceil(solver.best_objective_bound - 1e-6))


def _prove_rhythm(
    problem: Problem, run: _Run, placed: list[Assignment], value: int, opts: SolveOptions, clock: Clock
) -> tuple[list[Assignment], int, int]:
    """The last stage: the day model, the earlier levels held at their values, maximises
    rhythm from the realised plan (a complete hint) in the time left. Returns the better
    plan, its rhythm and the best bound known (0 when the model would be too large:
    its pairs of events grow with the square of the events)."""
    n = len(problem.events)
    if n * (n - 1) // 2 > PAIR_LIMIT:
        return placed, value, 0
    full = Model(problem)
    exprs = full.levels()
    for name, held in zip(run.solved, run.objective):
        full.m.add(exprs[name] >= held)
    # better than the realised plan, or proof there is none; no hint (the plan breaks this
    # constraint, and an infeasible hint aborts an interleaved search: docs/solver-notes.md)
    full.m.add(exprs["rhythm"] >= value + 1)
    full.m.maximize(exprs["rhythm"])
    solver, st = clock.solve(full.m, min(clock.left(opts.time_limit), RHYTHM_LIMIT))
    if st == "INFEASIBLE":
        return placed, value, value
    if st not in ("OPTIMAL", "FEASIBLE"):
        return placed, value, full.ranges["rhythm"][1]
    best = solver.value(exprs["rhythm"])
    bound = best if st == "OPTIMAL" else max(best, round(solver.best_objective_bound))
    if best > value:
        return full.assignments(solver), best, bound
    return placed, value, bound


def _solve_days(
    problem: Problem,
    opts: SolveOptions,
    clock: Clock,
    limit: float,
    hint: list[Assignment] | None = None,
    demand_bound: int | None = None,
    greedy: list | None = None,
) -> Solution:
    """The day model, solved stage by stage within ``limit`` (``greedy``: the greedy
    plan's placements, when known)."""
    model = Model(problem)
    if hint:
        model.hint_placements([(problem.event(a.event), a.start, a.options, a.demands) for a in hint])
    else:
        _greedy_hint(model, problem, greedy)
    stages = REPLAN_STAGES if problem.is_replan else STAGES
    if demand_bound is not None:
        model.cap_level("demand", demand_bound)
    run = _run_stages(model, stages, opts, clock, limit, "days")
    info = {"method": "days"}
    if run.solver is None:
        return Solution(run.status, [], [], [], [], clock.elapsed(), info)
    if demand_bound is not None:
        run.bound[0] = min(run.bound[0], demand_bound)  # proven elsewhere, it holds here too
    if not model.pairs_counted and "rhythm" in run.solved:
        # the model left out rhythm's pair terms (too many pairs): its figure is not the
        # level's, so the level is unscored (the validator counts it) and not proven
        k = run.solved.index("rhythm")
        run.objective[k], run.bound[k], run.status = UNSCORED, 0, "FEASIBLE"
    return Solution(run.status, model.assignments(run.solver), run.objective, run.bound, run.solved, clock.elapsed(), info)


def plain_solver(opts: SolveOptions, budget: float, workers: int | None = None, light: bool = False) -> cp_model.CpSolver:
    """A solver with CP-SAT's own settings within ``budget`` (deterministic time units in
    deterministic mode), for the feasibility and explanation models. ``light``: no probing
    and no symmetry detection in presolve, for the what-ifs, whose presolve is most of
    their time (measured on Pinghu's ten selection what-ifs: 0.43 s in all instead of
    1.0-1.5 s, every answer the same); in deterministic mode on one worker."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = opts.seed
    prm.num_workers = workers or solver_threads(opts)
    if light and opts.deterministic:
        # one worker: a sequential search is reproducible without interleaving, which made
        # the what-ifs slow (measured on Pinghu: its ten reasons 13.6 s with three left
        # unverified at 2 units each; on one worker 2.3 s, all ten proven the least)
        prm.num_workers = 1
    if light:
        prm.cp_model_probing_level = 0
        prm.symmetry_level = 0
    if opts.deterministic:
        # several workers give the same answer only when interleaved (as the solve does)
        prm.interleave_search = prm.num_workers > 1
        prm.interleave_batch_size = INTERLEAVE_BATCH
        prm.max_deterministic_time = max(0.05, budget)
    else:
        prm.max_time_in_seconds = max(0.05, budget)
    return solver


def max_kept_rules(
    problem: Problem, relax: set[str], time_limit: float = 10.0, seed: int = 0, opts: SolveOptions | None = None
) -> tuple[str, list[str]]:
    """Make ``relax`` soft and find the fewest of them to drop for a feasible problem
    (``opts``: the solve's seed, workers and mode; else ``seed`` on two workers).

    Returns the status and the rule ids dropped, sorted (empty when even that fails).
    """
    model = Model(problem, relax)
    model.m.maximize(sum(model.on.values()))
    solver = plain_solver(opts or SolveOptions(seed=seed), time_limit)
    st = STATUS[solver.solve(model.m)]
    if st not in FOUND:
        return st, []
    return st, sorted(r for r, v in model.on.items() if not solver.boolean_value(v))
