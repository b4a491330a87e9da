"""``schedule why ORDER``: one order explained in full, from the evidence in plan.json.

``--recheck`` runs a fresh what-if against the plan instead (``scheduler.plan.reasons``).
``scheduler.cli.commands`` adds every command in ``COMMANDS`` to the ``schedule`` group.
Exit codes: 0 explained; 2 bad input (a plan that cannot be read, an unknown order).
"""

from __future__ import annotations

from pathlib import Path

import click

from scheduler.cli.common import (
    EXPLAIN_TIME,
    ID,
    MAX_TIME_LIMIT,
    FiniteRange,
    PlannerCommand,
    checked_snapshot,
    fail_input,
    lang_option,
    load_plan,
)
from scheduler.domain.i18n import Message, t
from scheduler.domain.loader import InputError, InputProblem
from scheduler.models import Plan, Scenario, UnmetOrder


@click.command("why", cls=PlannerCommand)
@click.argument("order", type=ID)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/plan.json"),
    show_default=True,
    help="The plan whose reason to read.",
)
@click.option("--recheck", is_flag=True, help="Establish the reason afresh with a what-if solve against this plan.")
@click.option(
    "--explain-time",
    type=FiniteRange(min=0.1, max=MAX_TIME_LIMIT),
    default=EXPLAIN_TIME,
    show_default=True,
    help="Seconds for --recheck.",
)
@lang_option
def why(order: str, plan_file: Path, recheck: bool, explain_time: float, lang: str) -> None:
    """Why ORDER is met or not: its reason, the rules named, the orders meeting it would drop.

    Example: schedule why O-022 --plan out/plan.json
    """
    try:
        plan = load_plan(plan_file)
        sc = checked_snapshot(plan, plan_file)  # the reasons' rules are compiled from it
    except InputError as err:
        fail_input(err, wrote=False, lang=lang)
    found = next((o for o in sc.orders if o.id == order), None)
    if found is None:
        problem = InputProblem(t("e.cli", lang), "why", "ORDER", Message("c.no_order", order=order).text(lang))
        fail_input(InputError([problem]), wrote=False, lang=lang)
    for line in _order_lines(sc, found, lang):
        click.echo(line)
    session = next((s for s in plan.sessions for a in s.attendance if order in a.orders), None)
    if session is not None:
        venue = next((v.name for v in sc.venues if v.id == session.venue), session.venue)
        click.echo(t("why.met", lang, session=session.id, date=session.date, venue=venue))
        return
    u = next((u for u in plan.unmet if u.order == order), None)
    if u is not None:
        _check_evidence(plan, plan_file, u, lang)
    if recheck or u is None:
        u = _rechecked(plan, order, explain_time, lang)
        click.echo(t("why.rechecked", lang))
    for line in reason_lines(sc, u, lang):
        click.echo(line)


def _check_evidence(plan: Plan, plan_file: Path, u: UnmetOrder, lang: str) -> None:
    """Exit 2 naming the field when the evidence names a rule the registry does not declare
    or an order the plan's scenario does not have (plan.json edited by hand)."""
    from scheduler.domain.rules import RULES, family

    k = plan.unmet.index(u)
    orders = {o.id for o in plan.scenario.snapshot.orders}
    problems = [
        InputProblem(str(plan_file), f"unmet[{k}]", "rules", Message("why.bad_rule", rule=r).text(lang))
        for r in u.rules
        if family(r) not in RULES
    ]
    problems += [
        InputProblem(str(plan_file), f"unmet[{k}]", "displaced", Message("c.no_order", order=o).text(lang))
        for o in u.displaced
        if o not in orders
    ]
    if problems:
        fail_input(InputError(problems), wrote=False, lang=lang)


def _order_lines(sc: Scenario, order, lang: str) -> list[str]:
    community = next((c.name for c in sc.communities if c.id == order.community), order.community)
    title = next((o.title for o in sc.offerings if o.id == order.offering), order.offering)
    months = "、".join(str(m) for m in order.preferred_months) or t("none", lang)
    return [
        t("why.order_line", lang, id=order.id, community=community, title=title, n=order.attendees, priority=order.priority),
        t("why.months", lang, months=months),
    ]


def reason_lines(sc: Scenario, u: UnmetOrder, lang: str) -> list[str]:
    """The unmet order's tier, its sentence, the rules named (id and label) and the orders
    meeting it would drop, each with its community, course and priority."""
    from scheduler.domain.compile import compile_scenario  # imported when used: the labels of the rules

    comp = compile_scenario(sc)
    out = [
        t("why.tier", lang, tier=u.tier, what=t(f"why.tier{u.tier}", lang)),
        t("why.reason", lang, text=u.messages.get(lang, u.message)),
    ]
    if u.rules:
        out.append(t("why.rules", lang))
        out += [f"  {r}  {comp.rule_label(r, lang)}" for r in u.rules]
    if u.displaced:
        orders = {o.id: o for o in sc.orders}
        names = {c.id: c.name for c in sc.communities}
        titles = {o.id: o.title for o in sc.offerings}
        out.append(t("why.displaced", lang))
        for i in u.displaced:
            o = orders[i]
            out.append(
                f"  {i}  {names.get(o.community, o.community)} 《{titles.get(o.offering, o.offering)}》 "
                + t("why.priority", lang, p=o.priority)
            )
    out.append(
        t("why.how", lang, how=t(f"why.how.{'static' if u.whatif == 'static' else 'solve'}", lang, status=u.whatif or "-"))
    )
    return out


def _rechecked(plan: Plan, order: str, budget: float, lang: str) -> UnmetOrder:
    """A fresh what-if for ``order`` against the plan's sessions, on its scenario's whole year
    (a re-plan's past is not held: the scenario alone is compiled)."""
    from scheduler.core.options import SolveOptions  # imported when used
    from scheduler.domain.compile import compile_scenario
    from scheduler.plan.planfile import assignments_of, unmet_orders
    from scheduler.plan.reasons import evidence_for, whatifs_for

    sc = plan.scenario.snapshot
    comp = compile_scenario(sc)
    opts = SolveOptions(seed=plan.solver.seed, workers=max(1, plan.solver.workers), deterministic=plan.solver.deterministic)
    assignments = assignments_of(comp, plan.sessions)
    o = next(x for x in sc.orders if x.id == order)
    evidence = evidence_for(comp, o, whatifs_for(comp, assignments, opts), opts, budget)
    return unmet_orders(sc, comp, {order: evidence}, lang)[0]


COMMANDS = [why]
