"""The independent validator: every hard rule restated in plain Python, no OR-Tools.

It reads only the scenario and the plan, never the solver's model, and recomputes
the objective. Every plan is checked here before it is written; tests use it as
the oracle. Violations are plain sentences naming the session and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import chinese_calendar

from scheduler.models import (
    NEW_SESSION_COST,
    TIER_RANK,
    Duration,
    Format,
    Offering,
    Plan,
    PlannedSession,
    Scenario,
    SessionType,
    Slot,
    change_cost,
)

DURATION_SLOTS = {
    Duration.half_day: ([Slot.morning], [Slot.afternoon]),
    Duration.full_day: ([Slot.morning, Slot.afternoon],),
    Duration.evening: ([Slot.evening],),
}
FAIRNESS_SCALE = 1000


@dataclass
class Violation:
    rule: str
    session: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.session}: {self.message}" if self.session else f"[{self.rule}] {self.message}"


def is_working_day(sc: Scenario, day: dt.date) -> bool:
    """Working day of China under the scenario's overrides (they always win)."""
    hol = sc.plan.holidays
    if day in hol.working_days:
        return True
    if any(s.start <= day <= s.end for s in hol.days_off):
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _off(spans, day: dt.date) -> bool:
    return any(s.start <= day <= s.end for s in spans)


def _blacked_out(sc: Scenario, off: Offering, day: dt.date) -> str | None:
    for b in sc.plan.blackouts:
        if b.start <= day <= b.end and (not b.types or off.type in b.types) and (off.outdoor or not b.outdoor_only):
            return b.reason
    return None


def _busy_departments(sc: Scenario, off: Offering) -> list[str]:
    if off.type == SessionType.peer:
        return [off.department]
    if off.type == SessionType.department:
        pair = next(p for p in sc.pairs if p.id == off.pair)
        return [pair.mentor, pair.learner]
    return []


