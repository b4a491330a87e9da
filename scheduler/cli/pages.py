"""``schedule render`` and ``schedule export``: each parses, calls the library, and prints.

``scheduler.cli.commands`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 written; 2 bad input (the file is named, nothing is written).
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli.common import (
    VERSION,
    PlannerCommand,
    db_option,
    fail,
    fail_input,
    lang_option,
    load_plan,
    open_store,
    out_dir_option,
    store_message,
)
from scheduler.domain.i18n import t
from scheduler.domain.loader import InputError
from scheduler.models import Plan
from scheduler.publish import FORMATS

plan_source = click.argument("plan_file", required=False, type=click.Path(path_type=Path))  # a folder: see load_plan
version_option = click.option(
    "--version",
    "version",
    type=VERSION,
    metavar="N",
    help="Take version N from the plan store (see `schedule plans`) instead of a plan.json.",
)


def _load(lang: str, *paths: Path | None) -> list[Plan | None]:
    try:
        return [load_plan(p) if p else None for p in paths]
    except InputError as err:
        fail_input(err, lang=lang)
        raise  # not reached: fail_input exits


def _the_plan(plan_file: Path | None, version: int | None, db: str | None, lang: str) -> Plan:
    """PLAN_FILE, or version N of the store: exactly one of them (exit 2 otherwise)."""
    if (plan_file is None) == (version is None):
        fail(t("pg.one_source", lang))
    if plan_file is not None:
        return _load(lang, plan_file)[0]
    from scheduler.store.plan_store import StoreError

    try:
        return open_store(db, lang).plan(version)
    except StoreError as err:
        fail(store_message(err, lang))


@click.command(cls=PlannerCommand)
@plan_source
@version_option
@db_option
@out_dir_option("Folder for the pages; open OUT/index.html.", "site")
@lang_option
def render(plan_file: Path | None, version: int | None, db: str | None, out_dir: Path, lang: str) -> None:
    """Print calendars of PLAN_FILE (or store version N) as HTML: overview, year, months,
    communities, departments, venues.

    Open OUT/index.html in a browser; print the month pages on A4 landscape.
    Example: schedule render out/plan.json --out site/   or   schedule render --version 2 --out site-v2/
    """
    from scheduler.publish.render import render_site  # imported when used: keeps `schedule --help` fast

    plan = _the_plan(plan_file, version, db, lang)
    written = render_site(plan, out_dir, lang)
    click.echo(t("pg.rendered", lang, n=len(written), folder=out_dir, index=out_dir / "index.html"))


@click.command("export", cls=PlannerCommand)
@plan_source
@version_option
@db_option
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="ics (phone calendars), xlsx or csv; repeat for several. Default: all three.",
)
@out_dir_option("Folder for the exported files.", "exports")
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The plan.json the last feeds were made from: a session that changed gets a higher SEQUENCE.",
)
@lang_option
def export_cmd(
    plan_file: Path | None,
    version: int | None,
    db: str | None,
    formats: tuple[str, ...],
    out_dir: Path,
    previous: Path | None,
    lang: str,
) -> None:
    """Export PLAN_FILE (or store version N) as iCalendar feeds (all, per community, per
    department), Excel and CSV. A store version carries its own SEQUENCE numbers.

    Example: schedule export out/plan.json --format ics --out exports/ --previous old/plan.json
    """
    plan = _the_plan(plan_file, version, db, lang)
    (before,) = _load(lang, previous)
    from scheduler.publish.export import export  # imported when used: keeps every other command fast

    written = export(plan, out_dir, formats or FORMATS, lang, before)
    feeds = [p for p in written if p.suffix == ".ics"]
    if feeds:
        click.echo(t("pg.feeds", lang, n=len(feeds), folder=feeds[0].parent))
    for path in written:
        if path.suffix != ".ics":
            click.echo(str(path))


COMMANDS = [render, export_cmd]
