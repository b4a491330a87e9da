"""The independent UD2 scorer: every hard violation and soft cost of a CB-CTT timetable,
in plain Python, as ``docs/itc2007.md`` states the official validator's rules. The
solver's own objective is checked against it; it shares no code with the solver."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from scheduler.adapters.ctt.instance import Instance
from scheduler.adapters.ctt.solution import Lecture

WEIGHTS = {"room_capacity": 1, "min_working_days": 5, "curriculum_compactness": 2, "room_stability": 1}


@dataclass(frozen=True)
class Score:
    lectures: int  # hard: lectures missing or extra
    conflicts: int  # hard: same teacher or curriculum in one period
    availability: int  # hard: lectures in an unavailable period
    room_occupancy: int  # hard: two lectures in one room and period
    room_capacity: int  # soft, weighted
    min_working_days: int
    curriculum_compactness: int
    room_stability: int

    @property
    def hard(self) -> int:
        return self.lectures + self.conflicts + self.availability + self.room_occupancy

    @property
    def soft(self) -> int:
        return self.room_capacity + self.min_working_days + self.curriculum_compactness + self.room_stability


def _periods_of(lectures: list[Lecture]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for x in lectures:
        out[x.course].add(x.period)
    return out


def _conflicts(inst: Instance, periods: dict[str, set[int]]) -> int:
    clash = inst.conflicts()
    ids = [c.id for c in inst.courses]
    return sum(len(periods[a] & periods[b]) for a, b in combinations(ids, 2) if b in clash[a])


def _compactness(inst: Instance, periods: dict[str, set[int]]) -> int:
    """2 for each lecture of a curriculum with no lecture of it next to it on the same day."""
    cost, ppd = 0, inst.periods_per_day
    for courses in inst.curricula.values():
        count: dict[int, int] = defaultdict(int)
        for c in courses:
            for p in periods[c]:
                count[p] += 1
        for p, n in count.items():
            before = p % ppd > 0 and count.get(p - 1, 0) > 0
            after = p % ppd < ppd - 1 and count.get(p + 1, 0) > 0
            if not (before or after):
                cost += WEIGHTS["curriculum_compactness"] * n
    return cost


def score(inst: Instance, lectures: list[Lecture]) -> Score:
    courses = {c.id: c for c in inst.courses}
    capacity = {r.id: r.capacity for r in inst.rooms}
    periods = _periods_of(lectures)
    occupancy: dict[tuple[str, int], int] = defaultdict(int)
    rooms_of: dict[str, set[str]] = defaultdict(set)
    for x in lectures:
        occupancy[(x.room, x.period)] += 1
        rooms_of[x.course].add(x.room)
    return Score(
        lectures=sum(abs(len(periods[c.id]) - c.lectures) for c in inst.courses),
        conflicts=_conflicts(inst, periods),
        availability=sum(x.period in inst.unavailable.get(x.course, ()) for x in lectures),
        room_occupancy=sum(n - 1 for n in occupancy.values() if n > 1),
        room_capacity=sum(max(0, courses[x.course].students - capacity[x.room]) for x in lectures),
        min_working_days=WEIGHTS["min_working_days"]
        * sum(max(0, c.min_days - len({inst.day_of(p) for p in periods[c.id]})) for c in inst.courses),
        curriculum_compactness=_compactness(inst, periods),
        room_stability=sum(max(0, len(rooms_of[c.id]) - 1) for c in inst.courses),
    )
