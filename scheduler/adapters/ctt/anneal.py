"""Simulated annealing on a whole CB-CTT timetable, compiled with numba.

CP-SAT gives a feasible timetable and a lower bound; this improves it. The field's best
solvers are local searches that try hundreds of millions of moves; CP-SAT rounds of a
few courses try a few dozen neighbourhoods a minute (measured on comp07: 27 rounds in
15 s, cost 123 -> 111), and plain Python would try about a hundred thousand moves a
second. Compiled, one move costs about a microsecond (1.0-1.3 us measured on comp07).

A move takes one lecture to another period and room; when that room is taken there, the
lecture in it comes to the first lecture's place (a swap). A move may make conflicts
(two courses of a teacher or a curriculum in one period), paid for at a price each in
the acceptance rule (``CLASH``, or one that rises while a chain keeps a conflict); no
other hard rule is ever broken, and only a timetable without conflicts is kept as the
best. A move's change of cost is measured on the affected parts only (two courses,
their curricula, the periods next to the two places), before and after making it; a
rejected move is undone. The temperature falls geometrically with the time used; the
best timetable seen is kept.
``full_cost`` restates the cost from scratch, and the caller compares it (and the
independent scorer) with the search's running total.
"""

from __future__ import annotations

import threading
import time
from collections import namedtuple
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import numpy as np
from numba import njit

from scheduler.adapters.ctt.instance import Instance
from scheduler.adapters.ctt.solution import Lecture

CHUNK = 200_000  # moves between two looks at the clock (a few tenths of a second at most)
# temperatures at the start and the end (from 1-12 at the start, 0.01-0.2 at the end: the
# end matters, 0.2 was clearly worse; the rest within the run-to-run spread at 60 s)
HOT, COLD = 3.0, 0.03
SAME_ROOM = 0.5  # of moves, the share that keeps the lecture's room (room stability)
# The cost of a conflict while the search passes through timetables that break that rule.
# Chains take turns between two rules (a portfolio: the best chain's timetable is the answer):
# - a fixed price, CLASH (measured at 60 s: 4 gave comp07/comp14 18-20/55-58; 2 stayed
#   infeasible on comp14 (127); conflicts as a hard rule 15-27/57-71; rising 3 -> 30, 22-28/55-57);
# - an adaptive price, ADAPT: times ``factor`` after each batch of moves that ends with a
#   conflict, divided by it after one that ends with none, within [floor, ceiling].
# A fixed price can leave a chain with a conflict it never removes: on comp05 and comp06 a
# conflict cost less than the soft cost of moving it away, and the chains ended the 60 s with
# 6 and 2 conflicts, never feasible after the start (best 1035 and 213, the CP-SAT start);
# the adaptive chain reached 363 and 48, but did worse than the fixed price on comp07 and
# comp14 (31 vs 22, 71 vs 54; one 60 s chain each).
CLASH = 4.0
ADAPT = (2.0, 100.0, 1.2)  # floor, ceiling, factor
SAME_PERIOD = 0.2  # ... and that keeps its period (a room move, or a swap of rooms)
PROGRESS_EVERY = 10.0  # seconds between two progress reports (the best so far) of a long search

# what does not change: periods a day, availability, conflicts, each course's curricula (a CSR list),
# the capacity cost of each course in each room, minimum working days
Static = namedtuple("Static", "ppd avail conflict cur_ptr cur capcost min_days")
# the timetable and the counts kept with it
State = namedtuple("State", "lc lp lr lec_at at_period day_count room_count days rooms occ clashes")


def _static(inst: Instance) -> tuple[Static, dict[str, int], dict[str, int]]:
    course_ix = {c.id: i for i, c in enumerate(inst.courses)}
    room_ix = {r.id: i for i, r in enumerate(inst.rooms)}
    n = len(inst.courses)
    avail = np.ones((n, inst.periods), dtype=np.bool_)
    for c, periods in inst.unavailable.items():
        for p in periods:
            avail[course_ix[c], p] = False
    conflict = np.zeros((n, n), dtype=np.bool_)
    for a, others in inst.conflicts().items():
        for b in others:
            conflict[course_ix[a], course_ix[b]] = True
    curricula = [[] for _ in range(n)]
    for q, members in enumerate(inst.curricula.values()):
        for c in members:
            curricula[course_ix[c]].append(q)
    cur_ptr, cur = _csr(curricula)
    students = np.array([c.students for c in inst.courses])
    capacity = np.array([r.capacity for r in inst.rooms])
    capcost = np.maximum(0, students[:, None] - capacity[None, :]).astype(np.int64)
    min_days = np.array([c.min_days for c in inst.courses], dtype=np.int64)
    return Static(inst.periods_per_day, avail, conflict, cur_ptr, cur, capcost, min_days), course_ix, room_ix


