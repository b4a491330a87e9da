"""Pieces every ``schedule`` command shares: options, plan loading, bad-input exits."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import math
import os
import platform
import re
import shlex
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from pydantic import TypeAdapter, ValidationError

from scheduler import __version__

if TYPE_CHECKING:
    from scheduler.core.options import Progress, SolveOptions
from scheduler.domain.i18n import LANGS, say, t
from scheduler.domain.loader import TOP_LEVEL, InputError, InputProblem, load_scenario, shape_message
from scheduler.models import Id, Plan, PlanSettings

plan_argument = click.argument("plan_file", type=click.Path(path_type=Path))  # a folder: the loader says so, in --lang
lang_option = click.option(
    "--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="Language of what planners read."
)


db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    help="The plan store: a SQLite file or a database URL (default: $SCHEDULE_DB, else schedule.db here).",
)


# --------------------------------------------------------------------------- what a typed value may be
# Every value typed on the command line is checked by click before any work starts, so no
# value out of range reaches the store (32-bit ids), date arithmetic (datetime ends in year
# 9999) or the solver (a 32-bit seed). A refused value is a usage error in the planner's
# language (see ``_bad_value_text``).

MAX_VERSION = 2**31 - 1  # version ids are INTEGER columns (32 bits in PostgreSQL)
VERSION = click.IntRange(1, MAX_VERSION)
MAX_FREEZE_DAYS = 366
MAX_TIME_LIMIT = 86_400  # seconds: a day
EXPLAIN_TIME = 20.0  # seconds: what-ifs for the unmet orders (measured: about 6 s on Pinghu)
MAX_WORKERS = 64
MAX_SEED = 2**31 - 1  # CP-SAT's random_seed is a 32-bit integer


class BadValue(click.BadParameter):
    """A value a parameter type refuses, kept as typed: click's own errors do not keep it,
    and an argument's value cannot be found again in the raw arguments."""

    def __init__(self, message: str, value, kind: click.ParamType, ctx=None, param=None) -> None:
        super().__init__(message, ctx, param)
        self.value = value
        self.kind = kind  # the type whose rule the value breaks: the planner's message depends on it


class IdType(click.ParamType):
    """An id by the scenario's own rule (``models.Id``): letters, digits, ``_ . -``, at most 64."""

    name = "id"
    _rule = TypeAdapter(Id)

    def convert(self, value, param, ctx):
        try:
            return self._rule.validate_python(value)
        except ValidationError:
            raise BadValue(f"{value!r} is not a valid id", value, self, ctx, param) from None


class VersionOrLatest(click.ParamType):
    """A plan version number (``VERSION``), or the word ``latest``."""

    name = "version"

    def convert(self, value, param, ctx):
        if value == "latest":
            return value
        try:
            return VERSION.convert(value, param, ctx)
        except click.BadParameter:
            raise BadValue(f"{value!r} is not a version number", value, self, ctx, param) from None


def _plan_years() -> tuple[int, int]:
    """The years a plan may have: the bounds of ``PlanSettings.year``."""
    meta = PlanSettings.model_fields["year"].metadata
    return next(m.ge for m in meta if hasattr(m, "ge")), next(m.le for m in meta if hasattr(m, "le"))


class Day(click.DateTime):
    """A day written YYYY-MM-DD, within the years a plan may have."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])
        first, last = _plan_years()
        self.first, self.last = dt.date(first, 1, 1), dt.date(last, 12, 31)

    def get_metavar(self, *args, **kwargs) -> str:  # click 8.2 added a ``ctx`` parameter
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        day = super().convert(value, param, ctx)
        if not self.first <= day.date() <= self.last:
            raise BadValue(f"{value} is not from {self.first} to {self.last}", value, self, ctx, param)
        return day


class FiniteRange(click.FloatRange):
    """A ``FloatRange`` that refuses nan too (nan compares false with both bounds)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value} is not a number in the range", param, ctx)
        return number


