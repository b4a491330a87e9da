"""Checks that need the whole scenario: ids, references, dates, contradictions.

``check_scenario`` returns every problem as (record, field, message), the message an
``i18n.Message`` (the printer picks the language); the loader adds the file name.
Nothing here raises.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from scheduler.domain.i18n import Message
from scheduler.models import Department, Duration, Format, Instructor, Offering, Scenario, SessionType, Slot, Venue

Found = list[tuple[str, str, Message]]


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


def _outside(day: dt.date, year: int) -> Message:
    return Message("k.outside_year", date=day, year=year)


def _check_plan(sc: Scenario, out: Found) -> None:
    p = sc.plan
    if p.start > p.end:
        out.append(("plan", "start", Message("k.plan_reversed", start=p.start, end=p.end)))
    for f in ("start", "end"):
        d: dt.date = getattr(p, f)
        if d.year != p.year:
            out.append(("plan", f, _outside(d, p.year)))
    q = p.sessions
    lo = q.total if q.total_min is None else q.total_min
    if lo > q.total:
        out.append(("plan", "sessions.total_min", Message("k.total_min_above", total_min=lo, total=q.total)))
    mins = maxs = 0
    for t in SessionType:
        r = q.for_type(t)
        mins += r.min
        maxs += min(r.max, q.total)
        if r.min > r.max:
            out.append(("plan", f"sessions.{t.value}", Message("k.min_above_max", min=r.min, max=r.max)))
    if mins > q.total:
        out.append(("plan", "sessions", Message("k.minimums_above_total", sum=mins, total=q.total)))
    if maxs < lo:
        out.append(("plan", "sessions", Message("k.maximums_below", sum=maxs, need=lo)))
    if len(set(p.slots)) != len(p.slots):
        out.append(("plan", "slots", Message("k.slot_twice")))
    for i, b in enumerate(p.blackouts):
        if b.start > b.end:
            out.append((f"plan.blackouts[{i}]", "start", Message("k.span_reversed", start=b.start, end=b.end)))


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
                out.append((_rec(name, i, item.id), "id", Message("k.duplicate_id", id=item.id)))
    seen_ins: dict[str, str] = {}
    for di, d in enumerate(sc.departments):
        for ii, ins in enumerate(d.instructors):
            if ins.id in seen_ins:
                message = Message("k.duplicate_instructor", id=ins.id, department=seen_ins[ins.id])
                out.append((f"departments[{di}] ({d.id})", f"instructors[{ii}].id", message))
            seen_ins.setdefault(ins.id, d.id)
    pairs = Counter((o.community, o.offering) for o in sc.orders)
    for i, o in enumerate(sc.orders):
        if pairs[o.community, o.offering] > 1:
            message = Message("k.order_twice", community=o.community, offering=o.offering)
            out.append((_rec("orders", i, o.id), "offering", message))
            pairs[o.community, o.offering] = 0


def _check_dates(sc: Scenario, out: Found) -> None:
    year = sc.plan.year

    def spans(record: str, field: str, items) -> None:
        for i, s in enumerate(items):
            if s.start > s.end:
                out.append((record, f"{field}[{i}]", Message("k.span_reversed", start=s.start, end=s.end)))
            for d in (s.start, s.end):
                if d.year != year:
                    out.append((record, f"{field}[{i}]", _outside(d, year)))
                    break

    spans("plan", "holidays.days_off", sc.plan.holidays.days_off)
    for i, d in enumerate(sc.plan.holidays.working_days):
        if d.year != year:
            out.append(("plan", f"holidays.working_days[{i}]", _outside(d, year)))
    for i, b in enumerate(sc.plan.blackouts):
        for f in ("start", "end"):
            if getattr(b, f).year != year:
                out.append((f"plan.blackouts[{i}]", f, _outside(getattr(b, f), year)))
    for i, c in enumerate(sc.communities):
        spans(_rec("communities", i, c.id), "unavailable", c.unavailable)
    for i, d in enumerate(sc.departments):
        spans(_rec("departments", i, d.id), "unavailable", d.unavailable)
        for j, ins in enumerate(d.instructors):
            spans(_rec("departments", i, d.id), f"instructors[{j}].unavailable", ins.unavailable)
    for i, v in enumerate(sc.venues):
        spans(_rec("venues", i, v.id), "unavailable", v.unavailable)


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class _Known:
    """The ids a reference may name; ``hidden`` ones (records left out) count as known."""

    communities: set[str]
    departments: set[str]
    venues: dict[str, Venue]
    instructors: dict[str, tuple[Department, Instructor]]
    offerings: dict[str, Offering]
    pairs: set[str]
    slots: set[Slot]
    hidden: frozenset[str]


# The one reference each offering type needs (a secretary offering needs none of them).
_NEEDS = {SessionType.peer: "department", SessionType.community: "host", SessionType.department: "pair"}


def _check_references(sc: Scenario, out: Found, hidden: frozenset[str]) -> None:
    known = _Known(
        communities={c.id for c in sc.communities} | hidden,
        departments={d.id for d in sc.departments} | hidden,
        venues={v.id: v for v in sc.venues},
        instructors=sc.instructors(),
        offerings={o.id: o for o in sc.offerings},
        pairs={p.id for p in sc.pairs} | hidden,
        slots=set(sc.plan.slots),
        hidden=hidden,
    )
    _check_owners_and_pairs(sc, known, out)
    for i, o in enumerate(sc.offerings):
        r = _rec("offerings", i, o.id)
        _check_offering_kind(r, o, known, out)
        _check_offering_instructors(r, o, known, out)
        _check_offering_venues(r, o, known, out)
        _check_offering_sizes(r, o, known, out)
    _check_orders(sc, known, out)


def _check_owners_and_pairs(sc: Scenario, known: _Known, out: Found) -> None:
    for i, v in enumerate(sc.venues):
        if v.owner != "street" and v.owner not in known.communities:
            out.append((_rec("venues", i, v.id), "owner", Message("k.venue_owner", owner=v.owner)))
    for i, p in enumerate(sc.pairs):
        r = _rec("pairs", i, p.id)
        for f in ("mentor", "learner"):
            if getattr(p, f) not in known.departments:
                out.append((r, f, Message("c.unknown.department", id=getattr(p, f))))
        if p.mentor == p.learner:
            out.append((r, "learner", Message("k.pair_self")))


def _check_offering_kind(r: str, o: Offering, known: _Known, out: Found) -> None:
    """The department, host or pair an offering of its type needs, and none of the others."""
    need = _NEEDS.get(o.type)
    kind = Message(f"k.type.{o.type.value}")
    for f in ("department", "host", "pair"):
        if f != need and getattr(o, f) is not None:
            out.append((r, f, Message("k.not_applicable", field=f, type=kind)))
    if need and getattr(o, need) is None:
        out.append((r, need, Message("k.needs", field=need, type=kind)))
    if o.type == SessionType.peer and o.department is not None and o.department not in known.departments:
        out.append((r, "department", Message("c.unknown.department", id=o.department)))
    if o.type == SessionType.community and o.host is not None and o.host not in known.communities:
        out.append((r, "host", Message("c.unknown.community", id=o.host)))
    if o.type == SessionType.department and o.pair is not None and o.pair not in known.pairs:
        out.append((r, "pair", Message("k.unknown_pair", id=o.pair)))


def _check_offering_instructors(r: str, o: Offering, known: _Known, out: Found) -> None:
    if o.type == SessionType.secretary and not o.instructors:
        out.append((r, "instructors", Message("k.secretary_instructors")))
    for j, ins in enumerate(o.instructors):
        if ins in known.hidden:
            continue
        if ins not in known.instructors:
            out.append((r, f"instructors[{j}]", Message("c.unknown.instructor", id=ins)))
        elif o.type == SessionType.secretary and known.instructors[ins][1].tier is None:
            out.append((r, f"instructors[{j}]", Message("k.no_tier", id=ins)))
        elif o.type == SessionType.peer and known.instructors[ins][0].id != o.department:
            out.append((r, f"instructors[{j}]", Message("k.not_department_instructor", id=ins, department=o.department)))


def _check_offering_venues(r: str, o: Offering, known: _Known, out: Found) -> None:
    for j, vid in enumerate(o.venues):
        v = known.venues.get(vid)
        if vid in known.hidden:
            continue
        if v is None:
            out.append((r, f"venues[{j}]", Message("c.unknown.venue", id=vid)))
        elif (o.format == Format.online) != v.online:
            kind = Message("v.format.online" if v.online else "k.physical")
            message = Message("k.venue_format", venue=vid, kind=kind, format=Message(f"v.format.{o.format.value}"))
            out.append((r, f"venues[{j}]", message))
        elif o.type == SessionType.community and v.owner != o.host:
            out.append((r, f"venues[{j}]", Message("k.host_venue", venue=vid, owner=v.owner)))


def _check_offering_sizes(r: str, o: Offering, known: _Known, out: Found) -> None:
    """Head-counts, and the slots of plan.slots its duration needs."""
    if o.min_attendees > o.capacity:
        out.append((r, "min_attendees", Message("k.min_above_capacity", min=o.min_attendees, capacity=o.capacity)))
    if o.duration == Duration.evening and Slot.evening not in known.slots:
        out.append((r, "duration", Message("k.evening_slot")))
    if o.duration == Duration.full_day and not {Slot.morning, Slot.afternoon} <= known.slots:
        out.append((r, "duration", Message("k.full_day_slots")))
    if o.duration == Duration.half_day and not {Slot.morning, Slot.afternoon} & known.slots:
        out.append((r, "duration", Message("k.half_day_slots")))


def _check_orders(sc: Scenario, known: _Known, out: Found) -> None:
    for i, o in enumerate(sc.orders):
        r = _rec("orders", i, o.id)
        if o.community not in known.communities:
            out.append((r, "community", Message("c.unknown.community", id=o.community)))
        off = known.offerings.get(o.offering)
        if o.offering in known.hidden:
            continue
        if off is None:
            out.append((r, "offering", Message("c.unknown.offering", id=o.offering)))
        elif off.type == SessionType.department:
            out.append((r, "offering", Message("c.department_offering", offering=o.offering)))
