"""Benchmark the engine: one row per case, each case in a fresh Python process.

    python benchmarks/run.py                                  # the default cases
    python benchmarks/run.py --cases pinghu-2026,10x --time-limit 30
    python benchmarks/run.py --cases scale                    # 1x, 2x, 5x, 10x, 20x
    python benchmarks/run.py --list

Each case runs ``scheduler.plan.engine.run`` (load, compile, solve, build and validate
the plan: the *solver* figure, in-process) in a child process started with
``subprocess``, so the peak memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read in
the child at the end) belongs to that case alone. The child prints one JSON line that
the parent reads. A ``schedule solve`` case runs the command itself as a process: its
time is the *whole process*, what a planner waits for (imports, the store included).
See benchmarks/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass
class Case:
    name: str
    path: str | None = None  # a scenario file, relative to the repository root
    scale: float | None = None  # or a scenario made by benchmarks/generate.py
    seed: int = 2026  # generator seed
    time_limit: float = 60.0
    workers: int = 2
    deterministic: bool = False
    solver_seed: int = 0
    explain_time: float = 20.0  # --explain-time (the default of schedule solve)
    note: str = ""
    command: bool = False  # run `schedule solve` as a process: "time" is what a planner waits for
    extra: dict = field(default_factory=dict)


CASES = {
    c.name: c
    for c in [
        Case("pinghu-2026", path="examples/pinghu-2026/scenario.yaml", note="the realistic example: 12 communities, 70 sessions"),
        # The limit of a deterministic solve is in deterministic time units, which run far slower than
        # seconds here (60 units took 273 s of wall time on Pinghu): 30 keeps the whole run near 5 minutes.
        Case(
            "pinghu-2026 deterministic",
            path="examples/pinghu-2026/scenario.yaml",
            deterministic=True,
            time_limit=30,
            note="same, deterministic=True (limit in deterministic time units, not seconds)",
        ),
        Case(
            "pinghu-2026 schedule solve",
            path="examples/pinghu-2026/scenario.yaml",
            time_limit=30,
            command=True,
            note="`schedule solve` as a process with its default options: the whole wait, store write included",
        ),
        Case("10x", scale=10, note="benchmarks/generate.py --scale 10: 120 communities, 700 sessions"),
        # Not run by default: the scale table (issue 14) and the scaling in between.
        Case("1x", scale=1, note="benchmarks/generate.py --scale 1: a Pinghu-sized synthetic scenario"),
        Case("2x", scale=2, note="benchmarks/generate.py --scale 2: 24 communities, 140 sessions"),
        Case("3x", scale=3, note="benchmarks/generate.py --scale 3: 36 communities, 210 sessions"),
        Case("5x", scale=5, note="benchmarks/generate.py --scale 5: 60 communities, 350 sessions"),
        Case("20x", scale=20, note="benchmarks/generate.py --scale 20: 240 communities, 1,400 sessions"),
        Case(
            "10x schedule solve",
            scale=10,
            command=True,
            note="`schedule solve` of the 10x scenario as a process: the whole wait against --time-limit",
        ),
    ]
}
DEFAULT_CASES = ["pinghu-2026", "pinghu-2026 deterministic", "pinghu-2026 schedule solve", "10x"]
SCALE_CASES = ["1x", "2x", "5x", "10x", "20x"]  # --cases scale


# --------------------------------------------------------------------------- child


def _scenario_file(spec: dict, folder: str) -> str:
    """The case's scenario: the file named, or one made by generate.py in ``folder``."""
    if spec["path"] is not None:
        return str(ROOT / spec["path"])
    sys.path.insert(0, str(HERE))
    from generate import generate, to_yaml

    path = Path(folder) / f"x{spec['scale']:g}.yaml"
    path.write_text(to_yaml(generate(spec["scale"], spec["seed"])), encoding="utf-8")
    return str(path)


def _child(spec: dict) -> dict:
    """Run one case in this (fresh) process and return its figures."""
    with tempfile.TemporaryDirectory(prefix="schedule-bench-") as folder:
        path = _scenario_file(spec, folder)
        return _engine_run(spec, path)


