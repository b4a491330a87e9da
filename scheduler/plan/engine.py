"""The whole job: scenario file in, validated plan out (or an explanation).

This is the library entry point the CLI calls; it holds no printing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from scheduler.core.first import greedy_placements, greedy_solution, time_for_a_model
from scheduler.core.options import SolveOptions
from scheduler.core.problem import Explanation, Problem, Solution
from scheduler.domain.compile import Compiled, compile_scenario
from scheduler.domain.i18n import Message, t
from scheduler.domain.loader import load_scenario, scenario_hash
from scheduler.models import Change, Plan, Scenario
from scheduler.plan.planfile import build_plan, level_gap
from scheduler.plan.reasons import EarlyReasons, explain_unmet, proven_demand
from scheduler.plan.replan import Repair, event_ids, finish, last_number, prepare
from scheduler.plan.validate import Violation, objective, stability, validate, validate_replan

# Seconds kept back from --time-limit for what follows the solve: the reasons' own
# overhead, the plan built, validated, written and stored (measured on 20x Pinghu, 1,806
# candidate sessions: 0.3 s, 0.9 s, 0.8 s, 0.1 s and 1.1 s; 10x takes about half).
AFTER_SOLVE = 0.2
AFTER_SOLVE_PER_EVENT = 0.0018
# of --time-limit, at most, kept for the unmet orders' reasons when the solve takes all it
# is given (a large street): some reasons verified beat a slightly better plan unexplained
REASONS_SHARE = 0.05


class PlanInvalid(RuntimeError):
    """The solver produced a plan the independent validator rejects: a bug, never output.

    ``problems`` are the validator's violations and objective mismatches; ``text(lang)``
    says them in the planner's language, ``str()`` in English (logs)."""

    def __init__(self, problems: list[Violation | Message]):
        self.problems = problems
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return "\n".join([t("v.engine_invalid", lang), *(p.text(lang) for p in self.problems)])


@dataclass
class Outcome:
    scenario: Scenario
    compiled: Compiled
    plan: Plan | None = None
    status: str = ""
    explanation: Explanation | None = None
    warnings: list[Message] = field(default_factory=list)
    explain_seconds: float = 0.0  # wall time of establishing the unmet orders' reasons (a thread beside the solve when early)


def check_plan(sc: Scenario, plan: Plan, parent: Plan | None = None) -> None:
    """Raise ``PlanInvalid`` unless the validator passes (and, for a re-plan, the
    re-planning rules against ``parent``); then score the plan with the validator's
    objective. The solver's own level values can only be lower (helper variables of an
    unproven level are pushed up by maximisation alone), and must be equal for a
    proven plan."""
    problems: list[Violation | Message] = list(validate(sc, plan))
    recomputed = objective(sc, plan)
    if parent is not None:
        problems += validate_replan(parent, plan)
        recomputed |= stability(parent, plan)
    info = plan.solver
    for level, value in zip(info.levels, info.objective):
        if recomputed[level] < value or (info.status == "OPTIMAL" and recomputed[level] != value):
            problems.append(Message("v.objective", level=level, solver=value, validator=recomputed[level]))
    if problems:
        raise PlanInvalid(problems)
    info.objective = [recomputed[level] for level in info.levels]
    info.gap = level_gap(info.objective, info.bound)


def within_limit(opts: SolveOptions, events: list) -> tuple[SolveOptions, Callable[[], float]]:
    """When the command's start is known (``opts.started``, wall clock only): the solve's
    options with what is left of ``--time-limit`` once the time kept for writing and a
    share for the reasons (``REASONS_SHARE``, at most ``--explain-time``) are set aside,
    and a function giving the reasons' budget when the solve is done (the
    ``--explain-time`` asked, at most what is left then: all a solve that ended early left).
    So the limit covers the whole command. Deterministic mode counts its own units: the
    options as they are."""
    if opts.started is None or opts.deterministic:
        return opts, lambda: opts.explain_time
    kept = AFTER_SOLVE + AFTER_SOLVE_PER_EVENT * len(events)
    reasons = min(opts.explain_time, REASONS_SHARE * opts.time_limit)

    def left() -> float:
        return max(0.0, opts.time_limit - (time.perf_counter() - opts.started) - kept)

    return replace(opts, time_limit=max(0.0, left() - reasons)), lambda: min(opts.explain_time, left())


