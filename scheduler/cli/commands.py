"""The ``schedule`` command. Each command parses, calls the library, and prints.

Exit codes: 0 done; 1 no plan exists (or none found in time); 2 bad input;
3 internal error (a bug: the engine's own plan failed validation, or an unexpected
exception, whose traceback goes to a crash file; ``schedule --debug`` shows it instead).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scheduler import __version__
from scheduler.cli.common import (
    PlannerGroup,
    build_options,
    checked_snapshot,
    db_option,
    fail,
    fail_input,
    lang_option,
    load_plan,
    out_dir_option,
    plan_argument,
    plan_or_exit,
    progress_printer,
    solver_options,
)
from scheduler.domain.i18n import t
from scheduler.domain.loader import InputError, load_scenario, scenario_hash
from scheduler.plan.validate import validate


@click.group(cls=PlannerGroup)
@click.version_option(__version__, prog_name="schedule")
@click.option(
    "--debug",
    is_flag=True,
    help="Let an internal error show its traceback (by default it is written to a schedule-crash-*.txt file).",
)
def main(debug: bool) -> None:
    """Plan a street office's year of cadre training (社区点单-部门送餐).

    Example: schedule solve examples/pinghu-2026/scenario.yaml --out out/
    """


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))  # a folder: the loader says so, in --lang
@out_dir_option("Folder for plan.json.")
@solver_options(time_limit=30.0)
@db_option
@lang_option
def solve(
    scenario: Path,
    out_dir: Path,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic: bool,
    explain_time: float,
    quiet: bool,
    db: str | None,
    lang: str,
) -> None:
    """Solve SCENARIO (YAML, JSON or an .xlsx workbook), write OUT/plan.json and record it as a new version in the store.

    Example: schedule solve examples/pinghu-2026/scenario.yaml --out out/
    """
    from scheduler.cli.publish_plan import open_surroundings, publish  # imported when used: keeps `schedule --help` fast
    from scheduler.plan.engine import PlanInvalid, run_scenario  # imported when used: keeps `schedule --help` fast
    from scheduler.publish.report import summary_lines  # imported when used: keeps `schedule --help` fast

    try:  # bad input is refused before the store or the output folder is touched
        sc = load_scenario(scenario)
        sha256 = scenario_hash(scenario)
    except InputError as err:
        fail_input(err, lang=lang)
    store = open_surroundings(db, out_dir, lang)  # a folder or store that cannot be used fails before the solve
    opts = build_options(time_limit, seed, workers, deterministic, None if quiet else progress_printer(lang), explain_time)
    try:
        outcome = run_scenario(sc, opts, str(scenario), sha256, lang)
    except PlanInvalid as err:
        fail(t("e.internal", lang, why=err.text(lang)), 3)
    plan_or_exit(outcome, lang)
    for line in summary_lines(outcome.plan, lang):
        click.echo(line)
    version, path = publish(outcome.plan, out_dir, lang, lambda staged: store.record_solve(outcome.plan, str(scenario), staged))
    click.echo(t("written", lang, path=path))
    click.echo(t("h.stored", lang, version=version, url=store.safe_url))


@main.command("validate")
@plan_argument
@click.option(
    "--scenario",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check against this scenario file instead of the plan's snapshot.",
)
@lang_option
def validate_cmd(plan_file: Path, scenario: Path | None, lang: str) -> None:
    """Re-check PLAN_FILE with the independent validator.

    Prints "valid", or each violation and exits 1.
    Example: schedule validate out/plan.json
    """
    try:
        plan = load_plan(plan_file)
        sc = load_scenario(scenario) if scenario else checked_snapshot(plan, plan_file)
    except InputError as err:
        fail_input(err, wrote=False, lang=lang)
    violations = validate(sc, plan)
    if not violations:
        click.echo(t("valid", lang))
        return
    click.echo(t("invalid", lang, n=len(violations)))
    for v in violations:
        click.echo(f"  {v.text(lang)}")
    sys.exit(1)


def _register_more_commands() -> None:
    """Commands that live in their own modules (calendars and exports, plan history, the scenario's schema, the workbook,
    why an order is not met)."""
    from scheduler.cli import ctt, forms, history, intake, pages, schema, why

    commands = pages.COMMANDS + history.COMMANDS + schema.COMMANDS + intake.COMMANDS + forms.COMMANDS + why.COMMANDS
    commands += ctt.COMMANDS
    for command in commands:
        main.add_command(command)


_register_more_commands()
