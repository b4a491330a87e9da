"""Plan history commands: ``plans``, ``cancel``, ``unavailable``, ``withdraw``,
``add-order``, ``discard``, ``resolve``, ``diff`` and ``db upgrade``.

A change (cancel, unavailable, withdraw, add-order) is checked against the current
plan and recorded; ``discard`` takes a recorded change back before it is applied (not
when a later change needs it); ``resolve`` applies every recorded change in one re-plan, writes
the new version and prints the diff and the notices. Exit codes: 0 done; 1 no plan
exists after the changes; 2 bad input (unknown id, impossible dates) or no usable
store; 3 internal error; 4 the plan changed since it was loaded (run it again).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import click
from pydantic import ValidationError

from scheduler.cli.common import (
    CHANGE_ID,
    DAY,
    ID,
    MAX_FREEZE_DAYS,
    MAX_VERSION,
    VERSION,
    PlannerCommand,
    PlannerGroup,
    VersionOrLatest,
    build_options,
    db_option,
    fail,
    fail_input,
    lang_option,
    open_history,
    open_store,
    out_dir_option,
    plan_or_exit,
    print_warnings,
    progress_printer,
    solver_options,
    store_message,
)
from scheduler.domain.checks import check_scenario
from scheduler.domain.i18n import Message, say, t
from scheduler.domain.loader import InputError, InputProblem
from scheduler.models import HEADS, Change, ChangeKind, Order, Plan, ResourceKind, Scenario

if TYPE_CHECKING:
    from scheduler.store.plan_store import Store

EXIT_CHANGED = 4


# --------------------------------------------------------------------------- plans


@click.command(cls=PlannerCommand)
@db_option
@click.option("--limit", type=click.IntRange(1, MAX_VERSION), default=20, show_default=True, help="Show this many versions.")
@lang_option
def plans(db: str | None, limit: int, lang: str) -> None:
    """List plan versions, newest first (* = the current version of its plan), and pending changes.

    Example: schedule plans
    """
    store = open_history(db, lang)
    rows = store.versions(limit)
    if not rows:
        click.echo(t("h.empty", lang))
        return
    click.echo(t("h.header", lang))
    for v in rows:
        values = dict(zip(v.levels, v.objective))
        changes = -values["changes"] if "changes" in values else "-"
        click.echo(
            f"{'*' if v.is_head else ' '}{v.id:>4}  {v.kind:<8} {v.parent or '-':>6}  "
            f"{v.created_at:%Y-%m-%d %H:%M}  {v.status:<9} {v.sessions:>4} {v.unmet:>4} "
            f"{values.get('demand', '-'):>6} {changes:>7}  {v.today or '-'}  {v.name} ({v.year})"
        )
    seen = set()
    for v in rows:
        if v.is_head and (v.name, v.year) not in seen:
            seen.add((v.name, v.year))
            line, _ = store.line(v.id)
            pending = store.pending(line.id)
            if pending:
                click.echo(t("h.pending", lang, n=len(pending), name=v.name))
                for cid, ch in pending:
                    click.echo(f"  #{cid} {describe(ch)}")


def describe(ch: Change) -> str:
    """One line for a change, as the planner typed it."""
    why = f" ({ch.reason})" if ch.reason else ""
    if ch.kind == ChangeKind.cancel:
        return f"cancel {ch.session}{why}"
    if ch.kind == ChangeKind.unavailable:
        days = f"{ch.start}" if ch.start == ch.end else f"{ch.start}..{ch.end}"
        return f"unavailable {ch.resource.value} {ch.resource_id} {days}{why}"
    if ch.kind == ChangeKind.withdraw:
        return f"withdraw {ch.order}{why}"
    o = ch.new_order
    return f"add-order {o.id}: {o.community} {o.offering} x{o.attendees} priority {o.priority}{why}"


# --------------------------------------------------------------------------- recording changes


def _record(db: str | None, version: int | None, change: Change, lang: str) -> None:
    """Check a change against the current plan (with the changes already pending) and store it."""
    from scheduler.store.plan_store import StoreError  # imported when used: keeps `schedule --help` fast

    store = open_store(db, lang, writing=True, create=False)  # a store it cannot write to is refused before the checks
    try:
        line, head = store.line(version)
        parent = store.plan(head.id)
        pending = [c for _, c in store.pending(line.id)]
    except StoreError as err:
        fail(store_message(err, lang))
    found = _change_problems(parent, pending, change)
    if found:
        record = change.kind.value.replace("_", "-")
        fail_input(InputError([_cli_problem(record, _option(f, change), m, lang) for f, m in found]), lang=lang)
    cid = store.add_change(line.id, head.id, change)
    click.echo(t("h.recorded", lang, id=cid, change=describe(change), version=head.id))


def _change_problems(parent: Plan, earlier: list[Change], change: Change) -> list[tuple[str, Message]]:
    """What is wrong with ``change`` recorded on ``parent`` after the ``earlier`` changes, as (field, message)."""
    from scheduler.plan.replan import (  # imported when used: keeps `schedule --help` fast
        apply_changes,
        check_change,
        check_order_is_new,
    )

    sc, _ = apply_changes(parent.scenario.snapshot, parent, earlier, parent.scenario.snapshot.plan.start)
    found = check_change(sc, parent, change)
    if change.kind == ChangeKind.cancel and any(c.kind == ChangeKind.cancel and c.session == change.session for c in earlier):
        found.append(("session", Message("c.cancelled", session=change.session)))
    if change.kind == ChangeKind.add_order and not found:
        found = check_order_is_new(sc, change) or _scenario_problems(sc, change)
    return found


def _scenario_problems(sc: Scenario, change: Change) -> list[tuple[str, Message]]:
    """What the scenario checks find once the new order is in, and not before (a safety net:
    the change checks above name what a new order can get wrong)."""
    with_order = sc.model_copy(update={"orders": [*sc.orders, change.new_order]})
    already = check_scenario(sc)  # messages are not hashable: compared one by one (a handful)
    return [(f, Message("c.scenario", message=m)) for r, f, m in check_scenario(with_order) if (r, f, m) not in already]


def _cli_problem(record: str, option: str, message: Message, lang: str) -> InputProblem:
    """A problem with what was typed: the command, the option, and what is wrong, in ``lang``."""
    return InputProblem(t("e.cli", lang), record, option, message.text(lang))


# The option the planner typed for each field a change check names (the session is the argument).
OPTION_OF_FIELD = {
    "session": "",
    "resource": "--department/--instructor/--venue/--community",
    "department": "--department",
    "instructor": "--instructor",
    "venue": "--venue",
    "community": "--community",
    "start": "--from",
    "end": "--to",
    "order": "--order",
    "id": "--id",
    "offering": "--offering",
}


def _option(field: str, change: Change) -> str:
    if field == "start" and change.start is not None and change.start == change.end:
        return "--on"
    return OPTION_OF_FIELD.get(field, field)


def _version_option(f):
    return click.option("--version", "version", type=VERSION, help="The plan line of this version (default: the latest).")(f)


@click.command(cls=PlannerCommand)
@click.argument("session", type=ID)
@click.option("--reason", default="", help='Why, in the planners\' words, e.g. "台风红色预警".')
@_version_option
@db_option
@lang_option
def cancel(session: str, reason: str, version: int | None, db: str | None, lang: str) -> None:
    """Record that SESSION (e.g. S-2026-031) is called off; `schedule resolve` re-places it.

    Example: schedule cancel S-2026-050 --reason "台风红色预警"
    """
    _record(db, version, Change(kind=ChangeKind.cancel, session=session, reason=reason), lang)


@click.command(cls=PlannerCommand)
@click.option("--department", type=ID, help="A department id: it and its instructors are away.")
@click.option("--instructor", type=ID, help="An instructor id.")
@click.option("--venue", type=ID, help="A venue id.")
@click.option("--community", type=ID, help="A community id.")
@click.option("--on", "on", type=DAY, help="A single day.")
@click.option("--from", "start", type=DAY, help="First day (with --to).")
@click.option("--to", "end", type=DAY, help="Last day, inclusive.")
@click.option("--reason", default="", help="Why (shown in notices).")
@_version_option
@db_option
@lang_option
def unavailable(department, instructor, venue, community, on, start, end, reason, version, db, lang) -> None:
    """Record that a department, instructor, venue or community is away on some days.

    Examples: schedule unavailable --department minzheng --from 2026-06-01 --to 2026-06-14 --reason 外出学习;
    schedule unavailable --venue v-hall --on 2026-06-05 --reason 应急会议
    """
    given = [
        (k, v)
        for k, v in (("department", department), ("instructor", instructor), ("venue", venue), ("community", community))
        if v
    ]
    if len(given) != 1:
        _refuse("--department/--instructor/--venue/--community", "c.exactly_one", lang)
    if on and (start or end):
        _refuse("--on", "c.on_or_range", lang)
    if on:
        start = end = on
    if not (start and end):
        _refuse("--from/--to", "c.need_days", lang)
    kind, rid = given[0]
    change = Change(
        kind=ChangeKind.unavailable,
        resource=ResourceKind(kind),
        resource_id=rid,
        start=start.date(),
        end=end.date(),
        reason=reason,
    )
    _record(db, version, change, lang)


def _refuse(option: str, key: str, lang: str) -> None:
    """Exit 2: the options of ``schedule unavailable`` do not fit together."""
    fail_input(InputError([_cli_problem("unavailable", option, Message(key), lang)]), lang=lang)


@click.command(cls=PlannerCommand)
@click.option("--order", required=True, type=ID, help="The order id, e.g. O-117.")
@click.option("--reason", default="", help="Why (shown in notices).")
@_version_option
@db_option
@lang_option
def withdraw(order: str, reason: str, version: int | None, db: str | None, lang: str) -> None:
    """Record that a community takes back an order.

    Example: schedule withdraw --order O-038
    """
    _record(db, version, Change(kind=ChangeKind.withdraw, order=order, reason=reason), lang)


@click.command("add-order", cls=PlannerCommand)
@click.option("--community", required=True, type=ID, help="Community id.")
@click.option("--offering", required=True, type=ID, help="Offering id.")
@click.option("--attendees", required=True, type=click.IntRange(1, HEADS), help="How many people attend.")
@click.option("--priority", type=click.IntRange(1, 5), default=3, show_default=True, help="5 = most wanted.")
@click.option("--preferred-month", "months", type=click.IntRange(1, 12), multiple=True, help="Repeat for several.")
@click.option("--id", "order_id", type=ID, help="Order id (default: the next free O-<n>).")
@click.option("--reason", default="", help="A note for the record.")
@_version_option
@db_option
@lang_option
def add_order(community, offering, attendees, priority, months, order_id, reason, version, db, lang) -> None:
    """Record a new order from a community.

    Example: schedule add-order --community shanxia --offering p-anti-fraud --attendees 20 --priority 4
    """
    from scheduler.store.plan_store import StoreError  # imported when used: keeps `schedule --help` fast

    store = open_store(db, lang)
    try:
        line, head = store.line(version)
        parent = store.plan(head.id)
        pending = [c for _, c in store.pending(line.id)]
    except StoreError as err:
        fail(store_message(err, lang))
    taken = {o.id for o in parent.scenario.snapshot.orders} | {c.new_order.id for c in pending if c.new_order}
    fields = dict(community=community, offering=offering, attendees=attendees, priority=priority, preferred_months=list(months))
    order = _new_order(order_id or _next_order_id(taken), fields, lang)
    _record(db, version, Change(kind=ChangeKind.add_order, new_order=order, reason=reason), lang)


def _new_order(order_id: str, fields: dict, lang: str) -> Order:
    """The order, or exit 2 naming what does not fit the model (a safety net: click already
    checks every option against the model's rules)."""
    try:
        return Order(id=order_id, **fields)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            field = ".".join(map(str, e["loc"]))
            message = Message("c.bad_id", id=order_id) if field == "id" else Message("c.bad_value", message=e["msg"])
            option = {"preferred_months": "--preferred-month"}.get(field, "--" + field)
            problems.append(_cli_problem("add-order", option, message, lang))
        fail_input(InputError(problems), lang=lang)


def _next_order_id(taken: set[str]) -> str:
    numbers = [int(m.group(1)) for x in taken if (m := re.fullmatch(r"O-(\d+)", x))]
    n = max(numbers, default=0) + 1
    while f"O-{n:03d}" in taken:
        n += 1
    return f"O-{n:03d}"


@click.command(cls=PlannerCommand)
@click.argument("change", type=CHANGE_ID)
@_version_option
@db_option
@lang_option
def discard(change: int, version: int | None, db: str | None, lang: str) -> None:
    """Discard pending change CHANGE (its number, as `schedule plans` lists it: 3 or #3)
    before any re-plan applies it. A later change that needs it is named, and nothing is
    discarded: discard that one first.

    Example: schedule discard 3
    """
    from scheduler.store.plan_store import StoreError  # imported when used: keeps `schedule --help` fast

    store = open_store(db, lang, writing=True, create=False)
    try:
        line, head = store.line(version)
        parent = store.plan(head.id)
        pending = store.pending(line.id)
    except StoreError as err:
        fail(store_message(err, lang))
    gone = next((ch for cid, ch in pending if cid == change), None)
    if gone is None:
        listed = t("r.sep", lang).join(f"#{cid}" for cid, _ in pending) or "-"
        fail(t("h.not_pending", lang, id=change, name=line.name, pending=listed))
    kept: list[Change] = []
    for cid, ch in pending:  # the changes after it, each checked again without it
        if cid == change:
            continue
        found = _change_problems(parent, kept, ch) if cid > change else []
        if found:
            why = t("r.sep", lang).join(say(m, lang) for _, m in found)
            fail(t("h.needed", lang, id=change, later=cid, change=describe(ch), why=why))
        kept.append(ch)
    try:
        if not store.discard_change(line.id, change):
            fail(t("h.not_pending_now", lang, id=change), EXIT_CHANGED)
    except StoreError as err:
        fail(store_message(err, lang))
    click.echo(t("h.discarded", lang, id=change, change=describe(gone), n=len(kept)))


# --------------------------------------------------------------------------- re-planning


@click.command(cls=PlannerCommand)
@click.option("--today", required=True, type=DAY, help="Sessions before this day never move.")
@click.option(
    "--freeze-days",
    type=click.IntRange(0, MAX_FREEZE_DAYS),
    default=0,
    show_default=True,
    help="Nor do sessions within this many days from today; nothing new starts before then.",
)
@click.option("--base", type=VERSION, help="Fail unless the current version is still this one (the one you looked at).")
@out_dir_option("Folder for the new plan.json.")
@_version_option
@solver_options(time_limit=30.0)
@db_option
@lang_option
def resolve(
    today, freeze_days, base, out_dir, version, time_limit, seed, workers, deterministic, explain_time, quiet, db, lang
) -> None:
    """Re-plan after the recorded changes: keep what happened, re-place what was hit, move as little as possible.

    Writes a new version (parent: the current one), OUT/plan.json, the diff and a notice for
    every community, department and venue concerned.
    Example: schedule resolve --today 2026-06-02 --freeze-days 7
    """
    from scheduler.cli.publish_plan import open_surroundings, publish  # imported when used: keeps `schedule --help` fast
    from scheduler.plan.engine import PlanInvalid, replan  # imported when used: keeps `schedule --help` fast
    from scheduler.plan.replan import ReplanError  # imported when used: keeps `schedule --help` fast
    from scheduler.store.plan_store import PlanChanged, StoreError  # imported when used: keeps `schedule --help` fast

    store = open_surroundings(db, out_dir, lang, create=False)  # a folder or store that cannot be used fails now
    try:
        line, head = store.line(version)
        _check_base(store, line, head, base, lang)
        revision = line.revision
        parent = store.plan(head.id)
        pending = store.pending(line.id)
    except StoreError as err:
        fail(store_message(err, lang))
    if not pending:
        click.echo(t("h.nothing", lang, version=head.id))
        return
    _refuse_past_cancels(store, parent, pending, today.date(), lang)
    opts = build_options(time_limit, seed, workers, deterministic, None if quiet else progress_printer(lang), explain_time)
    try:
        out = replan(parent, head.id, [c for _, c in pending], today.date(), freeze_days, opts, lang)
    except ReplanError as err:
        where = t("e.store", lang, store=store.safe_url)
        problems = [InputProblem(where, say(r, lang), f, say(m, lang)) for r, f, m in err.problems]
        fail_input(InputError(problems), wrote=False, lang=lang)
    except PlanInvalid as err:
        fail(t("e.internal", lang, why=err.text(lang)), 3)
    plan_or_exit(out, lang)
    ids = [cid for cid, _ in pending]  # marked applied in the transaction that records the version

    def record(staged) -> int:
        return store.record_replan(out.plan, line.id, head.id, revision, ids, staged)

    try:
        vid, path = publish(out.plan, out_dir, lang, record)
    except PlanChanged as err:
        fail(store_message(err, lang), EXIT_CHANGED)
    s = out.plan.solver
    values = dict(zip(s.levels, s.objective))
    click.echo(
        t("h.resolved", lang, version=vid, parent=head.id, status=s.status, changes=-values["changes"], seconds=s.time_seconds)
    )
    if s.method == "greedy":
        click.echo("  " + t("method.greedy", lang))  # no solve found a re-plan in time: the planner is told
    _print_diff(parent, out.plan, lang)
    click.echo(t("written", lang, path=path))


def _check_base(store: Store, line, head, base: int | None, lang: str) -> None:
    """``--base N``: exit 2 when there is no version N or it is of another plan; exit 4 when
    the plan has moved on from it. Raises ``StoreError`` for a version the store lacks."""
    if base is None or base == head.id:
        return
    base_line, _ = store.line(base)
    if base_line.id != line.id:
        fail(t("c.base_other_plan", lang, base=base, name=base_line.name, head=head.id))
    fail(t("h.base_moved", lang, parent=base, head=head.id), EXIT_CHANGED)


def _refuse_past_cancels(store: Store, parent: Plan, pending: list[tuple[int, Change]], today: dt.date, lang: str) -> None:
    """Exit 2 naming each pending cancellation of a session before ``today`` (nothing is
    written, no change is used up); ``today``'s warnings first, they often say why."""
    from scheduler.plan.replan import past_cancels, today_warnings  # imported when used: keeps `schedule --help` fast

    past = past_cancels(parent, [c for _, c in pending], today)
    if not past:
        return
    print_warnings(today_warnings(parent.scenario.snapshot, today), lang)
    where = t("e.store", lang, store=store.safe_url)
    problems = []
    for i, why in past:
        cid, change = pending[i]
        problems.append(InputProblem(where, t("c.change", lang, id=cid, change=describe(change)), "", why.text(lang)))
    fail_input(InputError(problems), lang=lang)


def _print_diff(old: Plan, new: Plan, lang: str, with_notices: bool = True) -> None:
    from scheduler.plan.diff import (  # imported when used: keeps `schedule --help` fast
        diff_lines,
        diff_plans,
        notice_lines,
        notices,
    )

    d = diff_plans(old, new)
    for line in diff_lines(d, lang):
        click.echo(line)
    if with_notices:
        items = notices(d, lang)
        if items:
            click.echo(t("h.notices", lang, n=len(items)))
            for line in notice_lines(items, lang):
                click.echo(line)


@click.command(cls=PlannerCommand)
@click.argument("versions", nargs=-1, type=VersionOrLatest())
@click.option("--notices/--no-notices", default=True, show_default=True, help="Print a notice for everyone concerned.")
@db_option
@lang_option
def diff(versions: tuple[str, ...], notices: bool, db: str | None, lang: str) -> None:
    """Compare two plan versions: moved, added and dropped sessions, and who must be told.

    VERSIONS: two version numbers (old new), one (against its parent), or `latest`
    (the newest version against its parent; also the default).
    Example: schedule diff 1 2
    """
    from scheduler.plan.diff import notices  # imported when used: keeps `schedule --help` fast
    from scheduler.store.shared import StoreError  # imported when used: keeps `schedule --help` fast

    store = open_history(db, lang)
    try:
        if len(versions) > 2:
            raise StoreError("give at most two versions: OLD NEW", "s.diff_two")
        if not versions or versions == ("latest",):
            _, head = store.line()
            new_id = head.id
            old_id = head.parent_id
        elif len(versions) == 1:
            new_id = _version_number(versions[0])
            old_id = store.version(new_id).parent_id
        else:
            old_id, new_id = (_version_number(v) for v in versions)
        if old_id is None:
            raise StoreError(
                f"version {new_id} is a fresh solve: it has no parent; give two versions", "s.diff_fresh", version=new_id
            )
        old, new = store.plan(old_id), store.plan(new_id)
    except StoreError as err:
        fail(store_message(err, lang))
    click.echo(t("h.diff", lang, old=old_id, new=new_id))
    _print_diff(old, new, lang, notices)


def _version_number(value: int | str) -> int:
    """A version of two (click has checked each is a version number or ``latest``, which stands alone)."""
    from scheduler.store.shared import StoreError  # imported when used: keeps `schedule --help` fast

    if value == "latest":
        raise StoreError(f"'{value}' is not a version number (see `schedule plans`)", "s.not_version", text=value)
    return value


# --------------------------------------------------------------------------- schema


@click.group(cls=PlannerGroup)
def db() -> None:
    """The plan store (SQLite file schedule.db by default; --db URL or SCHEDULE_DB for another)."""


@db.command("upgrade")
@db_option
@lang_option
def db_upgrade(db: str | None, lang: str) -> None:
    """Create or upgrade the store's tables (also done on first use).

    Example: schedule db upgrade --db postgresql+psycopg://planner@localhost/schedule
    """
    from scheduler.store.plan_store import Store, StoreError  # imported when used: keeps `schedule --help` fast

    try:
        store = Store(db, upgrade=False)
        before, after = store.upgrade()
    except StoreError as err:
        fail(store_message(err, lang))
    click.echo(t("h.upgraded", lang, store=store.safe_url, before=before or t("h.schema_empty", lang), after=after))


COMMANDS = [plans, cancel, unavailable, withdraw, add_order, discard, resolve, diff, db]