def run(path: str | Path, opts: SolveOptions, lang: str = "zh", explain: bool = True) -> Outcome:
    sc = load_scenario(path)
    return run_scenario(sc, opts, str(path), scenario_hash(path), lang, explain)


def run_scenario(
    sc: Scenario, opts: SolveOptions, source: str = "", sha256: str = "", lang: str = "zh", explain: bool = True
) -> Outcome:
    comp = compile_scenario(sc)
    solve_opts, explain_budget = within_limit(opts, comp.problem.events)
    # in deterministic mode too: each solve there counts its own deterministic units, so
    # a thread beside it changes no answer, only the wall time
    early = EarlyReasons(sc, comp, opts, explain_budget)
    sol = first_solve(comp.problem, replace(solve_opts, early_plan=early.start))
    out = Outcome(sc, comp, status=sol.status, warnings=list(comp.calendar.warnings))
    if sol.status in ("OPTIMAL", "FEASIBLE"):
        evidence, out.explain_seconds = early.result(sol.assignments), early.seconds
        if evidence is None:  # the final plan serves other orders than the early one
            began = time.perf_counter()
            evidence = explain_unmet(sc, comp, sol.assignments, opts, explain_budget(), proven_demand(sol))
            out.explain_seconds = time.perf_counter() - began
        plan = build_plan(sc, comp, sol, opts, source, sha256, lang, evidence)
        check_plan(sc, plan)
        out.plan = plan
    elif sol.status == "INFEASIBLE" and explain:
        out.explanation = _explained(comp.problem, opts)
    return out


def first_solve(problem: Problem, opts: SolveOptions) -> Solution:
    """``scheduler.core.solve.solve``, without loading the solver (OR-Tools and numpy:
    about 0.27 s, ``scheduler.core.cpsat``) when no model fits in the time left: the greedy plan then, as
    ``solve`` itself would answer (``scheduler.core.first``). Measured on 10x Pinghu at
    ``--time-limit 1``, the whole command: 2.2-2.5 s with the imports, 1.6-1.7 s without."""
    if not time_for_a_model(problem, opts.time_limit):
        began = time.perf_counter()
        sol = greedy_solution(problem, greedy_placements(problem), None, 0.0)
        if sol is not None:
            sol.wall_time = time.perf_counter() - began
            return sol
    from scheduler.core.solve import solve  # imported when a model is built

    return solve(problem, opts)


def _explained(problem: Problem, opts: SolveOptions) -> Explanation:
    from scheduler.core.explain import explain_infeasible  # imported when no plan exists

    return explain_infeasible(problem, seed=opts.seed)


@dataclass
class Replanned(Outcome):
    repair: Repair | None = None


def replan(
    parent: Plan,
    parent_version: int,
    changes: list[Change],
    today: dt.date,
    freeze_days: int,
    opts: SolveOptions,
    lang: str = "zh",
    explain: bool = True,
) -> Replanned:
    """Repair ``parent`` (the store's version ``parent_version``) after ``changes``.

    Raises ``ReplanError`` for a change that cannot apply; the new plan, when there is
    one, has passed the validator and the re-planning rules."""
    rep = prepare(parent, changes, today, freeze_days)
    comp = rep.compiled
    from scheduler.core.solve import demand_bound, solve  # a re-plan always builds a model

    if comp.problem.demand_bound is None and opts.periods:
        # e.g. a new order: every re-plan is a plan of the changed scenario, so that
        # scenario's first-solve bound holds (and carries to later re-plans)
        comp.problem.demand_bound = demand_bound(compile_scenario(rep.scenario).problem, opts)
    solve_opts, explain_budget = within_limit(opts, comp.problem.events)
    sol = solve(comp.problem, solve_opts)
    out = Replanned(rep.scenario, comp, status=sol.status, warnings=list(comp.calendar.warnings) + rep.warnings, repair=rep)
    if sol.status in ("OPTIMAL", "FEASIBLE"):
        ref = parent.scenario
        evidence = explain_unmet(rep.scenario, comp, sol.assignments, opts, explain_budget(), proven_demand(sol))
        plan = build_plan(
            rep.scenario, comp, sol, opts, ref.path, ref.sha256, lang, evidence, event_ids(rep), last_number(parent)
        )
        plan = finish(rep, plan, parent_version, lang)
        check_plan(rep.scenario, plan, parent)
        out.plan = plan
    elif sol.status == "INFEASIBLE" and explain:
        out.explanation = _explained(comp.problem, opts)
    return out
