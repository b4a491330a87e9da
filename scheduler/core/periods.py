"""Relaxations that prove the objective before any day is chosen.

Every objective level but the last (``rhythm``, see ``scheduler.core.solve._lay_out``)
depends only on which events run, which demands they serve and in which period (month)
each event sits. Days, parts of the day and the chosen
resources only decide whether such a plan can be laid out. Two relaxations use that:

*Period model* (``PeriodModel``): the day model without days. It keeps every rule
that can be stated per period exactly (counts, capacities, choices, period caps,
attendance) and replaces the day-level rules by conditions every real plan meets:

- no overlap: the lengths of a resource's events in a period fit in the time units
  their starts in that period can cover, on days the resource is free;
- gaps: no more of a resource's events in a period, or in two periods in a row, than
  days that far apart fit in;
- window caps (e.g. per week) and window counts (all events per day or week): no more
  of the events in a period than the cap times the windows its free days there touch;
- blocked days: an option (or an attending group) is not used in a period where it
  is blocked on every day the event could take;
- identical runs of a family: run k+1 not in an earlier period than run k.

So every plan of the full problem is a solution of the period model with the same
level values, and the period model's optimum bounds the full problem's.

*Selection model* (``flattened``; called the order model in earlier figures): the period model of the
problem with one period and no period caps or gaps, i.e. only which events run and who
attends. It bounds ``demand`` and ``fairness`` and proves them far sooner; its solution,
given months by a small solve, starts the period model with those two levels done.

``realisation`` turns a period solution back into a full problem with everything
decided but the days, parts and options: the chosen events, each limited to its
period, must serve exactly the chosen demands. When that small problem has a
solution, it is a plan of the full problem with the period model's level values, so
wherever the period model proved a level, the plan is optimal for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from itertools import combinations

from scheduler.core.cpmodel import Model, split_deviations
from scheduler.core.cpsat import cp_model
from scheduler.core.problem import Event, Problem, Resource, WindowCap


@dataclass
class Pick:
    """One running event of a period solution."""

    event: str
    period: int
    demands: list[str]
    options: dict[str, str] = field(default_factory=dict)  # choice kind -> resource id


class PeriodModel(Model):
    """The CP-SAT model of a problem without days (see the module docstring)."""

    def __init__(self, problem: Problem, gap_across: bool = True):
        """``gap_across``: state the gap rule over two periods in a row too (``_gap_across``;
        the piece model, whose periods are weeks, goes without: measured on Pinghu, its
        rhythm proof then took over 20 s instead of about 1.5 s)."""
        if problem.is_replan:
            raise ValueError("the period model does not re-plan")
        self.gap_across = gap_across
        self.starts_in: dict[str, dict[int, list[int]]] = {}  # event -> period -> units it may start at
        self.units_in: dict[tuple[str, int], frozenset[int]] = {}  # (event, period) -> units (see _units)
        self.days_in: dict[str, dict[int, list[int]]] = {}  # event -> period -> days it may use
        super().__init__(problem)

    def _time(self, e: Event, starts: list[int], x: cp_model.IntVar) -> None:
        upd, period_of_day = self.p.units_per_day, self.p.period_of_day
        by_period: dict[int, list[int]] = defaultdict(list)
        for t in starts:
            by_period[period_of_day[t // upd]].append(t)
        here = self.starts_in[e.id] = dict(sorted(by_period.items()))
        self.days_in[e.id] = {mo: sorted({t // upd for t in ts}) for mo, ts in here.items()}
        self.first_start[e.id] = starts[0]
        for mo in self.days_in[e.id]:
            self.month[e.id][mo] = self.m.new_bool_var(f"month_{e.id}_{mo}")
        self.m.add(sum(self.month[e.id].values()) == x)

    def _units(self, e: Event, mo: int) -> frozenset[int]:
        """Time units the event could occupy in period ``mo``."""
        key = (e.id, mo)
        if key not in self.units_in:
            self.units_in[key] = frozenset(t + k for t in self.starts_in[e.id][mo] for k in range(e.length))
        return self.units_in[key]

    def _avoid_days(self, e: Event, banned: frozenset[int], rule: str, lit) -> None:
        for mo, days in self.days_in[e.id].items():
            if all(d in banned for d in days):
                self.m.add_bool_or([lit.Not(), self.month[e.id][mo].Not()])

    def _per_period(self, res: Resource, uses: list, size, room) -> None:
        """Per period, the sizes of the uses there add up to at most ``room(events,
        days)``, the room their free days leave: one cumulative over the period axis, its
        capacity lowered in tighter periods by fixed fillers (only where it can bind)."""
        periods = sorted({mo for e, _ in uses for mo in self.days_in[e.id]})
        blocked = _blocked_days(res)
        rooms, binds = {}, False
        for mo in periods:
            here = [e for e, _ in uses if mo in self.days_in[e.id]]
            rooms[mo] = room(here, mo, blocked)
            sizes = sorted((size(e) for e in here), reverse=True)
            if res.period_cap is not None:
                sizes = sizes[: res.period_cap]  # the cap holds already
            binds = binds or sum(sizes) > rooms[mo]
        if not binds:
            return
        top = max(rooms.values())
        m = self.m
        intervals = [m.new_optional_fixed_size_interval_var(self._period(e), 1, lit, f"room_{res.id}_{e.id}") for e, lit in uses]
        demands = [size(e) for e, _ in uses]
        for mo, r in rooms.items():
            if r < top:
                intervals.append(m.new_fixed_size_interval_var(mo, 1, f"filler_{res.id}_{mo}"))
                demands.append(top - r)
        m.add_cumulative(intervals, demands, top)

    def _no_overlap(self, res: Resource, uses: list) -> None:
        upd = self.p.units_per_day

        def units(here: list[Event], mo: int, blocked: set[int]) -> int:
            """Time units some event could occupy on a day the resource is free."""
            covered = frozenset().union(*(self._units(e, mo) for e in here))
            return sum(1 for u in covered if u // upd not in blocked)

        self._per_period(res, uses, lambda e: e.length, units)

    def _gap(self, res: Resource, uses: list) -> None:
        def days(here: list[Event], mo: int, blocked: set[int]) -> int:
            free = sorted({d for e in here for d in self.days_in[e.id][mo]} - blocked)
            return spaced(free, res.min_gap_days)

        self._per_period(res, uses, lambda e: 1, days)
        if self.gap_across:
            self._gap_across(res, uses)

    def _gap_across(self, res: Resource, uses: list) -> None:
        """The gap rule over two periods in a row: no more uses in the pair than days that
        far apart fit in both. Per period alone, a plan may put one use at the end of a
        month and the next at the start of the following one, closer than the gap: on
        Pinghu with 12 days between a community's sessions, such month plans could not be
        laid out on days at all. Every plan meets this, so it stays a relaxation."""
        periods = sorted({mo for e, _ in uses for mo in self.days_in[e.id]})
        blocked = _blocked_days(res)
        for a, b in zip(periods, periods[1:]):
            here = [(e, lit) for e, lit in uses if a in self.days_in[e.id] or b in self.days_in[e.id]]
            free = sorted({d for e, _ in here for mo in (a, b) for d in self.days_in[e.id].get(mo, [])} - blocked)
            room = spaced(free, res.min_gap_days)
            # only where it can bind: the period cap already allows no more than twice
            # itself (measured on 10x Pinghu, 3-day gaps: the needless rows kept CP-SAT
            # from giving the selection's 700 sessions months in 13 s)
            most = min(len(here), 2 * res.period_cap) if res.period_cap is not None else len(here)
            if most > room:
                self.m.add(sum(self._used_in(e, lit, (a, b), res.id) for e, lit in here) <= room)

    def _used_in(self, e: Event, lit, periods: tuple[int, ...], rid: str) -> cp_model.IntVar:
        """A literal that is true when ``lit`` is and the event sits in one of ``periods``
        (only pushed up by that: a hint sets it exactly, see ``derived``)."""
        months = [self.month[e.id][mo] for mo in periods if mo in self.month[e.id]]
        v = self.m.new_bool_var(f"gapin_{rid}_{e.id}_{periods[0]}")
        self.m.add(v >= lit + sum(months) - 1)
        self.derived.append((v, lambda s, lit=lit, ms=months: int(bool(s.value(lit)) and any(s.value(b) for b in ms))))
        return v

    def _window_cap(self, res: Resource, cap: WindowCap, uses: list) -> None:
        """Window caps and window counts without days: per period, at most ``cap`` uses for
        each window that has a day there the uses could take and the resource is free (a cap
        of 2 a day: twice the usable days; of 3 a week: three times the weeks touching the
        period on such a day). Every plan meets it (a window split over two periods counts in
        each), so it stays a relaxation."""

        def windows(here: list[Event], mo: int, blocked: set[int]) -> int:
            free = {d for e in here for d in self.days_in[e.id][mo]} - blocked
            return cap.cap * len({cap.window_of_day[d] for d in free})

        self._per_period(res, uses, lambda e: 1, windows)

    def _not_before(self, a: Event, b: Event) -> None:
        self.m.add(self._period(a) <= self._period(b)).only_enforce_if(self.x[b.id])

    def forbid(self, picks: list[Pick]) -> None:
        """No solution has all of these picks: each event in its period, attended by its
        demands (``solve._layout_conflict`` finds picks no plan has together)."""
        lits = [self.month[pk.event][pk.period] for pk in picks]
        lits += [self.y[d, pk.event] for pk in picks for d in pk.demands]
        self.m.add(sum(lits) <= len(lits) - 1)

    def _rhythm_terms(self) -> list:
        """No days, so no rhythm: it is optimised once the months are laid out on days
        (``scheduler.core.solve``)."""
        return []

    def picks(self, solver: cp_model.CpSolver) -> list[Pick]:
        out = []
        for e in self.live:
            if solver.boolean_value(self.x[e.id]):
                period = next(mo for mo, b in self.month[e.id].items() if solver.boolean_value(b))
                demands = sorted(d for d in self.demands_at[e.id] if solver.boolean_value(self.y[d, e.id]))
                options = {kind: rid for (kind, rid), z in self.z[e.id].items() if solver.boolean_value(z)}
                out.append(Pick(e.id, period, demands, options))
        return out

    def hint_periods(self, picks: list[Pick]) -> None:
        """Hint these events, demands and options (e.g. the selection model's), each in a
        period chosen greedily: one its resources can still take (period caps, time
        units), where most of its demands prefer it, else the least loaded."""
        p = self.p
        demands = {d.id: d for d in p.demands}
        count: dict[tuple[str, int], int] = defaultdict(int)  # (resource, period) -> events
        units: dict[tuple[str, int], int] = defaultdict(int)  # (resource, period) -> time units taken
        per_period: dict[int, int] = defaultdict(int)

        def score(e: Event, used: list[str], wanted: list, mo: int) -> tuple:
            room = len(self._units(e, mo))  # the units this event's starts cover in mo
            over = sum(
                (p.resources[r].period_cap is not None and count[r, mo] >= p.resources[r].period_cap)
                + (units[r, mo] + e.length > room)
                for r in used
            )
            fans = sum(1 for d in wanted if mo in d.preferred_periods)
            return (over, -fans, per_period[mo] / max(1, p.period_weight.get(mo, 1)), mo)

        placements = []
        for pk in sorted(picks, key=lambda pk: (len(self.days_in[pk.event]), pk.event)):
            e = p.event(pk.event)
            wanted = [demands[d] for d in pk.demands]
            used = [*e.resources, *pk.options.values(), *sorted({d.group for d in wanted})]
            mo = min(self.days_in[e.id], key=lambda mo: score(e, used, wanted, mo))  # noqa: B023 - used at once
            for r in used:
                count[r, mo] += 1
                units[r, mo] += e.length
            per_period[mo] += 1
            placements.append((e, self.starts_in[e.id][mo][0], pk.options, pk.demands))
        self.hint_placements(placements)


def _blocked_days(res: Resource) -> set[int]:
    """Every day the resource is blocked on, whatever the rule."""
    return set().union(*res.blocked.values()) if res.blocked else set()


def spaced(days: list[int], gap: int) -> int:
    """The most of these days that are pairwise at least ``gap`` apart (earliest first
    is optimal)."""
    count, last = 0, None
    for d in days:
        if last is None or d - last >= gap:
            count, last = count + 1, d
    return count


def realisation(problem: Problem, picks: list[Pick], period_of_day: list[int] | None = None) -> Problem:
    """The full problem with the period solution's decisions fixed: only the picked
    events, each run in its period, serving exactly its picked demands. ``period_of_day``:
    the periods the picks name, when not the problem's (e.g. the piece model's)."""
    events, periods, upd = [], period_of_day or problem.period_of_day, problem.units_per_day
    for pk in picks:
        e = problem.event(pk.event)
        starts = [t for t in e.starts if periods[t // upd] == pk.period]
        # a family of its own: runs now differ by period and attendance (no symmetry)
        events.append(replace(e, starts=starts, optional=False, family=e.id))
    demands = {d.id: d for d in problem.demands}
    served = [replace(demands[d], events=[pk.event], required=True) for pk in picks for d in pk.demands]
    return replace(problem, events=events, demands=served)


def nearby(problem: Problem, picks: list[Pick], wide: set[str] | None = None) -> Problem:
    """The full problem *restricted* to a month plan's neighbourhood: only the picked
    events, none bound to run, each demand free to be left unmet; every other rule as it
    is. With ``wide`` (the narrow neighbourhood), each event sits in its own period, or
    within one of it when in ``wide``, and meets only the demands it was picked with;
    with None, every event may sit within one period of its own and meet any demand a
    picked event may meet. So each of its plans is a plan of the problem (not a
    relaxation: it proves nothing). For a month plan that cannot be laid out on days as
    it is (``scheduler.core.solve._near_plan``). Demands no picked event may serve stay
    counted by fairness (``in_scope``), as in the problem."""
    periods, upd = problem.period_of_day, problem.units_per_day
    events = []
    for pk in picks:
        e = problem.event(pk.event)
        reach = 1 if wide is None or e.id in wide else 0
        starts = [t for t in e.starts if abs(periods[t // upd] - pk.period) <= reach]
        # a family of its own, as in ``realisation``: runs are no longer interchangeable
        events.append(replace(e, starts=starts, optional=True, family=e.id))
    if wide is None:
        here = {e.id for e in events}
        may = {(d.id, x) for d in problem.demands for x in d.events if x in here}
    else:
        may = {(d, pk.event) for pk in picks for d in pk.demands}
    demands = [replace(d, events=[x for x in d.events if (d.id, x) in may], required=False) for d in problem.demands]
    in_scope = set(problem.in_scope) | {d.id for d in problem.demands if d.events}
    return replace(problem, events=events, demands=demands, in_scope=in_scope)


def relaxations_apply(problem: Problem) -> bool:
    """Whether these relaxations hold for the problem: periods never go back in time
    (runs ordered by period agree with runs ordered by start) and no event runs past
    the end of its day (the time-unit rooms count whole days). Compiled scenarios
    always qualify; other problems are solved on days."""
    months = problem.period_of_day
    if any(a > b for a, b in zip(months, months[1:])):
        return False
    upd = problem.units_per_day
    return all(t % upd + e.length <= upd for e in problem.events for t in e.starts)


def pieces(problem: Problem) -> tuple[Problem, dict[int, int], dict[int, int]]:
    """The *piece model*'s problem: the period model with each rhythm window (e.g. week)
    cut at period (month) borders, so that a piece lies in one period and one window and
    both the ``spread`` and the window part of ``rhythm`` are sums over pieces. Period caps
    are dropped (they are per period, not per piece), so every plan is a solution with the
    same demand, fairness, preferred and spread, and its best window deviation with those
    held bounds the rhythm of every plan that holds them. Returns the problem and each
    piece's period and window."""
    win, keys = problem.rhythm_window_of_day, {}
    piece_of_day = [keys.setdefault((mo, win[d]), len(keys)) for d, mo in enumerate(problem.period_of_day)]
    period_of = {k: mo for (mo, _), k in keys.items()}
    window_of = {k: w for (_, w), k in keys.items()}
    resources = {k: replace(r, period_cap=None) for k, r in problem.resources.items()}
    demands = [
        replace(d, preferred_periods=frozenset(k for k, mo in period_of.items() if mo in d.preferred_periods))
        for d in problem.demands
    ]
    loose = replace(problem, period_of_day=piece_of_day, period_weight={}, resources=resources, demands=demands)
    return loose, period_of, window_of


