"""The independent validator: every hard rule restated in plain Python, no OR-Tools.

It reads only the scenario and the plan, never the solver's model, and recomputes
the objective. Every plan is checked here before it is written; tests use it as
the oracle. Each field of the plan is checked against the scenario: sessions (what
runs, who teaches and attends, when and where), unmet orders and cancelled sessions.
A violation names its rule by a stable id and says what is wrong in every language.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

import chinese_calendar

from scheduler.domain.i18n import Message, t
from scheduler.domain.ids import session_departments
from scheduler.domain.rules import declared
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
# the rule a double booking breaks, by what is booked twice
OVERLAP = {kind: f"overlap.{kind}" for kind in ("venue", "instructor", "department", "community")}


@dataclass
class Violation:
    """One broken rule: ``rule`` is its id in the registry (``calendar.working_day``, see
    ``scheduler.domain.rules``), ``session`` the session
    it concerns ("" for the plan as a whole), ``message`` what is wrong, in every language."""

    rule: str
    session: str
    message: Message

    def text(self, lang: str = "en") -> str:
        """The line a planner reads, e.g. ``[calendar.working_day] S-2026-001：2026-03-08 不是工作日``."""
        body = self.message.text(lang)
        return t("v.line", lang, rule=self.rule, session=self.session, message=body) if self.session else f"[{self.rule}] {body}"

    def __str__(self) -> str:
        return self.text("en")


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


def _blacked_out(sc: Scenario, off: Offering, day: dt.date, outdoor: bool = False) -> str | None:
    """The reason of a blackout closing this offering on this day; ``outdoor``: held at an
    outdoor venue, which outdoor-only blackouts close as well."""
    for b in sc.plan.blackouts:
        if b.start <= day <= b.end and (not b.types or off.type in b.types) and (off.outdoor or outdoor or not b.outdoor_only):
            return b.reason
    return None


def _violation(rule: str, session: str, key: str, **params) -> Violation:
    """A violation of ``rule`` (a declared rule id: an undeclared one is a bug and raises)
    whose message is the i18n key ``v.<key>`` (see ``scheduler.domain.i18n``)."""
    return Violation(declared(rule), session, Message("v." + key, **params))


def _listed(values: list) -> list | Message:
    """A list as a message parameter: joined in the planner's language, or "none"."""
    return list(values) if values else Message("none")