class ChangeNumber(click.ParamType):
    """A recorded change's number as ``schedule plans`` lists it: ``3`` or ``#3``."""

    name = "change"

    def convert(self, value, param, ctx):
        text = str(value).strip().removeprefix("#")
        if text.isdigit() and 1 <= int(text) <= MAX_VERSION:
            return int(text)
        raise BadValue(f"{value!r} is not a change number", value, self, ctx, param)


DAY = Day()
ID = IdType()
CHANGE_ID = ChangeNumber()


def out_dir_option(help_text: str, default: str = "out"):
    """--out: the folder a command writes to (default: out/ here)."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help_text,
    )


def solver_options(time_limit: float):
    """--time-limit, --seed, --workers, --deterministic, --explain-time and --quiet, for commands that solve."""

    def apply(f):
        for option in reversed(
            [
                click.option(
                    "--time-limit",
                    type=FiniteRange(min=0.1, max=MAX_TIME_LIMIT),
                    default=time_limit,
                    show_default=True,
                    help="Seconds in all (deterministic mode: deterministic time units).",
                ),
                click.option(
                    "--seed", type=click.IntRange(0, MAX_SEED), default=0, show_default=True, help="Random seed of the solver."
                ),
                click.option(
                    "--workers",
                    type=click.IntRange(1, MAX_WORKERS),
                    default=2,
                    show_default=True,
                    help="Solver threads; use the number of cores.",
                ),
                click.option(
                    "--deterministic",
                    is_flag=True,
                    help="Same input and seed give the same plan, byte for byte, for any --workers (slower; "
                    "it runs at least two solver threads).",
                ),
                click.option(
                    "--explain-time",
                    type=FiniteRange(min=0, max=MAX_TIME_LIMIT),
                    default=EXPLAIN_TIME,
                    show_default=True,
                    help="Seconds in all for the what-if solves that establish why each unmet order is not met "
                    "(0: none; each reason then says it was not verified).",
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


def build_options(
    time_limit: float, seed: int, workers: int, deterministic: bool, progress, explain_time: float = EXPLAIN_TIME
) -> SolveOptions:
    """The solve's options; ``--time-limit`` counts from when this command began (``_began``)."""
    from scheduler.core.options import SolveOptions  # imported when used: keeps `schedule --help` fast

    return SolveOptions(
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
        explain_time=explain_time,
        started=_began[0],
    )


# When the running command began (time.perf_counter()), for --time-limit: the whole
# command counts, the interpreter's start and the imports included. Set by ``PlannerGroup.main``.
_began: list[float | None] = [None]


# Objects allocated between two young-generation collections in this process (Python's
# default is 700). Loading a scenario, building models and plans allocate millions of
# objects that all stay alive, so the default collects again and again for nothing:
# measured on a 700-session street, the imports took 0.3 s less and loading the
# scenario 0.2-0.4 s less. Cycles still get collected, only later.
YOUNG_COLLECTION = 50_000


def fewer_collections() -> None:
    """Collect garbage less often in a ``schedule`` process (``YOUNG_COLLECTION``)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, middle, old)


def process_began() -> float:
    """When this process began, on the perf_counter clock: from /proc on Linux (the
    interpreter's start and the imports count too, about 0.6 s), else now."""
    now = time.perf_counter()
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])  # field 22: start time, clock ticks after boot
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - age if 0 <= age < 60 else now  # an odd figure counts from now


def fail_input(err: InputError, wrote: bool = True, lang: str = "zh") -> None:
    """Print every input problem in ``lang`` and exit 2 (no traceback)."""
    for p in err.problems:
        click.echo(f"error: {problem_line(p, lang)}", err=True)
    click.echo(t("e.count_nothing_written" if wrote else "e.count", lang, n=len(err.problems)), err=True)
    sys.exit(2)