def flattened(problem: Problem) -> Problem:
    """The *selection model*'s problem: one period for the whole horizon, no period caps
    and no gaps. What it keeps decides which events run and who attends, so its
    ``demand`` and ``fairness`` levels bound those of the period model (and of every
    plan), and it solves them in a fraction of the time."""
    resources = {k: replace(r, period_cap=None, min_gap_days=0) for k, r in problem.resources.items()}
    return replace(problem, period_of_day=[0] * problem.days, period_weight={0: 1}, resources=resources)


def calendar_model(problem: Problem, spread: int | None) -> tuple[cp_model.CpModel, cp_model.LinearExpr]:
    """The *calendar relaxation* of the window part of ``rhythm``: no events, only how
    many run in each piece (a window cut at period borders, as in ``pieces``), at most
    the events that may start there (``Problem.allowed_starts``); the total within the count rule's range, each
    period's share of it within ``spread`` (the held spread level: minus the periods'
    deviations from their even split) and the windows' deviations from theirs to be
    minimised. Every plan that holds ``spread`` gives such counts, so the least deviation
    here bounds its rhythm: ``rhythm <= -least``. Returns the model and that deviation.

    Why: on Pinghu the spread level is 0, so each month's count is fixed, and which weeks
    of a month can hold its sessions decides the window deviation (18) alone; this model
    of 60 counts proves it in milliseconds where the piece model, with every event and
    demand, took 1.1-1.35 s (``docs/solver-notes.md``, "The calendar bound")."""
    starts = {e.id: problem.allowed_starts(e) for e in problem.events}
    lo, hi = problem.total_range([e for e in problem.events if starts[e.id]])
    win, per = problem.rhythm_window_of_day, problem.period_of_day
    room: dict[tuple[int, int], int] = defaultdict(int)
    for days in ({t // problem.units_per_day for t in ts} for ts in starts.values()):
        for piece in {(per[d], win[d]) for d in days}:
            room[piece] += 1
    m = cp_model.CpModel()
    count = {k: m.new_int_var(0, n, f"count_{k[0]}_{k[1]}") for k, n in sorted(room.items())}
    total = m.new_int_var(lo, hi, "total")
    m.add(total == sum(count.values()))

    def deviations(weights: dict[int, int], side: int, name: str) -> list:
        members: dict[int, list] = defaultdict(list)
        for k, v in count.items():
            members[k[side]].append(v)
        return [row[0] for row in split_deviations(m, total, lo, hi, weights, members, name)[0]]

    if spread is not None and problem.period_weight:
        m.add(sum(deviations(problem.period_weight, 0, "period")) <= -spread)
    least = sum(deviations(problem.rhythm_weight, 1, "window"))
    m.minimize(least)
    return m, least


def preferred_ceiling(problem: Problem) -> int:
    """The most demands any plan meets in a preferred period, by a relaxation that keeps
    only this: an event sits in one period (a month it may start in), so the runs of one
    family (an offering) cover at most as many periods as it has runs, and a demand
    counts when one of them covers a period it prefers (and its events may sit there).
    Families are counted apart, and a demand whose events span families counts whenever
    it could. Every plan meets these, so the ``preferred`` level is at most this.

    Why: on a large street the preferred stage stops long before its LP proves anything,
    and its bound was the count of preferred terms, one per demand and event (measured
    on 10x Pinghu: 937, with 851 demands that prefer a month and 556 met). This count
    gave 677 there. On Pinghu it is 66 where 55 is proven: there what limits the level
    is the rules between families (caps, demand and fairness held), not the runs."""
    upd, per = problem.units_per_day, problem.period_of_day
    months = {e.id: frozenset(per[t // upd] for t in problem.allowed_starts(e)) for e in problem.events}
    family = {e.id: e.family for e in problem.events}
    runs = Counter(e.family for e in problem.events)
    wanted: dict[str, list[frozenset[int]]] = defaultdict(list)  # family -> each demand's reachable preferred periods
    loose = 0  # demands whose events span families, counted whenever a preferred period is reachable
    for d in problem.demands:
        reach = d.preferred_periods & frozenset().union(*(months[eid] for eid in d.events if eid in months))
        families = {family[eid] for eid in d.events if eid in family}
        if not reach:
            continue
        if len(families) == 1:
            wanted[families.pop()].append(reach)
        else:
            loose += 1
    return loose + sum(_most_covered(sets, runs[f]) for f, sets in wanted.items())


def _most_covered(sets: list[frozenset[int]], k: int) -> int:
    """The most of ``sets`` that ``k`` periods can meet (each set met by one of them):
    every subset of k of the periods they name is tried (at most C(12, 6) = 924 for a
    year of months), as bit masks."""
    periods = sorted(frozenset().union(*sets))
    if k >= len(periods):
        return len(sets)
    bit = {mo: 1 << i for i, mo in enumerate(periods)}
    masks = [sum(bit[mo] for mo in s) for s in sets]
    return max(sum(1 for mask in masks if mask & sum(bit[mo] for mo in chosen)) for chosen in combinations(periods, k))
