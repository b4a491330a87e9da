"""``schedule ctt``: an ITC-2007 curriculum-based course timetabling instance, solved and
scored (the benchmark of the timetabling field; see docs/itc2007.md).

The instance format, its ids and the benchmark's vocabulary are English, and so is
what this command prints. Exit codes: 0 solved (or scored); 1 no timetable found in
the time; 2 a bad instance or solution file (named with line and field), nothing
written; 3 a bug: the scorer disagrees with the solver.
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli.common import MAX_SEED, MAX_TIME_LIMIT, MAX_WORKERS, FiniteRange, PlannerCommand, fail
from scheduler.cli.schema import write_atomically

COSTS = ("room_capacity", "min_working_days", "curriculum_compactness", "room_stability")
HARD = ("lectures", "conflicts", "availability", "room_occupancy")


def _score_lines(score) -> list[str]:
    hard = ", ".join(f"{k} {getattr(score, k)}" for k in HARD)
    soft = ", ".join(f"{k} {getattr(score, k)}" for k in COSTS)
    return [f"hard violations: {score.hard} ({hard})", f"cost (UD2): {score.soft} ({soft})"]


@click.command("ctt", cls=PlannerCommand)
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("ctt-out"), show_default=True,
              help="Folder for INSTANCE's solution, <name>.sol (made when missing).")  # fmt: skip
@click.option("--time-limit", type=FiniteRange(min=1, max=MAX_TIME_LIMIT), default=300.0, show_default=True,
              help="Seconds in all.")  # fmt: skip
@click.option("--seed", type=click.IntRange(0, MAX_SEED), default=0, show_default=True, help="Random seed of the solver.")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=2, show_default=True,
              help="Solver threads; use the number of cores.")  # fmt: skip
@click.option("--check", "solution", type=click.Path(dir_okay=False, path_type=Path),
              help="Score this solution file of INSTANCE instead of solving (the official validator's rules).")  # fmt: skip
@click.option("--via", type=click.Choice(["steps", "core"]), default="steps", show_default=True,
              help="How the first timetable is found: CP-SAT's periods and rooms steps, or the engine's neutral core "
                   "(the one that plans the street office); annealing lowers the cost either way.")  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress lines.")
def ctt(
    instance: Path, out_dir: Path, time_limit: float, seed: int, workers: int, solution: Path | None, via: str, quiet: bool
) -> None:
    """Solve an ITC-2007 track 3 (curriculum-based course timetabling) INSTANCE.ctt and
    write OUT/<name>.sol in the competition's format, scored by the UD2 rules.

    Example: schedule ctt comp01.ctt --time-limit 300 --out ctt-out/
    """
    from scheduler.adapters.ctt.instance import CttError, read_ctt  # imported when used: keeps `schedule --help` fast
    from scheduler.adapters.ctt.score import score
    from scheduler.adapters.ctt.solution import read_solution

    try:
        inst = read_ctt(instance)
        if solution is not None:
            lectures, warnings = read_solution(solution, inst)
    except CttError as err:
        fail(str(err))
    if solution is not None:
        for w in warnings:
            click.echo(f"warning: {w}", err=True)
        click.echo("\n".join(_score_lines(score(inst, lectures))))
        return
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"--out {out_dir} is a file, not a folder")
    _solve_and_write(inst, instance, out_dir, time_limit, seed, workers, via, quiet)


def _solve_and_write(inst, instance: Path, out_dir: Path, time_limit, seed, workers, via, quiet) -> None:
    from scheduler.adapters.ctt.score import score  # imported when used: keeps `schedule --help` fast
    from scheduler.adapters.ctt.solution import solution_text
    from scheduler.adapters.ctt.solve import solve_ctt

    result = solve_ctt(inst, time_limit, seed, workers, None if quiet else lambda line: click.echo(line, err=True), via)
    if not result.lectures:
        fail(f"no timetable found within {time_limit:g} s (status {result.status})", code=1)
    found = score(inst, result.lectures)
    # the cost is not counted when the core's timetable is the answer (annealing not ready)
    if found.hard or (result.cost is not None and found.soft != result.cost):
        fail(f"internal error: the scorer finds hard {found.hard}, cost {found.soft}; the solver claimed cost {result.cost}", 3)
    target = out_dir / f"{instance.stem}.sol"
    try:
        write_atomically(target, solution_text(result.lectures, inst))
    except OSError as err:
        fail(f"cannot write {target}: {err.strerror or type(err).__name__}")
    click.echo("\n".join(_score_lines(found)))
    gap = f", gap {(found.soft - result.bound) / found.soft:.1%}" if found.soft else ""
    click.echo(f"lower bound: {result.bound}{gap}; {result.seconds:.1f} s, seed {seed}, {result.moves:,} annealing moves")
    click.echo(f"solution written to {target}")


COMMANDS = [ctt]
