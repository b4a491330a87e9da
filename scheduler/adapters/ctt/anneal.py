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
best timetable seen is kept, and a chain that stays in conflict too long goes back to
it (``STALL``).
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
KEMPE = 0.05  # of moves, the share that are Kempe-chain moves (``_try_kempe``)
ONE_ROOM = 0.02  # ... and that gather a course's lectures into one of its rooms (``_try_one_room``)
# A chain that has ended every batch of moves with a conflict for this share of its time
# goes back to its best timetable (which has none) and goes on from there at the
# temperature of the moment: at 300 s a chain on comp02 spent most of its run slightly
# infeasible and ended at 88, where the same code scored 59 at 60 s.
STALL = 0.1
PROGRESS_EVERY = 10.0  # seconds between two progress reports (the best so far) of a long search

# what does not change: periods a day, availability, conflicts, each course's curricula (a CSR list),
# the capacity cost of each course in each room, minimum working days
Static = namedtuple("Static", "ppd avail conflict cur_ptr cur capcost min_days")
# the timetable and the counts kept with it
State = namedtuple("State", "lc lp lr lec_at at_period day_count room_count days rooms occ clashes")
# the scratch arrays of the moves that change many lectures at once: the lectures that move
# and their rooms before; marks on lectures, courses and curricula (each counted once); the
# lectures a one-room move trades with
Work = namedtuple("Work", "lectures rooms lecture_mark course_mark curriculum_mark others")


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


@njit(cache=True)
def _conflicting_pairs(st, s, t):
    """Pairs of lectures in period ``t`` whose courses conflict."""
    n, rooms = 0, s.lec_at.shape[1]
    for r in range(rooms):
        a = s.lec_at[t, r]
        if a >= 0:
            for r2 in range(r + 1, rooms):
                b = s.lec_at[t, r2]
                if b >= 0 and st.conflict[s.lc[a], s.lc[b]]:
                    n += 1
    return n


@njit(cache=True)
def _kempe_chain(st, s, i, p2, chain, mark, stamp):
    """The lectures that must swap periods with lecture ``i`` going to ``p2``: the closure
    of "a lecture in the other period whose course conflicts with a moving one, or is the
    same course". Their count (in ``chain``); 0 when a course of it may not take its new
    period."""
    p, rooms = s.lp[i], s.lec_at.shape[1]
    chain[0], mark[i], n, head = i, stamp, 1, 0
    while head < n:
        k = chain[head]
        head += 1
        c, dst = s.lc[k], p2 if s.lp[k] == p else p
        if not st.avail[c, dst]:
            return 0
        for r in range(rooms):
            j = s.lec_at[dst, r]
            if j >= 0 and mark[j] != stamp and (s.lc[j] == c or st.conflict[c, s.lc[j]]):
                mark[j] = stamp
                chain[n] = j
                n += 1
    return n


@njit(cache=True)
def _chain_cost(st, s, chain, n, p, p2, cmark, qmark, stamp):
    """The cost a Kempe move of ``chain`` between periods ``p`` and ``p2`` can change: each
    course of it once, each of their curricula once around both periods, and the chain's
    room capacity costs."""
    total = 0
    for k in range(n):
        c = s.lc[chain[k]]
        total += st.capcost[c, s.lr[chain[k]]]
        if cmark[c] != stamp:
            cmark[c] = stamp
            total += _course_cost(st, s, c)
            for x in range(st.cur_ptr[c], st.cur_ptr[c + 1]):
                q = st.cur[x]
                if qmark[q] != stamp:
                    qmark[q] = stamp
                    total += _around(st, s, q, p, p2)
    return total


@njit(cache=True)
def _other(period, p, p2):
    """The other of periods ``p`` and ``p2``."""
    return p2 if period == p else p


@njit(cache=True)
def _swap_periods(st, s, chain, n, p, p2, from_room):
    """Every lecture of ``chain`` to the other of periods ``p`` and ``p2``: into its own
    room when that is free there, else into the free room that costs its course least in
    capacity. Their rooms before are left in ``from_room``. False, with nothing moved,
    when a period has no room left for one of them."""
    for k in range(n):
        i = chain[k]
        from_room[k] = s.lr[i]
        _put(st, s, i, s.lp[i], s.lr[i], -1)
        s.lp[i] = _other(s.lp[i], p, p2)
    for k in range(n):  # a lecture is placed when the room it names holds it
        i = chain[k]
        if s.lec_at[s.lp[i], from_room[k]] < 0:
            _put(st, s, i, s.lp[i], from_room[k], 1)
    for k in range(n):
        i = chain[k]
        if s.lec_at[s.lp[i], s.lr[i]] == i:
            continue
        r, least = -1, 1 << 60
        for q in range(s.lec_at.shape[1]):
            if s.lec_at[s.lp[i], q] < 0 and st.capcost[s.lc[i], q] < least:
                r, least = q, st.capcost[s.lc[i], q]
        if r < 0:
            _unswap(st, s, chain, n, p, p2, from_room)
            return False
        _put(st, s, i, s.lp[i], r, 1)
    return True


