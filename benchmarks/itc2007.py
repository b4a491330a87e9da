"""ITC-2007 track 3 (curriculum-based course timetabling) with the engine's CB-CTT solver.

For each instance of ``../shared/bench-data/itc2007-ctt`` (comp01-21 by default) one
fresh process runs ``solve_ctt`` at the time limit; the independent scorer scores
what it returns. The table: UD2 cost, hard violations, the proven lower bound, the best
known cost and lower bound of the literature (best_known.tsv), cost / best, the times
(until the first timetable, the solve in process, and the whole child process:
interpreter, imports, reading, the solve and the scoring) and the child's peak memory;
then the geometric mean of cost / best over instances whose best known is above 0.
Seeds are recorded per row.

    python benchmarks/itc2007.py                          # 21 instances x 300 s: about 1 h 45 min
    python benchmarks/itc2007.py --limit 60 --instances comp01,comp04,comp07,comp11,comp14
    python benchmarks/itc2007.py --json ctt.json          # the raw figures too (written after each instance)
    python benchmarks/itc2007.py --table ctt.json         # the table of a saved run again
    python benchmarks/itc2007.py --via core --limit 60    # the first timetable by the engine's neutral core
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "bench-data" / "itc2007-ctt"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from scheduler.adapters.ctt.instance import read_ctt
from scheduler.adapters.ctt.score import score
from scheduler.adapters.ctt.solve import solve_ctt
path, limit, seed, workers, via = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
started = time.monotonic()
inst = read_ctt(path)
result = solve_ctt(inst, limit, seed, workers, via=via)
s = score(inst, result.lectures)
print(json.dumps({"cost": s.soft, "hard": s.hard, "claimed": result.cost, "bound": result.bound,
                  "status": result.status, "moves": result.moves, "solve_s": result.seconds,
                  "first_s": result.first_seconds,
                  "whole_s": time.monotonic() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def best_known() -> dict[str, tuple[int, int]]:
    rows = (DATA / "best_known.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {r.split("\t")[0]: (int(r.split("\t")[1]), int(r.split("\t")[2])) for r in rows if r.strip()}


def run_one(name: str, limit: float, seed: int, workers: int, via: str = "steps") -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", CHILD, str(DATA / f"{name}.ctt"), str(limit), str(seed), str(workers), via]
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    process_s = time.monotonic() - started
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process_s": process_s}


def table(rows: list[dict]) -> list[str]:
    head = (
        "| instance | cost | hard | lower bound | best known (LB) | cost/best | first s | solve s | process s | peak MB | seed |"
    )
    out = [head, "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['name']} | error: {r['error']} | | | | | | | | | {r['seed']} |")
            continue
        ratio = f"{r['cost'] / r['best']:.2f}" if r["best"] else "–"
        # runs saved before these were measured have neither
        process = f"{r['process_s']:.1f}" if "process_s" in r else "–"
        first = f"{r['first_s']:.1f}" if "first_s" in r else "–"
        out.append(
            f"| {r['name']} | {r['cost']} | {r['hard']} | {r['bound']} | {r['best']} ({r['best_lb']}) | {ratio} "
            f"| {first} | {r['solve_s']:.1f} | {process} | {r['peak_mb']:.0f} | {r['seed']} |"
        )
    ratios = [r["cost"] / r["best"] for r in rows if "error" not in r and r["best"] > 0]
    if ratios:
        mean = math.exp(sum(math.log(max(x, 1e-9)) for x in ratios) / len(ratios))
        out.append(f"\ngeometric mean of cost/best over {len(ratios)} instances with best > 0: {mean:.2f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=float, default=300.0, help="seconds per instance (default 300)")
    ap.add_argument("--instances", default=",".join(f"comp{i:02d}" for i in range(1, 22)))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--via", choices=["steps", "core"], default="steps", help="the first timetable's route (schedule ctt --via)")
    ap.add_argument("--json", type=Path, help="write the raw figures here too")
    ap.add_argument("--table", type=Path, help="print the table of a run saved with --json, and stop")
    a = ap.parse_args()
    if a.table:
        try:
            saved = json.loads(a.table.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            sys.exit(f"{a.table}: not a run saved with --json ({err})")
        print("\n".join(table(saved)))
        return
    known, rows = best_known(), []
    for name in a.instances.split(","):
        row = {"name": name, "seed": a.seed, "limit": a.limit, "via": a.via, **run_one(name, a.limit, a.seed, a.workers, a.via)}
        row["best"], row["best_lb"] = known.get(name, (0, 0))
        rows.append(row)
        print(table(rows[-1:])[-1] if "error" in row else table([row])[2], flush=True)
        if a.json:  # after every instance: a run stopped half-way keeps what it measured
            a.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(f"\n{a.limit:g} s per instance, {a.workers} workers, seed {a.seed}, first timetable by {a.via}\n")
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
