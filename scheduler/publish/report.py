"""Plain-text summaries of a plan, for the terminal."""

from __future__ import annotations

from collections import Counter, defaultdict

from scheduler.core.problem import Explanation, Problem
from scheduler.domain.i18n import t, type_name
from scheduler.models import Plan, SessionType
from scheduler.plan.validate import rhythm_figures


def explanation_lines(exp: Explanation, problem: Problem, lang: str) -> list[str]:
    """What a planner reads when no plan exists: the quotas out of reach (each with how far
    it can go), then the least to relax, each rule by its label and registry id. Every set
    was re-checked by a solve (``scheduler.core.explain``)."""
    sep = "；" if lang == "zh" else "; "

    def named(rule_id: str) -> str:
        label = f"{problem.rules[rule_id].label(lang)} [{rule_id}]"
        if rule_id in exp.reachable:
            label += t("reachable", lang, n=exp.reachable[rule_id])
        return label

    unreachable = sep.join(named(r) for r in exp.unreachable)
    relax = sep.join(named(r) for r in exp.relax)
    out = [t("unreachable", lang, rules=unreachable)] if unreachable else []
    if relax:
        out.append(t("relax", lang, rules=relax))
    elif unreachable:
        out.append(t("relax_none", lang))
    if not exp.proven:
        out.append(t("not_fewest", lang))
    return out


def summary_lines(plan: Plan, lang: str = "zh") -> list[str]:
    sc = plan.scenario.snapshot
    q = sc.plan.sessions
    s = plan.solver
    out = [
        f"== {t('summary', lang)}: {sc.plan.name} ==",
        f"{t('status', lang)}: {s.status}  (gap {s.gap:.2%}, {s.time_seconds:.1f}s, seed {s.seed})",
        "  " + t("method." + s.method, lang),
    ]
    out.append(t("objective", lang) + ":")
    for name, value, bound in zip(s.levels, s.objective, s.bound):
        mark = "" if value == bound else f"  (bound {bound})"
        out.append(f"  {t('level.' + name, lang)}: {value}{mark}")
    out.append(t("rhythm", lang) + ":")
    out += ["  " + line for line in rhythm_lines(plan, lang)]
    out.append(t("types", lang) + ":")
    counts = Counter(x.type for x in plan.sessions)
    for ty in SessionType:
        r = q.for_type(ty)
        out.append(f"  {type_name(ty.value, lang)}: {counts[ty]}  ({r.min}–{r.max})")
    lo = q.total if q.total_min is None else q.total_min
    out.append(f"  {t('total', lang)}: {len(plan.sessions)}  ({lo}–{q.total})")
    out.append(t("orders_met", lang) + ":")
    ordered: dict[str, int] = Counter(o.community for o in sc.orders)
    met: dict[str, int] = defaultdict(int)
    for x in plan.sessions:
        for a in x.attendance:
            met[a.community] += len(a.orders)
    names = {c.id: c.name for c in sc.communities}
    for c in sc.communities:
        n = ordered.get(c.id, 0)
        if n:
            bar = "█" * round(10 * met[c.id] / n)
            out.append(f"  {names[c.id]:<8} {met[c.id]:>3}/{n:<3} {bar}")
    out.append(f"{t('unmet', lang)} ({len(plan.unmet)}):")
    titles = {o.id: o.title for o in sc.offerings}
    for u in plan.unmet:
        out.append(f"  {u.order} {names.get(u.community, u.community)} 《{titles.get(u.offering, u.offering)}》: {u.message}")
    if not plan.unmet:
        out.append("  " + t("none", lang))
    return out


def rhythm_lines(plan: Plan, lang: str = "zh") -> list[str]:
    """The plan's rhythm as a planner reads it: the busiest day and week, the weeks with a
    session against those with usable days, and the share on days 1–10 of their month."""
    r = rhythm_figures(plan.scenario.snapshot, plan)
    share = f"{r.early_share(len(plan.sessions)):.0%}"
    return [
        t("rhythm.busiest", lang, day=r.busiest_day, week=r.busiest_week),
        t("rhythm.weeks", lang, weeks=r.weeks, usable=r.usable_weeks),
        t("rhythm.early", lang, n=r.early, share=share),
    ]