class _Checker:
    def __init__(self, sc: Scenario, plan: Plan):
        self.sc, self.plan = sc, plan
        self.out: list[Violation] = []
        self.off = {o.id: o for o in sc.offerings}
        self.orders = {o.id: o for o in sc.orders}
        self.venues = {v.id: v for v in sc.venues}
        self.depts = {d.id: d for d in sc.departments}
        self.comms = {c.id: c for c in sc.communities}
        self.ins = {i.id: (d, i) for d in sc.departments for i in d.instructors}

    def bad(self, rule: str, session: str, key: str, **params) -> None:
        self.out.append(_violation(rule, session, key, **params))

    def run(self) -> list[Violation]:
        for s in self.plan.sessions:
            off = self.off.get(s.offering)
            if off is None:
                self.bad("plan.unknown_offering", s.id, "unknown_offering", offering=s.offering)
                continue
            self.identity_rules(s, off)
            self.session_rules(s, off)
        self.double_bookings()
        self.community_gap()
        self.monthly_caps()
        self.weekly_caps()
        self.street_caps()
        self.quotas()
        self.orders_once()
        self.unmet_rules()
        self.cancelled_rules()
        self.session_ids()
        return self.out

    # -- one session at a time ------------------------------------------------------
    def identity_rules(self, s: PlannedSession, off: Offering) -> None:
        """What the offering fixes: title, type, host and the departments taken."""
        if s.title != off.title:
            self.bad("plan.title", s.id, "title", title=s.title, offering=off.id, expected=off.title)
        if s.type != off.type:
            self.bad("plan.type", s.id, "type", type=s.type, expected=off.type)
        host = off.host if off.type == SessionType.community else None
        if s.host != host:
            if host is None:
                self.bad("plan.host", s.id, "host.none", type=off.type, host=s.host)
            else:
                self.bad("plan.host", s.id, "host", host=_listed([s.host] if s.host else []), expected=host)
        expected = session_departments(self.sc, off)
        if list(s.departments) != expected:
            self.bad("plan.departments", s.id, "departments", departments=_listed(s.departments), expected=_listed(expected))
        if s.sequence < 0:
            self.bad("plan.sequence", s.id, "sequence", sequence=s.sequence)

    def session_rules(self, s: PlannedSession, off: Offering) -> None:
        sc, day = self.sc, s.date
        if not sc.plan.start <= day <= sc.plan.end:
            self.bad("calendar.plan_dates", s.id, "plan_dates", date=day, start=sc.plan.start, end=sc.plan.end)
        if not is_working_day(sc, day):
            self.bad("calendar.working_day", s.id, "working_day", date=day)
        if off.months and day.month not in off.months:
            self.bad("eligible.months", s.id, "allowed_months", month=day.month, offering=off.id)
        reason = _blacked_out(sc, off, day)
        venue = self.venues.get(s.venue)
        if reason:
            self.bad("calendar.blackout", s.id, "blackout", date=day, reason=reason)
        elif venue is not None and venue.outdoor and (reason := _blacked_out(sc, off, day, outdoor=True)):
            self.bad("calendar.blackout", s.id, "blackout.outdoor_venue", date=day, reason=reason, venue=venue.id)
        if list(s.slots) not in [list(x) for x in DURATION_SLOTS[off.duration]]:
            duration = Message(f"v.duration.{off.duration.value}")
            self.bad("calendar.duration", s.id, "duration", slots=_listed(s.slots), duration=duration)
        for slot in s.slots:
            if slot not in sc.plan.slots:
                self.bad("calendar.slots", s.id, "slots", slot=slot)
        self.venue_rules(s, off)
        self.instructor_rules(s, off)
        self.attendance_rules(s, off)
        for d in session_departments(sc, off):
            if _off(self.depts[d].unavailable, day):
                self.bad("unavailable.department", s.id, "department_unavailable", department=d, date=day)
        if off.type == SessionType.community and _off(self.comms[off.host].unavailable, day):
            self.bad("unavailable.community", s.id, "community_unavailable.host", community=off.host, date=day)

    def venue_rules(self, s: PlannedSession, off: Offering) -> None:
        v = self.venues.get(s.venue)
        if v is None:
            self.bad("plan.unknown_venue", s.id, "venue.unknown", venue=s.venue)
            return
        if off.venues and v.id not in off.venues:
            self.bad("eligible.venue", s.id, "venue.not_allowed", venue=v.id)
        if (off.format == Format.online) != v.online:
            self.bad("eligible.venue_format", s.id, "venue_format", venue=v.id, format=Message(f"v.format.{off.format.value}"))
        if off.type == SessionType.community and v.owner != off.host:
            self.bad("eligible.host_venue", s.id, "host_venue", venue=v.id)
        if off.type in (SessionType.secretary, SessionType.department) and v.owner != "street":
            self.bad("eligible.street_venue", s.id, "street_venue", type=off.type, venue=v.id)
        if off.type == SessionType.peer and v.owner != "street":
            if v.owner not in {a.community for a in s.attendance}:
                self.bad("eligible.community_venue", s.id, "community_venue", venue=v.id, owner=v.owner)
        if _off(v.unavailable, s.date):
            self.bad("unavailable.venue", s.id, "venue_unavailable", venue=v.id, date=s.date)
        if s.headcount > v.capacity:
            self.bad("capacity.venue", s.id, "venue_capacity", n=s.headcount, venue=v.id, capacity=v.capacity)

    def instructor_rules(self, s: PlannedSession, off: Offering) -> None:
        if off.type == SessionType.community:
            if s.instructor is not None:
                self.bad("eligible.instructor", s.id, "instructor.community", instructor=s.instructor)
            return
        if s.instructor not in self.ins:
            if s.instructor:
                self.bad("plan.unknown_instructor", s.id, "instructor.unknown", instructor=s.instructor)
            else:
                self.bad("eligible.instructor", s.id, "instructor.missing", instructor=s.instructor)
            return
        dept, ins = self.ins[s.instructor]
        if off.instructors and ins.id not in off.instructors:
            self.bad("eligible.instructor", s.id, "instructor.not_allowed", instructor=ins.id)
        if off.type == SessionType.peer and dept.id != off.department:
            self.bad("eligible.instructor", s.id, "instructor.department", instructor=ins.id, department=off.department)
        if off.type == SessionType.department:
            mentor = next(p for p in self.sc.pairs if p.id == off.pair).mentor
            if dept.id != mentor:
                self.bad("eligible.instructor", s.id, "instructor.mentor", instructor=ins.id, department=mentor)
        if off.type == SessionType.secretary:
            if ins.tier is None:
                self.bad("eligible.secretary_tier", s.id, "secretary_teacher.none", instructor=ins.id)
            elif TIER_RANK[ins.tier] < TIER_RANK[off.audience_tier]:
                tier, audience = Message(f"v.tier.{ins.tier.value}"), Message(f"v.tier.{off.audience_tier.value}")
                rank = {"instructor": ins.id, "tier": tier, "audience": audience}
                self.bad("eligible.secretary_tier", s.id, "secretary_teacher.rank", **rank)
        if _off(ins.unavailable, s.date) or _off(dept.unavailable, s.date):
            self.bad("unavailable.instructor", s.id, "instructor_unavailable", instructor=ins.id, date=s.date)

    def attendance_rules(self, s: PlannedSession, off: Offering) -> None:
        head = 0
        if off.type == SessionType.department:
            head += next(p for p in self.sc.pairs if p.id == off.pair).attendees
            if s.attendance:
                self.bad("plan.attendance", s.id, "attendance.department")
        seen = set()
        for a in s.attendance:
            if a.community in seen:
                self.bad("plan.attendance", s.id, "attendance.twice", community=a.community)
            seen.add(a.community)
            comm = self.comms.get(a.community)
            if comm is None:
                self.bad("plan.unknown_community", s.id, "unknown_community", community=a.community)
            elif _off(comm.unavailable, s.date):
                self.bad("unavailable.community", s.id, "community_unavailable", community=a.community, date=s.date)
            if off.type == SessionType.community and a.community == off.host:
                self.bad("eligible.host_not_visitor", s.id, "host_not_visitor", community=a.community)
            if not a.orders:
                self.bad("plan.attendance_empty", s.id, "attendance_empty.orders", community=a.community)
            if a.attendees <= 0:
                self.bad("plan.attendance_empty", s.id, "attendance_empty.attendees", community=a.community, n=a.attendees)
            head += self.order_rules(s, off, a)
        if s.headcount != head:
            self.bad("plan.headcount", s.id, "headcount", stated=s.headcount, total=head)
        if head > off.capacity:
            self.bad("capacity.offering", s.id, "offering_capacity", n=head, capacity=off.capacity)
        if head < off.min_attendees:
            self.bad("capacity.min_attendees", s.id, "min_attendees", n=head, min=off.min_attendees)

    def order_rules(self, s: PlannedSession, off: Offering, a) -> int:
        """Each order of one attendance entry is that community's order of this offering,
        and the entry's attendees are its orders' head-counts added up (what the engine
        writes); returns that sum."""
        total = 0
        for oid in a.orders:
            o = self.orders.get(oid)
            if o is None:
                self.bad("plan.unknown_order", s.id, "unknown_order", order=oid)
                continue
            if o.offering != off.id or o.community != a.community:
                self.bad("plan.attendance", s.id, "attendance.order", order=oid, community=a.community, offering=off.id)
            total += o.attendees
        if total != a.attendees:
            self.bad("plan.attendance", s.id, "attendance.sum", community=a.community, stated=a.attendees, total=total)
        return total

    # -- across sessions --------------------------------------------------------------
    def _users(self, s: PlannedSession) -> list[tuple[str, str]]:
        """Everything a session occupies while it runs, as (kind, id)."""
        off = self.off[s.offering]
        users = [("venue", s.venue)]
        if s.instructor:
            users.append(("instructor", s.instructor))
        users += [("department", d) for d in session_departments(self.sc, off)]
        users += [("community", c) for c in self._communities(s)]
        return users

    def _communities(self, s: PlannedSession) -> list[str]:
        off = self.off[s.offering]
        return ([off.host] if off.type == SessionType.community else []) + [a.community for a in s.attendance]

    def double_bookings(self) -> None:
        busy: dict[tuple[tuple[str, str], dt.date, Slot], str] = {}
        for s in self.plan.sessions:
            if s.offering not in self.off:
                continue
            for kind, rid in self._users(s):
                for slot in s.slots:
                    key = ((kind, rid), s.date, slot)
                    if key in busy and busy[key] != s.id:
                        who = Message(f"v.who.{kind}", id=rid)
                        self.bad(OVERLAP[kind], s.id, "double_booking", who=who, other=busy[key], date=s.date, slot=slot)
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
                    self.bad("cap.community_gap", s2, "community_gap", community=c, other=s1, date=d1, gap=gap)

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
            for d in self._counted_departments(s, off):
                dept[d, s.date.month] += 1
        cap = caps.community_per_month
        for (c, mo), n in sorted(comm.items()):
            if cap and n > cap:
                self.bad("cap.community_per_month", "", "community_monthly_cap", community=c, n=n, month=mo, cap=cap)
        for (d, mo), n in sorted(dept.items()):
            cap = self.depts[d].monthly_cap or caps.department_per_month
            if cap and n > cap:
                self.bad("cap.department_per_month", "", "department_monthly_cap", department=d, n=n, month=mo, cap=cap)

    def _counted_departments(self, s: PlannedSession, off: Offering) -> list[str]:
        """The departments whose monthly cap a session counts toward: those it occupies
        (peer, pair) and the department of whoever teaches it (书记教书记 included), once each."""
        out = list(session_departments(self.sc, off))
        teacher = self.ins.get(s.instructor) if s.instructor else None
        if teacher is not None and teacher[0].id not in out:
            out.append(teacher[0].id)
        return out

    def street_caps(self) -> None:
        """At most ``caps.street_per_day`` sessions on one day and ``caps.street_per_week``
        in one calendar week (Monday to Sunday), across the street."""
        caps = self.sc.plan.caps
        per_day: dict[dt.date, int] = defaultdict(int)
        per_week: dict[dt.date, int] = defaultdict(int)
        for s in self.plan.sessions:
            per_day[s.date] += 1
            per_week[s.date - dt.timedelta(days=s.date.weekday())] += 1
        for day, n in sorted(per_day.items()):
            if n > caps.street_per_day:
                self.bad("cap.street_per_day", "", "street_daily_cap", date=day, n=n, cap=caps.street_per_day)
        for monday, n in sorted(per_week.items()):
            if caps.street_per_week and n > caps.street_per_week:
                self.bad("cap.street_per_week", "", "street_weekly_cap", monday=monday, n=n, cap=caps.street_per_week)

    def weekly_caps(self) -> None:
        """A venue hosts at most ``caps.venue_per_week`` sessions in a calendar week (Monday to Sunday)."""
        cap = self.sc.plan.caps.venue_per_week
        if not cap:
            return
        week: dict[tuple[str, dt.date], int] = defaultdict(int)
        for s in self.plan.sessions:
            week[s.venue, s.date - dt.timedelta(days=s.date.weekday())] += 1
        for (v, monday), n in sorted(week.items()):
            if n > cap:
                self.bad("cap.venue_per_week", "", "venue_weekly_cap", venue=v, n=n, monday=monday, cap=cap)

    def quotas(self) -> None:
        q = self.sc.plan.sessions
        by_type: dict[SessionType, int] = defaultdict(int)
        runs: dict[str, int] = defaultdict(int)
        for s in self.plan.sessions:
            by_type[s.type] += 1
            runs[s.offering] += 1
        for ty in SessionType:
            r, n = q.for_type(ty), by_type[ty]
            if not r.min <= n <= r.max:
                self.bad(
                    "quota.type_min" if n < r.min else "quota.type_max", "", "type_quota", n=n, type=ty, min=r.min, max=r.max
                )
        lo = q.total if q.total_min is None else q.total_min
        n = len(self.plan.sessions)
        if not lo <= n <= q.total:
            self.bad("quota.total_min" if n < lo else "quota.total_max", "", "total_quota", n=n, min=lo, max=q.total)
        for oid, n in sorted(runs.items()):
            if oid in self.off and n > self.off[oid].max_runs:
                self.bad("quota.max_runs", "", "max_runs", offering=oid, n=n, max=self.off[oid].max_runs)

    def orders_once(self) -> None:
        """An order is met by one session at most, and is either met or listed unmet
        (the plan's contract: ``planfile`` gives every order not met a reason)."""
        where: dict[str, str] = {}
        for s in self.plan.sessions:
            for a in s.attendance:
                for oid in a.orders:
                    if oid in where:
                        key = "order_once.same" if where[oid] == s.id else "order_once"
                        self.bad("order.once", s.id, key, order=oid, other=where[oid])
                    where[oid] = s.id
        unmet = {u.order for u in self.plan.unmet}
        for oid in self.orders:
            if (oid in where) == (oid in unmet):
                key = "order_accounting.both" if oid in where else "order_accounting.neither"
                self.bad("order.accounting", "", key, order=oid)

    def unmet_rules(self) -> None:
        """Each unmet entry names an order of the scenario, once, as it was ordered."""
        seen: set[str] = set()
        for u in self.plan.unmet:
            if u.order in seen:
                self.bad("order.unmet_once", "", "unmet_once", order=u.order)
            seen.add(u.order)
            o = self.orders.get(u.order)
            if o is None:
                self.bad("plan.unknown_order", "", "unknown_order", order=u.order)
                continue
            if (u.community, u.offering) != (o.community, o.offering):
                stated, actual = f"{u.community}/{u.offering}", f"{o.community}/{o.offering}"
                self.bad("order.unmet_order", "", "unmet_order", order=u.order, stated=stated, actual=actual)

    def cancelled_rules(self) -> None:
        """Sessions dropped by re-plans: only a re-plan has them; each is a run of an
        offering as the offering fixes it, with the day it was dropped and why."""
        info = self.plan.replan
        for c in self.plan.cancelled:
            if info is None:
                self.bad("plan.cancelled", c.id, "cancelled.fresh")
            elif c.dropped_on is None:
                self.bad("plan.cancelled", c.id, "cancelled.no_date")
            if not c.reason.strip():
                self.bad("plan.cancelled", c.id, "cancelled.reason")
            off = self.off.get(c.offering)
            if off is None:
                self.bad("plan.unknown_offering", c.id, "unknown_offering", offering=c.offering)
            else:
                self.identity_rules(c, off)

    def session_ids(self) -> None:
        """Ids are unique over running and cancelled sessions: planners quote them, feeds key on them."""
        running: set[str] = set()
        for s in self.plan.sessions:
            if s.id in running:
                self.bad("plan.session_ids", s.id, "session_ids", id=s.id)
            running.add(s.id)
        dropped: set[str] = set()
        for c in self.plan.cancelled:
            if c.id in running:
                self.bad("plan.session_ids", c.id, "session_ids.running", id=c.id)
            elif c.id in dropped:
                self.bad("plan.session_ids", c.id, "session_ids.cancelled_twice", id=c.id)
            dropped.add(c.id)


