"""``schedule render`` and ``schedule export``: each parses, calls the library, and prints.

``scheduler.cli.commands`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 written; 2 bad input (the file is named, nothing is written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

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
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the day a plan was made, as the street office counts it
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


def _the_plan(plan_file: Path | None, version: int | None, db: str | None, lang: str):
    """PLAN_FILE, or version N of the store: exactly one of them (exit 2 otherwise); with
    its stamp (which version it is, when it was made) for every printed page."""
    from scheduler.publish.views import Stamp, plan_digest

    if (plan_file is None) == (version is None):
        fail(t("pg.one_source", lang))
    if plan_file is not None:
        plan = _load(lang, plan_file)[0]
        return plan, _stored(plan_file, db) or Stamp(digest=plan_digest(plan), made=_day_of(plan_file.stat().st_mtime))
    from scheduler.store.plan_store import StoreError

    try:
        store = open_store(db, lang, create=False)  # reading a version makes no store
        return store.plan(version), Stamp(version=version, made=_local_day(store.version(version).created_at))
    except StoreError as err:
        fail(store_message(err, lang))


def _stored(plan_file: Path, db: str | None):
    """The stamp of the store's version whose plan.json is this file, byte for byte; None
    when there is no such version or no SQLite store to read (none is made here)."""
    from scheduler.publish.views import Stamp
    from scheduler.store.reader import open_reader
    from scheduler.store.shared import database_url

    reader = open_reader(database_url(db))
    found = reader.find_plan(plan_file.read_text(encoding="utf-8")) if reader else None
    return Stamp(version=found[0], made=_local_day(found[1])) if found else None


def _local_day(at: dt.datetime) -> dt.date:
    """A stored time (UTC; SQLite gives it back without its zone) as the street office's day."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(SHANGHAI).date()


def _day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, SHANGHAI).date()


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

    plan, stamp = _the_plan(plan_file, version, db, lang)
    written = render_site(plan, out_dir, lang, stamp)
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
    plan, stamp = _the_plan(plan_file, version, db, lang)
    (before,) = _load(lang, previous)
    from scheduler.publish.export import export  # imported when used: keeps every other command fast
    from scheduler.publish.views import stamp_text

    written = export(plan, out_dir, formats or FORMATS, lang, before, stamp=stamp_text(plan, stamp, lang))
    feeds = [p for p in written if p.suffix == ".ics"]
    if feeds:
        click.echo(t("pg.feeds", lang, n=len(feeds), folder=feeds[0].parent))
    for path in written:
        if path.suffix != ".ics":
            click.echo(str(path))


COMMANDS = [render, export_cmd]
