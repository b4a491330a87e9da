"""A greedy first plan on the neutral problem, without CP-SAT.

Places events one by one, respecting every hard rule: allowed starts, exclusions,
blocked days, one event per resource at a time, minimum gaps, period caps,
capacities, minimum attendance, count maximums and options that need their group to
attend. Removing an event never breaks a rule except the count minimums, so when the
greedy reaches every minimum it is a feasible plan: the solver starts from it (a
complete hint), which matters on large problems where CP-SAT alone is slow to find a
first plan. It reaches the minimum of each group (``Problem.group_order``) first, then
fills up; both times the events with the most open demand weight go first, and each
tries the periods its demands prefer first. When events that must run are left out, it
starts again with them first (``repeated``). ``benchmarks/witness.py`` runs it on its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from scheduler.core.problem import Demand, Event, Keep, Option, Problem

# (event, start unit, {choice kind: resource id}, [demand ids])
Placement = tuple[Event, int, dict[str, str], list[str]]
# ``repeated``: at most this many greedy plans, and no more once this many in a row left
# out no fewer events that must run than the best (so a problem where one cannot be placed
# at all costs four greedy plans; each ITC-2007 instance took 0.01-0.54 s in all)
ROUNDS, STALE = 30, 3


class GreedyState:
    """What a plan built event by event has taken so far: each resource's time units,
    days and events per period, the demands served, the events placed and how many
    running events each count rule counts. Re-planning asks a fresh state whether an
    earlier placement still fits its rules (``fits_as_before``)."""

    def __init__(self, problem: Problem):
        self.p = problem
        self.busy: dict[str, set[int]] = defaultdict(set)  # resource -> units
        self.days: dict[str, list[int]] = defaultdict(list)  # resource -> days used
        self.per_period: dict[tuple[str, int], int] = defaultdict(int)  # (resource, period) -> events
        self.served: set[str] = set()  # demand ids
        self.placed: dict[str, Placement] = {}  # event id -> placement, in the order placed
        self.counted = [0] * len(problem.counts)  # running events per count rule
        self.windowed: dict[tuple[int, int], int] = defaultdict(int)  # (window count, window) -> events
        self._rules: dict[str, list[int]] = {}

    def blocked(self, rid: str, day: int) -> bool:
        return any(day in days for days in self.p.resources[rid].blocked.values())

    def free(self, rid: str, day: int, units: range) -> bool:
        """Can the resource take these units of this day (blocks, overlaps, gaps, period and window caps)?"""
        res = self.p.resources[rid]
        if self.blocked(rid, day) or any(u in self.busy[rid] for u in units):
            return False
        if res.min_gap_days and any(abs(day - d) < res.min_gap_days for d in self.days[rid]):
            return False
        if res.period_cap is not None and self.per_period[rid, self.p.period_of_day[day]] >= res.period_cap:
            return False
        window = res.window_cap
        if window is not None:
            here = window.window_of_day[day]
            if sum(window.window_of_day[d] == here for d in self.days[rid]) >= window.cap:
                return False
        return True

    def option_free(self, o: Option, day: int, units: range) -> bool:
        """Can this option be used on this day: its resource free, the option not blocked
        then, and room left in the period cap it counts toward."""
        if o.blocked_on(day) or not self.free(o.resource, day, units):
            return False
        cap = self.p.resources[o.counts_toward].period_cap if o.counts_toward else None
        return cap is None or self.per_period[o.counts_toward, self.p.period_of_day[day]] < cap

    def window_room(self, e: Event, day: int) -> bool:
        """Running the event on this day keeps every window count (``Problem.window_counts``) at or under its cap."""
        return all(
            self.windowed[i, wc.limit.window_of_day[day]] < wc.limit.cap
            for i, wc in enumerate(self.p.window_counts)
            if set(wc.tags) <= set(e.tags)
        )

    def take(self, rid: str, day: int, units: range) -> None:
        self.busy[rid].update(units)
        self.days[rid].append(day)
        self.per_period[rid, self.p.period_of_day[day]] += 1

    def rules_of(self, e: Event) -> list[int]:
        """Indices (into ``problem.counts``) of the count rules that count this event."""
        if e.id not in self._rules:
            tags = set(e.tags)
            self._rules[e.id] = [i for i, c in enumerate(self.p.counts) if set(c.tags) <= tags]
        return self._rules[e.id]

    def has_room(self, e: Event) -> bool:
        """Running one more such event keeps every count rule at or under its maximum."""
        return all(self.counted[i] < self.p.counts[i].max for i in self.rules_of(e))

    def commit(self, e: Event, start: int, picks: dict[str, str], chosen: list[Demand]) -> None:
        """Place the event: its resources, chosen options and attending groups are taken."""
        day, units = start // self.p.units_per_day, range(start, start + e.length)
        for rid in [*e.resources, *picks.values(), *sorted({d.group for d in chosen})]:
            self.take(rid, day, units)
        for c in e.choices:
            toward = next(o.counts_toward for o in c.options if o.resource == picks[c.kind])
            if toward:
                self.per_period[toward, self.p.period_of_day[day]] += 1
        for i, wc in enumerate(self.p.window_counts):
            if set(wc.tags) <= set(e.tags):
                self.windowed[i, wc.limit.window_of_day[day]] += 1
        self.served.update(d.id for d in chosen)
        self.placed[e.id] = (e, start, picks, [d.id for d in chosen])
        for i in self.rules_of(e):
            self.counted[i] += 1

    def fits_as_before(self, e: Event, keep: Keep, demands: dict[str, Demand]) -> list[Demand] | None:
        """The demands (of ``demands``, by id) an event serves when put back exactly where
        ``keep`` says, or None when it no longer fits there."""
        t, day = keep.start, keep.start // self.p.units_per_day
        if t not in e.starts or any(day in days for days in e.excluded.values()) or not self.window_room(e, day):
            return None
        chosen = [demands[d] for d in keep.demands if d in demands]
        load = e.fixed_size + sum(d.size for d in chosen)
        if load < e.min_size or load > e.capacity:
            return None
        groups = {d.group for d in chosen}
        units = range(t, t + e.length)
        for c in e.choices:
            opt = next((o for o in c.options if o.resource == keep.options.get(c.kind)), None)
            if (
                opt is None
                or (opt.capacity is not None and opt.capacity < load)
                or (opt.needs_group and opt.needs_group not in groups)
                or not self.option_free(opt, day, units)
            ):
                return None
        used = list(e.resources) + [keep.options[c.kind] for c in e.choices] + sorted(groups)
        if len(set(used)) < len(used) or not all(self.free(r, day, units) for r in [*e.resources, *sorted(groups)]):
            return None
        return chosen

    def put_back(self) -> None:
        """Re-planning: put each earlier placement (``problem.keeps``) that still fits
        back where it was, frozen ones first."""
        events = {e.id: e for e in self.p.events}
        demand_by_id = {d.id: d for d in self.p.demands}
        for keep in sorted(self.p.keeps, key=lambda k: (not k.frozen, k.start, k.event)):
            e = events.get(keep.event)
            if e is None or not self.has_room(e):
                continue
            open_demands = {d: demand_by_id[d] for d in keep.demands if d in demand_by_id and d not in self.served}
            chosen = self.fits_as_before(e, keep, open_demands)
            if chosen is not None:
                self.commit(e, keep.start, {c.kind: keep.options[c.kind] for c in e.choices}, chosen)


def _try_place(st: GreedyState, e: Event, day: int, t: int, open_demands: list, share: int) -> tuple[dict, list] | None:
    units = range(t, t + e.length)
    if any(day in days for days in e.excluded.values()) or not st.window_room(e, day):
        return None
    if not all(st.free(r, day, units) for r in e.resources):
        return None
    fixed = set(e.resources)
    cands = [d for d in open_demands if d.group not in fixed and st.free(d.group, day, units)]
    # one demand per group; largest first, up to the capacity and this run's share of the demands
    chosen, groups, load = [], set(), e.fixed_size
    for d in sorted(cands, key=lambda d: (-d.weight, -d.size, d.id)):
        if d.group in groups or load + d.size > e.capacity or (len(chosen) >= share and load >= e.min_size):
            continue
        chosen.append(d)
        groups.add(d.group)
        load += d.size
    if load < e.min_size:
        return None
    picks: dict[str, str] = {}
    for c in e.choices:
        ok = [
            o
            for o in c.options
            if (o.capacity is None or o.capacity >= load)
            and (o.needs_group is None or o.needs_group in groups)
            and st.option_free(o, day, units)
        ]
        if not ok:
            return None
        picks[c.kind] = min(ok, key=lambda o: (o.capacity or 0, o.resource)).resource  # smallest that fits
    return picks, chosen


def _starts_to_try(problem: Problem, e: Event, k: int, open_demands: list) -> list[int]:
    """Starts to try: in the periods most of the open demands prefer first, each group
    rotated by the event's position so that events spread over the horizon."""
    starts = e.starts
    off = (k * 37) % len(starts)
    rotated = starts[off:] + starts[:off]
    fans: dict[int, int] = defaultdict(int)
    for d in open_demands:
        for mo in d.preferred_periods:
            fans[mo] += 1
    if not fans:
        return rotated
    return sorted(rotated, key=lambda t: -fans.get(problem.period_of_unit(t), 0))


