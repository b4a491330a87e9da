"""Checks that need the whole scenario: ids, references, dates, contradictions.

``check_scenario`` returns every problem as (record, field, message); the loader
adds the file name. Nothing here raises.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from scheduler.models import Duration, Format, Scenario, SessionType, Slot

Found = list[tuple[str, str, str]]


def _rec(section: str, idx: int, rid: str) -> str:
    return f"{section}[{idx}] ({rid})"


def check_scenario(sc: Scenario, hidden: frozenset[str] = frozenset()) -> Found:
    """``hidden``: ids of records left out because their own shape is wrong (already
    reported); references to them are not reported again as unknown."""
    out: Found = []
    _check_plan(sc, out)
    _check_ids(sc, out)
    _check_dates(sc, out)
    _check_references(sc, out, hidden)
    return out


def _check_plan(sc: Scenario, out: Found) -> None:
    p = sc.plan
    if p.start > p.end:
        out.append(("plan", "start", f"first day {p.start} is after the last day {p.end}"))
    for f in ("start", "end"):
        d: dt.date = getattr(p, f)
        if d.year != p.year:
            out.append(("plan", f, f"{d} is outside the plan year {p.year}"))
    q = p.sessions
    lo = q.total if q.total_min is None else q.total_min
    if lo > q.total:
        out.append(("plan", "sessions.total_min", f"total_min {lo} is above total {q.total}"))
    mins = maxs = 0
    for t in SessionType:
        r = q.for_type(t)
        mins += r.min
        maxs += min(r.max, q.total)
        if r.min > r.max:
            out.append(("plan", f"sessions.{t.value}", f"min {r.min} is above max {r.max}"))
    if mins > q.total:
        out.append(("plan", "sessions", f"the per-type minimums add up to {mins}, more than the total {q.total}"))
    if maxs < lo:
        out.append(("plan", "sessions", f"the per-type maximums add up to {maxs}, fewer than the {lo} sessions required"))
    if len(set(p.slots)) != len(p.slots):
        out.append(("plan", "slots", "a slot is listed twice"))
    for i, b in enumerate(p.blackouts):
        if b.start > b.end:
            out.append((f"plan.blackouts[{i}]", "start", f"{b.start} is after {b.end}"))


def _check_ids(sc: Scenario, out: Found) -> None:
    sections = {
        "communities": sc.communities,
        "departments": sc.departments,
        "venues": sc.venues,
        "offerings": sc.offerings,
        "orders": sc.orders,
        "pairs": sc.pairs,
    }
    for name, items in sections.items():
        seen: Counter[str] = Counter()
        for i, item in enumerate(items):
            seen[item.id] += 1
            if seen[item.id] == 2:
                out.append((_rec(name, i, item.id), "id", f"duplicate id '{item.id}'"))
    seen_ins: dict[str, str] = {}
    for di, d in enumerate(sc.departments):
        for ii, ins in enumerate(d.instructors):
            if ins.id in seen_ins:
                out.append(
                    (
                        f"departments[{di}] ({d.id})",
                        f"instructors[{ii}].id",
                        f"duplicate instructor id '{ins.id}' (also in {seen_ins[ins.id]})",
                    )
                )
            seen_ins.setdefault(ins.id, d.id)
    pairs = Counter((o.community, o.offering) for o in sc.orders)
    for i, o in enumerate(sc.orders):
        if pairs[o.community, o.offering] > 1:
            out.append(
                (
                    _rec("orders", i, o.id),
                    "offering",
                    f"community '{o.community}' orders '{o.offering}' more than once; merge the orders",
                )
            )
            pairs[o.community, o.offering] = 0


def _check_dates(sc: Scenario, out: Found) -> None:
    year = sc.plan.year

    def spans(record: str, field: str, items) -> None:
        for i, s in enumerate(items):
            if s.start > s.end:
                out.append((record, f"{field}[{i}]", f"{s.start} is after {s.end}"))
            for d in (s.start, s.end):
                if d.year != year:
                    out.append((record, f"{field}[{i}]", f"{d} is outside the plan year {year}"))
                    break

    spans("plan", "holidays.days_off", sc.plan.holidays.days_off)
    for i, d in enumerate(sc.plan.holidays.working_days):
        if d.year != year:
            out.append(("plan", f"holidays.working_days[{i}]", f"{d} is outside the plan year {year}"))
    for i, b in enumerate(sc.plan.blackouts):
        for f in ("start", "end"):
            if getattr(b, f).year != year:
                out.append((f"plan.blackouts[{i}]", f, f"{getattr(b, f)} is outside the plan year {year}"))
    for i, c in enumerate(sc.communities):
        spans(_rec("communities", i, c.id), "unavailable", c.unavailable)
    for i, d in enumerate(sc.departments):
        spans(_rec("departments", i, d.id), "unavailable", d.unavailable)
        for j, ins in enumerate(d.instructors):
            spans(_rec("departments", i, d.id), f"instructors[{j}].unavailable", ins.unavailable)
    for i, v in enumerate(sc.venues):
        spans(_rec("venues", i, v.id), "unavailable", v.unavailable)


def _check_references(sc: Scenario, out: Found, hidden: frozenset[str]) -> None:
    communities = {c.id for c in sc.communities} | hidden
    departments = {d.id for d in sc.departments} | hidden
    venues = {v.id: v for v in sc.venues}
    instructors = sc.instructors()
    offerings = {o.id: o for o in sc.offerings}
    pairs = {p.id: p for p in sc.pairs}
    slots = set(sc.plan.slots)

    for i, v in enumerate(sc.venues):
        if v.owner != "street" and v.owner not in communities:
            out.append((_rec("venues", i, v.id), "owner", f"'{v.owner}' is neither 'street' nor a known community"))
    for i, p in enumerate(sc.pairs):
        r = _rec("pairs", i, p.id)
        for f in ("mentor", "learner"):
            if getattr(p, f) not in departments:
                out.append((r, f, f"unknown department '{getattr(p, f)}'"))
        if p.mentor == p.learner:
            out.append((r, "learner", "a department cannot be paired with itself"))

    for i, o in enumerate(sc.offerings):
        r = _rec("offerings", i, o.id)
        need = {SessionType.peer: "department", SessionType.community: "host", SessionType.department: "pair"}.get(o.type)
        for f in ("department", "host", "pair"):
            if f != need and getattr(o, f) is not None:
                out.append((r, f, f"'{f}' does not apply to a {o.type.value} offering"))
        if need and getattr(o, need) is None:
            out.append((r, need, f"a {o.type.value} offering needs '{need}'"))
        if o.type == SessionType.peer and o.department is not None and o.department not in departments:
            out.append((r, "department", f"unknown department '{o.department}'"))
        if o.type == SessionType.community and o.host is not None and o.host not in communities:
            out.append((r, "host", f"unknown community '{o.host}'"))
        if o.type == SessionType.department and o.pair is not None and o.pair not in pairs and o.pair not in hidden:
            out.append((r, "pair", f"unknown pair '{o.pair}'"))
        if o.type == SessionType.secretary and not o.instructors:
            out.append((r, "instructors", "a secretary offering names the secretaries who may teach it"))
        for j, ins in enumerate(o.instructors):
            if ins in hidden:
                continue
            if ins not in instructors:
                out.append((r, f"instructors[{j}]", f"unknown instructor '{ins}'"))
            elif o.type == SessionType.secretary and instructors[ins][1].tier is None:
                out.append((r, f"instructors[{j}]", f"'{ins}' has no secretary tier and cannot teach 书记教书记"))
            elif o.type == SessionType.peer and instructors[ins][0].id != o.department:
                out.append((r, f"instructors[{j}]", f"'{ins}' is not an instructor of department '{o.department}'"))
        for j, vid in enumerate(o.venues):
            v = venues.get(vid)
            if vid in hidden:
                continue
            if v is None:
                out.append((r, f"venues[{j}]", f"unknown venue '{vid}'"))
            elif (o.format == Format.online) != v.online:
                out.append(
                    (
                        r,
                        f"venues[{j}]",
                        f"venue '{vid}' is {'online' if v.online else 'physical'} but the format is {o.format.value}",
                    )
                )
            elif o.type == SessionType.community and v.owner != o.host:
                out.append(
                    (r, f"venues[{j}]", f"a community session is held at the host's own venue; '{vid}' belongs to '{v.owner}'")
                )
        if o.min_attendees > o.capacity:
            out.append((r, "min_attendees", f"min_attendees {o.min_attendees} is above capacity {o.capacity}"))
        if o.duration == Duration.evening and Slot.evening not in slots:
            out.append((r, "duration", "an evening offering needs 'evening' in plan.slots"))
        if o.duration == Duration.full_day and not {Slot.morning, Slot.afternoon} <= slots:
            out.append((r, "duration", "a full-day offering needs 'morning' and 'afternoon' in plan.slots"))
        if o.duration == Duration.half_day and not {Slot.morning, Slot.afternoon} & slots:
            out.append((r, "duration", "a half-day offering needs 'morning' or 'afternoon' in plan.slots"))

    for i, o in enumerate(sc.orders):
        r = _rec("orders", i, o.id)
        if o.community not in communities:
            out.append((r, "community", f"unknown community '{o.community}'"))
        off = offerings.get(o.offering)
        if o.offering in hidden:
            continue
        if off is None:
            out.append((r, "offering", f"unknown offering '{o.offering}'"))
        elif off.type == SessionType.department:
            out.append((r, "offering", f"'{o.offering}' is a department-pair offering; communities cannot order it"))