class _Checker:
    def __init__(self, sc: Scenario, plan: Plan):
        self.sc, self.plan = sc, plan
        self.out: list[Violation] = []
        self.off = {o.id: o for o in sc.offerings}
        self.orders = {o.id: o for o in sc.orders}
        self.venues = {v.id: v for v in sc.venues}
        self.depts = {d.id: d for d in sc.departments}
        self.ins = {i.id: (d, i) for d in sc.departments for i in d.instructors}

    def bad(self, rule: str, session: str, message: str) -> None:
        self.out.append(Violation(rule, session, message))

    def run(self) -> list[Violation]:
        for s in self.plan.sessions:
            off = self.off.get(s.offering)
            if off is None:
                self.bad("unknown_offering", s.id, f"offering '{s.offering}' is not in the scenario")
                continue
            self.session_rules(s, off)
        self.double_bookings()
        self.community_gap()
        self.monthly_caps()
        self.quotas()
        self.orders_once()
        if len({s.id for s in self.plan.sessions}) != len(self.plan.sessions):
            self.bad("session_ids", "", "two sessions share one id")
        return self.out

    # -- one session at a time ------------------------------------------------------
    def session_rules(self, s: PlannedSession, off: Offering) -> None:
        sc, day = self.sc, s.date
        if s.type != off.type:
            self.bad("type", s.id, f"type {s.type.value} differs from the offering's {off.type.value}")
        if not sc.plan.start <= day <= sc.plan.end:
            self.bad("plan_dates", s.id, f"{day} is outside {sc.plan.start}..{sc.plan.end}")
        if not is_working_day(sc, day):
            self.bad("working_day", s.id, f"{day} is not a working day")
        if off.months and day.month not in off.months:
            self.bad("allowed_months", s.id, f"month {day.month} is not allowed for {off.id}")
        reason = _blacked_out(sc, off, day)
        if reason:
            self.bad("blackout", s.id, f"{day} is in a blackout ({reason})")
        if list(s.slots) not in [list(x) for x in DURATION_SLOTS[off.duration]]:
            self.bad("duration", s.id, f"slots {[x.value for x in s.slots]} do not fit a {off.duration.value} session")
        for slot in s.slots:
            if slot not in sc.plan.slots:
                self.bad("slots", s.id, f"slot {slot.value} is not open in this plan")
        self.venue_rules(s, off)
        self.instructor_rules(s, off)
        self.attendance_rules(s, off)
        for d in _busy_departments(sc, off):
            if _off(self.depts[d].unavailable, day):
                self.bad("department_unavailable", s.id, f"department {d} is unavailable on {day}")
        if off.type == SessionType.community:
            if s.host != off.host:
                self.bad("host", s.id, f"host {s.host} is not the offering's host {off.host}")
            host = next(c for c in sc.communities if c.id == off.host)
            if _off(host.unavailable, day):
                self.bad("community_unavailable", s.id, f"host {host.id} is unavailable on {day}")

    def venue_rules(self, s: PlannedSession, off: Offering) -> None:
        v = self.venues.get(s.venue)
        if v is None:
            self.bad("venue", s.id, f"unknown venue {s.venue}")
            return
        if off.venues and v.id not in off.venues:
            self.bad("venue", s.id, f"venue {v.id} is not among the offering's venues")
        if (off.format == Format.online) != v.online:
            self.bad("venue_format", s.id, f"venue {v.id} does not suit a {off.format.value} session")
        if off.type == SessionType.community and v.owner != off.host:
            self.bad("host_venue", s.id, f"a community session must be at the host's own venue, not {v.id}")
        if off.type in (SessionType.secretary, SessionType.department) and v.owner != "street":
            self.bad("street_venue", s.id, f"{off.type.value} sessions are held at a street venue, not {v.id}")
        if off.type == SessionType.peer and v.owner != "street":
            if v.owner not in {a.community for a in s.attendance}:
                self.bad("community_venue", s.id, f"venue {v.id} belongs to {v.owner}, which does not attend")
        if _off(v.unavailable, s.date):
            self.bad("venue_unavailable", s.id, f"venue {v.id} is unavailable on {s.date}")
        if s.headcount > v.capacity:
            self.bad("venue_capacity", s.id, f"{s.headcount} attendees exceed {v.id}'s capacity {v.capacity}")

    def instructor_rules(self, s: PlannedSession, off: Offering) -> None:
        if off.type == SessionType.community:
            if s.instructor is not None:
                self.bad("instructor", s.id, "a community session is taught by its host, not an instructor")
            return
        if s.instructor not in self.ins:
            self.bad("instructor", s.id, f"unknown instructor {s.instructor}")
            return
        dept, ins = self.ins[s.instructor]
        if off.instructors and ins.id not in off.instructors:
            self.bad("instructor", s.id, f"{ins.id} is not among the offering's instructors")
        if off.type == SessionType.peer and dept.id != off.department:
            self.bad("instructor", s.id, f"{ins.id} is not from the delivering department {off.department}")
        if off.type == SessionType.department:
            mentor = next(p for p in self.sc.pairs if p.id == off.pair).mentor
            if dept.id != mentor:
                self.bad("instructor", s.id, f"{ins.id} is not from the mentor department {mentor}")
        if off.type == SessionType.secretary:
            if ins.tier is None:
                self.bad("secretary_teacher", s.id, f"{ins.id} is not a secretary")
            elif TIER_RANK[ins.tier] < TIER_RANK[off.audience_tier]:
                self.bad("secretary_teacher", s.id, f"{ins.id} ({ins.tier.value}) ranks below the audience")
        if _off(ins.unavailable, s.date) or _off(dept.unavailable, s.date):
            self.bad("instructor_unavailable", s.id, f"{ins.id} is unavailable on {s.date}")

    def attendance_rules(self, s: PlannedSession, off: Offering) -> None:
        head = 0
        if off.type == SessionType.department:
            head += next(p for p in self.sc.pairs if p.id == off.pair).attendees
            if s.attendance:
                self.bad("attendance", s.id, "department sessions take no community orders")
        seen = set()
        for a in s.attendance:
            if a.community in seen:
                self.bad("attendance", s.id, f"community {a.community} is listed twice")
            seen.add(a.community)
            if off.type == SessionType.community and a.community == off.host:
                self.bad("host_not_visitor", s.id, f"host {a.community} cannot also be a visitor")
            comm = next((c for c in self.sc.communities if c.id == a.community), None)
            if comm and _off(comm.unavailable, s.date):
                self.bad("community_unavailable", s.id, f"community {a.community} is unavailable on {s.date}")
            total = 0
            for oid in a.orders:
                o = self.orders.get(oid)
                if o is None:
                    self.bad("attendance", s.id, f"unknown order {oid}")
                    continue
                if o.offering != off.id or o.community != a.community:
                    self.bad("attendance", s.id, f"order {oid} is not {a.community}'s order of {off.id}")
                total += o.attendees
            if total != a.attendees:
                self.bad("attendance", s.id, f"{a.community}: {a.attendees} attendees stated, orders add up to {total}")
            head += total
        if s.headcount != head:
            self.bad("headcount", s.id, f"head-count {s.headcount} stated, attendance adds up to {head}")
        if head > off.capacity:
            self.bad("offering_capacity", s.id, f"{head} attendees exceed the offering's capacity {off.capacity}")
        if head < off.min_attendees:
            self.bad("min_attendees", s.id, f"{head} attendees, the offering needs {off.min_attendees}")

    # -- across sessions --------------------------------------------------------------
    def _users(self, s: PlannedSession) -> list[str]:
        off = self.off[s.offering]
        users = [f"venue {s.venue}"]
        if s.instructor:
            users.append(f"instructor {s.instructor}")
        users += [f"department {d}" for d in _busy_departments(self.sc, off)]
        users += [f"community {c}" for c in self._communities(s)]
        return users

    def _communities(self, s: PlannedSession) -> list[str]:
        off = self.off[s.offering]
        return ([off.host] if off.type == SessionType.community else []) + [a.community for a in s.attendance]

    def double_bookings(self) -> None:
        busy: dict[tuple[str, dt.date, Slot], str] = {}
        for s in self.plan.sessions:
            if s.offering not in self.off:
                continue
            for who in self._users(s):
                for slot in s.slots:
                    key = (who, s.date, slot)
                    if key in busy and busy[key] != s.id:
                        self.bad("double_booking", s.id, f"{who} is also in {busy[key]} on {s.date} {slot.value}")
                    busy.setdefault(key, s.id)

    def community_gap(self) -> None:
        gap = self.sc.plan.caps.community_min_gap_days
        if gap <= 0:
            return
        dates: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for s in self.plan.sessions:
            if s.offering in self.off:
                for c in self._communities(s):
                    dates[c].append((s.date, s.id))
        for c, ds in dates.items():
            ds.sort()
            for (d1, s1), (d2, s2) in zip(ds, ds[1:]):
                if (d2 - d1).days < gap:
                    self.bad("community_gap", s2, f"community {c} also attends {s1} on {d1}, less than {gap} days before")

    def monthly_caps(self) -> None:
        caps = self.sc.plan.caps
        comm: dict[tuple[str, int], int] = defaultdict(int)
        dept: dict[tuple[str, int], int] = defaultdict(int)
        for s in self.plan.sessions:
            off = self.off.get(s.offering)
            if off is None:
                continue
            for c in self._communities(s):
                comm[c, s.date.month] += 1
            for d in _busy_departments(self.sc, off):
                dept[d, s.date.month] += 1
        if caps.community_per_month:
            for (c, mo), n in sorted(comm.items()):
                if n > caps.community_per_month:
                    self.bad(
                        "community_monthly_cap",
                        "",
                        f"community {c} has {n} sessions in month {mo} (cap {caps.community_per_month})",
                    )
        for (d, mo), n in sorted(dept.items()):
            cap = self.depts[d].monthly_cap or caps.department_per_month
            if cap and n > cap:
                self.bad("department_monthly_cap", "", f"department {d} has {n} sessions in month {mo} (cap {cap})")

    def quotas(self) -> None:
        q = self.sc.plan.sessions
        by_type: dict[SessionType, int] = defaultdict(int)
        runs: dict[str, int] = defaultdict(int)
        for s in self.plan.sessions:
            by_type[s.type] += 1
            runs[s.offering] += 1
        for t in SessionType:
            r, n = q.for_type(t), by_type[t]
            if not r.min <= n <= r.max:
                self.bad("type_quota", "", f"{n} {t.value} sessions, allowed {r.min}..{r.max}")
        lo = q.total if q.total_min is None else q.total_min
        n = len(self.plan.sessions)
        if not lo <= n <= q.total:
            self.bad("total_quota", "", f"{n} sessions, allowed {lo}..{q.total}")
        for oid, n in sorted(runs.items()):
            if oid in self.off and n > self.off[oid].max_runs:
                self.bad("max_runs", "", f"offering {oid} runs {n} times, at most {self.off[oid].max_runs}")

    def orders_once(self) -> None:
        where: dict[str, str] = {}
        for s in self.plan.sessions:
            for a in s.attendance:
                for oid in a.orders:
                    if oid in where:
                        self.bad("order_once", s.id, f"order {oid} is also met by {where[oid]}")
                    where[oid] = s.id
        unmet = {u.order for u in self.plan.unmet}
        for oid in self.orders:
            if (oid in where) == (oid in unmet):
                state = "both met and listed unmet" if oid in where else "neither met nor listed unmet"
                self.bad("order_accounting", "", f"order {oid} is {state}")