def _place_anywhere(st: GreedyState, e: Event, k: int, open_demands: list[Demand], family_runs: int) -> None:
    """Place the event at the first start it fits (``k``: its position in the sequence)."""
    if e.id in st.placed or not st.has_room(e) or not e.starts:
        return
    share = -(-len(open_demands) // max(1, family_runs - e.run))  # leave demands for the later runs
    for t in _starts_to_try(st.p, e, k, open_demands):
        got = _try_place(st, e, t // st.p.units_per_day, t, open_demands, share)
        if got is not None:
            st.commit(e, t, *got)
            return


def groups(problem: Problem) -> list[tuple[tuple[str, ...], list[int]]]:
    """The groups whose minimums greedy reaches first, in order: (tags, indices of the
    count rules with exactly those tags). ``problem.group_order``, or else every count
    rule's tags in declaration order."""
    sequence = problem.group_order or list(dict.fromkeys(c.tags for c in problem.counts))
    return [(tuple(tags), [i for i, c in enumerate(problem.counts) if c.tags == tuple(tags)]) for tags in sequence]


def _sequence(problem: Problem) -> list[Event]:
    """Events in the order greedy considers them: earlier placements first (re-planning),
    then by group, run and fewest starts."""
    tags_of = [set(tags) for tags, _ in groups(problem)]
    had_place = {k.event for k in problem.keeps}

    def group(e: Event) -> int:
        return next((k for k, tags in enumerate(tags_of) if tags <= set(e.tags)), len(tags_of))

    return sorted(problem.events, key=lambda e: (e.id not in had_place, group(e), e.run, len(e.starts), e.id))


def _numbered_runs(problem: Problem, placements: list[Placement]) -> list[Placement]:
    """Runs of one family are interchangeable: number them by start, first run first.
    Re-planning: runs of a family with an earlier placement are not interchangeable."""
    family: dict[str, list[Event]] = defaultdict(list)
    for e in problem.events:
        family[e.family].append(e)
    events = {e.id: e for e in problem.events}
    kept_families = {events[k.event].family for k in problem.keeps if k.event in events}
    by_family: dict[str, list[Placement]] = defaultdict(list)
    for pl in placements:
        if pl[0].family not in kept_families:
            by_family[pl[0].family].append(pl)
    fixed = [pl for pl in placements if pl[0].family in kept_families]
    return [
        (ev, t, picks, ds)
        for fam, pls in by_family.items()
        for ev, (_, t, picks, ds) in zip(sorted(family[fam], key=lambda e: e.run), sorted(pls, key=lambda pl: pl[1]))
    ] + fixed


def greedy_plan(
    problem: Problem, placements: list[Placement] | None = None, urgency: dict[str, int] | None = None
) -> GreedyState:
    """Greedily place as many events as possible; the state says what was placed.

    ``placements``, if given, receives ``(event, start unit, {choice kind: resource}, [demand ids])``
    for each placed event (e.g. to hint a solver). When re-planning, the earlier
    placements (``problem.keeps``) that still fit are put back first, frozen ones first.
    ``urgency``: families placed before the others, the most urgent first (``repeated``).
    """
    urgency = urgency or {}
    st = GreedyState(problem)
    st.put_back()
    events = _sequence(problem)
    position = {e.id: k for k, e in enumerate(events)}
    demands_of: dict[str, list[Demand]] = defaultdict(list)
    for d in problem.demands:
        for eid in d.events:
            demands_of[eid].append(d)
    runs = Counter(e.family for e in problem.events)

    def value(e: Event) -> tuple:
        """The most urgent families first, then the most open demand weight; a family's runs in order."""
        return (-urgency.get(e.family, 0), -sum(d.weight for d in demands_of[e.id] if d.id not in st.served), e.run)

    def place(e: Event) -> None:
        _place_anywhere(st, e, position[e.id], [d for d in demands_of[e.id] if d.id not in st.served], runs[e.family])

    for tags, rules in groups(problem):  # first each group's minimum, the most wanted events first
        for e in sorted((e for e in events if set(tags) <= set(e.tags)), key=value):
            if all(st.counted[i] >= problem.counts[i].min for i in rules):
                break
            place(e)
    for e in sorted(events, key=value):  # then the rest, the most wanted first
        place(e)
    if placements is not None:
        placements.extend(_numbered_runs(problem, list(st.placed.values())))
    return st


def left_out(problem: Problem, state: GreedyState) -> list[Event]:
    """The events that must run and were not placed."""
    return [e for e in problem.events if not e.optional and e.id not in state.placed]


def repeated(problem: Problem, placements: list[Placement]) -> GreedyState:
    """``greedy_plan``, again while it leaves out events that must run: each time the
    families of those left out go first, the more often left out the sooner ("squeaky
    wheel"), for at most ``ROUNDS`` plans or until ``STALE`` in a row leave out no fewer
    than the best. The best plan's state, its placements in ``placements``. First-fit
    left 2 of comp07's 434 ITC-2007 lectures out (the core's day model then found no
    plan in 30 s); when nothing must run or nothing is left out, this is one greedy plan."""
    urgency: dict[str, int] = {}
    best, best_placements, fewest, stale = None, [], 0, 0
    for _ in range(ROUNDS):
        found: list[Placement] = []
        state = greedy_plan(problem, found, urgency)
        missing = left_out(problem, state)
        if best is None or len(missing) < fewest:
            best, best_placements, fewest, stale = state, found, len(missing), 0
        else:
            stale += 1
        if not missing or stale >= STALE:
            break
        for e in missing:
            urgency[e.family] = urgency.get(e.family, 0) + 1
    placements.extend(best_placements)
    return best


def verdict(problem: Problem, state: GreedyState) -> tuple[bool, str]:
    """Whether the greedy plan places every event that must run and reaches every count
    minimum (then it is a feasible plan), and a line saying so. First-fit can leave out an
    event that must run although a plan exists (found on ITC-2007 lectures, where every
    event must run): such a plan breaks a hard rule and is none."""

    def name(tags: tuple[str, ...]) -> str:
        return "+".join(tags) or "all"

    rules = list(zip(problem.counts, state.counted))
    short = [f"{name(c.tags)} {n} < min {c.min}" for c, n in rules if n < c.min]
    missing = [e.id for e in left_out(problem, state)]
    if missing:
        short.append(f"{len(missing)} events that must run left out ({', '.join(missing[:5])})")
    detail = ", ".join(f"{name(c.tags)} {n} (min {c.min})" for c, n in rules)
    text = f"placed {len(state.placed)} events: {detail or 'no count rule'}"
    return not short, text + (f"; short: {'; '.join(short)}" if short else "")
