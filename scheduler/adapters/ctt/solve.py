"""CB-CTT: two CP-SAT steps, the periods first, then the rooms; then annealing (``anneal.py``).

Step 1 places every lecture in a period (teachers, curricula and unavailability hard;
at most as many lectures as rooms in a period) and minimises minimum working days,
curriculum compactness and the least room-capacity cost the periods allow. That least
cost is exact and linear: with every room open to every course, the cheapest rooms of a
period are the largest to the largest, and its cost is the sum over head-count levels v
of max(0, lectures of at least v students - rooms of at least v seats) (docs/itc2007.md).
So step 1's proven bound is a lower bound on the whole UD2 cost (room stability >= 0).
Step 2 keeps those periods and chooses the rooms: capacity and room stability, started
from the largest-to-largest assignment, so it never costs more capacity than step 1 said.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.adapters.ctt.anneal import anneal, compile_beside
from scheduler.adapters.ctt.instance import Instance
from scheduler.adapters.ctt.neutral import core_timetable
from scheduler.adapters.ctt.solution import Lecture
from scheduler.adapters.ctt.terms import alone, any_of, shortfall
from scheduler.core.cpsat import cp_model

PERIOD_SHARE = 0.15  # of the time limit for step 1 (periods), and
ROOM_SHARE = 0.08  # ... this share for step 2 (rooms); the rest anneals (``anneal.py``)
# at most this many seconds for each step: annealing starts hot, so what the search keeps of
# CP-SAT's timetable is mostly that it is feasible, and step 1 found a feasible timetable of
# every instance in 2.25 s (the 15 s table of benchmarks/README.md); longer limits anneal
STEP_CAP = (20.0, 10.0)
# the core route (``core_first``): its share of the time limit for the first timetable, and
# at most this many seconds (measured at 20 s: comp01's in 0.3 s; see docs/itc2007.md)
CORE_SHARE, CORE_CAP = 0.25, 60.0


@dataclass
class CttResult:
    lectures: list[Lecture]
    status: str  # of step 1: OPTIMAL, FEASIBLE, or INFEASIBLE / UNKNOWN (no timetable)
    cost: int | None = 0  # the UD2 cost as the solver counts it (the scorer must agree); None: not counted
    bound: int = 0  # proven lower bound on the UD2 cost
    seconds: float = 0.0
    moves: int = 0  # annealing moves tried
    first_seconds: float = 0.0  # until the first timetable (the CP-SAT steps' or the core's)


@dataclass
class _Periods:
    """Step 1's model and the variables read back from it."""

    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]
    short: list[cp_model.IntVar]  # missing working days, one per course
    isolated: list[cp_model.IntVar]  # a curriculum's lecture with no neighbour that day
    excess: list[tuple[int, cp_model.IntVar]]  # (seats per unit, lectures over the rooms)


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


def _groups(inst: Instance) -> list[list[str]]:
    """The sets of courses of which at most one may be in a period: a teacher's, a curriculum's."""
    teachers: dict[str, list[str]] = {}
    for c in inst.courses:
        teachers.setdefault(c.teacher, []).append(c.id)
    groups = {tuple(sorted(g)) for g in [*teachers.values(), *inst.curricula.values()] if len(g) > 1}
    return [list(g) for g in sorted(groups)]


def _min_days(m: cp_model.CpModel, inst: Instance, x) -> list[cp_model.IntVar]:
    short = []
    for c in inst.courses:
        if c.min_days <= 1:
            continue
        days = []
        for d in range(inst.days):
            held = [x[c.id, p] for p in range(d * inst.periods_per_day, (d + 1) * inst.periods_per_day) if (c.id, p) in x]
            if held:
                days.append(any_of(m, held, f"day_{c.id}_{d}"))
        s = shortfall(m, c.min_days, sum(days), f"short_{c.id}")
        short.append(s)
    return short


