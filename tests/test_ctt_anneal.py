"""The CB-CTT annealing search (``scheduler/adapters/ctt/anneal.py``), checked against the
independent scorer. The search may pass through timetables with conflicts (two courses
of a teacher or a curriculum in one period), paid for in its acceptance rule, but never
breaks another hard rule; the conflicts it counts and the cost it keeps by adding up the
changes of its moves are the scorer's for the timetable it holds; and the timetable it
returns breaks no hard rule at all.

The timetables start from the CP-SAT steps' timetable of comp01 (``first_timetable``,
stored in tests/data/ctt/comp01-start.sol), then
thousands of moves are made hot (most moves that keep the rules are accepted, so the
timetable moves far) and cold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.adapters.ctt import anneal
from scheduler.adapters.ctt.instance import read_ctt
from scheduler.adapters.ctt.score import score
from scheduler.adapters.ctt.solution import read_solution

COMP01 = Path(__file__).resolve().parent / "data" / "ctt" / "comp01.ctt"
START = COMP01.with_name("comp01-start.sol")


@pytest.fixture(scope="module")
def start():
    """comp01 and a feasible timetable of it the CP-SAT steps found (stored: a start that
    does not depend on how fast this machine is)."""
    inst = read_ctt(COMP01)
    lectures, problems = read_solution(START, inst)
    assert not problems and score(inst, lectures).hard == 0
    return inst, lectures


def test_the_running_cost_and_conflicts_are_the_scorers_after_every_batch_of_moves(start):
    inst, lectures = start
    st, s = anneal.prepare(inst, lectures)
    cost = int(anneal.full_cost(st, s))
    assert cost == score(inst, lectures).soft and s.clashes[0] == 0
    best_lp, best_lr = s.lp.copy(), s.lr.copy()
    seen, clashed = set(), 0
    for temperature in (100.0, 20.0, 5.0, 1.0, 0.1):  # the hottest makes conflicts
        cost, _ = anneal._chunk(st, s, 20_000, temperature, 4.0, cost, cost, best_lp, best_lr, 7, (0.2, 0.5, 0.1, 0.1))
        now = anneal.timetable(inst, s.lc, s.lp, s.lr)
        found = score(inst, now)
        assert (found.lectures, found.availability, found.room_occupancy) == (0, 0, 0), found
        assert found.conflicts == s.clashes[0] == anneal.full_clashes(st, s), (found, s.clashes[0])
        assert found.soft == cost == anneal.full_cost(st, s), (found, cost)
        seen.add(tuple(now))
        clashed = max(clashed, found.conflicts)
    assert clashed > 0  # the search did pass through conflicts, so their count was tested
    assert tuple(sorted(lectures)) not in seen and len(seen) == 5  # the moves moved the timetable


def test_annealing_returns_its_best_timetable_with_its_true_cost(start):
    inst, lectures = start
    before = score(inst, lectures).soft
    out, cost, moves = anneal.anneal(inst, lectures, 1.0, seed=3, workers=2)
    found = score(inst, out)
    assert found.hard == 0 and found.soft == cost <= before
    assert moves > 0 and len(out) == len(lectures)


def test_annealing_stops_at_once_at_a_proven_bound(start):
    inst, lectures = start
    cost = score(inst, lectures).soft
    out, claimed, moves = anneal.anneal(inst, lectures, 30.0, seed=0, workers=2, floor=cost)
    assert (sorted(out), claimed, moves) == (sorted(lectures), cost, 0)


def test_a_long_search_reports_its_best_so_far_which_only_falls_to_what_it_returns(start, monkeypatch):
    """What a researcher sees during a 300 s run: the best cost every few seconds."""
    inst, lectures = start
    monkeypatch.setattr(anneal, "PROGRESS_EVERY", 0.05)
    monkeypatch.setattr(anneal, "CHUNK", 2_000)  # a chain writes its best after each batch
    assert anneal.compile_beside(inst).wait(120), "compiled before the clock starts"
    said: list[tuple[float, int]] = []
    out, cost, _ = anneal.anneal(inst, lectures, 1.5, seed=5, workers=2, progress=lambda t, best: said.append((t, best)))
    assert said, "reported while it ran"
    costs = [c for _, c in said]
    assert costs == sorted(costs, reverse=True) and costs[-1] >= cost == score(inst, out).soft
    assert costs[0] <= score(inst, lectures).soft
    assert [t for t, _ in said] == sorted(t for t, _ in said)


def test_the_adaptive_price_of_a_conflict_rises_while_one_stays_and_falls_back_once_none_is_left():
    low, high, factor = anneal.ADAPT
    price, seen = anneal.CLASH, []
    for _ in range(60):  # batches that keep ending with a conflict
        price = anneal.next_price(price, 1, adaptive=True)
        seen.append(price)
    assert seen == sorted(seen) and seen[0] == anneal.CLASH * factor and seen[-1] == high
    for _ in range(60):  # then batches with none
        price = anneal.next_price(price, 0, adaptive=True)
    assert price == low
    assert anneal.next_price(high, 3, adaptive=False) == anneal.next_price(low, 0, adaptive=False) == anneal.CLASH


def test_a_chain_sent_back_to_its_best_holds_exactly_that_timetable_and_its_counts(start):
    """A stalled chain goes back to its best timetable (``anneal.STALL``): after moves that
    made conflicts, the restored state is the one a fresh start from that timetable has."""
    inst, lectures = start
    st, s = anneal.prepare(inst, lectures)
    cost = int(anneal.full_cost(st, s))
    best_lp, best_lr = s.lp.copy(), s.lr.copy()
    anneal._chunk(st, s, 20_000, 100.0, 4.0, cost, -1, best_lp.copy(), best_lr.copy(), 7, (0.2, 0.5, 0.0, 0.0))
    assert s.clashes[0] > 0  # far from the start, in conflict
    anneal._restore(st, s, best_lp, best_lr)
    fresh = anneal.prepare(inst, lectures)[1]
    for name in anneal.State._fields:
        assert (getattr(s, name) == getattr(fresh, name)).all(), name
    assert anneal.full_cost(st, s) == cost == score(inst, anneal.timetable(inst, s.lc, s.lp, s.lr)).soft


def test_kempe_chain_moves_keep_a_timetable_without_conflicts_free_of_them(start):
    """Kempe-chain moves alone (``anneal._try_kempe``), hot enough that most are made: each
    swaps a closed chain of lectures between two periods, so a timetable without conflicts
    stays without them, while it moves far; the counts stay the scorer's."""
    inst, lectures = start
    st, s = anneal.prepare(inst, lectures)
    cost = int(anneal.full_cost(st, s))
    best_lp, best_lr = s.lp.copy(), s.lr.copy()
    cost, _ = anneal._chunk(st, s, 5_000, 50.0, 4.0, cost, cost, best_lp, best_lr, 11, (0.2, 0.5, 1.0, 0.0))
    now = anneal.timetable(inst, s.lc, s.lp, s.lr)
    found = score(inst, now)
    assert found.hard == 0 and s.clashes[0] == 0, found
    assert found.soft == cost == anneal.full_cost(st, s)
    moved = sum(a != b for a, b in zip(best_lp, s.lp))
    assert moved > len(lectures) // 2, moved  # most lectures changed period


def test_one_room_moves_change_rooms_only_and_keep_the_counts_the_scorers(start):
    """One-room moves alone (``anneal._try_one_room``: a course's lectures gathered into one
    room, trading with what is there), hot: no lecture changes period, rooms do, and the
    counts stay the scorer's."""
    inst, lectures = start
    st, s = anneal.prepare(inst, lectures)
    cost = int(anneal.full_cost(st, s))
    best_lp, best_lr = s.lp.copy(), s.lr.copy()
    cost, _ = anneal._chunk(st, s, 5_000, 50.0, 4.0, cost, cost, best_lp, best_lr, 5, (0.2, 0.5, 0.0, 1.0))
    found = score(inst, anneal.timetable(inst, s.lc, s.lp, s.lr))
    assert found.hard == 0 and found.soft == cost == anneal.full_cost(st, s), found
    assert (s.lp == best_lp).all() and (s.lr != best_lr).any()
