"""The CP-SAT model of a neutral ``Problem`` (the *day model*).

Each candidate event has a presence literal and one start variable; every resource
it uses (fixed, chosen, or attending group) is an optional interval sharing that
start, so conflicts are ``add_no_overlap`` per resource (see docs/solver-notes.md).
``scheduler.core.periods`` derives the period model from it by overriding the time parts.

Objective levels (``Model.levels``), most important first:

1. ``demand``: priority-weighted demands met;
2. ``fairness``: the worst-served group's share of its own demand (max-min);
3. ``preferred``: demands met in a preferred period;
4. ``spread``: minus the events away from an even split over periods (largest remainder);
5. ``rhythm``: minus the events away from an even split over the rhythm windows (e.g.
   weeks; the same largest-remainder split), minus each pair of events that share a time
   unit (a day's events spread over its parts where the rules allow). Only the day model
   has days: in the period model the level is 0.

When re-planning (``problem.is_replan``), two levels come right after ``demand``:
``changes`` (minus the weighted cost of moving, dropping or adding events against the
earlier plan) and ``moved`` (minus the demand size that no longer sits where it did).
Stability is in the objective, not only in a hint (docs/solver-notes.md): a hint alone
moved many untouched events in measured cases.

Objective helpers (fairness, preferred indicators, deviations) are only pushed one
way by maximisation, so each is registered in ``derived`` with its true value: hints
set them exactly, which keeps a hint from a feasible plan feasible.

In *relax* mode (used to explain infeasibility) chosen rules get an enforcement
literal and the objective is to keep as many of them as possible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from scheduler.core.cpsat import cp_model, cp_model_helper
from scheduler.core.problem import LEVELS, REPLAN_LEVELS, Assignment, Demand, Event, Option, Problem, Resource, WindowCap

# candidate pairs of events (n(n-1)/2), at most, for the rhythm level's pair terms: measured
# on 10x Pinghu (896 events, 400,000 pairs) building them took 23 s and 2.5 GB
MAX_PAIRS = 200_000


class Values:
    """Variable values by proto index, read like a solver's (``value``, ``boolean_value``),
    so objective helpers can be computed for a hint as for a solution."""

    def __init__(self, by_index: dict[int, int] | None = None):
        self.by_index = by_index or {}

    def set(self, var: cp_model.IntVar, value: int) -> None:
        self.by_index[var.index] = int(value)

    def value(self, expr) -> int:
        if isinstance(expr, int):
            return expr
        flat = cp_model_helper.FlatIntExpr(expr)
        return flat.offset + sum(c * self.by_index.get(v.index, 0) for v, c in zip(flat.vars, flat.coeffs))

    def boolean_value(self, lit) -> bool:
        return bool(self.value(lit))


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
        self.windows: dict[tuple[str, int], cp_model.IntVar] = {}  # (event, id of a window table) -> window
        self.tables_by_id: dict[int, tuple[int, ...]] = {}  # id of a window table -> the table (for hints)
        self.cap_usage: dict[str, list] = defaultdict(list)  # resource -> (event, literal) counted by its period cap only
        self.part: dict[str, cp_model.IntVar] = {}
        self.first_start: dict[str, int] = {}
        self.spread: list[tuple[cp_model.IntVar, int, object]] = []  # (deviation, period, target)
        self.rhythm: list[tuple[cp_model.IntVar, int, object]] = []  # (deviation, window, target)
        self.in_window: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)  # event -> window -> in it
        self.starts_of: dict[str, list[int]] = {}  # event -> the starts its hard days leave
        self.total_var: cp_model.IntVar | None = None
        # objective helpers that a solution of an earlier level leaves loose: (var, best value)
        self.derived: list[tuple[cp_model.IntVar, Callable[[cp_model.CpSolver], int]]] = []
        self.month: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)  # event -> month -> in it
        self.z: dict[str, dict[tuple[str, str], cp_model.IntVar]] = defaultdict(dict)  # event -> (kind, resource)
        self.y: dict[tuple[str, str], cp_model.IntVar] = {}  # (demand, event)
        self.attend: dict[tuple[str, str], cp_model.IntVar] = {}  # (group, event)
        self.usage: dict[str, list[tuple[Event, cp_model.IntVar]]] = defaultdict(list)
        self.ands: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = []  # v == all(lits)
        self.group_of = {d.id: d.group for d in problem.demands}
        self._levels: dict[str, cp_model.LinearExpr] | None = None
        # the most a level can reach by a relaxation, when below its range (``solve._ceilings``)
        self.ceilings: dict[str, int] = {}
        self.hinted: Values | None = None  # the values last hinted
        # the rhythm level's pair terms (``_shared_units``) grow with the square of the
        # events: above MAX_PAIRS they are left out, and the level's value is not the true
        # rhythm (``pairs_counted`` False: a solve reports it unscored, never proven)
        n = len(problem.events)
        self.pairs_counted = not problem.shared_units or n * (n - 1) // 2 <= MAX_PAIRS
        self._build()

    # -- helpers ------------------------------------------------------------------
    def _enforced(self, ct: cp_model.Constraint, rule: str, *lits: cp_model.IntVar) -> None:
        extra = [self.on[rule]] if rule in self.on else []
        if lits or extra:
            ct.only_enforce_if(list(lits) + extra)

    def _and(self, a: cp_model.IntVar, b: cp_model.IntVar, name: str) -> cp_model.IntVar:
        v = self.m.new_bool_var(name)
        self.ands.append((v, [a, b]))
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
            starts = self.starts_of[e.id] = [t for t in e.starts if t // upd not in banned]
            if not starts or any(not c.options for c in e.choices):
                continue
            self.live.append(e)
            x = self.x[e.id] = m.new_bool_var(f"run_{e.id}")
            if not e.optional:
                m.add(x == 1)
            self._time(e, starts, x)
            for rid in e.resources:
                self.usage[rid].append((e, x))
                for rule, banned_days in p.resources[rid].blocked.items():
                    if rule in self.relax:
                        self._avoid_days(e, banned_days, rule, x)
        self._choices_and_demands()
        self._resources()
        self._window_counts()
        self._counts()
        self._symmetry()
        self._keeps()

    def _time(self, e: Event, starts: list[int], x: cp_model.IntVar) -> None:
        """When the event starts: day and part variables, and one literal per period."""
        m, p = self.m, self.p
        upd = p.units_per_day
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
            if d.required:
                m.add_bool_or(ys)  # with no event left: infeasible
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
                m.add(sum(self._option(e, c.kind, opt, load) for opt in c.options) == x)
        # a group that attends must be free then
        for (g, eid), a in self.attend.items():
            e = self.p.event(eid)
            for rule, banned_days in p.resources[g].blocked.items():
                self._avoid_days(e, banned_days, rule, a)

    def _option(self, e: Event, kind: str, opt: Option, load) -> cp_model.IntVar:
        """The literal of using this option for the event: its capacity, the group it needs,
        its resource's use (and the period cap it counts toward), its blocked days."""
        m = self.m
        z = self.z[e.id][kind, opt.resource] = m.new_bool_var(f"{kind}_{e.id}_{opt.resource}")
        if opt.capacity is not None and opt.capacity < e.capacity:
            m.add(load <= opt.capacity).only_enforce_if(z)
        if opt.needs_group:
            a = self.attend.get((opt.needs_group, e.id))
            if a is None:
                m.add(z == 0)
            else:
                m.add_implication(z, a)
        self.usage[opt.resource].append((e, z))
        if opt.counts_toward:
            self.cap_usage[opt.counts_toward].append((e, z))
        for rule, banned_days in [*self.p.resources[opt.resource].blocked.items(), *opt.blocked.items()]:
            self._avoid_days(e, banned_days, rule, z)
        return z

    def _resources(self) -> None:
        for rid in sorted(set(self.usage) | set(self.cap_usage)):
            uses = self.usage[rid]
            res = self.p.resources[rid]
            if len(uses) > 1:
                self._no_overlap(res, uses)
                if res.min_gap_days > 0:
                    self._gap(res, uses)
            counted = uses + self.cap_usage[rid]  # an option may count toward a cap without taking the time
            if res.period_cap is not None and len(counted) > res.period_cap:
                self._period_cap(res, counted)
            if res.window_cap is not None and len(uses) > res.window_cap.cap:
                self._window_cap(res, res.window_cap, uses)

    def _window_counts(self) -> None:
        """``Problem.window_counts``: each a window cap over the running events it counts,
        which may overlap in time (a stand-in resource with no time of its own)."""
        for i, wc in enumerate(self.p.window_counts):
            uses = [(e, self.x[e.id]) for e in self.live if set(wc.tags) <= set(e.tags)]
            if len(uses) > wc.limit.cap:
                self._window_cap(Resource(f"count{i}", "", ""), wc.limit, uses)

    def _no_overlap(self, res: Resource, uses: list) -> None:
        intervals = []
        for e, lit in uses:
            pres = self._kept(lit, res.overlap_rule, f"use_{res.id}_{e.id}")
            intervals.append(self.m.new_optional_fixed_size_interval_var(self.start[e.id], e.length, pres, f"iv_{res.id}_{e.id}"))
        self.m.add_no_overlap(intervals)

    def _gap(self, res: Resource, uses: list) -> None:
        intervals = []
        for e, lit in uses:
            pres = self._kept(lit, res.gap_rule, f"gapuse_{res.id}_{e.id}")
            intervals.append(
                self.m.new_optional_fixed_size_interval_var(self.day[e.id], res.min_gap_days, pres, f"gap_{res.id}_{e.id}")
            )
        self.m.add_no_overlap(intervals)

    def _period_cap(self, res: Resource, uses: list) -> None:
        """At most ``cap`` uses per period: a cumulative over the period axis."""
        intervals = []
        for e, lit in uses:
            pres = self._kept(lit, res.cap_rule, f"capuse_{res.id}_{e.id}")
            intervals.append(self.m.new_optional_fixed_size_interval_var(self._period(e), 1, pres, f"cap_{res.id}_{e.id}"))
        self.m.add_cumulative(intervals, [1] * len(intervals), res.period_cap)

    def _window_cap(self, res: Resource, cap: WindowCap, uses: list) -> None:
        """At most ``cap.cap`` uses per window of days (``Resource.window_cap``, a window
        count): a cumulative over the window axis, each use at its day's window, like the
        period cap."""
        intervals = []
        for e, lit in uses:
            pres = self._kept(lit, cap.rule, f"winuse_{res.id}_{e.id}")
            window = self._window(e, cap.window_of_day)
            intervals.append(self.m.new_optional_fixed_size_interval_var(window, 1, pres, f"win_{res.id}_{e.id}"))
        self.m.add_cumulative(intervals, [1] * len(intervals), cap.cap)

    def _window(self, e: Event, window_of_day: tuple[int, ...]) -> cp_model.IntVar:
        """The window of the event's day, one variable per event and table (resources
        usually share one table, e.g. the calendar weeks)."""
        if all(w == d for d, w in enumerate(window_of_day)):
            return self.day[e.id]  # windows of one day each: the day itself
        key = (e.id, id(window_of_day))
        if key not in self.windows:
            self.tables_by_id[id(window_of_day)] = window_of_day
            lo, hi = self.day_range[e.id]
            values = sorted({window_of_day[d] for d in range(lo, hi + 1)})
            w = self.windows[key] = self.m.new_int_var_from_domain(cp_model.Domain.from_values(values), f"window_{e.id}")
            self.m.add_element(self.day[e.id], list(window_of_day), w)
        return self.windows[key]

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
        """Interchangeable runs of one family: run k+1 only if run k, and not before it."""
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
                    self._not_before(a, b)

    def _not_before(self, a: Event, b: Event) -> None:
        self.m.add(self.start[a.id] <= self.start[b.id]).only_enforce_if(self.x[b.id])

    # -- objective levels -------------------------------------------------------------
    def levels(self) -> dict[str, cp_model.LinearExpr]:
        """The objective levels by name (built once)."""
        if self._levels is None:
            self._levels = self._build_levels()
        return self._levels

    def cap_level(self, name: str, bound: int) -> None:
        """A level can be no more than a bound proved elsewhere (e.g. by a relaxation)."""
        self.m.add(self.levels()[name] <= bound)

    def _build_levels(self) -> dict[str, cp_model.LinearExpr]:
        """Every objective level as one expression, and the ranges that weight the stages.

        The steps run in this order so that the model's variables are made in the same order
        as ever (the solver's search, hence the plan, depends on it)."""
        p = self.p
        demand_terms, pref_terms, wanted, served_by_group = self._demand_terms()
        fair = self._worst_share(wanted, served_by_group)
        devs = self._spread_deviations()
        rhythm = self._rhythm_terms()
        out = {
            "demand": sum(demand_terms),
            "fairness": fair,
            "preferred": sum(pref_terms),
            "spread": -sum(devs),
            "rhythm": -sum(rhythm),
        }
        self.ranges = {
            "fairness": (0, p.fairness_scale),
            "preferred": (0, len(pref_terms)),
            "spread": (-2 * self.p.total_range(self.live)[1], 0),
            # the window deviations add up to at most twice the events (like spread), each pair 1
            "rhythm": (-2 * self.p.total_range(self.live)[1] - len(rhythm), 0),
        }
        if p.is_replan:
            out.update(self._stability())
        self.level_names = REPLAN_LEVELS if p.is_replan else LEVELS
        return out

    def _demand_terms(self) -> tuple[list, list, dict[str, int], dict[str, list]]:
        """The weighted demand met and the preferred periods met, term by term, with what
        each group wants and is served (for fairness)."""
        p = self.p
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
                pm = self._preferred_literal(d, eid, y)
                if pm is not None:
                    pref_terms.append(pm)
                    pref_at[eid].append((pm, d))
        self._preferred_cuts(pref_at)
        return demand_terms, pref_terms, wanted, served_by_group

    def _preferred_literal(self, d: Demand, eid: str, y: cp_model.IntVar) -> cp_model.IntVar | None:
        """True exactly when demand ``d`` is met by event ``eid`` in a period it prefers;
        None when it has no preference or the event can sit in none of them."""
        if not d.preferred_periods:
            return None
        months = [b for mo, b in self.month[eid].items() if mo in d.preferred_periods]
        if not months:
            return None
        m = self.m
        pm = m.new_bool_var(f"preferred_{d.id}_{eid}")
        m.add_implication(pm, y)
        m.add(pm <= sum(months))
        m.add(pm >= y + sum(months) - 1)  # exact, so unproven plans are scored right
        self.derived.append((pm, lambda s, y=y, ms=months: int(s.value(y) and any(s.value(b) for b in ms))))
        return pm

    def _worst_share(self, wanted: dict[str, int], served_by_group: dict[str, list]) -> cp_model.IntVar:
        """The fairness level: the least share of its wanted weight that any group is served,
        in units of ``fairness_scale``."""
        m, scale = self.m, self.p.fairness_scale
        fair = m.new_int_var(0, scale, "worst_share")
        for g, w in sorted(wanted.items()):
            m.add(fair * w <= scale * sum(served_by_group[g]))
        shares = [(w, sum(served_by_group[g])) for g, w in sorted(wanted.items())]
        self.derived.append((fair, lambda s: min((scale * s.value(e) // w for w, e in shares), default=scale)))
        return fair

    def _spread_deviations(self) -> list[cp_model.IntVar]:
        """The spread level's terms: how far each period's events are from an even split of
        the events that run (its target depends on how many run); none without period weights."""
        members = {mo: [ms[mo] for ms in self.month.values() if mo in ms] for mo in self.p.period_weight}
        devs, self.target_table = self.even_deviations(self.p.period_weight, members, self.spread, "spread")
        return devs

    def _events_total(self) -> cp_model.IntVar:
        """How many events run, as one variable (the even splits' targets depend on it)."""
        if self.total_var is None:
            lo, hi = self.p.total_range(self.live)
            self.total_var = self.m.new_int_var(lo, hi, "events_total")
            self.m.add(self.total_var == sum(self.x.values()))
        return self.total_var

    def even_deviations(self, weights: dict[int, int], members: dict[int, list], out: list, name: str) -> tuple[list, dict]:
        """How far each bucket's events (``members``: bucket -> literals) are from the even
        split of the events that run over ``weights`` (``split_deviations``); each deviation
        is recorded in ``out`` as (deviation, bucket, target). Returns them and the target table."""
        if not (self.live and weights):
            return [], {}
        lo, hi = self.p.total_range(self.live)
        rows, table = split_deviations(self.m, self._events_total(), lo, hi, weights, members, name)
        for dev, b, target, nm in rows:
            self.derived.append((dev, lambda s, nm=nm, t=target: abs(s.value(nm) - s.value(t))))
            out.append((dev, b, target))
        return [row[0] for row in rows], table

    def _rhythm_terms(self) -> list:
        """The rhythm level's terms: each window's deviation from the even split over the
        windows, and one term per pair of events that share a time unit."""
        p = self.p
        devs: list = []
        if p.rhythm_window_of_day and p.rhythm_weight:
            for e in self.live:
                self._window_literals(e)
            members = {w: [ws[w] for ws in self.in_window.values() if w in ws] for w in p.rhythm_weight}
            devs, self.window_table = self.even_deviations(p.rhythm_weight, members, self.rhythm, "rhythm")
        return devs + self._shared_units()

    def _window_literals(self, e: Event) -> None:
        """One literal per rhythm window the event's day may fall in (exactly one if it runs)."""
        m, win = self.m, self.p.rhythm_window_of_day
        by_window: dict[int, list[int]] = defaultdict(list)
        for d in sorted({t // self.p.units_per_day for t in self.starts_of[e.id]}):
            by_window[win[d]].append(d)
        lits = []
        for w, ds in sorted(by_window.items()):
            b = self.in_window[e.id][w] = m.new_bool_var(f"window_{e.id}_{w}")
            m.add_linear_expression_in_domain(self.day[e.id], cp_model.Domain.from_values(ds)).only_enforce_if(b)
            lits.append(b)
        m.add(sum(lits) == self.x[e.id])

    def _shared_units(self) -> list[cp_model.IntVar]:
        """One literal per pair of events that could share a time unit: true when both run
        and they overlap. Two literals say which comes first otherwise; the pair literal is
        only pushed down by maximisation, so it is registered in ``derived`` (exact hints)."""
        m, out = self.m, []
        if not (self.p.shared_units and self.pairs_counted):
            return out
        occupied = {e.id: {t + k for t in self.starts_of[e.id] for k in range(e.length)} for e in self.live}
        for i, a in enumerate(self.live):
            for b in self.live[i + 1 :]:
                if occupied[a.id].isdisjoint(occupied[b.id]):
                    continue
                xa, xb = self.x[a.id], self.x[b.id]
                sa, sb = self.start[a.id], self.start[b.id]
                shared = m.new_bool_var(f"shared_{a.id}_{b.id}")
                before, after = m.new_bool_var(f"before_{a.id}_{b.id}"), m.new_bool_var(f"after_{a.id}_{b.id}")
                m.add(sa + a.length <= sb).only_enforce_if(before)
                m.add(sb + b.length <= sa).only_enforce_if(after)
                m.add(shared + before + after >= xa + xb - 1)
                for k, lit in enumerate((before, after, shared)):
                    self.derived.append((lit, lambda s, k=k, a=a, b=b: self._order(s, a, b)[k]))
                out.append(shared)
        return out

    def _order(self, s, a: Event, b: Event) -> tuple[int, int, int]:
        """For two events that both run: (a ends before b starts, b ends before a starts,
        they share a time unit); all 0 unless both run."""
        if not (s.value(self.x[a.id]) and s.value(self.x[b.id])):
            return 0, 0, 0
        sa, sb = s.value(self.start[a.id]), s.value(self.start[b.id])
        before, after = int(sa + a.length <= sb), int(sb + b.length <= sa)
        return before, after, int(not (before or after))

    def _preferred_cuts(self, pref_at: dict[str, list]) -> None:
        """An event sits in one period: it meets at most the largest group of demands
        that share a preferred period (the LP alone would spread the event over periods).
        ``pref_at``: event -> [(preferred literal, demand)]."""
        m = self.m
        for eid, terms in pref_at.items():
            fans: dict[int, int] = defaultdict(int)
            for _, d in terms:
                for mo in d.preferred_periods:
                    if mo in self.month[eid]:
                        fans[mo] += 1
            best = max(fans.values(), default=0)
            if best < len(terms):
                m.add(sum(pm for pm, _ in terms) <= best * self.x[eid])
            for mo, b in self.month[eid].items():
                # in period mo, only demands preferring mo count
                others = [pm for pm, d in terms if mo not in d.preferred_periods]
                if others:
                    m.add(sum(others) == 0).only_enforce_if(b)

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
        """A complete hint from a plan given as (event, start, {kind: resource}, [demand ids]):
        every variable, objective helpers included, so the hint is a feasible solution
        whenever the plan is."""
        self.levels()  # the objective's variables exist before they are hinted
        p = self.p
        upd = p.units_per_day
        placed = {e.id: (t, picks, set(ds)) for e, t, picks, ds in placements}
        vals = Values()
        for e in self.live:
            got = placed.get(e.id)
            t, picks, ds = got if got else (self.first_start[e.id], {}, set())
            vals.set(self.x[e.id], int(got is not None))
            if e.id in self.day:
                vals.set(self.day[e.id], t // upd)
            if e.id in self.part:
                vals.set(self.part[e.id], t % upd)
                vals.set(self.start[e.id], t)
            month = p.period_of_day[t // upd]
            for mo, b in self.month[e.id].items():
                vals.set(b, int(got is not None and mo == month))
            if e.id in self.period:
                vals.set(self.period[e.id], month if month in self.month[e.id] else min(self.month[e.id]))
            for (kind, rid), z in self.z[e.id].items():
                vals.set(z, int(picks.get(kind) == rid))
        for (eid, table), w in self.windows.items():
            vals.set(w, self.tables_by_id[table][vals.value(self.day[eid])])
        for (d, eid), y in self.y.items():
            vals.set(y, int(eid in placed and d in placed[eid][2]))
        for (g, eid), a in self.attend.items():
            if a.index not in vals.by_index:
                vals.set(a, int(any(vals.value(self.y[d, eid]) for d in self.demands_at[eid] if self.group_of[d] == g)))
        for iv, lits in self.ands:
            vals.set(iv, int(all(vals.value(v) for v in lits)))
        win = p.rhythm_window_of_day
        for eid, windows in self.in_window.items():
            t = placed[eid][0] if eid in placed else None
            for w, b in windows.items():
                vals.set(b, int(t is not None and win[t // upd] == w))
        if self.total_var is not None:
            n = len(placed)
            vals.set(self.total_var, n)
            for buckets, table in ((self.spread, self.target_table), (self.rhythm, getattr(self, "window_table", {}))):
                for _, b, target in buckets:
                    if not isinstance(target, int):
                        vals.set(target, table[n][b])
        self._hint(vals)

    def hint_solution(self, solver: cp_model.CpSolver) -> None:
        """Hint the next stage with this solution, its loose objective helpers tightened
        (an earlier level leaves e.g. the fairness variable at 0). ``solver`` may have
        solved this model after it grew, or a copy that grew: a level held that is a
        constant (a problem with no demands: ``demand >= 0``) adds a constant literal. A
        model's own variables come first and keep their indices, so only those are read
        (found by the ITC-2007 adapter's core route, ``scheduler.adapters.ctt.neutral``:
        the period model after a cut, one variable short of the last plan)."""
        own = len(self.m.proto.variables)
        values = solver.response_proto.solution
        self._hint(Values({i: values[i] for i in range(min(own, len(values)))}))

    def _hint(self, vals: Values) -> None:
        """Hint these values, objective helpers set to their true values first."""
        self.levels()
        self.hinted = vals
        for var, best in self.derived:
            vals.set(var, best(vals))
        self.m.clear_hints()
        for i, value in sorted(vals.by_index.items()):
            self.m.add_hint(self.m.get_int_var_from_proto_index(i), value)

    def assignments(self, solver: cp_model.CpSolver) -> list[Assignment]:
        out = []
        for e in self.live:
            if not solver.boolean_value(self.x[e.id]):
                continue
            options = {kind: rid for (kind, rid), z in self.z[e.id].items() if solver.boolean_value(z)}
            demands = sorted(d for d in self.demands_at[e.id] if solver.boolean_value(self.y[d, e.id]))
            out.append(Assignment(e.id, solver.value(self.start[e.id]), options, demands))
        return out


def split_deviations(
    m: cp_model.CpModel, total, lo: int, hi: int, weights: dict[int, int], members: dict[int, list], name: str
) -> tuple[list[tuple], dict[int, dict[int, int]]]:
    """For each bucket of ``weights``, in order, how far its members (bucket -> terms) are
    from the even split (``even_targets``) of ``total`` (a variable between ``lo`` and
    ``hi``; the target a constant when they are equal): rows of (deviation, bucket,
    target, members' sum), and the target table by total. One statement of the even
    split for the spread and rhythm levels and for the calendar relaxation
    (``periods.calendar_model``)."""
    table = {k: even_targets(k, weights) for k in range(lo, hi + 1)}
    rows = []
    for b in sorted(weights):
        nm = sum(members.get(b, []))
        if lo == hi:
            target = table[lo][b]
        else:
            target = m.new_int_var(0, hi, f"{name}_target_{b}")
            m.add_element(total - lo, [table[k][b] for k in range(lo, hi + 1)], target)
        dev = m.new_int_var(0, hi, f"{name}_dev_{b}")
        m.add(dev >= nm - target)
        m.add(dev >= target - nm)
        rows.append((dev, b, target, nm))
    return rows, table


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
