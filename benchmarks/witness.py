"""Greedy feasibility witness for benchmark inputs (see scheduler/greedy.py).

python benchmarks/witness.py --scale 10          # a generated scenario
python benchmarks/witness.py examples/pinghu-2026/scenario.yaml
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.core.greedy import repeated, verdict
from scheduler.domain.compile import compile_scenario
from scheduler.domain.loader import load_scenario

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Greedy feasibility witness (no CP-SAT).")
    ap.add_argument("scenario", nargs="?", help="scenario file (default: a generated one)")
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)
    if args.scenario:
        sc = load_scenario(args.scenario)
    else:
        sys.path.insert(0, str(HERE))
        from generate import scenario

        sc = scenario(args.scale, args.seed)
    problem = compile_scenario(sc).problem
    ok, text = verdict(problem, repeated(problem, []))
    print(("FEASIBLE: " if ok else "NOT SHOWN FEASIBLE: ") + text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
