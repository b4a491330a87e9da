"""``schedule workbook``: the scenario as one Excel workbook a planner can fill in and send round.

``scheduler.cli.commands`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 written; 2 bad input or an output path that cannot be used (nothing written).
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli.common import PlannerCommand, fail, lang_option, scenario_or_exit
from scheduler.domain.i18n import t


@click.command("workbook", cls=PlannerCommand)
@click.argument("scenario", type=click.Path(path_type=Path))  # a folder: the loader says so, in --lang
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The workbook to write (.xlsx).",
)
@lang_option
def workbook(scenario: Path, out_file: Path, lang: str) -> None:
    """Write SCENARIO (YAML, JSON or a workbook) as one Excel workbook: a sheet per section,
    dropdowns for ids and choices. Every command reads the workbook as a scenario.

    Example: schedule workbook examples/pinghu-2026/scenario.yaml --out pinghu.xlsx
    """
    from scheduler.domain.workbook import write_workbook  # imported when used: keeps `schedule --help` fast

    sc = scenario_or_exit(scenario, lang)
    if out_file.suffix.lower() != ".xlsx":
        fail(t("wb.out_suffix", lang, path=out_file))
    if not out_file.parent.is_dir():
        fail(t("wb.out_folder", lang, folder=out_file.parent))
    try:
        n = write_workbook(sc, out_file, lang)
    except OSError as err:
        fail(t("wb.cannot_write", lang, path=out_file, why=err.strerror or type(err).__name__))
    click.echo(t("wb.written", lang, path=out_file, n=n))


COMMANDS = [workbook]