@njit(cache=True)
def _unswap(st, s, chain, n, p, p2, from_room):
    """``_swap_periods`` undone (or a part of it): each lecture back in its period and room."""
    for k in range(n):
        i = chain[k]
        if s.lec_at[s.lp[i], s.lr[i]] == i:
            _put(st, s, i, s.lp[i], s.lr[i], -1)
        s.lp[i] = _other(s.lp[i], p, p2)
    for k in range(n):
        _put(st, s, chain[k], s.lp[chain[k]], from_room[k], 1)


@njit(cache=True)
def _try_kempe(st, s, i, p2, temperature, clash, work, stamp):
    """One Kempe-chain move: lecture ``i`` to period ``p2`` and, closing the chain, every
    lecture that would conflict with a moving one to the other period (``_kempe_chain``);
    made or not by the annealing rule. The change of the soft cost. From a timetable
    without conflicts it makes none, and it can take a lecture out of a conflict where
    every single move would make another one (whether it does so on comp05, where chains
    kept one, is not measured)."""
    p = s.lp[i]
    chain, from_room, mark, cmark, qmark = work.lectures, work.rooms, work.lecture_mark, work.course_mark, work.curriculum_mark
    if p2 == p:
        return 0
    n = _kempe_chain(st, s, i, p2, chain, mark, stamp)
    if n == 0:
        return 0
    clashes = -(_conflicting_pairs(st, s, p) + _conflicting_pairs(st, s, p2))
    before = _chain_cost(st, s, chain, n, p, p2, cmark, qmark, stamp)
    if not _swap_periods(st, s, chain, n, p, p2, from_room):
        return 0
    clashes += _conflicting_pairs(st, s, p) + _conflicting_pairs(st, s, p2)
    delta = _chain_cost(st, s, chain, n, p, p2, cmark, qmark, stamp + 1) - before
    change = delta + clash * clashes
    if change <= 0 or np.random.random() < np.exp(-change / temperature):
        s.clashes[0] += clashes
        return delta
    _unswap(st, s, chain, n, p, p2, from_room)
    return 0


@njit(cache=True)
def _rooms_cost(st, s, c, moved, others, n, cmark, stamp):
    """What a one-room move of course ``c`` can change: the course's cost and that of each
    course whose lecture trades rooms with it (each once), and the capacity costs of the
    lectures that trade."""
    total = _course_cost(st, s, c)
    cmark[c] = stamp
    for k in range(n):
        total += st.capcost[c, s.lr[moved[k]]]
        j = others[k]
        if j >= 0:
            d = s.lc[j]
            total += st.capcost[d, s.lr[j]]
            if cmark[d] != stamp:
                cmark[d] = stamp
                total += _course_cost(st, s, d)
    return total


@njit(cache=True)
def _try_one_room(st, s, c, r2, temperature, work, stamp):
    """Every lecture of course ``c`` into room ``r2`` in its own period, the lecture there
    (if any) into the room it leaves; made or not by the annealing rule. The change of
    the soft cost. No period changes, so neither do conflicts, availability or
    compactness: only room stability and capacity. A single move seldom lowers a course's
    rooms (its other lectures must already be in the new room); this gathers them."""
    moved, rooms_before, others, cmark = work.lectures, work.rooms, work.others, work.course_mark
    n = 0
    for p in range(s.occ.shape[1]):
        i = s.at_period[c, p]
        if i >= 0 and s.lr[i] != r2:
            moved[n], rooms_before[n], others[n] = i, s.lr[i], s.lec_at[p, r2]
            n += 1
    if n == 0:
        return 0
    before = _rooms_cost(st, s, c, moved, others, n, cmark, stamp)
    for k in range(n):
        p = s.lp[moved[k]]
        _relocate(st, s, moved[k], others[k], p, rooms_before[k], p, r2)
    delta = _rooms_cost(st, s, c, moved, others, n, cmark, stamp + 1) - before
    if delta <= 0 or np.random.random() < np.exp(-delta / temperature):
        return delta
    for k in range(n):  # undo: each lecture of c back from r2, the other one back to r2
        p = s.lp[moved[k]]
        _relocate(st, s, moved[k], others[k], p, r2, p, rooms_before[k])
    return 0