def _compactness(m: cp_model.CpModel, inst: Instance, x) -> list[cp_model.IntVar]:
    """A curriculum holds at most one lecture a period (its courses conflict): a lecture with
    no neighbour of the curriculum the same day costs 2."""
    ppd, isolated = inst.periods_per_day, []
    for q, courses in sorted(inst.curricula.items()):
        held = {p: [x[c, p] for c in courses if (c, p) in x] for p in range(inst.periods)}
        for p, here in held.items():
            if not here:
                continue
            near = [v for n in (p - 1, p + 1) if 0 <= n < inst.periods and n // ppd == p // ppd for v in held[n]]
            isolated.append(alone(m, sum(here), near, f"iso_{q}_{p}"))
    return isolated


def _capacity(m: cp_model.CpModel, inst: Instance, x) -> list[tuple[int, cp_model.IntVar]]:
    """The least room-capacity cost of each period, level by level (see the module's note)."""
    levels = sorted({c.students for c in inst.courses} | {r.capacity for r in inst.rooms} | {0})
    excess = []
    for low, high in zip(levels, levels[1:]):
        seats = sum(r.capacity >= high for r in inst.rooms)
        big = [c.id for c in inst.courses if c.students >= high]
        if len(big) <= seats:
            continue
        for p in range(inst.periods):
            here = [x[c, p] for c in big if (c, p) in x]
            if len(here) > seats:
                e = m.new_int_var(0, len(here) - seats, f"over_{high}_{p}")
                m.add(e >= sum(here) - seats)
                excess.append((high - low, e))
    return excess


def _period_model(inst: Instance) -> _Periods:
    m = cp_model.CpModel()
    x = {}
    for c in inst.courses:
        free = [p for p in range(inst.periods) if p not in inst.unavailable.get(c.id, ())]
        for p in free:
            x[c.id, p] = m.new_bool_var(f"x_{c.id}_{p}")
        m.add(sum(x[c.id, p] for p in free) == c.lectures)
    for group in _groups(inst):
        for p in range(inst.periods):
            m.add_at_most_one(x[c, p] for c in group if (c, p) in x)
    for p in range(inst.periods):
        m.add(sum(v for (c, q), v in x.items() if q == p) <= len(inst.rooms))
    short, isolated, excess = _min_days(m, inst, x), _compactness(m, inst, x), _capacity(m, inst, x)
    m.minimize(5 * sum(short) + 2 * sum(isolated) + sum(w * e for w, e in excess))
    return _Periods(m, x, short, isolated, excess)


def _largest_first(inst: Instance, placed: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Each period's lectures, largest first, in the rooms, largest first: the least capacity cost."""
    students = {c.id: c.students for c in inst.courses}
    rooms = sorted(inst.rooms, key=lambda r: (-r.capacity, r.id))
    by_period: dict[int, list[str]] = {}
    for c, p in placed:
        by_period.setdefault(p, []).append(c)
    out = {}
    for p, courses in by_period.items():
        for c, r in zip(sorted(courses, key=lambda c: (-students[c], c)), rooms):
            out[c, p] = r.id
    return out


def _home_rooms(inst: Instance, placed: list[tuple[str, int]], rooms: dict[str, list]) -> dict[tuple[str, int], str] | None:
    """A start for step 2 that keeps each course in one room where it can. Each course (most
    lectures first) picks as its home the candidate room free in most of its periods; then
    each period's lectures get rooms by a small assignment that keeps the most at home.
    None when a period cannot be assigned within the candidates."""
    periods: dict[str, list[int]] = {}
    for c, p in placed:
        periods.setdefault(c, []).append(p)
    taken: set[tuple[str, int]] = set()
    home = {}
    for c in sorted(periods, key=lambda c: (-len(periods[c]), c)):
        best = max(
            sorted(rooms[c], key=lambda r: (r.capacity, r.id)), key=lambda r: sum((r.id, p) not in taken for p in periods[c])
        )
        home[c] = best.id
        taken.update((best.id, p) for p in periods[c])
    out = {}
    for p in sorted({p for _, p in placed}):
        here = [c for c, q in placed if q == p]
        m = cp_model.CpModel()
        a = {(c, r.id): m.new_bool_var("") for c in here for r in rooms[c]}
        for c in here:
            m.add_exactly_one(a[c, r.id] for r in rooms[c])
        for r in inst.rooms:
            m.add_at_most_one(v for (c, rr), v in a.items() if rr == r.id)
        m.maximize(sum(v for (c, r), v in a.items() if r == home[c]))
        s = _solver(5.0, 0, 1)
        if s.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        out.update({(c, p): r for (c, r), v in a.items() if s.boolean_value(v)})
    return out


def _candidate_rooms(inst: Instance, placed: list[tuple[str, int]], hint: dict) -> dict[str, list]:
    """Each course's rooms for step 2: those it fits in, when the largest-first assignment
    puts every lecture in a room it fits (then the least capacity cost is 0 and stays 0);
    else every room. Fewer rooms: a much smaller model for the same best (comp07)."""
    students = {c.id: c.students for c in inst.courses}
    capacity = {r.id: r.capacity for r in inst.rooms}
    if any(students[c] > capacity[room] for (c, _), room in hint.items()):
        return {c.id: list(inst.rooms) for c in inst.courses}
    return {c.id: [r for r in inst.rooms if r.capacity >= c.students] for c in inst.courses}


def _room_model(inst: Instance, placed: list[tuple[str, int]]):
    """Step 2: a room for each placed lecture; capacity and room stability."""
    m = cp_model.CpModel()
    students = {c.id: c.students for c in inst.courses}
    rooms = _candidate_rooms(inst, placed, _largest_first(inst, placed))
    hint = _home_rooms(inst, placed, rooms) or _largest_first(inst, placed)
    y = {(c, p, r.id): m.new_bool_var(f"y_{c}_{p}_{r.id}") for c, p in placed for r in rooms[c]}
    for c, p in placed:
        m.add_exactly_one(y[c, p, r.id] for r in rooms[c])
    in_room: dict[tuple[int, str], list] = {}
    for (_, p, r), v in y.items():
        in_room.setdefault((p, r), []).append(v)
    for vs in in_room.values():
        m.add_at_most_one(vs)
    used = {}
    for c in sorted({c for c, _ in placed}):
        for r in rooms[c]:
            used[c, r.id] = any_of(m, [y[c, p, r.id] for cc, p in placed if cc == c], f"u_{c}_{r.id}")
    capacity = sum(max(0, students[c] - r.capacity) * y[c, p, r.id] for c, p in placed for r in rooms[c])
    stability = sum(used.values()) - len({c for c, _ in placed})
    m.minimize(capacity + stability)
    for (c, p), room in hint.items():
        for r in rooms[c]:
            m.add_hint(y[c, p, r.id], r.id == room)
    return m, y, hint


def _solver(seconds: float, seed: int, workers: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.1, seconds)
    s.parameters.random_seed = seed
    s.parameters.num_workers = workers
    return s


def _rooms(inst: Instance, placed, seconds: float, seed: int, workers: int) -> tuple[list[Lecture], int]:
    """The lectures with their rooms and their capacity + stability cost."""
    m, y, hint = _room_model(inst, placed)
    s = _solver(seconds, seed, workers)
    if s.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # out of time: the start is a solution
        return [Lecture(c, p, r) for (c, p), r in hint.items()], objective_at(
            m, {v: hint[c, p] == r for (c, p, r), v in y.items()}
        )
    chosen = {v: s.boolean_value(v) for v in y.values()}
    return [Lecture(c, p, r) for (c, p, r), v in y.items() if chosen[v]], objective_at(m, chosen)[0]


def first_timetable(
    inst: Instance, time_limit: float, seed: int = 0, workers: int = 2, progress: Callable[[str], None] | None = None
) -> CttResult:
    """Step 1 (periods) in ``PERIOD_SHARE`` of ``time_limit``, step 2 (rooms) in
    ``ROOM_SHARE`` of it (each at most ``STEP_CAP``), as a result (no moves); no lectures
    when step 1 finds none."""
    started = time.monotonic()
    step1 = _period_model(inst)
    s = _solver(min(time_limit * PERIOD_SHARE, STEP_CAP[0]), seed, workers)
    status = s.solve(step1.model)
    name = s.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CttResult([], name, seconds=time.monotonic() - started)
    placed = sorted(k for k, v in step1.x.items() if s.boolean_value(v))
    _, read = objective_at(step1.model, {v: s.boolean_value(v) for v in step1.x.values()}, step1.short + step1.isolated)
    claimed = 5 * sum(read[: len(step1.short)]) + 2 * sum(read[len(step1.short) :])
    bound = int(-(-s.best_objective_bound // 1))  # a bound on integers rounds up
    if progress:
        progress(f"periods: {name}, cost {int(s.objective_value)} (bound {bound}) in {time.monotonic() - started:.1f} s")
    lectures, rooms = _rooms(inst, placed, min(time_limit * ROOM_SHARE, STEP_CAP[1]), seed, workers)
    if progress:
        progress(f"rooms: cost {claimed + rooms} in {time.monotonic() - started:.1f} s")
    return CttResult(lectures, name, claimed + rooms, bound, time.monotonic() - started)


def core_first(
    inst: Instance, time_limit: float, seed: int = 0, workers: int = 2, progress: Callable[[str], None] | None = None
) -> CttResult:
    """A first timetable from the engine's neutral core (``neutral.py``) in ``CORE_SHARE``
    of ``time_limit`` (at most ``CORE_CAP``): no hard violation, its cost not counted (the
    core has no CTT cost; the annealing counts it) and no bound."""
    started = time.monotonic()
    lectures, status = core_timetable(inst, min(time_limit * CORE_SHARE, CORE_CAP), seed, workers)
    if progress and lectures:
        progress(f"core: {status}, every lecture placed in {time.monotonic() - started:.1f} s")
    return CttResult(lectures, status, None, 0, time.monotonic() - started)


def solve_ctt(
    inst: Instance,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
    via: str = "steps",
) -> CttResult:
    """A first timetable (``via`` "steps": CP-SAT's periods and rooms; "core": the
    engine's neutral core), then annealing, within ``time_limit`` seconds in all."""
    started = time.monotonic()
    ready = compile_beside(inst)
    first = (core_first if via == "core" else first_timetable)(inst, time_limit, seed, workers, progress)
    if not first.lectures and via == "steps":
        # CP-SAT's periods found none in their share (a short limit, a busy machine): the
        # core's greedy places every lecture of 20 of the 21 instances in under 0.6 s
        first = core_first(inst, time_limit - (time.monotonic() - started), seed, workers, progress)
    if not first.lectures:
        return first
    first_at = time.monotonic() - started
    left = time_limit - first_at
    said = (lambda t, cost: progress(f"annealing: best {cost} after {t:.0f} s")) if progress else None
    annealed = anneal(inst, first.lectures, left, seed, workers, floor=first.bound, ready=ready, progress=said)
    if annealed is None:  # not compiled in time: the first timetable is the answer
        lectures, cost, moves = first.lectures, first.cost, 0
    else:
        lectures, cost, moves = annealed
    if progress:
        progress(f"annealing: {moves:,} moves" + ("" if cost is None else f", cost {cost}"))
    return CttResult(lectures, first.status, cost, first.bound, time.monotonic() - started, moves, first_at)
