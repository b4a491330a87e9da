"""Compile a scenario's domain rules into a neutral ``Problem``.

Each offering becomes ``max_runs`` candidate events; each order a demand that the
runs of its offering may serve. Domain rules become resources (venues, instructors,
departments, communities), rule-labelled exclusions of start times (blackouts,
allowed months, unavailability) and count rules (type quotas, the total).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from scheduler.core.problem import Choice, CountRule, Demand, Event, Option, Problem, Resource
from scheduler.domain.workdays import WorkCalendar
from scheduler.models import (
    TIER_RANK,
    Duration,
    Format,
    Offering,
    Order,
    Scenario,
    SessionType,
    Slot,
)

UNITS_PER_DAY = 3
PART = {Slot.morning: 0, Slot.afternoon: 1, Slot.evening: 2}
TYPE_ZH = {"secretary": "书记教书记", "peer": "同行学同行", "community": "社区帮社区", "department": "部门带部门"}


def venue_rid(v: str) -> str:
    return f"venue:{v}"


def instructor_rid(i: str) -> str:
    return f"instructor:{i}"


def department_rid(d: str) -> str:
    return f"department:{d}"


def community_rid(c: str) -> str:
    return f"community:{c}"


def event_id(offering: str, run: int) -> str:
    return f"{offering}#{run + 1}"


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

    def unit_date(self, unit: int) -> dt.date:
        return self.day_list[unit // UNITS_PER_DAY]


def slots_for(duration: Duration) -> list[Slot]:
    """The half-day slots a session of this duration occupies, in time order, for each start."""
    return {
        Duration.half_day: [Slot.morning],
        Duration.full_day: [Slot.morning, Slot.afternoon],
        Duration.evening: [Slot.evening],
    }[duration]


def compile_scenario(sc: Scenario) -> Compiled:
    cal = WorkCalendar(sc.plan)
    days = cal.days()
    day_index = {d: i for i, d in enumerate(days)}
    working = [cal.is_working(d) for d in days]
    problem = Problem(
        units_per_day=UNITS_PER_DAY,
        days=len(days),
        period_of_day=[d.month for d in days],
        period_weight=_working_days_per_month(days, working),
        rules={},
        resources={},
        events=[],
        demands=[],
        counts=[],
    )

    def blocked(kind: str, key: str, spans, zh_name: str, en_name: str) -> dict[str, frozenset[int]]:
        hit = frozenset(day_index[d] for span in spans for d in span.days() if d in day_index)
        if not hit:
            return {}
        rule = problem.add_rule(f"unavailable:{kind}:{key}", f"{zh_name}不可用日期", f"unavailable dates of {en_name}")
        return {rule: hit}

    caps = sc.plan.caps
    overlap = {
        "venue": problem.add_rule("no_overlap:venue", "同一场地同一时段只能办一场", "a venue holds one session at a time"),
        "instructor": problem.add_rule(
            "no_overlap:instructor", "同一教员同一时段只能讲一场", "an instructor teaches one session at a time"
        ),
        "department": problem.add_rule(
            "no_overlap:department", "同一部门同一时段只能参与一场", "a department takes part in one session at a time"
        ),
        "community": problem.add_rule(
            "no_overlap:community", "同一社区同一时段只能参加一场", "a community attends one session at a time"
        ),
    }
    for v in sc.venues:
        problem.resources[venue_rid(v.id)] = Resource(
            venue_rid(v.id), v.name, "venue", blocked("venue", v.id, v.unavailable, v.name, v.id), overlap_rule=overlap["venue"]
        )
    for d in sc.departments:
        cap = d.monthly_cap or caps.department_per_month
        cap_rule = (
            problem.add_rule(f"cap:department:{d.id}", f"{d.name}每月最多{cap}场", f"{d.id}: at most {cap} sessions a month")
            if cap
            else ""
        )
        problem.resources[department_rid(d.id)] = Resource(
            department_rid(d.id),
            d.name,
            "department",
            blocked("department", d.id, d.unavailable, d.name, d.id),
            period_cap=cap,
            cap_rule=cap_rule,
            overlap_rule=overlap["department"],
        )
        dept_block = blocked("department", d.id, d.unavailable, d.name, d.id)
        for ins in d.instructors:
            own = blocked("instructor", ins.id, ins.unavailable, ins.name, ins.id)
            problem.resources[instructor_rid(ins.id)] = Resource(
                instructor_rid(ins.id), ins.name, "instructor", {**dept_block, **own}, overlap_rule=overlap["instructor"]
            )
    gap_rule = ""
    if caps.community_min_gap_days:
        gap_rule = problem.add_rule(
            "gap:community",
            f"同一社区两场培训至少间隔{caps.community_min_gap_days}天",
            f"a community's sessions at least {caps.community_min_gap_days} days apart",
        )
    ccap_rule = ""
    if caps.community_per_month:
        ccap_rule = problem.add_rule(
            "cap:community",
            f"每个社区每月最多{caps.community_per_month}场",
            f"a community attends at most {caps.community_per_month} sessions a month",
        )
    for c in sc.communities:
        problem.resources[community_rid(c.id)] = Resource(
            community_rid(c.id),
            c.name,
            "community",
            blocked("community", c.id, c.unavailable, c.name, c.id),
            min_gap_days=caps.community_min_gap_days,
            gap_rule=gap_rule,
            period_cap=caps.community_per_month,
            cap_rule=ccap_rule,
            overlap_rule=overlap["community"],
        )

    orders_by_offering: dict[str, list[Order]] = defaultdict(list)
    for o in sc.orders:
        orders_by_offering[o.offering].append(o)

    offering_of_event: dict[str, str] = {}
    unservable: dict[str, str] = {}
    size_limits: dict[str, int] = {}
    no_slot: set[str] = set()
    for off in sc.offerings:
        choices = _choices(sc, off, {o.community for o in orders_by_offering[off.id]})
        venue_cap = max((opt.capacity or 0 for c in choices if c.kind == "venue" for opt in c.options), default=0)
        size_limit = size_limits[off.id] = min(off.capacity, venue_cap)
        servable = []
        missing = [c.kind for c in choices if not c.options]
        for o in orders_by_offering[off.id]:
            reason = f"no_{missing[0]}" if missing else _static_unmet_reason(sc, off, o, size_limit)
            if reason:
                unservable[o.id] = reason
            else:
                servable.append(o)
        starts = _starts(sc, off, working)
        excluded = _exclusions(sc, problem, off, days)
        if off.type == SessionType.department:
            runs = off.max_runs
        else:
            runs = min(off.max_runs, len(servable))
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
            offering_of_event[e.id] = off.id
            ids.append(e.id)
        if ids and not any(problem.allowed_starts(e) for e in problem.events[-len(ids) :]):
            no_slot.add(off.id)  # months, blackouts or the deliverer's absence leave no day
        for o in servable:
            problem.demands.append(
                Demand(
                    id=o.id,
                    group=community_rid(o.community),
                    size=o.attendees,
                    weight=o.priority,
                    events=list(ids),
                    preferred_periods=frozenset(o.preferred_months),
                )
            )
    _add_counts(sc, problem)
    return Compiled(problem, cal, days, offering_of_event, unservable, size_limits, no_slot)


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
        rule = problem.add_rule(
            f"months:{off.id}",
            f"《{off.title}》只能在{'、'.join(map(str, months))}月举办",
            f"{off.id} may only run in months {', '.join(map(str, months))}",
        )
        out[rule] = frozenset(i for i, d in enumerate(days) if d.month not in off.months)
    for i, b in enumerate(sc.plan.blackouts):
        if b.types and off.type not in b.types:
            continue
        if b.outdoor_only and not off.outdoor:
            continue
        rule = problem.add_rule(
            f"blackout:{i}", f"停办期 {b.start}至{b.end}（{b.reason}）", f"blackout {b.start} to {b.end} ({b.reason})"
        )
        out[rule] = frozenset(i for i, d in enumerate(days) if b.start <= d <= b.end)
    return {k: v for k, v in out.items() if v}


def _fixed_resources(sc: Scenario, off: Offering) -> list[str]:
    if off.type == SessionType.peer:
        return [department_rid(off.department)]
    if off.type == SessionType.community:
        return [community_rid(off.host)]
    if off.type == SessionType.department:
        p = _pair(sc, off)
        return [department_rid(p.mentor), department_rid(p.learner)]
    return []


def eligible_instructors(sc: Scenario, off: Offering) -> list[str]:
    """Instructor ids who may teach this offering (none for a community's own practice)."""
    if off.type == SessionType.community:
        return []
    by_id = sc.instructors()
    if off.type == SessionType.peer:
        pool = [i.id for d in sc.departments if d.id == off.department for i in d.instructors]
    elif off.type == SessionType.department:
        mentor = _pair(sc, off).mentor
        pool = [i.id for d in sc.departments if d.id == mentor for i in d.instructors]
    else:
        need = TIER_RANK[off.audience_tier]
        pool = [i for i, (_, ins) in by_id.items() if ins.tier and TIER_RANK[ins.tier] >= need]
    if off.instructors:
        pool = [i for i in pool if i in off.instructors]
    return pool


def eligible_venues(sc: Scenario, off: Offering) -> list[str]:
    """Venue ids that fit the offering's format and type."""
    out = []
    for v in sc.venues:
        if off.venues and v.id not in off.venues:
            continue
        if (off.format == Format.online) != v.online:
            continue
        if off.type == SessionType.community and v.owner != off.host:
            continue
        if off.type in (SessionType.secretary, SessionType.department) and v.owner != "street":
            continue
        out.append(v.id)
    return out


def _choices(sc: Scenario, off: Offering, orderers: set[str]) -> list[Choice]:
    """Instructor and venue options; a community's own venue only if it ordered the offering."""
    venues = {v.id: v for v in sc.venues}
    instructor_options = [Option(instructor_rid(i)) for i in eligible_instructors(sc, off)]
    venue_options = []
    for vid in eligible_venues(sc, off):
        v = venues[vid]
        needs = community_rid(v.owner) if v.owner != "street" and off.type == SessionType.peer else None
        if needs and v.owner not in orderers:
            continue
        venue_options.append(Option(venue_rid(vid), capacity=v.capacity, needs_group=needs))
    venue_choice = Choice("venue", venue_options)
    if off.type == SessionType.community:  # the host community teaches its own practice
        return [venue_choice]
    return [Choice("instructor", instructor_options), venue_choice]


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
    q = sc.plan.sessions
    for t in SessionType:
        r = q.for_type(t)
        problem.counts.append(
            CountRule(
                tags=(f"type:{t.value}",),
                min=r.min,
                max=r.max,
                min_rule=problem.add_rule(
                    f"quota:{t.value}:min", f"{TYPE_ZH[t.value]}至少{r.min}场", f"at least {_sessions(r.min, t.value)}"
                ),
                max_rule=problem.add_rule(
                    f"quota:{t.value}:max", f"{TYPE_ZH[t.value]}至多{r.max}场", f"at most {_sessions(r.max, t.value)}"
                ),
            )
        )
    lo = q.total if q.total_min is None else q.total_min
    problem.counts.append(
        CountRule(
            tags=("session",),
            min=lo,
            max=q.total,
            min_rule=problem.add_rule("quota:total:min", f"全年至少{lo}场", f"at least {_sessions(lo)} in the year"),
            max_rule=problem.add_rule("quota:total:max", f"全年至多{q.total}场", f"at most {_sessions(q.total)} in the year"),
        )
    )
