"""Compile a scenario's domain rules into a neutral ``Problem``.

Each offering becomes ``max_runs`` candidate events; each order a demand that the
runs of its offering may serve. Domain rules become resources (venues, instructors,
departments, communities), rule-labelled exclusions of start times (blackouts,
allowed months, unavailability) and count rules (type quotas, the total). Every
rule id and label comes from the registry (``scheduler.domain.rules``): a family such as
``cap.department_per_month`` with an instance key (``:yingji``). Eligibility filters
(which venues and instructors an offering may use) are rules too: ``Compiled.filtered``
names those that removed a candidate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.core.problem import Choice, CountRule, Demand, Event, Option, Problem, Resource, WindowCap, WindowCount
from scheduler.core.problem import Rule as LabelledRule
from scheduler.domain.ids import (
    PART,
    UNITS_PER_DAY,
    community_rid,
    department_rid,
    event_id,
    instructor_rid,
    placement,
    session_departments,
    venue_rid,
)
from scheduler.domain.rules import RULES, add_rule, labelled, labels
from scheduler.domain.workdays import WorkCalendar
from scheduler.models import (
    TIER_RANK,
    Duration,
    Format,
    Instructor,
    Offering,
    Order,
    Scenario,
    SessionType,
    Slot,
    Venue,
)

TYPE_ZH = {"secretary": "书记教书记", "peer": "同行学同行", "community": "社区帮社区", "department": "部门带部门"}


@dataclass
class Compiled:
    """The problem plus what is needed to read a solution back in domain terms."""

    problem: Problem
    calendar: WorkCalendar
    day_list: list[dt.date]
    offering_of_event: dict[str, str]
    unservable: dict[str, str]  # order id -> reason code, decided before solving
    size_limit: dict[str, int]  # offering id -> largest head-count one session can take
    no_slot: set[str]  # offerings with no day left at all
    # offering id -> the eligibility filters (labelled rules) that removed one of its venues
    # or instructors, so explanations and unmet reasons can name them
    filtered: dict[str, list[LabelledRule]] = field(default_factory=dict)

    def rule_label(self, rule_id: str, lang: str) -> str:
        """A rule's label as the problem holds it (instance rules carry their names), else
        the eligibility rule's that removed a candidate, else the registry's."""
        if rule_id in self.problem.rules:
            return self.problem.rules[rule_id].label(lang)
        for filtered in self.filtered.values():
            for r in filtered:
                if r.id == rule_id:
                    return r.label(lang)
        return labels(rule_id)[lang]

    def unit_date(self, unit: int) -> dt.date:
        return placement(self.day_list, unit, 1)[0]


def slots_for(duration: Duration) -> list[Slot]:
    """The half-day slots a session of this duration occupies, in time order, for each start."""
    return {
        Duration.half_day: [Slot.morning],
        Duration.full_day: [Slot.morning, Slot.afternoon],
        Duration.evening: [Slot.evening],
    }[duration]


def compile_scenario(sc: Scenario) -> Compiled:
    """The scenario's rules as a neutral problem, built in named steps (see ``_Builder``);
    every rule id comes from ``scheduler.domain.rules``."""
    cal = WorkCalendar(sc.plan)
    days = cal.days()
    working = [cal.is_working(d) for d in days]
    problem = Problem(
        units_per_day=UNITS_PER_DAY,
        days=len(days),
        period_of_day=[d.month for d in days],
        period_weight=_working_days_per_month(days, usable := _usable_days(sc, days, working)),
        rhythm_window_of_day=_week_of_day(days),
        rhythm_weight=_usable_days_per_week(days, usable),
        rules={},
        resources={},
        events=[],
        demands=[],
        counts=[],
        group_order=[(f"type:{t}",) for t in ("department", "secretary", "community", "peer")],  # greedy fills these first
        total_tags=("session",),  # every event carries it: the year's total
    )
    b = _Builder(sc, problem, days, working)
    b.venues()
    b.departments()
    b.communities()
    b.street()
    orders_by_offering: dict[str, list[Order]] = defaultdict(list)
    for o in sc.orders:
        orders_by_offering[o.offering].append(o)
    for off in sc.offerings:
        b.offering(off, orders_by_offering[off.id])
    _add_counts(sc, problem)
    return Compiled(problem, cal, days, b.offering_of_event, b.unservable, b.size_limits, b.no_slot, b.filtered)


class _Builder:
    """The compile steps, sharing the scenario, the problem and the day index."""

    def __init__(self, sc: Scenario, problem: Problem, days: list[dt.date], working: list[bool]):
        self.sc, self.problem, self.days, self.working = sc, problem, days, working
        self.day_index = {d: i for i, d in enumerate(days)}
        self.offering_of_event: dict[str, str] = {}
        self.unservable: dict[str, str] = {}
        self.size_limits: dict[str, int] = {}
        self.no_slot: set[str] = set()
        self.filtered: dict[str, list[LabelledRule]] = {}
        self.overlap = {kind: add_rule(problem, f"overlap.{kind}") for kind in ("venue", "instructor", "department", "community")}

    def blocked(self, kind: str, key: str, spans, name: str) -> dict[str, frozenset[int]]:
        """The days a resource is away, under its ``unavailable.<kind>:<id>`` rule."""
        hit = frozenset(self.day_index[d] for span in spans for d in span.days() if d in self.day_index)
        if not hit:
            return {}
        return {add_rule(self.problem, f"unavailable.{kind}", key, name=name, id=key): hit}

    def venues(self) -> None:
        """Venues: away days, one session at a time, at most ``caps.venue_per_week`` a week."""
        cap = self.sc.plan.caps.venue_per_week
        weeks = _week_of_day(self.days) if cap else ()
        for v in self.sc.venues:
            window = None
            if cap:
                rule = add_rule(self.problem, "cap.venue_per_week", v.id, name=v.name, id=v.id, cap=cap)
                window = WindowCap(weeks, cap, rule)
            self.problem.resources[venue_rid(v.id)] = Resource(
                venue_rid(v.id),
                v.name,
                "venue",
                self.blocked("venue", v.id, v.unavailable, v.name),
                overlap_rule=self.overlap["venue"],
                window_cap=window,
            )

    def departments(self) -> None:
        """Departments (monthly cap, away days) and their instructors, who are away when
        their department is."""
        caps = self.sc.plan.caps
        for d in self.sc.departments:
            cap = d.monthly_cap or caps.department_per_month
            cap_rule = add_rule(self.problem, "cap.department_per_month", d.id, name=d.name, id=d.id, cap=cap) if cap else ""
            dept_block = self.blocked("department", d.id, d.unavailable, d.name)
            self.problem.resources[department_rid(d.id)] = Resource(
                department_rid(d.id),
                d.name,
                "department",
                dict(dept_block),
                period_cap=cap,
                cap_rule=cap_rule,
                overlap_rule=self.overlap["department"],
            )
            for ins in d.instructors:
                own = self.blocked("instructor", ins.id, ins.unavailable, ins.name)
                self.problem.resources[instructor_rid(ins.id)] = Resource(
                    instructor_rid(ins.id), ins.name, "instructor", {**dept_block, **own}, overlap_rule=self.overlap["instructor"]
                )

    def communities(self) -> None:
        """Communities: away days, the gap between two sessions, the monthly cap."""
        caps, problem = self.sc.plan.caps, self.problem
        gap, cap = caps.community_min_gap_days, caps.community_per_month
        gap_rule = add_rule(problem, "cap.community_gap", gap=gap) if gap else ""
        cap_rule = add_rule(problem, "cap.community_per_month", cap=cap) if cap else ""
        for c in self.sc.communities:
            problem.resources[community_rid(c.id)] = Resource(
                community_rid(c.id),
                c.name,
                "community",
                self.blocked("community", c.id, c.unavailable, c.name),
                min_gap_days=gap,
                gap_rule=gap_rule,
                period_cap=cap,
                cap_rule=cap_rule,
                overlap_rule=self.overlap["community"],
            )

    def street(self) -> None:
        """The street-wide load: at most ``caps.street_per_day`` sessions on one day and
        ``caps.street_per_week`` in one calendar week, counting every session (they may
        overlap in time, so these are window counts, not a resource)."""
        caps, problem = self.sc.plan.caps, self.problem
        for family, cap, windows in (
            ("cap.street_per_day", caps.street_per_day, tuple(range(len(self.days)))),
            ("cap.street_per_week", caps.street_per_week, _week_of_day(self.days)),
        ):
            if cap:
                rule = add_rule(problem, family, cap=cap)
                problem.window_counts.append(WindowCount(("session",), WindowCap(windows, cap, rule)))

    def offering(self, off: Offering, orders: list[Order]) -> None:
        """One offering: its candidate runs, and a demand for each order they may serve
        (orders that can never be met get their reason instead)."""
        sc = self.sc
        choices, filters = _choices(sc, off, {o.community for o in orders})
        self.filtered[off.id] = [labelled(f"{f}:{off.id}", title=off.title, id=off.id) for f in filters]
        venue_cap = max((opt.capacity or 0 for c in choices if c.kind == "venue" for opt in c.options), default=0)
        size_limit = self.size_limits[off.id] = min(off.capacity, venue_cap)
        missing = [c.kind for c in choices if not c.options]
        servable = []
        for o in orders:
            reason = f"no_{missing[0]}" if missing else _static_unmet_reason(sc, off, o, size_limit)
            if reason:
                self.unservable[o.id] = reason
            else:
                servable.append(o)
        ids = self.events(off, choices, len(servable))
        for o in servable:
            self.problem.demands.append(
                Demand(
                    id=o.id,
                    group=community_rid(o.community),
                    size=o.attendees,
                    weight=o.priority,
                    events=list(ids),
                    preferred_periods=frozenset(o.preferred_months),
                )
            )

    def events(self, off: Offering, choices: list[Choice], servable: int) -> list[str]:
        """The offering's candidate runs: at most ``max_runs``, and no more than its orders
        can fill (a department session needs no order). Returns their ids."""
        sc, problem = self.sc, self.problem
        starts = _starts(sc, off, self.working)
        excluded = _exclusions(sc, problem, off, self.days)
        _block_outdoor_venues(sc, problem, off, choices, self.days)
        runs = off.max_runs if off.type == SessionType.department else min(off.max_runs, servable)
        ids = []
        for k in range(runs):
            e = Event(
                id=event_id(off.id, k),
                family=off.id,
                run=k,
                length=2 if off.duration == Duration.full_day else 1,
                starts=starts,
                excluded=excluded,
                tags=("session", f"type:{off.type.value}"),
                resources=_fixed_resources(sc, off),
                choices=choices,
                capacity=off.capacity,
                min_size=off.min_attendees,
                fixed_size=_pair(sc, off).attendees if off.type == SessionType.department else 0,
            )
            problem.events.append(e)
            self.offering_of_event[e.id] = off.id
            ids.append(e.id)
        if ids and not any(problem.allowed_starts(e) for e in problem.events[-len(ids) :]):
            self.no_slot.add(off.id)  # months, blackouts or the deliverer's absence leave no day
        return ids


def _week_of_day(days: list[dt.date]) -> tuple[int, ...]:
    """The calendar week (Monday to Sunday) of each day, counted from the first day's week."""
    monday = days[0] - dt.timedelta(days=days[0].weekday()) if days else dt.date.min
    return tuple((d - monday).days // 7 for d in days)


def _usable_days(sc: Scenario, days: list[dt.date], working: list[bool]) -> list[bool]:
    """Working days some offering may use as far as the calendar goes (its slots, months
    and the blackouts): the spread and rhythm levels share the load over these only, so a
    closed day or month counts for nothing (the validator restates this)."""
    open_offerings = [off for off in sc.offerings if _starts(sc, off, [True])]

    def open_on(off: Offering, d: dt.date) -> bool:
        return (not off.months or d.month in off.months) and not _closed(sc, off, d)

    return [w and any(open_on(off, d) for off in open_offerings) for d, w in zip(days, working)]


def _closed(sc: Scenario, off: Offering, day: dt.date) -> bool:
    """Whether a blackout closes this offering on this day."""
    return any(
        b.start <= day <= b.end and (not b.types or off.type in b.types) and (not b.outdoor_only or off.outdoor)
        for b in sc.plan.blackouts
    )


def _usable_days_per_week(days: list[dt.date], usable: list[bool]) -> dict[int, int]:
    """Usable days per calendar week (the rhythm level's weights)."""
    out: dict[int, int] = defaultdict(int)
    for week, u in zip(_week_of_day(days), usable):
        if u:
            out[week] += 1
    return dict(out)


def _working_days_per_month(days: list[dt.date], working: list[bool]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for d, w in zip(days, working):
        if w:
            out[d.month] += 1
    return dict(out)


def _pair(sc: Scenario, off: Offering):
    return next(p for p in sc.pairs if p.id == off.pair)


def _starts(sc: Scenario, off: Offering, working: list[bool]) -> list[int]:
    """Units where a session of this offering may start: open slots of working days."""
    open_slots = set(sc.plan.slots)
    if off.duration == Duration.half_day:
        parts = [PART[s] for s in (Slot.morning, Slot.afternoon) if s in open_slots]
    elif off.duration == Duration.full_day:
        parts = [0] if {Slot.morning, Slot.afternoon} <= open_slots else []
    else:
        parts = [2] if Slot.evening in open_slots else []
    return [i * UNITS_PER_DAY + p for i, w in enumerate(working) if w for p in parts]


def _exclusions(sc: Scenario, problem: Problem, off: Offering, days: list[dt.date]) -> dict[str, frozenset[int]]:
    """Days removed by a named rule: allowed months and blackouts."""
    out: dict[str, frozenset[int]] = {}

    if off.months:
        months = sorted(off.months)
        listed = ("、".join(map(str, months)), ", ".join(map(str, months)))
        rule = add_rule(problem, "eligible.months", off.id, title=off.title, id=off.id, months=listed)
        out[rule] = frozenset(i for i, d in enumerate(days) if d.month not in off.months)
    out.update(_blackout_days(sc, problem, off, days, off.outdoor))
    return {k: v for k, v in out.items() if v}


def _blackout_days(sc: Scenario, problem: Problem, off: Offering, days: list[dt.date], outdoor: bool) -> dict[str, frozenset]:
    """The days each blackout closes to this offering, by rule; ``outdoor``: the session is
    held in the open (an outdoor offering, or an outdoor venue), so outdoor-only ones count."""
    out: dict[str, frozenset[int]] = {}
    for i, b in enumerate(sc.plan.blackouts):
        if (b.types and off.type not in b.types) or (b.outdoor_only and not outdoor):
            continue
        rule = add_rule(problem, "calendar.blackout", str(i), start=b.start, end=b.end, reason=b.reason)
        out[rule] = frozenset(i for i, d in enumerate(days) if b.start <= d <= b.end)
    return out


def _block_outdoor_venues(sc: Scenario, problem: Problem, off: Offering, choices: list[Choice], days: list[dt.date]) -> None:
    """An outdoor-only blackout closes outdoor venues too: an indoor offering may not use
    one on those days (an outdoor offering is excluded on them already). Only blackouts of
    the offering's type count, so this is per offering's venue option, not the venue's own block."""
    outdoor = {venue_rid(v.id) for v in sc.venues if v.outdoor}
    if off.outdoor or not outdoor:
        return
    indoor = _blackout_days(sc, problem, off, days, False)
    extra = {r: ds for r, ds in _blackout_days(sc, problem, off, days, True).items() if r not in indoor and ds}
    for c in choices:
        for opt in c.options:
            if opt.resource in outdoor:
                opt.blocked = extra


def _fixed_resources(sc: Scenario, off: Offering) -> list[str]:
    if off.type == SessionType.community:
        return [community_rid(off.host)]
    return [department_rid(d) for d in session_departments(sc, off)]


def _instructor_pool(sc: Scenario, off: Offering) -> list[Instructor]:
    """Who may teach by the session's type: a peer session its department's instructors, a
    department session the mentor department's, a secretary session any secretary, a
    community's own practice none (its host teaches)."""
    if off.type == SessionType.community:
        return []
    if off.type == SessionType.secretary:
        return [i for d in sc.departments for i in d.instructors]
    dept = _pair(sc, off).mentor if off.type == SessionType.department else off.department
    return [i for d in sc.departments if d.id == dept for i in d.instructors]


def instructor_filter(off: Offering, ins: Instructor) -> str | None:
    """The eligibility rule that bars an instructor of the pool from the offering, None when
    none does: a secretary session needs the audience's tier or higher, and an offering's
    own list of instructors narrows the pool."""
    if off.type == SessionType.secretary and not (ins.tier and TIER_RANK[ins.tier] >= TIER_RANK[off.audience_tier]):
        return "eligible.secretary_tier"
    if off.instructors and ins.id not in off.instructors:
        return "eligible.instructor"
    return None


def venue_filter(sc: Scenario, off: Offering, v: Venue) -> str | None:
    """The eligibility rule that bars this venue from the offering, None when none does."""
    if off.venues and v.id not in off.venues:
        return "eligible.venue"
    if (off.format == Format.online) != v.online:
        return "eligible.venue_format"
    if off.type == SessionType.community and v.owner != off.host:
        return "eligible.host_venue"
    if off.type in (SessionType.secretary, SessionType.department) and v.owner != "street":
        return "eligible.street_venue"
    return None


def _choices(sc: Scenario, off: Offering, orderers: set[str]) -> tuple[list[Choice], list[str]]:
    """Instructor and venue options; a community's own venue only if it ordered the offering.
    Also the eligibility rules that removed a candidate (instructors outside the offering's
    department pool are not candidates), in declaration order."""
    fired: set[str] = set()
    instructor_options = []
    fixed = set(_fixed_resources(sc, off))
    department_of = {i.id: department_rid(d.id) for d in sc.departments for i in d.instructors}
    for ins in _instructor_pool(sc, off):
        rule = instructor_filter(off, ins)
        if rule is None:
            # the instructor's department's monthly cap counts the session too (书记教书记 included),
            # once: a peer or pair session already takes its department
            toward = department_of[ins.id] if department_of[ins.id] not in fixed else None
            instructor_options.append(Option(instructor_rid(ins.id), counts_toward=toward))
        else:
            fired.add(rule)
    venue_options = []
    for v in sc.venues:
        rule = venue_filter(sc, off, v)
        needs = community_rid(v.owner) if v.owner != "street" and off.type == SessionType.peer else None
        if rule is None and needs and v.owner not in orderers:
            rule = "eligible.community_venue"
        if rule is not None:
            fired.add(rule)
            continue
        venue_options.append(Option(venue_rid(v.id), capacity=v.capacity, needs_group=needs))
    venue_choice = Choice("venue", venue_options)
    order = [r for r in RULES if r in fired]
    if off.type == SessionType.community:  # the host community teaches its own practice
        return [venue_choice], order
    return [Choice("instructor", instructor_options), venue_choice], order


def _static_unmet_reason(sc: Scenario, off: Offering, o: Order, size_limit: int) -> str | None:
    """Reasons known before solving why an order can never be met."""
    if off.type == SessionType.community and o.community == off.host:
        return "host_self"
    if o.attendees > size_limit:
        return "too_large"
    return None


def _sessions(n: int, kind: str = "") -> str:
    return f"{n} {kind + ' ' if kind else ''}session{'' if n == 1 else 's'}"


def _add_counts(sc: Scenario, problem: Problem) -> None:
    """The quotas: between min and max sessions of each type, and in the year."""
    q = sc.plan.sessions
    for t in SessionType:
        r = q.for_type(t)
        kind = (TYPE_ZH[t.value], t.value)
        problem.counts.append(
            CountRule(
                tags=(f"type:{t.value}",),
                min=r.min,
                max=r.max,
                min_rule=add_rule(problem, "quota.type_min", t.value, type=kind, n=r.min, sessions=_sessions(r.min, t.value)),
                max_rule=add_rule(problem, "quota.type_max", t.value, type=kind, n=r.max, sessions=_sessions(r.max, t.value)),
            )
        )
    lo = q.total if q.total_min is None else q.total_min
    problem.counts.append(
        CountRule(
            tags=("session",),
            min=lo,
            max=q.total,
            min_rule=add_rule(problem, "quota.total_min", n=lo, sessions=_sessions(lo)),
            max_rule=add_rule(problem, "quota.total_max", n=q.total, sessions=_sessions(q.total)),
        )
    )
