"""Benchmark re-planning on the Pinghu example: one row per disruption.

    python benchmarks/replan.py                 # solve Pinghu once, then each case
    python benchmarks/replan.py --markdown      # the table again, for benchmarks/README.md

The parent plan is solved once (60 s limit, 2 workers). Each case then runs
``scheduler.plan.engine.replan`` (fold the changes in, compile, solve, build the plan,
validate it and the re-planning rules) in a fresh Python process, so its peak
memory (``ru_maxrss``) is its own. Columns: wall time of the re-plan, status,
the objective (demand, change cost, attendees moved, fairness, preferred, spread)
and its bound, the gap, sessions moved / added / dropped against the parent, and
peak memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "pinghu-2026" / "scenario.yaml"

CHILD = r"""
import datetime as dt, json, resource, sys, time
from scheduler.plan.diff import diff_plans
from scheduler.plan.engine import replan
from scheduler.models import Change, Plan
from scheduler.core.solve import SolveOptions
parent = Plan.model_validate_json(open(sys.argv[1], encoding="utf-8").read())
case = json.loads(sys.argv[2])
changes = [Change.model_validate(c) for c in case["changes"]]
began = time.perf_counter()
out = replan(parent, 1, changes, dt.date.fromisoformat(case["today"]), case["freeze"], SolveOptions(time_limit=30, workers=2))
wall = time.perf_counter() - began
row = {"time": wall, "status": out.status, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if out.plan:
    d = diff_plans(parent, out.plan)
    s = out.plan.solver
    row.update(objective=s.objective, bound=s.bound, gap=s.gap, moved=len(d.moved), added=len(d.added), dropped=len(d.dropped))
print(json.dumps(row))
"""


def cases(parent: dict) -> list[tuple[str, dict]]:
    sessions = sorted(parent["sessions"], key=lambda s: (s["date"], s["id"]))
    mid = sessions[len(sessions) // 2]
    today = _days_before(mid["date"], 3)
    peer = next(s for s in sessions if s["type"] == "peer" and s["date"] > mid["date"])
    dept = next(s for s in sessions if s["date"] >= "2026-06-01" and s["departments"])["departments"][0]
    return [
        (
            f"cancel {mid['id']} ({mid['date']})",
            {"today": today, "freeze": 0, "changes": [{"kind": "cancel", "session": mid["id"], "reason": "台风红色预警"}]},
        ),
        (
            f"cancel {mid['id']}, freeze 7 days",
            {"today": today, "freeze": 7, "changes": [{"kind": "cancel", "session": mid["id"], "reason": "台风红色预警"}]},
        ),
        (
            f"department {dept} away 2026-06-01..14",
            {
                "today": "2026-05-29",
                "freeze": 0,
                "changes": [
                    {
                        "kind": "unavailable",
                        "resource": "department",
                        "resource_id": dept,
                        "start": "2026-06-01",
                        "end": "2026-06-14",
                        "reason": "外出学习",
                    }
                ],
            },
        ),
        (
            "new order (bound: order model of the changed scenario)",
            {
                "today": today,
                "freeze": 0,
                "changes": [
                    {
                        "kind": "add_order",
                        "new_order": {
                            "id": "O-NEW",
                            "community": "shanxia",
                            "offering": peer["offering"],
                            "attendees": 5,
                            "priority": 5,
                        },
                    }
                ],
            },
        ),
    ]


def _days_before(day: str, n: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=n)).isoformat()


def solve_parent(path: Path) -> None:
    code = (
        "import sys\nfrom scheduler.plan.engine import run\nfrom scheduler.plan.planfile import plan_json\n"
        "from scheduler.core.solve import SolveOptions\n"
        f"out = run({str(SCENARIO)!r}, SolveOptions(time_limit=60, workers=2))\n"
        f"open({str(path)!r}, 'w', encoding='utf-8').write(plan_json(out.plan))\n"
        "print(out.plan.solver.status, out.plan.solver.objective, file=sys.stderr)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        parent_path = Path(tmp) / "parent.json"
        solve_parent(parent_path)
        parent = json.loads(parent_path.read_text(encoding="utf-8"))
        rows = []
        for name, case in cases(parent):
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(parent_path), json.dumps(case)],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                raise SystemExit(f"case {name} failed")
            rows.append((name, json.loads(done.stdout.strip().splitlines()[-1])))
    header = ["case", "time (s)", "status", "objective", "bound", "gap", "moved/added/dropped", "peak MB"]
    table = [
        [
            name,
            f"{r['time']:.2f}",
            r["status"],
            str(r.get("objective", "-")),
            str(r.get("bound", "-")),
            f"{r.get('gap', 0):.2%}",
            f"{r.get('moved', '-')}/{r.get('added', '-')}/{r.get('dropped', '-')}",
            f"{r['peak_mb']:.0f}",
        ]
        for name, r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    if args.markdown:
        print()
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in table:
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
