"""A greedy first plan on the neutral problem, without CP-SAT.

Places events one by one, respecting every hard rule: allowed starts, exclusions,
blocked days, one event per resource at a time, minimum gaps, period caps,
capacities, minimum attendance and options that need their group to attend.
Removing an event never breaks a rule except the count minimums, so when the greedy
reaches every minimum it is a feasible plan: the solver starts from it (a complete
hint), which matters on large problems where CP-SAT alone is slow to find a first
plan. It reaches each type's minimum first, then fills up; both times the events
with the most open priority weight go first, and each tries the months its orders
prefer first. ``benchmarks/witness.py`` runs it on its own.
"""

from __future__ import annotations

from collections import defaultdict


class _State:
    def __init__(self, problem):
        self.p = problem
        self.busy: dict[str, set[int]] = defaultdict(set)  # resource -> units
        self.days: dict[str, list[int]] = defaultdict(list)  # resource -> days used
        self.month: dict[tuple[str, int], int] = defaultdict(int)

    def blocked(self, rid: str, day: int) -> bool:
        return any(day in days for days in self.p.resources[rid].blocked.values())

    def free(self, rid: str, day: int, units: range) -> bool:
        res = self.p.resources[rid]
        if self.blocked(rid, day) or any(u in self.busy[rid] for u in units):
            return False
        if res.min_gap_days and any(abs(day - d) < res.min_gap_days for d in self.days[rid]):
            return False
        if res.period_cap is not None and self.month[rid, self.p.period_of_day[day]] >= res.period_cap:
            return False
        return True

    def take(self, rid: str, day: int, units: range) -> None:
        self.busy[rid].update(units)
        self.days[rid].append(day)
        self.month[rid, self.p.period_of_day[day]] += 1


def _try_place(st: _State, e, day: int, t: int, open_demands: list, share: int) -> tuple[list, dict] | None:
    units = range(t, t + e.length)
    if any(day in days for days in e.excluded.values()):
        return None
    if not all(st.free(r, day, units) for r in e.resources):
        return None
    fixed = set(e.resources)
    cands = [d for d in open_demands if d.group not in fixed and st.free(d.group, day, units)]
    # one demand per group; largest first, up to the capacity and this run's share of the orders
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
            and st.free(o.resource, day, units)
        ]
        if not ok:
            return None
        picks[c.kind] = min(ok, key=lambda o: (o.capacity or 0, o.resource)).resource  # smallest room that fits
    return chosen, picks


def fits_as_before(st: _State, e, keep, demands: dict[str, object]) -> list | None:
    """The demands (of ``demands``, by id) an event serves when put back exactly where
    ``keep`` says, or None when it no longer fits there."""
    upd = st.p.units_per_day
    t, day = keep.start, keep.start // upd
    units = range(t, t + e.length)
    if t not in e.starts or any(day in days for days in e.excluded.values()):
        return None
    chosen = [demands[d] for d in keep.demands if d in demands]
    load = e.fixed_size + sum(d.size for d in chosen)
    if load < e.min_size or load > e.capacity:
        return None
    groups = {d.group for d in chosen}
    for c in e.choices:
        opt = next((o for o in c.options if o.resource == keep.options.get(c.kind)), None)
        if (
            opt is None
            or (opt.capacity is not None and opt.capacity < load)
            or (opt.needs_group and opt.needs_group not in groups)
        ):
            return None
    used = list(e.resources) + [keep.options[c.kind] for c in e.choices] + sorted(groups)
    if len(set(used)) < len(used) or not all(st.free(r, day, units) for r in used):
        return None
    return chosen


def _start_order(problem, e, k: int, open_demands: list) -> list[int]:
    """Starts to try: in the months most of the open demands prefer first, each group
    rotated by the event's position so that events spread over the year."""
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