def validate(sc: Scenario, plan: Plan) -> list[Violation]:
    """Every broken hard rule of ``plan`` under ``sc``; empty when the plan is valid."""
    return _Checker(sc, plan).run()


# ------------------------------------------------------------------------- objective


def _can_ever_run(sc: Scenario, off: Offering) -> bool:
    """Whether some day and slot passes the calendar and the fixed parties' availability."""
    plan = sc.plan
    if not any(all(x in plan.slots for x in opt) for opt in DURATION_SLOTS[off.duration]):
        return False
    fixed = [c.unavailable for c in sc.communities if off.type == SessionType.community and c.id == off.host]
    fixed += [sc.departments[[d.id for d in sc.departments].index(d)].unavailable for d in _busy_departments(sc, off)]
    day = plan.start
    while day <= plan.end:
        if (
            is_working_day(sc, day)
            and (not off.months or day.month in off.months)
            and not _blacked_out(sc, off, day)
            and not any(_off(spans, day) for spans in fixed)
        ):
            return True
        day += dt.timedelta(days=1)
    return False


def _largest_session(sc: Scenario, off: Offering, orderers: set[str]) -> int:
    venues = [
        v.capacity
        for v in sc.venues
        if (not off.venues or v.id in off.venues)
        and (off.format == Format.online) == v.online
        and (off.type != SessionType.community or v.owner == off.host)
        and (off.type not in (SessionType.secretary, SessionType.department) or v.owner == "street")
        # a community's own venue hosts a peer session only if that community attends it
        and (off.type != SessionType.peer or v.owner == "street" or v.owner in orderers)
    ]
    return min(off.capacity, max(venues, default=0))