def validate(sc: Scenario, plan: Plan) -> list[Violation]:
    """Every broken hard rule of ``plan`` under ``sc``; empty when the plan is valid."""
    return _Checker(sc, plan).run()


# ------------------------------------------------------------------------- objective


def _working_days(sc: Scenario) -> list[dt.date]:
    """The plan's working days, in order (asked of the calendar once per check: 0.2 s on a
    500-offering street when asked per offering)."""
    days = (sc.plan.start + dt.timedelta(days=k) for k in range((sc.plan.end - sc.plan.start).days + 1))
    return [day for day in days if is_working_day(sc, day)]


def _can_ever_run(sc: Scenario, off: Offering, working: list[dt.date]) -> bool:
    """Whether some day and slot passes the calendar (``working``: the plan's working days)
    and the fixed parties' availability."""
    plan = sc.plan
    if not any(all(x in plan.slots for x in opt) for opt in DURATION_SLOTS[off.duration]):
        return False
    fixed = [c.unavailable for c in sc.communities if off.type == SessionType.community and c.id == off.host]
    fixed += [sc.departments[[d.id for d in sc.departments].index(d)].unavailable for d in session_departments(sc, off)]
    return any(
        (not off.months or day.month in off.months)
        and not _blacked_out(sc, off, day)
        and not any(_off(spans, day) for spans in fixed)
        for day in working
    )


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
    working = _working_days(sc)
    runnable = {oid for oid, off in offs.items() if _can_ever_run(sc, off, working) and _has_teacher(sc, off)}
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
    usable = usable_days(sc)
    monthly = _deviation(plan.sessions, usable, lambda day: day.month)
    weekly = _deviation(plan.sessions, usable, lambda day: _monday(sc, day))
    return {
        "demand": demand,
        "fairness": fairness,
        "preferred": preferred,
        "spread": -monthly,
        "rhythm": -weekly - _overlaps(plan),
    }


