"""``schedule render`` and ``schedule export``: each parses, calls the library, and prints.

``scheduler.cli`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 written; 2 bad input (the file is named, nothing is written).
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli_common import fail_input, lang_option, load_plan, plan_argument
from scheduler.export import FORMATS, export
from scheduler.loader import InputError
from scheduler.models import Plan
from scheduler.render import render_site


def _load(*paths: Path | None) -> list[Plan | None]:
    try:
        return [load_plan(p) if p else None for p in paths]
    except InputError as err:
        fail_input(err)
        raise  # not reached: fail_input exits


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