def _engine_run(spec: dict, path: str) -> dict:
    """``engine.run`` in this process, its limit counted from the start of the run (as
    ``schedule solve`` counts it from the start of the command)."""
    import resource

    from scheduler.core.solve import Progress, SolveOptions
    from scheduler.plan.engine import run

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(p: Progress) -> None:
        now = time.perf_counter() - t0
        marks.setdefault("first_solution", now)
        marks.setdefault(f"start:{p.level}", now)
        marks[f"last:{p.level}"] = now
        if p.objective == p.bound:
            marks.setdefault(f"proven:{p.level}", now)

    opts = SolveOptions(
        time_limit=spec["time_limit"],
        seed=spec["solver_seed"],
        workers=spec["workers"],
        deterministic=spec["deterministic"],
        progress=progress,
        explain_time=spec["explain_time"],
        started=t0,
    )
    result: dict = {"name": spec["name"]}
    try:
        out = run(path, opts, lang="en", explain=False)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not crash
        result.update(status=f"ERROR {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        out = None
    result["time"] = time.perf_counter() - t0
    if out is not None:
        result["status"] = out.status
        total = out.scenario.plan.sessions.total
        result["target_sessions"] = total
        if out.plan is not None:
            s = out.plan.solver
            result.update(
                status=s.status,
                sessions=len(out.plan.sessions),
                levels=s.levels,
                objective=s.objective,
                bound=s.bound,
                gap=s.gap,
                solver_time=s.time_seconds,
                unmet=len(out.plan.unmet),
                orders=len(out.scenario.orders),
                tiers=[sum(u.tier == k for u in out.plan.unmet) for k in (1, 2, 3)],
                explain_time=out.explain_seconds,
            )
            result.update(_rhythm(out))
        result["first_level_proven"] = marks.get("proven:demand")
        result["first_solution"] = marks.get("first_solution")
        result["marks"] = marks
    result["rss_before_mb"] = rss_before
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return result


def run_command(case: Case, timeout: float) -> dict:
    """``schedule solve`` as a fresh process in a scratch folder with its own store: its
    wall time is the whole wait (imports, load, solve, reasons, plan.json, the store);
    the solver's own figures come from the plan.json it wrote."""
    spec = {"path": case.path, "scale": case.scale, "seed": case.seed}
    with tempfile.TemporaryDirectory(prefix="schedule-bench-") as folder:
        scenario = _scenario_file(spec, folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEDULE_")}
        env.update(PYTHONPATH=str(ROOT), SCHEDULE_DB=f"sqlite:///{Path(folder) / 'schedule.db'}")
        argv = [sys.executable, "-m", "scheduler.cli", "solve", scenario, "--out", "out", "--quiet", "--lang", "en"]
        argv += ["--time-limit", f"{case.time_limit:g}", "--workers", str(case.workers)]
        argv += ["--explain-time", f"{case.explain_time:g}"]
        began = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, code, usage = _wait(proc, timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return {"name": case.name, "status": f"TIMEOUT after {timeout:.0f} s", "time": time.perf_counter() - began}
        result = {"name": case.name, "time": time.perf_counter() - began, "peak_mb": usage.ru_maxrss / 1024}
        plan_file = Path(folder) / "out" / "plan.json"
        if code not in (0, 1) or not plan_file.exists():
            result["status"] = "no plan" if code == 1 else f"CRASH rc={code}: {proc.stderr.read().decode()[-120:]}"
            return result
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        s = plan["solver"]
        result.update(status=s["status"], sessions=len(plan["sessions"]), objective=s["objective"], bound=s["bound"])
        tiers = [sum(u["tier"] == k for u in plan["unmet"]) for k in (1, 2, 3)]
        result.update(gap=s["gap"], solver_time=s["time_seconds"], tiers=tiers, target_sessions=None)
        return result


def _wait(proc: subprocess.Popen, timeout: float):
    """Wait for ``proc`` within ``timeout``; its pid, exit code and resource usage (its own peak memory)."""
    deadline = time.perf_counter() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, proc.returncode, usage
        if time.perf_counter() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.01)


def _rhythm(out) -> dict:
    """The plan's rhythm figures (``scheduler.plan.validate.rhythm_figures``)."""
    from scheduler.plan.validate import rhythm_figures

    r = rhythm_figures(out.scenario, out.plan)
    return {
        "busiest_day": r.busiest_day,
        "busiest_week": r.busiest_week,
        "weeks": r.weeks,
        "usable_weeks": r.usable_weeks,
        "early_share": r.early_share(len(out.plan.sessions)),
    }


# --------------------------------------------------------------------------- parent


def run_case(case: Case, timeout: float) -> dict:
    if case.command:
        return run_command(case, timeout)
    spec = {
        "name": case.name,
        "path": case.path,
        "scale": case.scale,
        "seed": case.seed,
        "time_limit": case.time_limit,
        "workers": case.workers,
        "deterministic": case.deterministic,
        "solver_seed": case.solver_seed,
        "explain_time": case.explain_time,
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    began = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"name": case.name, "status": f"TIMEOUT after {timeout:.0f} s", "time": time.perf_counter() - began}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"name": case.name, "status": f"CRASH rc={proc.returncode}: {err[:120]}", "time": time.perf_counter() - began}
    return json.loads(lines[-1])


def _fmt(x, spec: str = "", none: str = "-") -> str:
    if x is None:
        return none
    return format(x, spec)


COLUMNS = [
    "case",
    "sessions",
    "time (s)",
    "solver (s)",
    "status",
    "demand",
    "objective",
    "bound",
    "gap",
    "day/week max",
    "weeks",
    "days 1-10",
    "peak MB",
    "unmet: tier 1/2/3",
    "explain (s)",
    "1st sol (s)",
    "L1 proven (s)",
    "L1 end (s)",
]


def row(r: dict) -> list[str]:
    obj = r.get("objective")
    sessions = r.get("sessions")
    target = r.get("target_sessions")
    return [
        r["name"],
        (f"{sessions}/{target}" if target else str(sessions)) if sessions is not None else (f"-/{target}" if target else "-"),
        _fmt(r.get("time"), ".1f"),
        _fmt(r.get("solver_time"), ".1f"),
        r.get("status", "?"),
        _fmt(obj[0] if obj else None),
        "[" + ", ".join(map(str, obj)) + "]" if obj else "-",
        "[" + ", ".join(map(str, r["bound"])) + "]" if r.get("bound") else "-",
        _fmt(r.get("gap"), ".2%"),
        f"{r['busiest_day']}/{r['busiest_week']}" if "busiest_day" in r else "-",
        f"{r['weeks']}/{r['usable_weeks']}" if "weeks" in r else "-",
        _fmt(r.get("early_share"), ".0%"),
        _fmt(r.get("peak_mb"), ".0f"),
        "/".join(map(str, r["tiers"])) if r.get("tiers") else "-",
        _fmt(r.get("explain_time"), ".1f"),
        _fmt(r.get("first_solution"), ".1f"),
        _fmt(r.get("first_level_proven"), ".1f"),
        _fmt((r.get("marks") or {}).get("last:demand"), ".1f"),
    ]


def plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def print_table(results: list[dict], plain: bool) -> None:
    rows = [row(r) for r in results]
    if not plain and sys.stdout.isatty():
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            plain = True
    if plain or not sys.stdout.isatty():
        print(plain_table(rows))
        return
    table = Table(title="scheduler benchmarks")
    for c in COLUMNS:
        table.add_column(c, justify="left" if c in ("case", "status", "objective", "bound") else "right")
    for r in rows:
        table.add_row(*r)
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the scheduler engine, one fresh process per case.")
    ap.add_argument(
        "--cases",
        help=f"comma-separated case names (default: {','.join(DEFAULT_CASES)}); 'all' for every case; "
        f"'scale' for {','.join(SCALE_CASES)}; see --list",
    )
    ap.add_argument(
        "--time-limit",
        type=float,
        help="override every case's time limit (seconds; deterministic cases: deterministic time units)",
    )
    ap.add_argument("--workers", type=int, help="override every case's solver workers")
    ap.add_argument("--explain-time", type=float, help="override every case's --explain-time (seconds for the unmet reasons)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument(
        "--plain", action="store_true", help="plain-text table even if rich is installed (always when not a terminal)"
    )
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown (for the README)")
    ap.add_argument("--json", metavar="FILE", help="also write the raw results to FILE")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(_child(json.loads(args.child))), flush=True)
        return 0
    if args.list:
        for c in CASES.values():
            default = "*" if c.name in DEFAULT_CASES else " "
            mode = ", deterministic" if c.deterministic else ""
            print(f"{default} {c.name:<27} limit {c.time_limit:g}, {c.workers} workers{mode}: {c.note}")
        print("(* = run by default)")
        return 0
    if args.cases == "all":
        names = list(CASES)
    elif args.cases == "scale":
        names = SCALE_CASES
    else:
        names = [n.strip() for n in args.cases.split(",")] if args.cases else DEFAULT_CASES
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}", file=sys.stderr)
        return 2
    results = []
    for n in names:
        case = CASES[n]
        if args.time_limit is not None:
            case.time_limit = args.time_limit
        if args.workers is not None:
            case.workers = args.workers
        if args.explain_time is not None:
            case.explain_time = args.explain_time
        # deterministic time units can run much longer than seconds: allow for it
        timeout = case.time_limit * (8 if case.deterministic else 2) + 300
        print(
            f"running {n} (limit {case.time_limit:g}, {case.workers} workers"
            f"{', deterministic' if case.deterministic else ''}) ...",
            file=sys.stderr,
            flush=True,
        )
        results.append(run_case(case, timeout))
    print_table(results, args.plain)
    if args.markdown:
        print()
        print(markdown_table([row(r) for r in results]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    # a case without a plan is a finding; only a crash, error or timeout of the harness fails the run
    return 1 if any(r.get("status", "").startswith(("CRASH", "ERROR", "TIMEOUT")) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