def greedy_plan(problem, order: list[str] | None = None, placements: list | None = None) -> dict[str, int]:
    """Greedily place as many sessions as possible; return the count per type tag.

    ``placements``, if given, receives ``(event, start unit, {choice kind: resource}, [demand ids])``
    for each placed session (e.g. to hint a solver). When re-planning, the earlier
    placements (``problem.keeps``) that still fit are put back first, frozen ones first.
    """
    st = _State(problem)
    upd = problem.units_per_day
    served: set[str] = set()
    demands_of: dict[str, list] = defaultdict(list)
    for d in problem.demands:
        for eid in d.events:
            demands_of[eid].append(d)
    q = {c.tags[0]: c for c in problem.counts if len(c.tags) == 1 and c.tags[0].startswith("type:")}
    total = next(c for c in problem.counts if c.tags == ("session",))
    placed: dict[str, int] = defaultdict(int)
    order = order or ["type:department", "type:secretary", "type:community", "type:peer"]
    had_place = {k.event for k in problem.keeps}  # re-planning: put what was there back first
    events = sorted(problem.events, key=lambda e: (e.id not in had_place, order.index(e.tags[1]), e.run, len(e.starts), e.id))
    runs = defaultdict(int)
    for e in problem.events:
        runs[e.family] += 1
    n = 0
    done: set[str] = set()
    by_id = {e.id: e for e in problem.events}
    demand_by_id = {d.id: d for d in problem.demands}
    for keep in sorted(problem.keeps, key=lambda k: (not k.frozen, k.start, k.event)):
        e = by_id.get(keep.event)
        if e is None or placed[e.tags[1]] >= q[e.tags[1]].max or n >= total.max:
            continue
        open_demands = {d: demand_by_id[d] for d in keep.demands if d in demand_by_id and d not in served}
        chosen = fits_as_before(st, e, keep, open_demands)
        if chosen is None:
            continue
        picks = {c.kind: keep.options[c.kind] for c in e.choices}
        units = range(keep.start, keep.start + e.length)
        for r in list(e.resources) + list(picks.values()) + sorted({d.group for d in chosen}):
            st.take(r, keep.start // upd, units)
        served.update(d.id for d in chosen)
        if placements is not None:
            placements.append((e, keep.start, picks, [d.id for d in chosen]))
        placed[e.tags[1]] += 1
        n += 1
        done.add(e.id)

    def place(e, k: int) -> None:
        nonlocal n
        kind = e.tags[1]
        if e.id in done or placed[kind] >= q[kind].max or n >= total.max or not e.starts:
            return
        open_demands = [d for d in demands_of[e.id] if d.id not in served]
        share = -(-len(open_demands) // max(1, runs[e.family] - e.run))  # leave orders for the later runs
        for t in _start_order(problem, e, k, open_demands):
            got = _try_place(st, e, t // upd, t, open_demands, share)
            if got is None:
                continue
            chosen, picks = got
            units = range(t, t + e.length)
            for r in list(e.resources) + list(picks.values()) + sorted({d.group for d in chosen}):
                st.take(r, t // upd, units)
            served.update(d.id for d in chosen)
            if placements is not None:
                placements.append((e, t, picks, [d.id for d in chosen]))
            placed[kind] += 1
            n += 1
            done.add(e.id)
            return

    def value(e) -> tuple:
        """Most open priority weight first; a family's runs in order."""
        return (-sum(d.weight for d in demands_of[e.id] if d.id not in served), e.run)

    index = {e.id: k for k, e in enumerate(events)}
    for kind in order:  # first each type's minimum, the most wanted events first
        for e in sorted((e for e in events if e.tags[1] == kind), key=value):
            if placed[kind] >= q[kind].min:
                break
            place(e, index[e.id])
    for e in sorted(events, key=value):  # then the rest, the most wanted first
        place(e, index[e.id])
    if placements is not None:  # runs of one offering are interchangeable: number them by start, first run first
        family = defaultdict(list)
        for e in problem.events:
            family[e.family].append(e)
        by_family = defaultdict(list)
        kept_families = {by_id[k.event].family for k in problem.keeps if k.event in by_id}
        for pl in placements:
            by_family[pl[0].family].append(pl)
        fixed = [pl for pl in placements if pl[0].family in kept_families]  # re-planning: runs are not interchangeable
        by_family = {f: pls for f, pls in by_family.items() if f not in kept_families}
        placements[:] = [
            (ev, t, picks, ds)
            for fam, pls in by_family.items()
            for ev, (_, t, picks, ds) in zip(sorted(family[fam], key=lambda e: e.run), sorted(pls, key=lambda pl: pl[1]))
        ] + fixed
    return dict(placed)


def verdict(problem, placed: dict[str, int]) -> tuple[bool, str]:
    q = {c.tags[0]: c for c in problem.counts if c.tags[0].startswith("type:")}
    total = next(c for c in problem.counts if c.tags == ("session",))
    short = [f"{k[5:]} {placed.get(k, 0)} < min {c.min}" for k, c in q.items() if placed.get(k, 0) < c.min]
    n = sum(placed.values())
    if n < total.min:
        short.append(f"{n} sessions < {total.min}")
    detail = ", ".join(f"{k[5:]} {placed.get(k, 0)} (min {c.min})" for k, c in q.items())
    return not short, f"placed {n} sessions (need {total.min}): {detail}" + (f"; short: {'; '.join(short)}" if short else "")