def usable_days(sc: Scenario) -> list[dt.date]:
    """The days some session may use as far as the calendar goes: working days inside
    the plan on which some offering's slots, months and blackouts leave it open. The
    spread and rhythm levels share the year's sessions over these only."""
    offerings = [off for off in sc.offerings if any(all(x in sc.plan.slots for x in o) for o in DURATION_SLOTS[off.duration])]
    return [
        day
        for day in _working_days(sc)
        if any((not off.months or day.month in off.months) and not _blacked_out(sc, off, day) for off in offerings)
    ]


@dataclass
class Rhythm:
    """How steady a plan's rhythm is, as a planner reads it."""

    busiest_day: int  # most sessions on one day
    busiest_week: int  # most sessions in one calendar week
    weeks: int  # weeks with a session
    usable_weeks: int  # weeks with a usable day
    early: int  # sessions on days 1–10 of their month

    def early_share(self, sessions: int) -> float:
        return self.early / sessions if sessions else 0.0


def rhythm_figures(sc: Scenario, plan: Plan) -> Rhythm:
    """The rhythm figures of a plan (summary, index page, benchmarks)."""
    per_day = Counter(s.date for s in plan.sessions)
    per_week = Counter(_monday(sc, s.date) for s in plan.sessions)
    usable_weeks = {_monday(sc, day) for day in usable_days(sc)}
    early = sum(1 for s in plan.sessions if s.date.day <= 10)
    return Rhythm(max(per_day.values(), default=0), max(per_week.values(), default=0), len(per_week), len(usable_weeks), early)


