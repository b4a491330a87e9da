"""Solve a neutral ``Problem`` with OR-Tools CP-SAT.

Each candidate event has a presence literal and one start variable; every resource
it uses (fixed, chosen, or attending group) is an optional interval sharing that
start, so conflicts are ``add_no_overlap`` per resource (see SOLVER-NOTES.md).

The objective is lexicographic and solved in stages (``STAGES``): a stage maximises
its levels, weighted so that the order is exact; each level is then held at the
value found while the next stage runs from the old solution as a complete hint.
The first stage starts from a greedy plan (``scheduler.greedy``). Levels, most
important first:

1. ``demand``: priority-weighted demands met;
2. ``fairness``: the worst-served group's share of its own demand (max-min);
3. ``preferred``: demands met in a preferred period;
4. ``spread``: minus the events away from an even split over periods (largest remainder).

When re-planning (``problem.keeps`` is set), two levels come right after ``demand``:
``changes`` (minus the weighted cost of moving, dropping or adding events against the
earlier plan) and ``moved`` (minus the demand size that no longer sits where it did).
Stability is in the objective, not only in a hint (SOLVER-NOTES.md): a hint alone
moved many untouched sessions in measured cases.

In *relax* mode (used to explain infeasibility) chosen rules get an enforcement
literal and the objective is to keep as many of them as possible.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.greedy import greedy_plan, verdict
from scheduler.problem import Assignment, Event, Problem, Solution

LEVELS = ["demand", "fairness", "preferred", "spread"]
REPLAN_LEVELS = ["demand", "changes", "moved", "fairness", "preferred", "spread"]
STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.UNKNOWN: "UNKNOWN",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
}


@dataclass
class Progress:
    level: str
    stage: int
    stages: int
    objective: int
    bound: int
    elapsed: float

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


@dataclass
class SolveOptions:
    time_limit: float = 30.0  # seconds in all (deterministic mode: deterministic time units)
    seed: int = 0
    workers: int = 2
    deterministic: bool = False
    relative_gap: float = 0.0  # stop a level once within this gap
    progress: Callable[[Progress], None] | None = None


def relative_gap(objective: float, bound: float) -> float:
    return abs(bound - objective) / max(1.0, abs(objective))


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, notify: Callable[[int, int], None]):
        super().__init__()
        self._notify = notify

    def on_solution_callback(self) -> None:
        self._notify(round(self.objective_value), round(self.best_objective_bound))


class Model:
    """The CP-SAT model of one problem, with its variables kept by meaning."""

    def __init__(self, problem: Problem, relax: set[str] | None = None):
        self.p = problem
        self.relax = relax or set()
        self.m = cp_model.CpModel()
        self.on: dict[str, cp_model.IntVar] = {r: self.m.new_bool_var(f"keep_{r}") for r in sorted(self.relax)}
        self.live: list[Event] = []
        self.x: dict[str, cp_model.IntVar] = {}
        self.start: dict[str, cp_model.LinearExpr] = {}
        self.day: dict[str, cp_model.IntVar] = {}  # index into the problem's days
        self.day_range: dict[str, tuple[int, int]] = {}
        self.period: dict[str, cp_model.IntVar] = {}
        self.part: dict[str, cp_model.IntVar] = {}
        self.first_start: dict[str, int] = {}
        self.spread: list[tuple[cp_model.IntVar, int, object]] = []  # (deviation, period, target)
        self.total_var: cp_model.IntVar | None = None
        # objective helpers that a solution of an earlier level leaves loose: (var, best value)
        self.derived: list[tuple[cp_model.IntVar, Callable[[cp_model.CpSolver], int]]] = []
        self.month: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)  # event -> month -> in it
        self.z: dict[str, dict[tuple[str, str], cp_model.IntVar]] = defaultdict(dict)  # event -> (kind, resource)
        self.y: dict[tuple[str, str], cp_model.IntVar] = {}  # (demand, event)
        self.attend: dict[tuple[str, str], cp_model.IntVar] = {}  # (group, event)
        self.usage: dict[str, list[tuple[Event, cp_model.IntVar]]] = defaultdict(list)
        self._build()

    # -- helpers ------------------------------------------------------------------
    def _enforced(self, ct: cp_model.Constraint, rule: str, *lits: cp_model.IntVar) -> None:
        extra = [self.on[rule]] if rule in self.on else []
        if lits or extra:
            ct.only_enforce_if(list(lits) + extra)

    def _and(self, a: cp_model.IntVar, b: cp_model.IntVar, name: str) -> cp_model.IntVar:
        v = self.m.new_bool_var(name)
        self.m.add_bool_and([a, b]).only_enforce_if(v)
        self.m.add_bool_or([a.Not(), b.Not(), v])
        return v

    def _hard_days(self, e: Event) -> set[int]:
        """Days the event may never use: exclusions and fixed resources' blocks not relaxed."""
        banned: set[int] = set()
        for rule, days in e.excluded.items():
            if rule not in self.relax:
                banned |= days
        for rid in e.resources:
            for rule, days in self.p.resources[rid].blocked.items():
                if rule not in self.relax:
                    banned |= days
        return banned

    # -- model --------------------------------------------------------------------
    def _build(self) -> None:
        m, p = self.m, self.p
        upd = p.units_per_day
        for e in p.events:
            banned = self._hard_days(e)
            starts = [t for t in e.starts if t // upd not in banned]
            if not starts or any(not c.options for c in e.choices):
                continue
            self.live.append(e)
            x = self.x[e.id] = m.new_bool_var(f"run_{e.id}")
            if not e.optional:
                m.add(x == 1)
            # start = upd * day + part: contiguous day domains keep presolve fast
            days = sorted({t // upd for t in starts})
            parts = sorted({t % upd for t in starts})
            day = self.day[e.id] = m.new_int_var_from_domain(cp_model.Domain.from_values(days), f"day_{e.id}")
            self.day_range[e.id] = (days[0], days[-1])
            self.first_start[e.id] = starts[0]
            if len(parts) == 1:
                self.start[e.id] = upd * day + parts[0]
            else:
                part = self.part[e.id] = m.new_int_var_from_domain(cp_model.Domain.from_values(parts), f"part_{e.id}")
                start = self.start[e.id] = m.new_int_var(starts[0], starts[-1], f"start_{e.id}")
                m.add(start == upd * day + part)
                if len(starts) < len(days) * len(parts):
                    m.add_allowed_assignments([day, part], [(t // upd, t % upd) for t in starts])
            for rule, banned_days in e.excluded.items():
                if rule in self.relax:
                    self._avoid_days(e, banned_days, rule, x)
            by_month: dict[int, list[int]] = defaultdict(list)
            for d in days:
                by_month[p.period_of_day[d]].append(d)
            months = []
            for mo, ds in sorted(by_month.items()):
                b = self.month[e.id][mo] = m.new_bool_var(f"month_{e.id}_{mo}")
                m.add_linear_expression_in_domain(day, cp_model.Domain.from_values(ds)).only_enforce_if(b)
                months.append(b)
            m.add(sum(months) == x)
            for rid in e.resources:
                self.usage[rid].append((e, x))
                for rule, banned_days in p.resources[rid].blocked.items():
                    if rule in self.relax:
                        self._avoid_days(e, banned_days, rule, x)
        self._choices_and_demands()
        self._resources()
        self._counts()
        self._symmetry()
        self._keeps()

    def _keeps(self) -> None:
        """Re-planning: ``kept[e]`` holds only if the event is exactly where it was;
        frozen events must be."""
        m, upd = self.m, self.p.units_per_day
        self.kept: dict[str, cp_model.IntVar] = {}
        for k in self.p.keeps:
            if k.event not in self.x:
                if k.frozen:
                    m.add_bool_or([])  # a frozen event that cannot run: infeasible (replan checks first)
                continue
            kept = self.kept[k.event] = m.new_bool_var(f"kept_{k.event}")
            conditions = [self.x[k.event]]
            ok = k.start in self.p.event(k.event).starts
            for kind, rid in k.options.items():
                z = self.z[k.event].get((kind, rid))
                if z is None:
                    ok = False
                else:
                    conditions.append(z)
            if not ok:
                m.add(kept == 0)
            else:
                m.add_bool_and(conditions).only_enforce_if(kept)
                m.add(self.day[k.event] == k.start // upd).only_enforce_if(kept)
                if k.event in self.part:
                    m.add(self.part[k.event] == k.start % upd).only_enforce_if(kept)
            if k.frozen:
                m.add(kept == 1)
                for d in k.demands:
                    y = self.y.get((d, k.event))
                    if y is None:
                        m.add_bool_or([])
                    else:
                        m.add(y == 1)
                for d in self.demands_at[k.event]:
                    if d not in k.demands:
                        m.add(self.y[d, k.event] == 0)

    def _avoid_days(self, e: Event, banned: frozenset[int], rule: str, lit) -> None:
        """When ``lit`` holds (and the rule is kept), the event is not on these days."""
        day = self.day[e.id]
        lo, hi = self.day_range[e.id]
        if not any(lo <= d <= hi for d in banned):
            return
        allowed = cp_model.Domain(lo, hi).intersection_with(cp_model.Domain.from_values(sorted(banned)).complement())
        if allowed.is_empty():
            ct = self.m.add_bool_or([lit.Not()])
        else:
            ct = self.m.add_linear_expression_in_domain(day, allowed)
        self._enforced(ct, rule, lit)

    def _choices_and_demands(self) -> None:
        m, p = self.m, self.p
        live = {e.id for e in self.live}
        demands_at: dict[str, list] = defaultdict(list)
        self.demands_at: dict[str, list[str]] = defaultdict(list)
        for d in p.demands:
            ys = []
            for eid in d.events:
                if eid in live:
                    y = self.y[d.id, eid] = m.new_bool_var(f"serve_{d.id}_{eid}")
                    m.add_implication(y, self.x[eid])
                    ys.append(y)
                    demands_at[eid].append(d)
                    self.demands_at[eid].append(d.id)
            if ys:
                m.add_at_most_one(ys)
        groups_at: dict[str, dict[str, list]] = {}
        for e in self.live:
            x = self.x[e.id]
            ds = demands_at[e.id]
            by_group: dict[str, list] = defaultdict(list)
            for d in ds:
                by_group[d.group].append(self.y[d.id, e.id])
            groups_at[e.id] = by_group
            for g, ys in sorted(by_group.items()):
                if len(ys) == 1:
                    a = ys[0]
                else:
                    a = m.new_bool_var(f"attend_{g}_{e.id}")
                    m.add_max_equality(a, ys)
                self.attend[g, e.id] = a
                self.usage[g].append((e, a))
            load = e.fixed_size * x + sum(d.size * self.y[d.id, e.id] for d in ds)
            m.add(load <= e.capacity * x)
            m.add(load >= e.min_size * x)
            for c in e.choices:
                zs = []
                for opt in c.options:
                    z = self.z[e.id][c.kind, opt.resource] = m.new_bool_var(f"{c.kind}_{e.id}_{opt.resource}")
                    zs.append(z)
                    if opt.capacity is not None and opt.capacity < e.capacity:
                        m.add(load <= opt.capacity).only_enforce_if(z)
                    if opt.needs_group:
                        a = self.attend.get((opt.needs_group, e.id))
                        if a is None:
                            m.add(z == 0)
                        else:
                            m.add_implication(z, a)
                    self.usage[opt.resource].append((e, z))
                    for rule, banned_days in p.resources[opt.resource].blocked.items():
                        self._avoid_days(e, banned_days, rule, z)
                m.add(sum(zs) == x)
        # a group that attends must be free then
        for (g, eid), a in self.attend.items():
            e = self.p.event(eid)
            for rule, banned_days in p.resources[g].blocked.items():
                self._avoid_days(e, banned_days, rule, a)

    def _resources(self) -> None:
        m, p = self.m, self.p
        for rid in sorted(self.usage):
            uses = self.usage[rid]
            res = p.resources[rid]
            if len(uses) > 1:
                intervals = []
                for e, lit in uses:
                    pres = self._kept(lit, res.overlap_rule, f"use_{rid}_{e.id}")
                    intervals.append(m.new_optional_fixed_size_interval_var(self.start[e.id], e.length, pres, f"iv_{rid}_{e.id}"))
                m.add_no_overlap(intervals)
            if res.min_gap_days > 0 and len(uses) > 1:
                intervals = []
                for e, lit in uses:
                    pres = self._kept(lit, res.gap_rule, f"gapuse_{rid}_{e.id}")
                    intervals.append(
                        m.new_optional_fixed_size_interval_var(self.day[e.id], res.min_gap_days, pres, f"gap_{rid}_{e.id}")
                    )
                m.add_no_overlap(intervals)
            if res.period_cap is not None and len(uses) > res.period_cap:
                # at most ``cap`` uses per period: a cumulative over the period axis
                intervals = []
                for e, lit in uses:
                    pres = self._kept(lit, res.cap_rule, f"capuse_{rid}_{e.id}")
                    intervals.append(m.new_optional_fixed_size_interval_var(self._period(e), 1, pres, f"cap_{rid}_{e.id}"))
                m.add_cumulative(intervals, [1] * len(intervals), res.period_cap)

    def _kept(self, lit, rule: str, name: str):
        if rule not in self.on:
            return lit
        return self._and(lit, self.on[rule], name)

    def _period(self, e: Event) -> cp_model.IntVar:
        """The event's period (month) as an integer, tied to its period literals."""
        if e.id not in self.period:
            months = self.month[e.id]
            v = self.period[e.id] = self.m.new_int_var_from_domain(cp_model.Domain.from_values(sorted(months)), f"period_{e.id}")
            for mo, b in months.items():
                self.m.add(v == mo).only_enforce_if(b)
        return self.period[e.id]

    def _counts(self) -> None:
        for c in self.p.counts:
            xs = [self.x[e.id] for e in self.live if set(c.tags) <= set(e.tags)]
            total = sum(xs)
            if c.min > 0:
                self._enforced(self.m.add(total >= c.min), c.min_rule)
            if c.max < len(xs):
                self._enforced(self.m.add(total <= c.max), c.max_rule)

    def _symmetry(self) -> None:
        fam: dict[str, list[Event]] = defaultdict(list)
        events = {e.id: e for e in self.p.events}
        kept = {events[k.event].family for k in self.p.keeps if k.event in events}
        for e in self.live:
            if e.family not in kept:  # re-planning: runs differ by where they sat before
                fam[e.family].append(e)
        for runs in fam.values():
            runs.sort(key=lambda e: e.run)
            for a, b in zip(runs, runs[1:]):
                if a.starts == b.starts and a.choices == b.choices and a.excluded == b.excluded:
                    self.m.add_implication(self.x[b.id], self.x[a.id])
                    self.m.add(self.start[a.id] <= self.start[b.id]).only_enforce_if(self.x[b.id])

    # -- objective levels -------------------------------------------------------------
    def levels(self) -> dict[str, cp_model.LinearExpr]:
        p, m = self.p, self.m
        served_by_group: dict[str, list] = defaultdict(list)
        wanted: dict[str, int] = defaultdict(int)
        demand_terms, pref_terms = [], []
        pref_at: dict[str, list] = defaultdict(list)
        for d in p.demands:
            ys = [(eid, self.y[d.id, eid]) for eid in d.events if (d.id, eid) in self.y]
            if not ys:
                if d.id in p.in_scope:
                    wanted[d.group] += d.weight
                continue
            wanted[d.group] += d.weight
            for eid, y in ys:
                demand_terms.append(d.weight * y)
                served_by_group[d.group].append(d.weight * y)
                if d.preferred_periods:
                    months = [b for mo, b in self.month[eid].items() if mo in d.preferred_periods]
                    if months:
                        pm = m.new_bool_var(f"preferred_{d.id}_{eid}")
                        m.add_implication(pm, y)
                        m.add(pm <= sum(months))
                        m.add(pm >= y + sum(months) - 1)  # exact, so unproven plans are scored right
                        pref_terms.append(pm)
                        self.derived.append((pm, lambda s, y=y, ms=months: int(s.value(y) and any(s.value(b) for b in ms))))
                        pref_at[eid].append((pm, d.preferred_periods))
        # an event sits in one period: it meets at most the largest group of demands that
        # share a preferred period (the LP alone would spread the event over periods)
        for eid, terms in pref_at.items():
            fans: dict[int, int] = defaultdict(int)
            for _, periods in terms:
                for mo in periods:
                    if mo in self.month[eid]:
                        fans[mo] += 1
            best = max(fans.values(), default=0)
            if best < len(terms):
                m.add(sum(pm for pm, _ in terms) <= best * self.x[eid])
            for mo, b in self.month[eid].items():
                # in period mo, only demands preferring mo count
                others = [pm for pm, periods in terms if mo not in periods]
                if others:
                    m.add(sum(others) == 0).only_enforce_if(b)
        scale = p.fairness_scale
        fair = m.new_int_var(0, scale, "worst_share")
        for g, w in sorted(wanted.items()):
            m.add(fair * w <= scale * sum(served_by_group[g]))
        shares = [(w, sum(served_by_group[g])) for g, w in sorted(wanted.items())]
        self.derived.append((fair, lambda s: min((scale * s.value(e) // w for w, e in shares), default=scale)))
        devs = []
        if self.live and p.period_weight:
            lo, hi = self._total_range()
            n = self.total_var = m.new_int_var(lo, hi, "sessions_total")
            m.add(n == sum(self.x.values()))
            periods = sorted(p.period_weight)
            table = {k: even_targets(k, p.period_weight) for k in range(lo, hi + 1)}
            for mo in periods:
                nm = sum(months[mo] for months in self.month.values() if mo in months)
                if lo == hi:
                    target = table[lo][mo]
                else:
                    target = m.new_int_var(0, hi, f"spread_target_{mo}")
                    m.add_element(n - lo, [table[k][mo] for k in range(lo, hi + 1)], target)
                dev = m.new_int_var(0, hi, f"spread_dev_{mo}")
                m.add(dev >= nm - target)
                m.add(dev >= target - nm)
                devs.append(dev)
                self.derived.append((dev, lambda s, nm=nm, t=target: abs(s.value(nm) - s.value(t))))
                self.spread.append((dev, mo, target))
            self.target_table = table
        out = {
            "demand": sum(demand_terms),
            "fairness": fair,
            "preferred": sum(pref_terms),
            "spread": -sum(devs),
        }
        self.ranges = {
            "fairness": (0, scale),
            "preferred": (0, len(pref_terms)),
            "spread": (-2 * self._total_range()[1], 0),
        }
        if p.keeps:
            out.update(self._stability())
        self.level_names = REPLAN_LEVELS if p.keeps else LEVELS
        return out

    def _stability(self) -> dict[str, cp_model.LinearExpr]:
        """Cost of the changes against the earlier plan (re-planning)."""
        p = self.p
        kept_events = {k.event for k in p.keeps}
        costs = [k.weight * (1 - self.kept[k.event]) if k.event in self.kept else k.weight for k in p.keeps]
        costs += [p.new_event_weight * self.x[e.id] for e in self.live if e.id not in kept_events]
        moved = []
        for k in p.keeps:
            for d, size in sorted(k.demands.items()):
                y = self.y.get((d, k.event))
                moved.append(size * (1 - y) if y is not None else size)
        for k in p.keeps:
            if k.event in self.kept:
                kept = self.kept[k.event]
                self.derived.append((kept, lambda s, k=k: int(self._is_kept(s, k))))
        total_cost = sum(k.weight for k in p.keeps) + p.new_event_weight * len(self.live)
        self.ranges["changes"] = (-total_cost, 0)
        self.ranges["moved"] = (-sum(size for k in p.keeps for size in k.demands.values()), 0)
        return {"changes": -sum(costs), "moved": -sum(moved)}

    def _is_kept(self, s: cp_model.CpSolver, k) -> bool:
        upd = self.p.units_per_day
        if not s.boolean_value(self.x[k.event]):
            return False
        if s.value(self.day[k.event]) != k.start // upd:
            return False
        if k.event in self.part and s.value(self.part[k.event]) != k.start % upd:
            return False
        return all(
            (kind, rid) in self.z[k.event] and s.boolean_value(self.z[k.event][kind, rid]) for kind, rid in k.options.items()
        )

    def hint_placements(self, placements: list) -> None:
        """A complete hint from a plan given as (event, start, {kind: resource}, [demand ids])."""
        m, p = self.m, self.p
        upd = p.units_per_day
        placed = {e.id: (t, picks, set(ds)) for e, t, picks, ds in placements}
        m.clear_hints()
        for e in self.live:
            got = placed.get(e.id)
            t, picks, ds = got if got else (self.first_start[e.id], {}, set())
            m.add_hint(self.x[e.id], int(got is not None))
            m.add_hint(self.day[e.id], t // upd)
            if e.id in self.part:
                m.add_hint(self.part[e.id], t % upd)
                m.add_hint(self.start[e.id], t)
            month = p.period_of_day[t // upd]
            for mo, b in self.month[e.id].items():
                m.add_hint(b, int(got is not None and mo == month))
            if e.id in self.period:
                m.add_hint(self.period[e.id], month if month in self.month[e.id] else min(self.month[e.id]))
            for (kind, rid), z in self.z[e.id].items():
                m.add_hint(z, int(picks.get(kind) == rid))
        for (d, eid), y in self.y.items():
            m.add_hint(y, int(eid in placed and d in placed[eid][2]))
        groups = {d.id: d.group for d in p.demands}
        own = {y.index for y in self.y.values()}
        for (g, eid), a in self.attend.items():
            if a.index not in own:
                m.add_hint(a, int(eid in placed and any(groups[d] == g for d in placed[eid][2])))
        devs = {dev.index for dev, _, _ in self.spread}
        for var, _ in self.derived:
            if var.index not in devs:
                m.add_hint(var, 0)
        if self.total_var is not None:
            n = len(placed)
            m.add_hint(self.total_var, n)
            per: dict[int, int] = defaultdict(int)
            for t, _, _ in placed.values():
                per[p.period_of_day[t // upd]] += 1
            for dev, mo, target in self.spread:
                goal = self.target_table[n][mo]
                if not isinstance(target, int):
                    m.add_hint(target, goal)
                m.add_hint(dev, abs(per[mo] - goal))

    def _total_range(self) -> tuple[int, int]:
        lo, hi = 0, len(self.live)
        for c in self.p.counts:
            if c.tags == ("session",):
                lo, hi = max(lo, c.min), min(hi, c.max)
        return lo, max(lo, hi)

    def assignments(self, solver: cp_model.CpSolver) -> list[Assignment]:
        out = []
        for e in self.live:
            if not solver.boolean_value(self.x[e.id]):
                continue
            options = {kind: rid for (kind, rid), z in self.z[e.id].items() if solver.boolean_value(z)}
            demands = sorted(d for d in self.demands_at[e.id] if solver.boolean_value(self.y[d, e.id]))
            out.append(Assignment(e.id, solver.value(self.start[e.id]), options, demands))
        return out


def even_targets(n: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``n`` events over periods in proportion to their weights (largest remainder,
    ties to the earlier period): the even load the ``spread`` level aims at."""
    total = sum(weights.values())
    base = {k: n * w // total for k, w in weights.items()}
    left = n - sum(base.values())
    by_remainder = sorted(weights, key=lambda k: (-(n * weights[k] % total), k))
    for k in by_remainder[:left]:
        base[k] += 1
    return base


def _parameters(opts: SolveOptions, budget: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = opts.seed
    prm.num_workers = max(1, opts.workers)
    prm.cp_model_probing_level = 0  # probing costs seconds in presolve here and found little (measured)
    prm.linearization_level = 2  # the LP with all constraints proves the levels far sooner (measured)
    if opts.deterministic:
        prm.interleave_search = True
        prm.interleave_batch_size = 8
        prm.max_deterministic_time = max(0.1, budget)
    else:
        prm.max_time_in_seconds = max(0.1, budget)
    if opts.relative_gap:
        prm.relative_gap_limit = opts.relative_gap
    return solver


def _hint_from(model: Model, solver: cp_model.CpSolver) -> None:
    """Hint the next level with this solution, its loose objective helpers tightened
    (an earlier level leaves e.g. the fairness variable at 0)."""
    m = model.m
    values = {i: solver.value(m.get_int_var_from_proto_index(i)) for i in range(len(m.proto.variables))}
    for var, best in model.derived:
        values[var.index] = best(solver)
    m.clear_hints()
    for i, value in values.items():
        m.add_hint(m.get_int_var_from_proto_index(i), value)


# Levels solved together in one stage are weighted so that one unit of a level outweighs
# the whole range of the levels after it in that stage (exact lexicographic order).
# Two stages measured fastest on the Pinghu example (one: slower; three or four: each
# stage pays its own presolve). Re-planning puts the stability levels in the first
# stage: the demand met and the fewest changes are decided together.
STAGES = [("demand", "fairness"), ("preferred", "spread")]
REPLAN_STAGES = [("demand", "changes", "moved"), ("fairness", "preferred", "spread")]


class _Stage:
    """One solve: its levels, their weights, and how to read the first level back."""

    def __init__(self, names: tuple[str, ...], model: Model, exprs: dict[str, cp_model.LinearExpr]):
        self.names = names
        self.weights = [1] * len(names)
        self.low = 0  # the least the levels after the first can add up to
        for k in range(len(names) - 2, -1, -1):
            lo, hi = model.ranges[names[k + 1]]
            self.weights[k] = self.weights[k + 1] * (hi - lo + 1)
            self.low += self.weights[k + 1] * lo
        self.objective = sum(w * exprs[n] for w, n in zip(self.weights, names))

    def head(self, combined: int) -> int:
        """The stage's first level from a combined value (the rest lie in [low, low + weight))."""
        if len(self.names) == 1:
            return combined
        return (combined - self.low) // self.weights[0]


def _stop_when_found(solver: cp_model.CpSolver, found: threading.Event, share: float, done: threading.Event) -> None:
    """Stop the search once ``share`` seconds have passed and some solution exists."""
    if not done.wait(share):
        while not done.is_set():
            if found.is_set():
                solver.stop_search()
                return
            done.wait(0.1)


def solve(problem: Problem, opts: SolveOptions | None = None) -> Solution:
    """Optimise the levels in order; the result says how far each was proven.

    Re-planning with a known demand bound tries the *pinned* problem first (every
    earlier placement that can stay, stays; nothing new): it is small, so it solves in
    a fraction of the time. When it meets the bound, its plan is optimal for the whole
    problem: no plan serves more demand, none changes less (the pinned plans are
    exactly those with the least ``changes``), and the later levels were optimised
    over exactly those plans. Otherwise the whole problem is solved, from its plan.
    """
    opts = opts or SolveOptions()
    began = time.perf_counter()
    hint = None
    if problem.keeps and problem.demand_bound is not None:
        sol = _solve_stages(problem.pinned(), opts, began, opts.time_limit / 2)
        if sol.objective and sol.objective[0] == problem.demand_bound:
            sol.bound[0] = problem.demand_bound
            sol.bound[1] = sol.objective[1]  # the least change cost any plan has
            sol.status = "OPTIMAL" if sol.objective == sol.bound and len(sol.level_names) == len(REPLAN_LEVELS) else "FEASIBLE"
            sol.info["pinned"] = True
            return sol
        hint = sol.assignments or None
    return _solve_stages(problem, opts, began, opts.time_limit, hint)


def _solve_stages(
    problem: Problem, opts: SolveOptions, began: float, limit: float, hint: list[Assignment] | None = None
) -> Solution:
    """Solve the stages one after the other within ``limit`` (from ``began``)."""
    model = Model(problem)
    exprs = model.levels()
    stages = [_Stage(names, model, exprs) for names in (REPLAN_STAGES if problem.keeps else STAGES)]
    placements: list = []
    if hint:
        model.hint_placements([(problem.event(a.event), a.start, a.options, a.demands) for a in hint])
    elif verdict(problem, greedy_plan(problem, placements=placements))[0]:
        model.hint_placements(placements)  # a feasible start: large problems get a plan at once
    objective: list[int] = []
    bound: list[int] = []
    solved: list[str] = []
    assignments: list[Assignment] = []
    status = "OPTIMAL"
    spent_det = 0.0
    for i, stage in enumerate(stages):
        used = spent_det if opts.deterministic else time.perf_counter() - began
        left = limit - used
        share = left / (len(stages) - i)
        model.m.maximize(stage.objective)
        solver = _parameters(opts, share if opts.deterministic else left)
        found, done = threading.Event(), threading.Event()

        def notify(obj: int, bnd: int, _stage=stage, _i=i, _found=found) -> None:
            _found.set()
            if opts.progress:
                opts.progress(
                    Progress(
                        _stage.names[0], _i + 1, len(stages), _stage.head(obj), _stage.head(bnd), time.perf_counter() - began
                    )
                )

        watchdog = None
        if not opts.deterministic:
            watchdog = threading.Thread(target=_stop_when_found, args=(solver, found, share, done), daemon=True)
            watchdog.start()
        code = solver.solve(model.m, _Callback(notify))
        done.set()
        if watchdog:
            watchdog.join()
        spent_det += solver.deterministic_time
        st = STATUS[code]
        if st not in ("OPTIMAL", "FEASIBLE"):
            if i == 0:
                return Solution(st, [], [], [], [], time.perf_counter() - began)
            break  # keep the previous stage's solution; later levels stay unproven
        if st != "OPTIMAL":
            status = "FEASIBLE"
        assignments = model.assignments(solver)
        solved += stage.names
        # a later stage may improve an earlier level that was not proven: read them all again
        objective = [solver.value(exprs[n]) for n in solved]
        best_bound = round(solver.best_objective_bound)
        for k, name in enumerate(stage.names):
            value = solver.value(exprs[name])
            if st == "OPTIMAL":
                bound.append(value)
            elif k == 0:
                bound.append(stage.head(best_bound))
            else:  # a later level of an unproven stage: only its trivial bound
                bound.append(model.ranges[name][1])
            model.m.add(exprs[name] >= value)
        if opts.progress:
            notify(round(solver.objective_value), best_bound)
        _hint_from(model, solver)
    if len(solved) < len(model.level_names):
        status = "FEASIBLE"
    return Solution(status, assignments, objective, bound, solved, time.perf_counter() - began)


def max_kept_rules(problem: Problem, relax: set[str], time_limit: float = 10.0, seed: int = 0) -> tuple[str, list[str]]:
    """Make ``relax`` soft and find the fewest of them to drop for a feasible problem.

    Returns the status and the rule ids dropped (empty when even that fails).
    """
    model = Model(problem, relax)
    model.m.maximize(sum(model.on.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    code = solver.solve(model.m)
    st = STATUS[code]
    if st not in ("OPTIMAL", "FEASIBLE"):
        return st, []
    return st, [r for r, v in model.on.items() if not solver.boolean_value(v)]
