"""Large-neighbourhood search on a whole CB-CTT timetable, periods and rooms together.

Each round frees every lecture of a few courses (a curriculum's, and its teachers'
other courses, until enough are free), keeps every other lecture where it is, and
re-solves the freed ones jointly: period and room of each lecture, with their share of
all four soft costs. The model of a round is small (a few thousand Booleans), so CP-SAT
proves it in well under a second; the round's improvement is its objective's drop.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.adapters.ctt.instance import Instance
from scheduler.adapters.ctt.solution import Lecture
from scheduler.adapters.ctt.terms import alone, any_of, shortfall

ROUND_SECONDS = 2.0
FREE_COURSES = (4, 12)  # the fewest and most courses a round frees; it grows while rounds fail


@dataclass
class _Round:
    model: cp_model.CpModel
    z: dict[tuple[str, int, str], cp_model.IntVar]
    cost: cp_model.LinearExpr


def _fixed(inst: Instance, lectures: list[Lecture], free: set[str]):
    """What the lectures kept in place take: each group's periods, each room's periods."""
    groups = _course_groups(inst)
    busy_group: dict[tuple[int, int], int] = defaultdict(int)
    busy_room: set[tuple[str, int]] = set()
    for x in lectures:
        if x.course in free:
            continue
        busy_room.add((x.room, x.period))
        for g in groups[x.course]:
            busy_group[g, x.period] += 1
    return groups, busy_group, busy_room


def _course_groups(inst: Instance) -> dict[str, list[int]]:
    """Course -> indexes of its conflict groups (its teacher's, each of its curricula)."""
    teachers: dict[str, list[str]] = defaultdict(list)
    for c in inst.courses:
        teachers[c.teacher].append(c.id)
    out: dict[str, list[int]] = defaultdict(list)
    for i, members in enumerate([*teachers.values(), *inst.curricula.values()]):
        for c in members:
            out[c].append(i)
    return out


def _place(m, inst: Instance, free: set[str], fixed, periods: dict[str, set[int]] | None):
    """The freed lectures' Booleans (course, period, room) and the hard rules among them;
    ``periods``: each freed course keeps its periods (only its rooms are free)."""
    groups, busy_group, busy_room = fixed
    z = {}
    for c in inst.courses:
        if c.id not in free:
            continue
        for p in range(inst.periods):
            if p in inst.unavailable.get(c.id, ()) or any(busy_group[g, p] for g in groups[c.id]):
                continue
            if periods is not None and p not in periods[c.id]:
                continue
            for r in inst.rooms:
                if (r.id, p) not in busy_room:
                    z[c.id, p, r.id] = m.new_bool_var(f"z_{c.id}_{p}_{r.id}")
    held: dict[tuple[str, int], list] = defaultdict(list)  # a course's lectures in a period
    in_room: dict[tuple[int, str], list] = defaultdict(list)
    by_group: dict[tuple[int, int], list] = defaultdict(list)
    for (c, p, r), v in z.items():
        held[c, p].append(v)
        in_room[p, r].append(v)
        for g in groups[c]:
            by_group[g, p].append(v)
    for c in inst.courses:
        if c.id in free:
            m.add(sum(v for (cc, _), vs in held.items() if cc == c.id for v in vs) == c.lectures)
    for vs in [*held.values(), *in_room.values(), *by_group.values()]:
        m.add_at_most_one(vs)
    return z, held


def _soft(m, inst: Instance, free: set[str], z, held, fixed) -> cp_model.LinearExpr:
    """The freed courses' share of the four soft costs (the rest of the cost does not move)."""
    ppd, cost = inst.periods_per_day, []
    students = {c.id: c.students for c in inst.courses}
    capacity = {r.id: r.capacity for r in inst.rooms}
    cost += [max(0, students[c] - capacity[r]) * v for (c, _, r), v in z.items() if students[c] > capacity[r]]
    for c in inst.courses:
        if c.id not in free:
            continue
        rooms = {r for (cc, _, r) in z if cc == c.id}
        for r in sorted(rooms):
            cost.append(any_of(m, [v for (cc, _, rr), v in z.items() if cc == c.id and rr == r], f"u_{c.id}_{r}"))
        if c.min_days > 1:
            days = []
            for d in range(inst.days):
                here = [v for p in range(d * ppd, (d + 1) * ppd) for v in held.get((c.id, p), [])]
                if here:
                    days.append(any_of(m, here, f"d_{c.id}_{d}"))
            short = shortfall(m, c.min_days, sum(days), f"short_{c.id}")
            cost.append(5 * short)
    cost += _isolated(m, inst, free, held, fixed)
    return sum(cost)


def _isolated(m, inst: Instance, free: set[str], held, fixed) -> list:
    """2 for each lecture of a curriculum that holds a freed course and has no neighbour that day."""
    groups, busy_group, _ = fixed
    ppd, teachers = inst.periods_per_day, len({c.teacher for c in inst.courses})
    out = []
    for g, (q, courses) in enumerate(inst.curricula.items(), start=teachers):  # _course_groups' order
        if not free & set(courses):
            continue
        occupied = [
            busy_group[g, p] + sum(v for c in courses if c in free for v in held.get((c, p), [])) for p in range(inst.periods)
        ]
        for p in range(inst.periods):
            if isinstance(occupied[p], int) and occupied[p] == 0:
                continue
            near = [occupied[n] for n in (p - 1, p + 1) if 0 <= n < inst.periods and n // ppd == p // ppd]
            out.append(2 * alone(m, occupied[p], near, f"iso_{q}_{p}"))
    return out


def _round(inst: Instance, lectures: list[Lecture], free: set[str], rooms_only: bool = False) -> _Round:
    m = cp_model.CpModel()
    fixed = _fixed(inst, lectures, free)
    periods: dict[str, set[int]] = defaultdict(set)
    for x in lectures:
        periods[x.course].add(x.period)
    z, held = _place(m, inst, free, fixed, periods if rooms_only else None)
    cost = _soft(m, inst, free, z, held, fixed)
    m.minimize(cost)
    now = {(x.course, x.period, x.room) for x in lectures if x.course in free}
    for k, v in z.items():
        m.add_hint(v, k in now)
    return _Round(m, z, cost)


def objective_at(model: cp_model.CpModel, values: dict, read=()) -> tuple[int, list[int]]:
    """``model``'s objective at a full assignment of its Booleans (``values``: variable ->
    bool), and the values of the variables in ``read`` there: a clone with each fixed,
    solved. The costs are stated once, in the model; and a solve's own ``objective_value``
    is not trusted for the claim (measured on comp07's rooms: 2007 reported, 1972 true)."""
    m = model.clone()
    m.clear_hints()
    for v, on in values.items():
        m.add(m.get_bool_var_from_proto_index(v.index) == int(on))
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    s.parameters.max_time_in_seconds = 10.0
    if s.solve(m) != cp_model.OPTIMAL:
        raise RuntimeError("a timetable the solver holds does not satisfy its own model")
    return round(s.objective_value), [int(s.value(m.get_int_var_from_proto_index(v.index))) for v in read]


def _value_now(r: _Round, lectures: list[Lecture], free: set[str]) -> int:
    """The round's objective at the current timetable."""
    now = {(x.course, x.period, x.room) for x in lectures if x.course in free}
    return objective_at(r.model, {v: k in now for k, v in r.z.items()})[0]


def _neighbourhood(inst: Instance, rng: random.Random, size: int) -> set[str]:
    """A curriculum's courses, then those of curricula sharing a teacher with them, then any
    course, until ``size`` are free (or every course is)."""
    teacher = {c.id: c.teacher for c in inst.courses}
    size = min(size, len(teacher))
    curricula = sorted(inst.curricula)
    free = set(inst.curricula[rng.choice(curricula)]) if curricula else set()
    while len(free) < size:
        teachers = {teacher[c] for c in free}
        near = [k for k in curricula if set(inst.curricula[k]) - free and {teacher[c] for c in inst.curricula[k]} & teachers]
        if near:
            free.update(inst.curricula[rng.choice(near)])
        else:
            free.add(rng.choice(sorted(set(teacher) - free)))
    return free


def _room_neighbourhood(lectures: list[Lecture], rng: random.Random, size: int) -> set[str]:
    """Courses that moved between rooms, and the courses in those rooms: room stability's
    conflicts, freed together (periods and rooms)."""
    rooms_of: dict[str, set[str]] = defaultdict(set)
    for x in lectures:
        rooms_of[x.course].add(x.room)
    unstable = sorted(c for c, rs in rooms_of.items() if len(rs) > 1)
    if not unstable:
        return set()
    free = {rng.choice(unstable)}
    rooms = sorted(rooms_of[next(iter(free))])
    users = sorted({x.course for x in lectures if x.room in rooms} - free)
    rng.shuffle(users)
    return free | set(users[: size - 1])


def _try(inst: Instance, lectures: list[Lecture], free: set[str], rooms_only: bool, solver: cp_model.CpSolver):
    """One round: the timetable with the freed lectures re-solved, and the change of cost
    (0 and the timetable as it was when the round finds nothing better)."""
    r = _round(inst, lectures, free, rooms_only)
    before = _value_now(r, lectures, free)
    if solver.solve(r.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return lectures, 0
    after = objective_at(r.model, {v: solver.boolean_value(v) for v in r.z.values()})[0]
    if after >= before:
        return lectures, 0
    kept = [x for x in lectures if x.course not in free]
    return sorted(kept + [Lecture(c, p, room) for (c, p, room), v in r.z.items() if solver.boolean_value(v)]), after - before


def improve(
    inst: Instance, lectures: list[Lecture], seed: int, workers: int, deadline, floor: int = 0
) -> tuple[list[Lecture], int, int]:
    """Rounds of the neighbourhood search while ``deadline()`` (seconds left) lasts and the
    cost is above the proven bound (``floor``: the change that reaches it); returns the
    timetable, the total change of cost the rounds claim (negative: better), the rounds.

    Rounds take turns: a curriculum's courses (compactness, working days), a room's
    courses around one that changes rooms (room stability, most of what the rooms step
    leaves), and the rooms only of three times as many courses (cheap)."""
    rng = random.Random(seed)
    size, change, rounds = FREE_COURSES[0], 0, 0
    while deadline() > 0.3 and change > floor:
        kind, rooms_only = rounds % 3, rounds % 3 == 2
        free = _room_neighbourhood(lectures, rng, size) if kind == 1 else set()
        free = free or _neighbourhood(inst, rng, 3 * size if rooms_only else size)
        s = cp_model.CpSolver()
        s.parameters.max_time_in_seconds = min(ROUND_SECONDS, deadline())
        s.parameters.num_workers = workers
        s.parameters.random_seed = seed + rounds
        rounds += 1
        lectures, delta = _try(inst, lectures, free, rooms_only, s)
        change += delta
        size = FREE_COURSES[0] if delta < 0 else min(FREE_COURSES[1], size + (not rooms_only))
    return lectures, change, rounds
