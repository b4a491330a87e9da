"""Re-planning after changes: what may move, what may not, and that the moves are fewest.

Brute force (every plan of a tiny scenario, checked by the independent validator and
the re-planning rules) confirms that no plan keeps more demand, or the same demand
with fewer or cheaper moves, than the re-plan the engine returns.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import build, scenario_dict, solve_dict
from test_export import events
from test_optimality import POOL, candidate_sessions, tiny

from scheduler.core.solve import SolveOptions
from scheduler.models import (
    Change,
    ChangeKind,
    Order,
    Plan,
    PlannedSession,
    ReplanInfo,
    ScenarioRef,
    UnmetOrder,
    change_cost,
)
from scheduler.plan.engine import replan
from scheduler.plan.replan import apply_changes
from scheduler.plan.validate import objective, stability, validate, validate_replan
from scheduler.publish.export import event_uid, write_ics

OPTS = SolveOptions(time_limit=20, workers=1, seed=0)


def where(s):
    return (s.date, tuple(s.slots), s.venue, s.instructor)


def cancel(sid: str, reason: str = "台风红色预警") -> Change:
    return Change(kind=ChangeKind.cancel, session=sid, reason=reason)


def week_plan(total: int = 4) -> Plan:
    """Two weeks, four peer sessions with one order each: room to move things."""
    d = scenario_dict()
    d["plan"].update(end="2026-03-13", sessions={"total": total, "total_min": 0}, slots=["morning"])
    d["offerings"] = [
        {"id": f"c{i}", "title": f"课程{i}", "type": "peer", "department": dep, "capacity": 60}
        for i, dep in enumerate(["yingji", "minzheng", "yingji", "minzheng"])
    ]
    d["orders"] = [
        {"id": f"O-{i}", "community": c, "offering": f"c{i}", "attendees": 10 + i, "priority": 3}
        for i, c in enumerate(["shanxia", "fenghuang", "fenghuang", "shanxia"])
    ]
    out = solve_dict(d)
    assert out.plan is not None and len(out.plan.sessions) == total
    return out.plan


def test_a_cancelled_session_moves_and_nothing_else_does():
    plan = week_plan()
    hit = plan.sessions[1]
    out = replan(plan, 1, [cancel(hit.id)], plan.sessions[0].date, 0, OPTS)
    new = {s.id: s for s in out.plan.sessions}
    assert out.plan.solver.status == "OPTIMAL"
    assert new[hit.id].date != hit.date  # re-placed on another day, same id
    assert [s.id for s in plan.sessions if where(new[s.id]) != where(s)] == [hit.id]
    assert validate(out.plan.scenario.snapshot, out.plan) == [] and validate_replan(plan, out.plan) == []
    assert stability(plan, out.plan) == {"changes": -change_cost(hit.date, plan.sessions[0].date), "moved": 0}
    assert new[hit.id].sequence == 1 and all(new[s.id].sequence == 0 for s in plan.sessions if s.id != hit.id)


def test_sessions_before_today_and_in_the_freeze_window_never_move():
    plan = week_plan()
    today = plan.sessions[1].date
    hit = plan.sessions[-1]
    out = replan(plan, 1, [cancel(hit.id)], today, 3, OPTS)
    new = {s.id: s for s in out.plan.sessions}
    cutoff = today + dt.timedelta(days=3)
    for s in plan.sessions:
        if s.date < cutoff and s.id != hit.id:
            assert where(new[s.id]) == where(s), s.id
    assert all(s.date >= cutoff for s in out.plan.sessions if s.id == hit.id)


def test_an_absence_releases_a_frozen_session_it_hits():
    plan = week_plan()
    first = plan.sessions[0]
    dept = first.departments[0]
    today = first.date  # the session is today, inside a 2-day freeze, but its department is away
    away = Change(kind=ChangeKind.unavailable, resource="department", resource_id=dept, start=today, end=today, reason="应急值守")
    out = replan(plan, 1, [away], today, 2, OPTS)
    assert out.plan.replan.released == [first.id]
    moved = next(s for s in out.plan.sessions if s.id == first.id)
    assert moved.date >= today + dt.timedelta(days=2)


def test_a_session_with_no_slot_left_is_dropped_with_the_reason():
    plan = week_plan(total=4)
    last = max(plan.sessions, key=lambda s: s.date)
    # it did not happen after all; today is the plan's last day, frozen: no day is left for it
    end = plan.scenario.snapshot.plan.end
    out = replan(plan, 1, [cancel(last.id, "场地停电")], end, 1, OPTS)
    assert last.id not in {s.id for s in out.plan.sessions}
    dropped = {c.id: c for c in out.plan.cancelled}
    assert dropped[last.id].reason == "场地停电" and dropped[last.id].sequence == 1
    assert {u.order for u in out.plan.unmet} >= {o for a in last.attendance for o in a.orders}
    assert len(out.plan.sessions) == len(plan.sessions) - 1


def test_withdrawn_and_new_orders():
    plan = week_plan()
    gone = plan.sessions[2].attendance[0].orders[0]
    new = Order(id="O-9", community="shanxia", offering="c1", attendees=5, priority=5)
    changes = [Change(kind=ChangeKind.withdraw, order=gone), Change(kind=ChangeKind.add_order, new_order=new)]
    out = replan(plan, 1, changes, plan.sessions[0].date, 0, OPTS)
    served = {o for s in out.plan.sessions for a in s.attendance for o in a.orders}
    assert gone not in served and "O-9" in served
    assert gone not in {o.id for o in out.plan.scenario.snapshot.orders}


def test_withdrawing_an_order_already_served_is_ignored_with_a_warning():
    plan = week_plan()
    done = plan.sessions[0]
    oid = done.attendance[0].orders[0]
    withdrawal = Change(kind=ChangeKind.withdraw, order=oid)
    sc, warnings = apply_changes(plan.scenario.snapshot, plan, [withdrawal], done.date + dt.timedelta(1))
    assert oid in {o.id for o in sc.orders} and oid in str(warnings[0])
    assert f"点单 {oid} 已于" in warnings[0].text("zh") and "withdrawal ignored" in warnings[0].text("en")


def test_feeds_of_the_new_version_update_the_same_events(tmp_path):
    plan = week_plan(total=4)
    hit, gone = plan.sessions[0], plan.sessions[1]
    end = plan.scenario.snapshot.plan.end
    # one cancelled session is re-placed; the other (it did not happen) has no day left
    out = replan(plan, 1, [cancel(hit.id)], hit.date, 0, OPTS)
    write_ics(out.plan, tmp_path / "a", now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    feed = events(tmp_path / "a" / "ics" / "all.ics")
    uid = event_uid(hit.id, plan)
    assert uid == event_uid(hit.id, out.plan) and uid in feed  # same UID: phones update the event
    assert int(feed[uid].sequence.value) == 1 and feed[uid].status.value == "CONFIRMED"
    dropped = replan(plan, 1, [cancel(gone.id)], end, 1, OPTS).plan
    write_ics(dropped, tmp_path / "b", now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    feed = events(tmp_path / "b" / "ics" / "all.ics")
    assert feed[event_uid(gone.id, plan)].status.value == "CANCELLED"
    assert int(feed[event_uid(gone.id, plan)].sequence.value) == 1


# --------------------------------------------------------------------------- brute force


def brute_force(parent: Plan, changes: list[Change], today: dt.date, freeze: int) -> tuple[int, int, int] | None:
    """The best (demand, changes, moved) over every valid re-plan, by enumeration."""
    sc, _ = apply_changes(parent.scenario.snapshot, parent, changes, today)
    info = ReplanInfo(parent=1, today=today, freeze_days=freeze, changes=changes)
    per_run = []
    for off in sc.offerings:
        earlier = sorted((s for s in parent.sessions if s.offering == off.id), key=lambda s: (s.date, s.slots[0].value))
        for run in range(off.max_runs):
            sid = earlier[run].id if run < len(earlier) else f"S-NEW-{off.id}-{run}"
            options = [None]
            for s in candidate_sessions(sc, off, run):
                options.append(s.model_copy(update={"id": sid}))
            per_run.append(options)
    best = None
    for combo in itertools.product(*per_run):
        sessions = [s for s in combo if s is not None]
        met = [o for s in sessions for a in s.attendance for o in a.orders]
        if len(met) != len(set(met)):
            continue
        unmet = [
            UnmetOrder(order=o.id, community=o.community, offering=o.offering, reason="x", message="x")
            for o in sc.orders
            if o.id not in met
        ]
        plan = Plan.model_construct(
            scenario=ScenarioRef.model_construct(snapshot=sc), sessions=sessions, unmet=unmet, cancelled=[], replan=info
        )
        if validate(sc, plan) or validate_replan(parent, plan):
            continue
        st = stability(parent, plan)
        key = (objective(sc, plan)["demand"], st["changes"], st["moved"])
        if best is None or key > best:
            best = key
    return best


def cancel_case(parent: Plan, start: dt.date, which: str) -> tuple[PlannedSession, dt.date]:
    """The session a case cancels and the re-plan's today: "first" cancels the first
    session, re-planned on the plan's first day; "last" cancels the last session,
    re-planned a day later (but not after the session's own day)."""
    if which == "first":
        return parent.sessions[0], start
    hit = parent.sessions[-1]
    return hit, min(start + dt.timedelta(days=1), hit.date)


def cancel_cases(want: int) -> list[tuple[int, str]]:
    """The first ``want`` distinct cancellation cases, in seed order: only seeds whose first
    plan has a session to cancel, and "last" only where it cancels another session or on
    another day than "first" (with one session on the first day, both are the same case).
    Each tiny scenario solves in milliseconds, deterministically (one worker, fixed seed)."""
    cases: list[tuple[int, str]] = []
    for seed in POOL:
        data = tiny(seed)
        parent = solve_dict(data).plan
        if parent is None or not parent.sessions:
            continue
        start = build(data).plan.start
        seen = set()
        for which in ("first", "last"):
            hit, today = cancel_case(parent, start, which)
            if (hit.id, today) not in seen:
                seen.add((hit.id, today))
                cases.append((seed, which))
        if len(cases) >= want:
            break
    return cases[:want]


CASES = cancel_cases(24)


def test_the_brute_force_replans_24_distinct_cancellation_cases():
    """Guards the case list: 24 cases, each with a session to cancel, no two alike."""
    assert len(CASES) == 24
    distinct = set()
    for seed, which in CASES:
        data = tiny(seed)
        parent = solve_dict(data).plan
        assert parent is not None and parent.sessions, f"seed {seed}: nothing planned to cancel"
        hit, today = cancel_case(parent, build(data).plan.start, which)
        distinct.add((seed, hit.id, today))
    assert len(distinct) == len(CASES)


@pytest.mark.proof("brute-force re-plans after a cancellation")
@pytest.mark.parametrize("seed,which", CASES, ids=[f"seed{s}-{w}" for s, w in CASES])
def test_no_plan_keeps_the_demand_with_fewer_moves(seed, which):
    data = tiny(seed)
    parent = solve_dict(data).plan
    assert parent.sessions, "CASES holds only seeds with a session to cancel"
    hit, today = cancel_case(parent, build(data).plan.start, which)
    changes = [cancel(hit.id)]
    out = replan(parent, 1, changes, today, 0, OPTS)
    best = brute_force(parent, changes, today, 0)
    # the parent without the cancelled session is always a valid re-plan: both find one
    assert out.plan is not None and best is not None
    assert out.plan.solver.status == "OPTIMAL"
    assert tuple(out.plan.solver.objective[:3]) == best


def new_order_for(data: dict) -> tuple[str, str] | None:
    """A community and an offering it has not ordered yet (and could), if any."""
    sc = build(data)
    ordered = {(o.community, o.offering) for o in sc.orders}
    wanted = [
        (c.id, off.id)
        for off in sc.offerings
        for c in sc.communities
        if (c.id, off.id) not in ordered and off.type.value != "department" and off.host != c.id
    ]
    return wanted[0] if wanted else None


NEW_ORDER_SEEDS = [s for s in POOL if new_order_for(tiny(s))][:10]


def test_the_brute_force_replans_10_new_orders():
    assert len(NEW_ORDER_SEEDS) == 10


@pytest.mark.proof("brute-force re-plans with a new order")
@pytest.mark.parametrize("seed", NEW_ORDER_SEEDS, ids=[f"seed{s}" for s in NEW_ORDER_SEEDS])
def test_a_new_order_is_planned_optimally_under_a_fresh_demand_bound(seed):
    """A new order breaks the first solve's demand bound; the re-plan bounds the
    changed scenario afresh, records that bound for later re-plans, and is optimal."""
    data = tiny(seed)
    parent = solve_dict(data).plan
    sc = build(data)
    community, offering = new_order_for(data)
    changes = [
        Change(
            kind=ChangeKind.add_order,
            new_order=Order(id="O-NEW", community=community, offering=offering, attendees=5, priority=5),
        )
    ]
    out = replan(parent, 1, changes, sc.plan.start, 0, OPTS)
    best = brute_force(parent, changes, sc.plan.start, 0)
    # the parent plan, the new order unmet, is always a valid re-plan: both find one
    assert out.plan is not None and best is not None
    assert out.plan.solver.status == "OPTIMAL"
    assert tuple(out.plan.solver.objective[:3]) == best
    assert out.plan.replan.demand_bound is not None and out.plan.replan.demand_bound >= best[0]