@njit(cache=True, nogil=True)
def _chunk(st, s, moves, temperature, clash, cost, best, best_lp, best_lr, seed, shares):
    """``moves`` random moves at one temperature; ``shares``: of the moves, those that keep
    the period and those that keep the room (single moves), the Kempe-chain moves and the
    one-room moves (``shares()``). The running cost and the best kept."""
    if seed >= 0:
        np.random.seed(seed)
    same_period, same_room, kempe, one_room = shares
    n, periods, rooms = len(s.lc), s.occ.shape[1], s.room_count.shape[1]
    size = max(2 * rooms + 1, periods)
    work = Work(
        np.empty(size, dtype=np.int64),
        np.empty(size, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(len(st.min_days), dtype=np.int64),
        np.zeros(s.occ.shape[0], dtype=np.int64),
        np.empty(size, dtype=np.int64),
    )
    stamp, special = 1, kempe + one_room
    for _ in range(moves):
        i = np.random.randint(n)
        kind = np.random.random()
        if kind < kempe:
            cost += _try_kempe(st, s, i, np.random.randint(periods), temperature, clash, work, stamp)
            stamp += 2
        elif kind < special:
            cost += _try_one_room(st, s, s.lc[i], s.lr[i], temperature, work, stamp)
            stamp += 2
        else:
            kind = (kind - special) / (1.0 - special)  # one draw: with no other moves, the stream of before
            p2 = s.lp[i] if kind < same_period else np.random.randint(periods)
            r2 = s.lr[i] if same_period <= kind < same_period + same_room else np.random.randint(rooms)
            cost += _try_move(st, s, i, p2, r2, temperature, clash)
        if cost < best and s.clashes[0] == 0:
            best = cost
            best_lp[:] = s.lp
            best_lr[:] = s.lr
    return cost, best


@njit(cache=True)
def _restore(st, s, lp, lr):
    """The timetable back to periods ``lp`` and rooms ``lr`` (a chain's best), with its counts."""
    for i in range(len(s.lc)):
        _put(st, s, i, s.lp[i], s.lr[i], -1)
    for i in range(len(s.lc)):
        _put(st, s, i, lp[i], lr[i], 1)
    s.clashes[0] = full_clashes(st, s)


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
        _chunk(st, s, 0, HOT, CLASH, 0, 0, s.lp.copy(), s.lr.copy(), -1, shares())
        _restore(st, s, s.lp.copy(), s.lr.copy())
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


def shares() -> tuple[float, float, float, float]:
    """The mix of moves (``_chunk``): same period, same room, Kempe chain, one room."""
    return SAME_PERIOD, SAME_ROOM, KEMPE, ONE_ROOM


def next_price(price: float, conflicts: int, adaptive: bool) -> float:
    """The price of a conflict for the next batch of moves, after one that ended with ``conflicts``."""
    if not adaptive:
        return CLASH
    low, high, factor = ADAPT
    return min(high, price * factor) if conflicts > 0 else max(low, price / factor)


def _chain(st: Static, s: State, seconds: float, seed: int, floor: int, done: threading.Event, bests: list, k: int):
    """One annealing chain (an odd ``k``: the adaptive conflict price): the best periods
    and rooms of its lectures, their cost, the moves; its best so far also in ``bests[k]``.
    After ``STALL`` of its time without a batch that ends free of conflicts, it goes on
    from its best."""
    cost = best = int(full_cost(st, s))
    best_lp, best_lr = s.lp.copy(), s.lr.copy()
    started, moves, clash, moves_mix = time.monotonic(), 0, CLASH, shares()
    feasible = 0.0  # the share of the time used when a batch last ended without a conflict
    while best > floor and not done.is_set():
        used = (time.monotonic() - started) / max(seconds, 1e-9)
        if used >= 1:
            break
        temperature = HOT * (COLD / HOT) ** used
        first = seed if moves == 0 else -1  # seeded once: the chain's moves are one stream
        cost, best = _chunk(st, s, CHUNK, temperature, clash, cost, best, best_lp, best_lr, first, moves_mix)
        clash = next_price(clash, int(s.clashes[0]), adaptive=k % 2 == 1)
        moves += CHUNK
        bests[k] = int(best)
        if s.clashes[0] == 0:
            feasible = used
        elif used - feasible > STALL:
            _restore(st, s, best_lp, best_lr)
            cost, feasible = best, used
    if best <= floor:
        done.set()  # proven optimal: the other chains stop too
    return best_lp, best_lr, best, moves