def scenario_or_exit(path: Path, lang: str):
    """The scenario at ``path``, or exit 2 with every problem in it (nothing written)."""
    try:
        return load_scenario(path)
    except InputError as err:
        fail_input(err, lang=lang)


def problem_line(p: InputProblem, lang: str) -> str:
    """Where and what, e.g. ``命令行 withdraw --order：点单 O-404 不存在`` or
    ``a.yaml 第3行第5列：YAML格式有误（…）``."""
    return p.text(lang)


def load_plan(path: Path) -> Plan:
    """Read plan.json (with or without a BOM); every problem becomes an ``InputError`` naming
    the file and the line and column, or the field."""
    from scheduler.plan.planfile import read_plan  # imported when used: keeps `schedule --help` fast

    try:
        return read_plan(path)  # file missing, not UTF-8, malformed JSON: with line and column
    except ValidationError as err:
        problems = [
            InputProblem(str(path), ".".join(map(str, e["loc"])) or TOP_LEVEL, "", shape_message(e)) for e in err.errors()
        ]
        raise InputError(problems) from None


def checked_snapshot(plan: Plan, plan_file: Path):
    """The scenario a plan carries, checked like a scenario file: its problems become an
    ``InputError`` naming the plan file and the snapshot's record and field."""
    from scheduler.domain.checks import check_scenario  # imported when used: keeps `schedule --help` fast

    sc = plan.scenario.snapshot
    found = check_scenario(sc)
    if found:
        raise InputError([InputProblem(str(plan_file), f"scenario.snapshot: {r}", f, m) for r, f, m in found])
    return sc


def fail(message: str, code: int = 2) -> None:
    """Print the error (no traceback) and exit with ``code`` (2: bad input or store)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def store_message(err, lang: str = "zh") -> str:
    """A ``StoreError`` in the planner's language."""
    return t(err.key, lang, **err.params) if err.key else str(err)


def open_store(db: str | None, lang: str = "zh", writing: bool = False, create: bool = True):
    """The plan store, or exit 2 with the reason (before any work is done).

    ``writing``: the command will write to it, so a store it cannot write (a read-only
    file or folder, a read-only database user) is refused now, not after the work.
    ``create``: a SQLite file that is not there yet is made (else: no plan yet)."""
    from scheduler.store.plan_store import Store, StoreError

    try:
        store = Store(db, create=create)
        if writing:
            store.check_writable()
        return store
    except StoreError as err:
        fail(store_message(err, lang))


def open_history(db: str | None, lang: str = "zh"):
    """The plan history to read (``plans``, ``diff``): a SQLite store at its schema head is
    read with Python's sqlite3 (``scheduler.store.reader``: no SQLAlchemy to import);
    anything else opens as ``open_store`` does (created, migrated or refused)."""
    from scheduler.store.reader import open_reader
    from scheduler.store.shared import database_url

    return open_reader(database_url(db)) or open_store(db, lang)


def print_warnings(warnings, lang: str) -> None:
    """Each warning (a ``Message`` or a text) on stderr, in ``lang``."""
    for w in warnings:
        click.echo(f"{t('warning', lang)}: {say(w, lang)}", err=True)


def plan_or_exit(outcome, lang: str):
    """After a solve or a re-plan: its warnings, then its plan, or exit 1 saying why none."""
    print_warnings(outcome.warnings, lang)
    if outcome.plan is None:
        explain_failure(outcome, lang)
        sys.exit(1)
    return outcome.plan


def explain_failure(outcome, lang: str) -> None:
    """Why no plan came out: the clashing rules, or that time ran out."""
    from scheduler.publish.report import explanation_lines  # imported when used: keeps `schedule --help` fast

    exp = outcome.explanation
    if exp is None:
        click.echo(t("unknown", lang), err=True)
        return
    click.echo(t("infeasible", lang) + ":", err=True)
    for line in explanation_lines(exp, outcome.compiled.problem, lang):
        click.echo("  " + line, err=True)


