"""What a planner waits for: whole-process wall times of `schedule` commands.

Each command runs as a fresh process (`python -m scheduler.cli ...`, what the installed
`schedule` script runs), in a scratch folder with its own store, several times; the
table prints the median, the fastest and the slowest, and for `solve` the solver's own
figure from plan.json next to it (the in-process time of the solve alone).

    python benchmarks/whole_process.py                      # this checkout, 5 runs each
    python benchmarks/whole_process.py --checkout /tmp/old  # another checkout (before/after)
    python benchmarks/whole_process.py --runs 3 --only solve,help

Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def commands(example: Path) -> dict[str, list[str]]:
    """The measured commands, in the order they run (later ones need the store solve left)."""
    return {
        "help": ["--help"],
        "solve": ["solve", str(example), "--out", "out", "--quiet"],
        "validate": ["validate", "out/plan.json"],
        "why": ["why", "O-001", "--plan", "out/plan.json"],
        "plans": ["plans"],
        "diff": ["diff", "1", "1"],  # two plans read from the store and compared (a fresh solve has no parent)
    }


def timed(checkout: Path, folder: Path, args: list[str]) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEDULE_")}
    env.update(PYTHONPATH=str(checkout), SCHEDULE_DB=f"sqlite:///{folder / 'schedule.db'}")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scheduler.cli", *args], cwd=folder, env=env, capture_output=True)
    return time.perf_counter() - start, proc.returncode


def measure(checkout: Path, runs: int, only: set[str] | None) -> list[dict]:
    """Median, fastest and slowest wall time of each command over ``runs`` runs."""
    example = checkout / "examples" / "pinghu-2026" / "scenario.yaml"
    rows = []
    with tempfile.TemporaryDirectory(prefix="schedule-bench-") as tmp:
        folder = Path(tmp)
        times: dict[str, list[float]] = {name: [] for name in commands(example)}
        codes: dict[str, set[int]] = {name: set() for name in commands(example)}
        solver: list[float] = []
        for _ in range(runs):
            for name, args in commands(example).items():
                if only and name not in only and name != "solve":
                    continue
                seconds, code = timed(checkout, folder, args)
                times[name].append(seconds)
                codes[name].add(code)
                plan = folder / "out" / "plan.json"
                if name == "solve" and plan.is_file():
                    solver.append(json.loads(plan.read_text(encoding="utf-8"))["solver"]["time_seconds"])
        for name, values in times.items():
            if values and (not only or name in only):
                row = {"command": name, "median": statistics.median(values), "min": min(values), "max": max(values)}
                row["exit"] = ",".join(str(c) for c in sorted(codes[name]))
                row["solver"] = statistics.median(solver) if name == "solve" and solver else None
                rows.append(row)
        shutil.rmtree(folder / "out", ignore_errors=True)
    return rows


def table(rows: list[dict], runs: int, checkout: Path) -> str:
    lines = [f"checkout: {checkout}   runs: {runs}   (whole process: what a planner waits for)", ""]
    lines.append(f"{'command':<10} {'median s':>9} {'min s':>7} {'max s':>7} {'exit':>5} {'solver s (in-process)':>22}")
    for r in rows:
        solver = f"{r['solver']:.2f}" if r["solver"] is not None else "-"
        lines.append(f"{r['command']:<10} {r['median']:>9.2f} {r['min']:>7.2f} {r['max']:>7.2f} {r['exit']:>5} {solver:>22}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", type=Path, default=HERE, help="the checkout whose code runs (default: this one)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    ap.add_argument("--only", default="", help="comma-separated commands: help,solve,validate,why,plans,diff")
    opts = ap.parse_args()
    only = {x for x in opts.only.split(",") if x} or None
    print(table(measure(opts.checkout.resolve(), opts.runs, only), opts.runs, opts.checkout.resolve()))


if __name__ == "__main__":
    main()