def _has_teacher(sc: Scenario, off: Offering) -> bool:
    if off.type == SessionType.community:
        return True
    teacher_dept = {SessionType.peer: off.department}
    if off.type == SessionType.department:
        teacher_dept[off.type] = next(p for p in sc.pairs if p.id == off.pair).mentor
    for d in sc.departments:
        for i in d.instructors:
            if off.instructors and i.id not in off.instructors:
                continue
            if off.type == SessionType.secretary:
                if i.tier and TIER_RANK[i.tier] >= TIER_RANK[off.audience_tier]:
                    return True
            elif d.id == teacher_dept[off.type]:
                return True
    return False


def in_scope(sc: Scenario) -> set[str]:
    """Orders that some plan could meet as far as fixed facts go (the fairness base)."""
    offs = {o.id: o for o in sc.offerings}
    runnable = {oid for oid, off in offs.items() if _can_ever_run(sc, off) and _has_teacher(sc, off)}
    orderers: dict[str, set[str]] = defaultdict(set)
    for o in sc.orders:
        orderers[o.offering].add(o.community)
    largest = {oid: _largest_session(sc, off, orderers[oid]) for oid, off in offs.items()}
    out = set()
    for o in sc.orders:
        off = offs[o.offering]
        if off.type == SessionType.community and off.host == o.community:
            continue
        if o.attendees > largest[off.id] or off.id not in runnable:
            continue
        out.add(o.id)
    return out


