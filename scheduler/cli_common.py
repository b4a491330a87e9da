"""Pieces every ``schedule`` command shares: options, plan loading, bad-input exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from pydantic import ValidationError

from scheduler.i18n import LANGS
from scheduler.loader import InputError, InputProblem, read_data
from scheduler.models import Plan
from scheduler.planfile import read_plan

plan_argument = click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
lang_option = click.option(
    "--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="Language of what planners read."
)


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
