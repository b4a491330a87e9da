"""Pieces every ``schedule`` command shares: options, plan loading, bad-input exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from pydantic import ValidationError

from scheduler.i18n import LANGS, t
from scheduler.loader import InputError, InputProblem, read_data
from scheduler.models import Plan
from scheduler.planfile import read_plan
from scheduler.solver import Progress, SolveOptions

plan_argument = click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
lang_option = click.option(
    "--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="Language of what planners read."
)


db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    help="The plan store: a SQLite file or a database URL (default: $SCHEDULE_DB, else schedule.db here).",
)


def solver_options(time_limit: float):
    """--time-limit, --seed, --workers, --deterministic and --quiet, for commands that solve."""

    def apply(f):
        for option in reversed(
            [
                click.option(
                    "--time-limit",
                    type=click.FloatRange(min=0.1),
                    default=time_limit,
                    show_default=True,
                    help="Seconds in all (deterministic mode: deterministic time units).",
                ),
                click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the solver."),
                click.option(
                    "--workers",
                    type=click.IntRange(min=1),
                    default=2,
                    show_default=True,
                    help="Solver threads; use the number of cores.",
                ),
                click.option(
                    "--deterministic", is_flag=True, help="Same input and seed give the same plan, byte for byte (slower)."
                ),
                click.option("--quiet", is_flag=True, help="No progress lines."),
            ]
        ):
            f = option(f)
        return f

    return apply


def progress_printer(lang: str):
    def progress(p: Progress) -> None:
        click.echo(
            t(
                "progress",
                lang,
                phase=t("phase." + p.phase, lang),
                stage=p.stage,
                stages=p.stages,
                level=t("level." + p.level, lang),
                obj=p.objective,
                bound=p.bound,
                gap=p.gap,
                elapsed=p.elapsed,
            ),
            err=True,
        )

    return progress


def build_options(time_limit: float, seed: int, workers: int, deterministic: bool, progress) -> SolveOptions:
    return SolveOptions(time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic, progress=progress)


def fail_input(err: InputError, wrote: bool = True) -> None:
    """Print every input problem and exit 2 (no traceback)."""
    for p in err.problems:
        click.echo(f"error: {p}", err=True)
    tail = "; nothing was written." if wrote else "."
    click.echo(f"{len(err.problems)} problem(s) in the input{tail}", err=True)
    sys.exit(2)


def load_plan(path: Path) -> Plan:
    """Read plan.json; every problem becomes an ``InputError`` naming the file and field."""
    read_data(path)  # file missing, not UTF-8, malformed JSON: with line and column
    try:
        return read_plan(path)
    except ValidationError as err:
        problems = [InputProblem(str(path), ".".join(map(str, e["loc"])), "", e["msg"]) for e in err.errors()]
        raise InputError(problems) from None


def fail(message: str, code: int = 2) -> None:
    """Print the error (no traceback) and exit with ``code`` (2: bad input or store)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def store_message(err, lang: str = "zh") -> str:
    """A ``StoreError`` in the planner's language."""
    return t(err.key, lang, **err.params) if err.key else str(err)


def open_store(db: str | None, lang: str = "zh"):
    """The plan store, or exit 2 with the reason (before any work is done)."""
    from scheduler.store import Store, StoreError

    try:
        return Store(db)
    except StoreError as err:
        fail(store_message(err, lang))


def explain_failure(outcome, lang: str) -> None:
    """Why no plan came out: the clashing rules, or that time ran out."""
    exp = outcome.explanation
    if exp is None:
        click.echo(t("unknown", lang), err=True)
        return
    click.echo(t("infeasible", lang) + ":", err=True)
    for line in exp.sentences(outcome.compiled.problem, lang):
        click.echo("  " + line, err=True)
