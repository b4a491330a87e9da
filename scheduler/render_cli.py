"""``schedule render`` and ``schedule export``: each parses, calls the library, and prints.

``scheduler.cli`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 written; 2 bad input (the file is named, nothing is written).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from pydantic import ValidationError

from scheduler.export import FORMATS, export
from scheduler.i18n import LANGS
from scheduler.loader import InputError, InputProblem, read_data
from scheduler.models import Plan
from scheduler.planfile import read_plan
from scheduler.render import render_site

plan_argument = click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
lang_option = click.option(
    "--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="Language of the pages and exports."
)


def load_plan(path: Path) -> Plan:
    """Read plan.json; every problem becomes an ``InputError`` naming the file and field."""
    read_data(path)  # file missing, not UTF-8, malformed JSON: with line and column
    try:
        return read_plan(path)
    except ValidationError as err:
        problems = [InputProblem(str(path), ".".join(map(str, e["loc"])), "", e["msg"]) for e in err.errors()]
        raise InputError(problems) from None


def _fail(err: InputError) -> None:
    for p in err.problems:
        click.echo(f"error: {p}", err=True)
    click.echo(f"{len(err.problems)} problem(s) in the input; nothing was written.", err=True)
    sys.exit(2)


def _load(*paths: Path | None) -> list[Plan | None]:
    try:
        return [load_plan(p) if p else None for p in paths]
    except InputError as err:
        _fail(err)
        raise  # not reached: _fail exits


@click.command()
@plan_argument
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Folder for the pages; open OUT/index.html.",
)
@lang_option
def render(plan_file: Path, out_dir: Path, lang: str) -> None:
    """Print calendars of PLAN_FILE as HTML: overview, year, months, communities, departments, venues.

    Open OUT/index.html in a browser; print the month pages on A4 landscape.
    Example: schedule render out/plan.json --out site/
    """
    (plan,) = _load(plan_file)
    written = render_site(plan, out_dir, lang)
    click.echo(f"{len(written)} files written to {out_dir}; open {out_dir / 'index.html'}")


@click.command("export")
@plan_argument
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="ics (phone calendars), xlsx or csv; repeat for several. Default: all three.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Folder for the exported files.",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The plan.json the last feeds were made from: a session that changed gets a higher SEQUENCE.",
)
@lang_option
def export_cmd(plan_file: Path, formats: tuple[str, ...], out_dir: Path, previous: Path | None, lang: str) -> None:
    """Export PLAN_FILE as iCalendar feeds (all, per community, per department), Excel and CSV.

    Example: schedule export out/plan.json --format ics --out exports/ --previous old/plan.json
    """
    plan, before = _load(plan_file, previous)
    written = export(plan, out_dir, formats or FORMATS, lang, before)
    feeds = [p for p in written if p.suffix == ".ics"]
    if feeds:
        click.echo(f"{len(feeds)} iCalendar feeds in {feeds[0].parent} (all.ics: every session)")
    for path in written:
        if path.suffix != ".ics":
            click.echo(str(path))


COMMANDS = [render, export_cmd]