def _monday(sc: Scenario, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _deviation(sessions: list[PlannedSession], usable: list[dt.date], bucket) -> int:
    """Sessions away from the even load over ``bucket(day)`` (month or week): the sessions
    split in proportion to each bucket's usable days, largest remainders first (the
    earlier bucket on ties); buckets with no usable day are not counted."""
    weights: dict = defaultdict(int)
    for day in usable:
        weights[bucket(day)] += 1
    if not weights:
        return 0
    n, total = len(sessions), sum(weights.values())
    target = {b: n * w // total for b, w in weights.items()}
    order = sorted(weights, key=lambda b: (-(n * weights[b] % total), b))
    for b in order[: n - sum(target.values())]:
        target[b] += 1
    count: dict = defaultdict(int)
    for s in sessions:
        count[bucket(s.date)] += 1
    return sum(abs(count[b] - target[b]) for b in weights)


def _overlaps(plan: Plan) -> int:
    """Pairs of sessions on the same day that share a part of it (morning, afternoon, evening)."""
    by_day: dict[dt.date, list[set]] = defaultdict(list)
    for s in plan.sessions:
        by_day[s.date].append(set(s.slots))
    return sum(1 for slots in by_day.values() for i, a in enumerate(slots) for b in slots[i + 1 :] if a & b)


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
        return [_violation("replan.parent", "", "replan")]
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
            out.append(_violation("replan.cancelled_day", n.id, "replan_cancelled", offering=n.offering, date=n.date, other=sid))
    for s in parent.sessions:
        n = new.get(s.id)
        if s.id in cancelled or s.date >= cutoff:
            continue
        if not (s.date < info.today or _fits_now(sc, s)):
            continue
        if n is None or _where(n) != _where(s):
            before = s.date < info.today
            key = "replan_frozen.before" if before else "replan_frozen.window"
            out.append(_violation("replan.frozen", s.id, key, date=info.today if before else cutoff))
        elif _orders_of(n) != _orders_of(s) & orders:
            out.append(_violation("replan.frozen", s.id, "replan_frozen.attendance"))
    for n in plan.sessions:
        if n.date >= cutoff:
            continue
        s = old.get(n.id)
        if s is None or s.date != n.date or s.id in cancelled:
            out.append(_violation("replan.cutoff", n.id, "replan_cutoff", date=n.date, cutoff=cutoff))
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