def _csr(rows: list) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    flat = np.array([x for r in rows for x in r], dtype=np.int64)
    return ptr, flat


def _state(inst: Instance, st: Static, lectures: list[Lecture], course_ix, room_ix) -> State:
    n, periods, rooms = len(inst.courses), inst.periods, len(inst.rooms)
    lc = np.array([course_ix[x.course] for x in lectures], dtype=np.int64)
    lp = np.array([x.period for x in lectures], dtype=np.int64)
    lr = np.array([room_ix[x.room] for x in lectures], dtype=np.int64)
    s = State(
        lc, lp, lr,
        np.full((periods, rooms), -1, dtype=np.int64),
        np.full((n, periods), -1, dtype=np.int64),
        np.zeros((n, inst.days), dtype=np.int64),
        np.zeros((n, rooms), dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros((len(inst.curricula), periods), dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    )  # fmt: skip
    for i in range(len(lc)):
        _put(st, s, i, lp[i], lr[i], 1)
    s.clashes[0] = full_clashes(st, s)
    return s


@njit(cache=True, inline="always")
def _put(st, s, i, p, r, sign):
    """Add (sign 1) or remove (sign -1) lecture ``i`` at period ``p``, room ``r``."""
    c = s.lc[i]
    if sign > 0:
        s.lp[i], s.lr[i], s.lec_at[p, r], s.at_period[c, p] = p, r, i, i
    else:
        s.lec_at[p, r], s.at_period[c, p] = -1, -1
    # the days and rooms a course uses, kept so that its cost is read in constant time
    d = p // st.ppd
    s.days[c] += (sign > 0 and s.day_count[c, d] == 0) - (sign < 0 and s.day_count[c, d] == 1)
    s.day_count[c, d] += sign
    s.rooms[c] += (sign > 0 and s.room_count[c, r] == 0) - (sign < 0 and s.room_count[c, r] == 1)
    s.room_count[c, r] += sign
    for k in range(st.cur_ptr[c], st.cur_ptr[c + 1]):
        s.occ[st.cur[k], p] += sign


@njit(cache=True, inline="always")
def _may_take(st, s, c, p):
    """Course ``c`` is available in period ``p`` and has no lecture there yet."""
    return st.avail[c, p] and s.at_period[c, p] < 0


@njit(cache=True, inline="always")
def _clashes(st, s, c, p, skip):
    """Lectures in period ``p`` (but ``skip``) of courses that conflict with ``c``: the
    lectures in the period's rooms are looked at, not a count kept per course and period
    (a course conflicts with dozens, so keeping counts cost more per move; measured)."""
    n = 0
    for r in range(s.lec_at.shape[1]):
        k = s.lec_at[p, r]
        if k >= 0 and k != skip and st.conflict[c, s.lc[k]]:
            n += 1
    return n


@njit(cache=True, inline="always")
def _course_cost(st, s, c):
    """Course ``c``'s working-days and room-stability cost."""
    return 5 * max(0, st.min_days[c] - s.days[c]) + max(0, s.rooms[c] - 1)


@njit(cache=True, inline="always")
def _isolated(st, s, q, t):
    """2 a lecture when curriculum ``q`` holds period ``t`` with no neighbour of it that day
    (a curriculum holds two lectures in a period only while it breaks the conflicts rule)."""
    if s.occ[q, t] == 0:
        return 0
    if t % st.ppd > 0 and s.occ[q, t - 1] > 0:
        return 0
    if t % st.ppd < st.ppd - 1 and s.occ[q, t + 1] > 0:
        return 0
    return 2 * s.occ[q, t]


@njit(cache=True)
def _local(st, s, c, d, p, p2):
    """The cost that a move of courses ``c`` and ``d`` (-1: none) between periods ``p`` and
    ``p2`` can change: both courses' own costs and their curricula around both periods."""
    total = _course_cost(st, s, c)
    if d >= 0:
        total += _course_cost(st, s, d)
    for k in range(st.cur_ptr[c], st.cur_ptr[c + 1]):
        total += _around(st, s, st.cur[k], p, p2)
    if d >= 0:
        for k in range(st.cur_ptr[d], st.cur_ptr[d + 1]):
            q = st.cur[k]
            if not _shares(st, c, q):  # a curriculum of both counts once
                total += _around(st, s, q, p, p2)
    return total


@njit(cache=True, inline="always")
def _shares(st, c, q):
    for k in range(st.cur_ptr[c], st.cur_ptr[c + 1]):
        if st.cur[k] == q:
            return True
    return False


@njit(cache=True, inline="always")
def _around(st, s, q, p, p2):
    """Curriculum ``q``'s isolation cost at ``p`` and ``p2`` and their neighbours that day,
    each period counted once."""
    total = 0
    for t in range(p - 1, p + 2):
        if 0 <= t < s.occ.shape[1] and t // st.ppd == p // st.ppd:
            total += _isolated(st, s, q, t)
    for t in range(p2 - 1, p2 + 2):
        if 0 <= t < s.occ.shape[1] and t // st.ppd == p2 // st.ppd and not (abs(t - p) <= 1 and t // st.ppd == p // st.ppd):
            total += _isolated(st, s, q, t)
    return total


@njit(cache=True)
def _relocate(st, s, i, j, p, r, p2, r2):
    """Lecture ``i`` from (p, r) to (p2, r2); lecture ``j`` (or -1) from (p2, r2) to (p, r)."""
    _put(st, s, i, p, r, -1)
    if j >= 0:
        _put(st, s, j, p2, r2, -1)
    _put(st, s, i, p2, r2, 1)
    if j >= 0:
        _put(st, s, j, p, r, 1)


@njit(cache=True)
def _try_move(st, s, i, p2, r2, temperature, clash):
    """One move of lecture ``i`` to (p2, r2), made or not by the annealing rule; the change
    of the soft cost (the conflicts are counted in ``s.clashes``)."""
    c, p, r = s.lc[i], s.lp[i], s.lr[i]
    j = s.lec_at[p2, r2]
    d = s.lc[j] if j >= 0 else -1
    if j == i or d == c:
        return 0
    clashes = 0
    if p2 != p:
        if not (_may_take(st, s, c, p2) and (d < 0 or _may_take(st, s, d, p))):
            return 0
        clashes = _clashes(st, s, c, p2, j) - _clashes(st, s, c, p, i)
        if d >= 0:
            clashes += _clashes(st, s, d, p, i) - _clashes(st, s, d, p2, j)
    before = _local(st, s, c, d, p, p2) + st.capcost[c, r] + (st.capcost[d, r2] if d >= 0 else 0)
    _relocate(st, s, i, j, p, r, p2, r2)
    delta = _local(st, s, c, d, p, p2) + st.capcost[c, r2] + (st.capcost[d, r] if d >= 0 else 0) - before
    change = delta + clash * clashes
    if change <= 0 or np.random.random() < np.exp(-change / temperature):
        s.clashes[0] += clashes
        return delta
    _relocate(st, s, i, j, p2, r2, p, r)  # undo: i back from (p2, r2), j back from (p, r)
    return 0


@njit(cache=True, nogil=True)
def _chunk(st, s, moves, temperature, clash, cost, best, best_lp, best_lr, seed, same_period, same_room):
    """``moves`` random moves at one temperature; the running cost and the best kept."""
    if seed >= 0:
        np.random.seed(seed)
    n, periods, rooms = len(s.lc), s.occ.shape[1], s.room_count.shape[1]
    for _ in range(moves):
        i = np.random.randint(n)
        kind = np.random.random()
        p2 = s.lp[i] if kind < same_period else np.random.randint(periods)
        r2 = s.lr[i] if same_period <= kind < same_period + same_room else np.random.randint(rooms)
        cost += _try_move(st, s, i, p2, r2, temperature, clash)
        if cost < best and s.clashes[0] == 0:
            best = cost
            best_lp[:] = s.lp
            best_lr[:] = s.lr
    return cost, best


@njit(cache=True)
def full_clashes(st, s):
    """Pairs of conflicting lectures in one period, from the timetable."""
    n = 0
    for i in range(len(s.lc)):
        n += _clashes(st, s, s.lc[i], s.lp[i], i)
    return n // 2


@njit(cache=True)
def full_cost(st, s):
    """The whole timetable's UD2 cost, from its counts."""
    total = 0
    for c in range(s.at_period.shape[0]):
        total += _course_cost(st, s, c)
    for q in range(s.occ.shape[0]):
        for t in range(s.occ.shape[1]):
            total += _isolated(st, s, q, t)
    for i in range(len(s.lc)):
        total += st.capcost[s.lc[i], s.lr[i]]
    return total


def prepare(inst: Instance, lectures: list[Lecture]) -> tuple[Static, State]:
    """The search's arrays for a timetable of ``inst``."""
    st, course_ix, room_ix = _static(inst)
    return st, _state(inst, st, lectures, course_ix, room_ix)


def timetable(inst: Instance, lc: np.ndarray, lp: np.ndarray, lr: np.ndarray) -> list[Lecture]:
    """The lectures of courses ``lc`` in periods ``lp`` and rooms ``lr`` (indexes), sorted."""
    courses, rooms = [c.id for c in inst.courses], [r.id for r in inst.rooms]
    return sorted(Lecture(courses[c], int(p), rooms[r]) for c, p, r in zip(lc, lp, lr))


def compile_beside(inst: Instance) -> threading.Event:
    """Compile the search in a thread (a new installation takes about 10 s, a cached one
    1-2 s), so that CP-SAT's steps run meanwhile; the event is set when it is ready."""
    ready = threading.Event()

    def work() -> None:
        st, s = prepare(inst, [])  # no lectures: the same types, nothing to move
        _chunk(st, s, 0, HOT, CLASH, 0, 0, s.lp.copy(), s.lr.copy(), -1, SAME_PERIOD, SAME_ROOM)
        full_cost(st, s)
        ready.set()

    threading.Thread(target=work, name="ctt-compile", daemon=True).start()
    return ready


def anneal(
    inst: Instance,
    lectures: list[Lecture],
    seconds: float,
    seed: int,
    workers: int = 1,
    floor: int = 0,
    ready: threading.Event | None = None,
    progress: Callable[[float, int], None] | None = None,
) -> tuple[list[Lecture], int, int] | None:
    """The best timetable found from ``lectures`` (feasible) in ``seconds`` by ``workers``
    chains, one a thread (the compiled moves release the GIL), each with its own seed;
    stopping at ``floor``, a proven lower bound. Returns it, its cost and the moves tried
    in all; None when ``ready`` (``compile_beside``) is not set within the seconds.
    ``progress(seconds so far, best cost)`` is called every ``PROGRESS_EVERY`` seconds
    while the chains run (it never changes what they do)."""
    started = time.monotonic()
    if ready is not None and not ready.wait(seconds):
        return None
    seconds -= time.monotonic() - started
    done = threading.Event()
    states = [prepare(inst, lectures) for _ in range(max(1, workers))]
    bests: list[int | None] = [None] * len(states)  # each chain's best so far, written by its thread
    with ThreadPoolExecutor(max_workers=len(states)) as pool:
        chains = [pool.submit(_chain, st, s, seconds, seed + k, floor, done, bests, k) for k, (st, s) in enumerate(states)]
        while wait(chains, timeout=PROGRESS_EVERY, return_when=FIRST_EXCEPTION).not_done:
            known = [b for b in bests if b is not None]
            if progress and known:
                progress(time.monotonic() - started, min(known))
        results = [f.result() for f in chains]
    best_lp, best_lr, best, _ = min(results, key=lambda x: x[2])  # the first chain's on a tie
    return timetable(inst, states[0][1].lc, best_lp, best_lr), int(best), sum(x[3] for x in results)


def next_price(price: float, conflicts: int, adaptive: bool) -> float:
    """The price of a conflict for the next batch of moves, after one that ended with ``conflicts``."""
    if not adaptive:
        return CLASH
    low, high, factor = ADAPT
    return min(high, price * factor) if conflicts > 0 else max(low, price / factor)


def _chain(st: Static, s: State, seconds: float, seed: int, floor: int, done: threading.Event, bests: list, k: int):
    """One annealing chain (an odd ``k``: the adaptive conflict price): the best periods
    and rooms of its lectures, their cost, the moves; its best so far also in ``bests[k]``."""
    cost = best = int(full_cost(st, s))
    best_lp, best_lr = s.lp.copy(), s.lr.copy()
    started, moves, clash = time.monotonic(), 0, CLASH
    while best > floor and not done.is_set():
        used = (time.monotonic() - started) / max(seconds, 1e-9)
        if used >= 1:
            break
        temperature = HOT * (COLD / HOT) ** used
        first = seed if moves == 0 else -1  # seeded once: the chain's moves are one stream
        cost, best = _chunk(st, s, CHUNK, temperature, clash, cost, best, best_lp, best_lr, first, SAME_PERIOD, SAME_ROOM)
        clash = next_price(clash, int(s.clashes[0]), adaptive=k % 2 == 1)
        moves += CHUNK
        bests[k] = int(best)
    if best <= floor:
        done.set()  # proven optimal: the other chains stop too
    return best_lp, best_lr, best, moves
