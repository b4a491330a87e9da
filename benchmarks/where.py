"""Where the time of one `schedule solve` goes, step by step, in one fresh process.

    python benchmarks/where.py                                   # Pinghu, default options
    python benchmarks/where.py --scale 10 --time-limit 60        # a generated scenario
    python benchmarks/where.py path/to/scenario.yaml

Runs what ``schedule solve`` runs (loading the solver even where the command would not, to
time its stages), in order (import, load, compile, the solve with each
of its stages, the unmet orders' reasons, building the plan, validating it, plan.json,
the store) and prints when each step ended and how long it took. The solve's stages are
timed by wrapping the functions of ``scheduler.core.solve`` that run them (a
measurement, not a change of behaviour). Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

BEGAN = time.perf_counter()
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # this checkout's scheduler, not an installed copy
from scheduler.cli.common import fewer_collections  # noqa: E402 - as the command does, before its imports

fewer_collections()
STEPS = {  # function of scheduler.core.solve -> what it does
    "greedy_placements": "greedy first plan",
    "_selection_model": "selection model: demand and fairness",
    "_fixed_search": "a small solve with runs and attendance fixed (months, or a polish)",
    "_run_stages": "a model's stages (selection, periods or days)",
    "any_layout": "lay the month plan out on days (feasibility)",
    "_in_weeks": "the month plan given weeks (window part of rhythm), then laid out",
    "_realise": "layout with rhythm maximised (months or weeks fixed)",
    "_window_bound": "piece model: rhythm bound",
    "_prove_rhythm": "day model: last rhythm stage",
    "_layout_conflict": "picks that cannot be laid out together (a cut for the period model)",
    "_same_values": "period model after a cut: a plan with the same values",
    "_near_plan": "a plan near the last month plan (the cuts failed)",
    "_solve_days": "day model (fallback, or a neighbourhood of the month plan)",
}


def _wrap(module, name: str, log: list) -> None:
    f = getattr(module, name)

    @functools.wraps(f)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            log.append((STEPS[name], start - BEGAN, time.perf_counter() - start))

    setattr(module, name, timed)


def _scenario(args, folder: str) -> Path:
    if args.scenario:
        return Path(args.scenario)
    if args.scale:
        sys.path.insert(0, str(HERE))
        from generate import generate, to_yaml

        path = Path(folder) / f"x{args.scale:g}.yaml"
        path.write_text(to_yaml(generate(args.scale, 2026)), encoding="utf-8")
        return path
    return ROOT / "examples" / "pinghu-2026" / "scenario.yaml"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", help="a scenario file (default: the Pinghu example)")
    ap.add_argument("--scale", type=float, help="a scenario made by generate.py at this scale instead")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--explain-time", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="schedule-where-") as folder:
        for step, ended, took in _steps(args, folder):
            print(f"{ended:8.2f}  {took:7.2f}  {step}")
    return 0


def _steps(args, folder: str) -> list[tuple[str, float, float]]:
    """(step, ended at, took) in seconds from this process's start, in order."""
    out: list[tuple[str, float, float]] = []

    def mark(step: str, start: float) -> float:
        now = time.perf_counter()
        out.append((step, now - BEGAN, now - start))
        return now

    t = BEGAN
    from scheduler.core import solve as core_solve
    from scheduler.core.solve import SolveOptions
    from scheduler.domain.compile import compile_scenario
    from scheduler.domain.loader import load_scenario
    from scheduler.plan.engine import check_plan, first_solve, within_limit
    from scheduler.plan.planfile import build_plan, plan_json
    from scheduler.plan.reasons import EarlyReasons, explain_unmet, proven_demand
    from scheduler.plan.staging import StagedPlan
    from scheduler.store.plan_store import Store

    t = mark("import (the solver, the store)", t)
    stages: list = []
    for name in STEPS:
        _wrap(core_solve, name, stages)
    store = Store(f"sqlite:///{Path(folder) / 'schedule.db'}")
    t = mark("open the store (a new one: migrated)", t)
    path = _scenario(args, folder)
    sc = load_scenario(path)
    t = mark(f"load {path.name}", t)
    comp = compile_scenario(sc)
    t = mark(f"compile ({len(comp.problem.events)} candidate sessions)", t)
    opts = SolveOptions(time_limit=args.time_limit, workers=args.workers, explain_time=args.explain_time, started=BEGAN)
    solve_opts, reasons_budget = within_limit(opts, comp.problem.events)
    early = EarlyReasons(sc, comp, opts, reasons_budget)  # as the engine does
    sol = first_solve(comp.problem, replace(solve_opts, early_plan=early.start))
    out += [(f"  {step}", start + took, took) for step, start, took in stages]
    t = mark(f"solve: {sol.status} {sol.objective} (method {sol.info.get('method')})", t)
    evidence = early.result(sol.assignments)
    how = f"in a thread beside the solve, {early.seconds:.2f} s; waited for after it"
    if evidence is None:
        how = "after the solve"
        evidence = explain_unmet(sc, comp, sol.assignments, opts, reasons_budget(), proven_demand(sol))
    tiers = [sum(e.tier == k for e in evidence.values()) for k in (1, 2, 3)]
    t = mark(f"reasons of {len(evidence)} unmet orders (tier 1/2/3: {'/'.join(map(str, tiers))}; {how})", t)
    plan = build_plan(sc, comp, sol, opts, str(path), "", "en", evidence)
    t = mark("build the plan", t)
    check_plan(sc, plan)
    t = mark("validate (independent validator, objective recomputed)", t)
    staged = StagedPlan(plan_json(plan), Path(folder) / "out")
    t = mark("plan.json text", t)
    store.record_solve(plan, str(path), staged)
    mark("write plan.json and record the version in the store", t)
    return sorted(out, key=lambda s: s[1])


if __name__ == "__main__":
    sys.exit(main())