def objective(sc: Scenario, plan: Plan) -> dict[str, int]:
    """Recompute every objective level from the plan alone (all maximised)."""
    orders = {o.id: o for o in sc.orders}
    met = {oid: s for s in plan.sessions for a in s.attendance for oid in a.orders}
    demand = sum(orders[o].priority for o in met)
    scope = in_scope(sc)
    wanted: dict[str, int] = defaultdict(int)
    served: dict[str, int] = defaultdict(int)
    for oid in scope:
        o = orders[oid]
        wanted[o.community] += o.priority
        if oid in met:
            served[o.community] += o.priority
    fairness = min((FAIRNESS_SCALE * served[c] // w for c, w in wanted.items()), default=FAIRNESS_SCALE)
    preferred = sum(1 for oid, s in met.items() if s.date.month in orders[oid].preferred_months)
    weights: dict[int, int] = defaultdict(int)
    day = sc.plan.start
    while day <= sc.plan.end:
        if is_working_day(sc, day):
            weights[day.month] += 1
        day += dt.timedelta(days=1)
    spread = 0
    if weights:
        n = len(plan.sessions)
        total = sum(weights.values())
        # the even load: n split by working days, largest remainders (earlier month on ties) get one more
        target = {mo: n * w // total for mo, w in weights.items()}
        order = sorted(weights, key=lambda mo: (-(n * weights[mo] % total), mo))
        for mo in order[: n - sum(target.values())]:
            target[mo] += 1
        per_month: dict[int, int] = defaultdict(int)
        for s in plan.sessions:
            per_month[s.date.month] += 1
        spread = -sum(abs(per_month[mo] - target[mo]) for mo in weights)
    return {"demand": demand, "fairness": fairness, "preferred": preferred, "spread": spread}


# --------------------------------------------------------------------------- re-plans


def _where(s: PlannedSession) -> tuple:
    return (s.date, tuple(s.slots), s.venue, s.instructor)


def _orders_of(s: PlannedSession | None) -> set[str]:
    return {oid for a in s.attendance for oid in a.orders} if s else set()


def _fits_now(sc: Scenario, s: PlannedSession) -> bool:
    """Would this earlier session, with orders no longer in the scenario taken out,
    still pass every per-session rule of the (changed) scenario?"""
    orders = {o.id for o in sc.orders}
    kept = []
    for a in s.attendance:
        ids = [o for o in a.orders if o in orders]
        if ids:
            total = sum(o.attendees for o in sc.orders if o.id in ids)
            kept.append(a.model_copy(update={"orders": ids, "attendees": total}))
    pair = next((p.attendees for o in sc.offerings if o.id == s.offering for p in sc.pairs if p.id == o.pair), 0)
    trimmed = s.model_copy(update={"attendance": kept, "headcount": pair + sum(a.attendees for a in kept)})
    c = _Checker(sc, Plan.model_construct(sessions=[trimmed], unmet=[]))
    off = c.off.get(s.offering)
    if off is None:
        return False
    c.session_rules(trimmed, off)
    return not c.out


def validate_replan(parent: Plan, plan: Plan) -> list[Violation]:
    """The re-planning rules, restated from the two plans alone: what happened before
    ``today`` and what is due inside the freeze window stays exactly as it was (unless
    a change means it can no longer be held so), nothing new or moved starts before
    the end of the freeze window, and no run of a cancelled session's offering is held
    on the day it was cancelled (except one held there exactly as before)."""
    info = plan.replan
    if info is None:
        return [Violation("replan", "", "the plan does not say which plan it repairs")]
    sc = plan.scenario.snapshot
    out: list[Violation] = []
    cutoff = info.today + dt.timedelta(days=info.freeze_days)
    cancelled = {c.session for c in info.changes if c.kind.value == "cancel"}
    orders = {o.id for o in sc.orders}
    new = {s.id: s for s in plan.sessions}
    old = {s.id: s for s in parent.sessions}
    lost_days = {(s.offering, s.date): s.id for s in parent.sessions if s.id in cancelled}
    for n in plan.sessions:
        was = old.get(n.id)
        held_as_before = was is not None and n.id not in cancelled and _where(was) == _where(n)
        if (n.offering, n.date) in lost_days and not held_as_before:
            sid = lost_days[n.offering, n.date]
            out.append(Violation("replan_cancelled", n.id, f"{n.offering} runs on {n.date}, the day {sid} was cancelled"))
    for s in parent.sessions:
        n = new.get(s.id)
        if s.id in cancelled:
            continue
        if s.date >= cutoff:
            continue
        must_stay = s.date < info.today or _fits_now(sc, s)
        if not must_stay:
            continue
        if n is None or _where(n) != _where(s):
            what = "held before" if s.date < info.today else "inside the freeze window until"
            out.append(
                Violation("replan_frozen", s.id, f"{what} {cutoff if s.date >= info.today else info.today}: it may not move")
            )
        elif _orders_of(n) != _orders_of(s) & orders:
            out.append(Violation("replan_frozen", s.id, "its attendance changed, but it is frozen"))
    for n in plan.sessions:
        if n.date >= cutoff:
            continue
        s = old.get(n.id)
        if s is None or s.date != n.date or s.id in cancelled:
            out.append(Violation("replan_cutoff", n.id, f"new or moved to {n.date}, before {cutoff}"))
    return out


def stability(parent: Plan, plan: Plan) -> dict[str, int]:
    """The re-planning levels from the two plans alone (both maximised, so negative):
    ``changes``: each earlier session moved, re-staffed or dropped costs by how soon it
    was due (``change_cost``), each added session ``NEW_SESSION_COST``;
    ``moved``: attendees of earlier orders (still in the scenario) no longer in the
    session they were in."""
    info = plan.replan
    sc = plan.scenario.snapshot
    new = {s.id: s for s in plan.sessions}
    old = {s.id for s in parent.sessions}
    cost = 0
    for s in parent.sessions:
        n = new.get(s.id)
        if n is None or _where(n) != _where(s):
            cost += change_cost(s.date, info.today)
    cost += NEW_SESSION_COST * sum(1 for s in plan.sessions if s.id not in old)
    size = {o.id: o.attendees for o in sc.orders}
    moved = 0
    for s in parent.sessions:
        now = _orders_of(new.get(s.id))
        moved += sum(size[o] for o in _orders_of(s) if o in size and o not in now)
    return {"changes": -cost, "moved": -moved}