# --------------------------------------------------------------------------- click's own usage errors
# click reports a bad option value, a missing option or an unknown option in English. A
# ``PlannerCommand`` (or ``PlannerGroup``) says it again in the planner's language, exit 2,
# no traceback. ``--lang`` may not be parsed yet when parsing fails: it is read from the
# raw arguments.

LANG_META = "scheduler.lang"


def lang_in_args(args) -> str:
    """The language given with ``--lang`` in raw arguments (the last one wins); zh without one."""
    lang = "zh"
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return lang if lang in LANGS else "zh"


class PlannerUsageError(click.UsageError):
    """A usage error already written in the planner's language."""

    def __init__(self, message: str, ctx: click.Context | None, lang: str) -> None:
        super().__init__(message, ctx)
        self.lang = lang

    def show(self, file=None) -> None:
        ctx = self.ctx
        if ctx is not None:
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            click.echo(t("u.usage", self.lang, command=ctx.command_path, pieces=pieces), file=file, err=file is None)
            click.echo(t("u.help", self.lang, command=ctx.command_path), file=file, err=file is None)
        click.echo(f"error: {self.message}", file=file, err=file is None)


_KEEP_AS_IS = (PlannerUsageError, getattr(click.exceptions, "NoArgsIsHelpError", PlannerUsageError))


def planner_usage_error(err: click.UsageError, lang: str, args=(), ctx: click.Context | None = None) -> click.UsageError:
    """``err`` said again in ``lang``; ``args`` are the raw arguments (to quote a bad value)."""
    if isinstance(err, _KEEP_AS_IS):
        return err  # already in the planner's language, or a request for help
    ctx = err.ctx or ctx
    return PlannerUsageError(_usage_text(err, lang, list(args), ctx), ctx, lang)


def _usage_text(err: click.UsageError, lang: str, args: list[str], ctx: click.Context | None) -> str:
    if isinstance(err, click.MissingParameter):
        param = err.param
        key = "u.missing_argument" if param is not None and param.param_type_name == "argument" else "u.missing_option"
        return t(key, lang, param=_param_name(err))
    if isinstance(err, click.BadParameter):
        return _bad_value_text(err, lang, args, ctx)
    if isinstance(err, click.NoSuchOption):
        return t("u.no_option", lang, option=err.option_name) + _did_you_mean(err.possibilities, lang)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)
    if no_such_command is not None and isinstance(err, no_such_command):
        return t("u.no_command", lang, name=err.command_name) + _did_you_mean(err.possibilities, lang)
    if isinstance(err, click.BadOptionUsage) and ctx is not None:
        param = next((p for p in ctx.command.params if err.option_name in (*p.opts, *p.secondary_opts)), None)
        if param is not None:
            flag = isinstance(param, click.Option) and param.is_flag
            return t("u.no_value" if flag else "u.needs_value", lang, option=err.option_name)
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", err.message)
    if extra:
        return t("u.extra", lang, args=extra.group(1))
    return t("u.other", lang, message=err.format_message())


def _did_you_mean(names, lang: str) -> str:
    return t("u.did_you_mean", lang, names=t("u.or", lang).join(sorted(names))) if names else ""


def _param_name(err: click.BadParameter) -> str:
    """The option as typed (``--on``) or the argument's name (``SESSION``)."""
    param = err.param
    if param is None:
        hint = err.param_hint
        return hint if isinstance(hint, str) or hint is None else "/".join(hint)
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def _typed_values(param: click.Parameter, args: list[str]) -> list[str]:
    """What the planner typed after this option (``--on X`` or ``--on=X``), in order."""
    names = set(getattr(param, "opts", ()))
    values = []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if arg in names and i + 1 < len(args):
            values.append(args[i + 1])
        elif eq and name in names:
            values.append(value)
    return values


