"""``schedule forms`` and ``schedule collect``: order forms out to the communities (menu
forms to the departments), filled-in forms back into one scenario.

``scheduler.cli.commands`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 written; 2 bad input (a scenario, a form, an output path) and nothing written.
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli.common import PlannerCommand, fail, fail_input, lang_option, problem_line, scenario_or_exit
from scheduler.domain.i18n import t
from scheduler.domain.loader import InputError

OUT_SUFFIXES = (".yaml", ".yml", ".xlsx")


@click.command("forms", cls=PlannerCommand)
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the forms (made when missing); a form of the same name is replaced.",
)
@click.option("--departments", is_flag=True, help="Write a menu form per department instead of an order form per community.")
@click.option("--with-orders", is_flag=True, help="Fill each community's order form with its current orders.")
@lang_option
def forms(scenario: Path, out_dir: Path, departments: bool, with_orders: bool, lang: str) -> None:
    """Write one order form (点单表) per community of SCENARIO, or with --departments one menu
    form (菜单表) per department, as Excel workbooks to send out and collect back.

    Example: schedule forms examples/pinghu-2026/scenario.yaml --out forms/
    """
    from scheduler.intake.forms import write_forms  # imported when used: keeps `schedule --help` fast

    sc = scenario_or_exit(scenario, lang)
    if out_dir.exists() and not out_dir.is_dir():
        fail(t("wb.out_folder", lang, folder=out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = write_forms(sc, out_dir, lang, departments=departments, orders=with_orders)
    except OSError as err:
        fail(t("wb.cannot_write", lang, path=out_dir, why=err.strerror or type(err).__name__))
    click.echo(t("fm.written", lang, folder=out_dir, n=len(written)))


@click.command("collect", cls=PlannerCommand)
@click.argument("scenario", type=click.Path(path_type=Path))
@click.argument("form_files", metavar="FORMS...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The merged scenario to write (.yaml keeps SCENARIO's comments; .xlsx writes a workbook).",
)
@click.option("--skip-bad", is_flag=True, help="Merge the good forms and list the bad ones (default: nothing is written).")
@lang_option
def collect(scenario: Path, form_files: tuple[Path, ...], out_file: Path, skip_bad: bool, lang: str) -> None:
    """Merge filled-in FORMS into SCENARIO: a community's form replaces its orders, a
    department's form its offerings, instructors and days away. The result is checked like
    any scenario.

    Example: schedule collect examples/pinghu-2026/scenario.yaml forms/*.xlsx --out scenario-2026.yaml
    """
    from scheduler.intake.merge import collect_forms

    sc = scenario_or_exit(scenario, lang)
    if out_file.suffix.lower() not in OUT_SUFFIXES:
        fail(t("fm.out_suffix", lang, path=out_file))
    if not out_file.parent.is_dir():
        fail(t("wb.out_folder", lang, folder=out_file.parent))
    try:
        result = collect_forms(sc, str(scenario), list(form_files), skip_bad=skip_bad)
    except InputError as err:
        fail_input(err, lang=lang)
    for form in result.skipped:
        for p in form.problems:
            click.echo(f"error: {problem_line(p, lang)}", err=True)
        click.echo(t("fm.skipped", lang, path=form.path, n=len(form.problems)), err=True)
    _write(result, scenario, out_file, lang)
    for form, tally in result.merged.tallies:
        counts = {k: len(getattr(tally, k)) for k in ("added", "changed", "removed", "same")}
        click.echo(t("fm.tally", lang, name=form.name, id=form.owner, what=t(f"fm.what.{tally.what}", lang), **counts))
    n = len({f.path for f, _ in result.merged.tallies})
    sc = result.scenario
    click.echo(t("fm.collected", lang, path=out_file, forms=n, orders=len(sc.orders), offerings=len(sc.offerings)))


def _write(result, template: Path, out_file: Path, lang: str) -> None:
    """The merged scenario to ``out_file``, whole or not at all; YAML is read back by the
    loader first (a text it refuses is a bug, never output)."""
    from scheduler.cli.schema import write_atomically
    from scheduler.domain.loader import parse_text, validate_data
    from scheduler.domain.workbook import write_workbook
    from scheduler.intake.scenario_yaml import scenario_text

    try:
        if out_file.suffix.lower() == ".xlsx":
            write_workbook(result.scenario, out_file, lang)
            return
        text = scenario_text(result.merged.data, template)
        if validate_data(str(out_file), parse_text(str(out_file), text, as_json=False)) != result.scenario:
            raise RuntimeError(f"the YAML written for {out_file} does not read back as the merged scenario")
        write_atomically(out_file, text)
    except OSError as err:
        fail(t("wb.cannot_write", lang, path=out_file, why=err.strerror or type(err).__name__))


COMMANDS = [forms, collect]
