"""The one translation between the domain and the neutral problem, both ways.

The core knows resources, events and time units by opaque strings and integers. This
module is the only place that makes them from domain objects (venue ``V1`` becomes the
resource ``venue:V1``; run 2 of offering ``P1`` the event ``P1#2``; the afternoon of the
day at index 4 the unit 13) and the only place that reads them back. Compile, re-plan
and the plan file all go through it, so a change of scheme is one edit.
"""

from __future__ import annotations

import datetime as dt

from scheduler.models import Offering, Scenario, SessionType, Slot

UNITS_PER_DAY = 3
PART = {Slot.morning: 0, Slot.afternoon: 1, Slot.evening: 2}
SLOT_OF_PART = {p: s for s, p in PART.items()}


def venue_rid(v: str) -> str:
    return f"venue:{v}"


def instructor_rid(i: str) -> str:
    return f"instructor:{i}"


def department_rid(d: str) -> str:
    return f"department:{d}"


def community_rid(c: str) -> str:
    return f"community:{c}"


def domain_id(rid: str) -> str:
    """The domain id inside a resource id (``venue:V1`` -> ``V1``)."""
    return rid.split(":", 1)[1]


def event_id(offering: str, run: int) -> str:
    return f"{offering}#{run + 1}"


def options_of(venue: str, instructor: str | None) -> dict[str, str]:
    """A session's venue and instructor as the options of its assignment."""
    options = {"venue": venue_rid(venue)}
    if instructor:
        options["instructor"] = instructor_rid(instructor)
    return options


def resources_of(options: dict[str, str]) -> tuple[str, str | None]:
    """The inverse of ``options_of``: the venue id and the instructor id (or None)."""
    instructor = options.get("instructor")
    return domain_id(options["venue"]), domain_id(instructor) if instructor else None


def unit_of(day_index: int, slot: Slot) -> int:
    """The time unit at which a session starting in ``slot`` of the day ``day_index`` starts."""
    return day_index * UNITS_PER_DAY + PART[slot]


def placement(day_list: list[dt.date], unit: int, length: int) -> tuple[dt.date, list[Slot]]:
    """The inverse of ``unit_of``: the day and the ``length`` slots from ``unit``."""
    day, part = divmod(unit, UNITS_PER_DAY)
    return day_list[day], [SLOT_OF_PART[part + k] for k in range(length)]


def session_departments(sc: Scenario, off: Offering) -> list[str]:
    """The departments a session of ``off`` occupies, in the plan's order: a peer session its
    delivering department, a department session its mentor and learner. A secretary
    session occupies only its instructor, a community session its host community."""
    if off.type == SessionType.peer:
        return [off.department]
    if off.type == SessionType.department:
        pair = next(p for p in sc.pairs if p.id == off.pair)
        return [pair.mentor, pair.learner]
    return []