def _bad_value(err: click.BadParameter, args: list[str], ctx: click.Context | None) -> str | None:
    """The first value typed for the parameter that its type refuses."""
    param = err.param
    if param is None or not isinstance(param, click.Option):
        return None
    for value in _typed_values(param, args):
        try:
            param.type.convert(value, param, ctx)
        except click.BadParameter:
            return value
    return None


def _bad_value_text(err: click.BadParameter, lang: str, args: list[str], ctx: click.Context | None) -> str:
    name = _param_name(err)
    if isinstance(err, BadValue):
        value, kind = err.value, err.kind
    else:
        value, kind = _bad_value(err, args, ctx), getattr(err.param, "type", None)
    if value is None:
        return t("u.invalid_hint", lang, param=name, message=err.message)
    value = _shown(value)
    if isinstance(kind, IdType):
        return t("u.id", lang, param=name, value=value)
    if isinstance(kind, VersionOrLatest):
        return t("u.version", lang, param=name, value=value, max=MAX_VERSION)
    if isinstance(kind, ChangeNumber):
        return t("u.change", lang, param=name, value=value, max=MAX_VERSION)
    if isinstance(kind, Day) and isinstance(err, BadValue):  # a date, but out of range
        return t("u.range", lang, param=name, value=value, bounds=t("u.range.between", lang, lo=kind.first, hi=kind.last))
    if isinstance(kind, click.DateTime):
        forms = " / ".join(f.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD") for f in kind.formats)
        return t("u.date", lang, param=name, value=value, form=forms)
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        number = int if isinstance(kind, click.types.IntParamType) else float
        try:
            number(value)
        except ValueError:
            return t("u.int" if number is int else "u.number", lang, param=name, value=value)
        if isinstance(kind, (click.IntRange, click.FloatRange)):
            return t("u.range", lang, param=name, value=value, bounds=_bounds(kind, lang))
    if isinstance(kind, click.Choice):
        return t("u.choice", lang, param=name, value=value, choices=t("r.sep", lang).join(map(str, kind.choices)))
    if isinstance(kind, click.Path):
        path = Path(value)
        if not kind.file_okay and path.is_file():
            return t("u.is_file", lang, param=name, value=value)
        if not kind.dir_okay and path.is_dir():
            return t("u.is_dir", lang, param=name, value=value)
        if kind.exists and not path.exists():
            return t("u.no_path", lang, param=name, value=value)
    return t("u.invalid", lang, param=name, value=value, message=err.message)


def _shown(value, most: int = 80) -> str:
    """A typed value as quoted in a message: a very long one is cut short."""
    text = str(value)
    return text if len(text) <= most else text[: most - 1] + "…"


def _bounds(kind, lang: str) -> str:
    """What a number range allows, e.g. "在 1 到 5 之间" / "at least 1"."""
    lo, hi = kind.min, kind.max
    if lo is not None and hi is not None and not kind.min_open and not kind.max_open:
        return t("u.range.between", lang, lo=lo, hi=hi)
    parts = []
    if lo is not None:
        parts.append(t("u.range.gt" if kind.min_open else "u.range.ge", lang, lo=lo))
    if hi is not None:
        parts.append(t("u.range.lt" if kind.max_open else "u.range.le", lang, hi=hi))
    return t("u.and", lang).join(parts)


class _PlannerParsing:
    """Usage errors of parsing in the planner's language (a mixin for click's classes)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        raw = list(args)  # click's parser consumes ``args``
        ctx.meta[LANG_META] = lang_in_args(raw)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            raise planner_usage_error(err, ctx.meta[LANG_META], raw, ctx) from None


class PlannerCommand(_PlannerParsing, click.Command):
    """A ``schedule`` command whose usage errors speak the planner's language."""


class PlannerGroup(_PlannerParsing, click.Group):
    """A group of such commands; an unknown sub-command is reported in the planner's language too.

    As the top group (``main``) it never lets a traceback reach the terminal: an unexpected
    exception is written to a crash file and the planner reads a short message (exit 3),
    unless ``--debug`` comes before the command. Ctrl+C exits 130 with a short message."""

    command_class = PlannerCommand
    group_class = type  # sub-groups are PlannerGroups too

    def resolve_command(self, ctx: click.Context, args: list[str]):
        raw = list(args)
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as err:
            raise planner_usage_error(err, lang_in_args(raw), raw, ctx) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as err:  # e.g. "missing command", or one a sub-command's code raised
            raise planner_usage_error(err, ctx.meta.get(LANG_META, "zh"), (), ctx) from None
        except KeyboardInterrupt:
            # caught here, inside click's ``main``, which would print "Aborted!" and exit 1
            if ctx.parent is not None:
                raise  # the top group says it, once
            click.echo(t("e.interrupted", ctx.meta.get(LANG_META, "zh")), err=True)
            sys.exit(130)

    def main(self, args=None, prog_name: str | None = None, **options):
        """click's ``main``, with the last word on every exception it lets out: in parsing, in
        a command, or in printing an error. (A broken pipe click ends quietly by itself.)"""
        raw = [str(a) for a in (sys.argv[1:] if args is None else args)]
        # the command line of this process (args None) counts from the process's start;
        # a call with arguments (a test, a script) from now
        _began[0] = process_began() if args is None else time.perf_counter()
        if args is None:
            fewer_collections()
        try:
            try:
                return super().main(args, prog_name, **options)
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise  # click's own ways out, let through when not in standalone mode
            except Exception as err:
                if "--debug" in itertools.takewhile(lambda a: a.startswith("-"), raw):  # the top group's options
                    raise
                internal_error(err, lang_in_args(raw), [prog_name or "schedule", *raw])
        except SystemExit as done:
            if args is None:
                leave(done.code)
            raise


def leave(code: int | str | None) -> NoReturn:
    """End this process now with ``code`` (as ``sys.exit`` would take it): what was printed
    is flushed and the stores' connections are closed, then the interpreter's teardown is
    skipped. Why: after a solve it frees the solver's and the models' objects one by one,
    measured on Pinghu at about 0.3 s of the 3.5 s a planner waits for, and nothing is
    left to do by then (every file is written and closed, every transaction committed or
    rolled back). Only for the command line of this process: a call with arguments (a
    test, a script) returns as click does."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    store = sys.modules.get("scheduler.store.plan_store")
    if store is not None:
        store.close_open_stores()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    os._exit(code)


# --------------------------------------------------------------------------- internal errors


def internal_error(err: BaseException, lang: str, command: list[str]) -> None:
    """Exit 3 with a short message in ``lang``; the traceback of ``err`` goes to a file."""
    first = str(err).strip().splitlines()[:1]
    error = _shown(": ".join([type(err).__name__, *first]), 200)
    try:
        path = write_crash_report(err, command)
    except OSError as why:
        fail(t("e.crash_unsaved", lang, error=error, why=why.strerror or why), 3)
    fail(t("e.crash", lang, error=error, path=path), 3)


def write_crash_report(err: BaseException, command: list[str]) -> Path:
    """Write the traceback to ``schedule-crash-YYYYmmdd-HHMMSS-PID.txt`` in the temporary
    folder ($TMPDIR, else the platform's), readable by its owner only; return its path."""
    text = "".join(
        [
            f"schedule {__version__}, Python {platform.python_version()}, {platform.platform()}\n",
            f"command: {shlex.join(map(_masked, command))}\n\n",
            *traceback.format_exception(err),
        ]
    )
    stem = Path(tempfile.gettempdir()) / f"schedule-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    for n in itertools.count(1):
        path = stem.with_name(stem.name + (f"-{n}" if n > 1 else "") + ".txt")  # two crashes in a second
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path


def _masked(word: str) -> str:
    """A command-line word with the password of any URL in it hidden (``--db``)."""
    return re.sub(r"(://[^:/@\s]*):[^@/\s]*@", r"\1:***@", word)
