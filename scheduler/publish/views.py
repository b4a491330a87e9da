"""The plan as people read it: ids resolved to names, slots to clock times, orders to outcomes.

Shared by the printed calendars (``scheduler.publish.render``) and the exports
(``scheduler.publish.export``) so that a page, a phone calendar and a spreadsheet always
say the same thing about a session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from scheduler.domain.i18n import TYPE_MARKS, slot_name, t, type_name, weekday_name
from scheduler.models import Order, Plan, PlannedSession, Scenario, SessionType, UnmetOrder

TIMEZONE = "Asia/Shanghai"
TZ = ZoneInfo(TIMEZONE)

# Office hours of a Shenzhen street office; a full day spans the morning and afternoon.
SLOT_TIMES = {
    "morning": (dt.time(9, 0), dt.time(12, 0)),
    "afternoon": (dt.time(14, 30), dt.time(17, 30)),
    "evening": (dt.time(19, 0), dt.time(21, 0)),
}

# Characters that no output can carry as text: C0 and C1 control characters except tab and
# newline (RFC 5545 TEXT forbids them, XML 1.0 and so xlsx cannot hold most of them, HTML
# counts them as parse errors), lone surrogates (no UTF-8 for them) and U+FFFE, U+FFFF (not
# XML characters: a workbook holding one does not open). Scenario names may contain any of these.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAK = re.compile(r"\r\n?")


def clean_text(text: str) -> str:
    """Scenario text as every page and export writes it: CR LF and a lone CR become a
    newline, other unprintable characters are dropped; emoji, CJK, tabs and newlines stay."""
    return UNPRINTABLE.sub("", LINE_BREAK.sub("\n", text))


def time_key(slots: list[str]) -> str:
    """'morning', 'afternoon', 'evening', or 'full_day' for a morning + afternoon session."""
    return "full_day" if len(slots) > 1 else slots[0]


def clock_span(slots: list[str]) -> tuple[dt.time, dt.time]:
    return SLOT_TIMES[slots[0]][0], SLOT_TIMES[slots[-1]][1]


@dataclass(frozen=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True)
class Attendee:
    id: str
    name: str
    attendees: int


@dataclass(frozen=True)
class SessionView:
    """One session with everything a person needs to turn up."""

    id: str
    offering: str
    title: str
    type: str
    type_name: str
    mark: str  # a glyph per type, for black-and-white prints
    date: dt.date
    weekday: str
    time_key: str
    time_name: str  # 上午 / morning ...
    start: dt.time
    end: dt.time
    venue: Named
    online: bool
    instructor: Named | None
    instructor_department: Named | None
    host: Named | None
    departments: tuple[Named, ...]  # peer: the delivering department; department: mentor, learner
    learners: int  # learner-department staff (部门带部门)
    communities: tuple[Attendee, ...]
    headcount: int

    @property
    def clock(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def month(self) -> str:
        return f"{self.date:%Y-%m}"

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start, TZ)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.end, TZ)

    def community_ids(self) -> set[str]:
        """Communities that attend or host it: everyone whose calendar shows it."""
        ids = {c.id for c in self.communities}
        if self.host:
            ids.add(self.host.id)
        return ids

    def department_ids(self) -> set[str]:
        """Departments that deliver, pair on, or lend the teacher of this session."""
        ids = {d.id for d in self.departments}
        if self.instructor_department:
            ids.add(self.instructor_department.id)
        return ids

    def pair(self, lang: str) -> str:
        """A 部门带部门 session's two departments, ``应急管理办 带 城管办``; empty for other types."""
        if self.type != SessionType.department.value or len(self.departments) < 2:
            return ""
        mentor, learner = self.departments[:2]
        return t("r.pair", lang, mentor=mentor.name, learner=learner.name)

    def teacher(self, lang: str) -> str:
        """Who teaches, as one line: the instructor and their department, or the host community."""
        if self.instructor:
            dept = self.instructor_department
            return self.instructor.name + (t("r.paren", lang, x=dept.name) if dept else "")
        if self.host:
            return self.host.name + t("r.paren", lang, x=t("r.role.host", lang))
        return ""


@dataclass(frozen=True)
class OrderOutcome:
    """An order and what became of it: the session that serves it, or the reason it is not met."""

    order: Order
    community: Named
    offering_title: str
    type: str
    type_name: str
    session: SessionView | None
    reason: str = ""  # reason code when not met
    message: str = ""  # one sentence, in the page's language

    @property
    def met(self) -> bool:
        return self.session is not None


@dataclass
class PlanView:
    """Names and outcomes of one plan in one language; build it with ``plan_view``."""

    plan: Plan
    lang: str
    sessions: list[SessionView]
    outcomes: list[OrderOutcome]
    communities: dict[str, Named] = field(default_factory=dict)
    departments: dict[str, Named] = field(default_factory=dict)
    venues: dict[str, Named] = field(default_factory=dict)
    cancelled: list[SessionView] = field(default_factory=list)  # dropped by re-plans (feeds say CANCELLED)

    @property
    def scenario(self) -> Scenario:
        return self.plan.scenario.snapshot

    def by_id(self) -> dict[str, SessionView]:
        return {s.id: s for s in self.sessions}

    def for_community(self, cid: str) -> list[SessionView]:
        return [s for s in self.sessions if cid in s.community_ids()]

    def for_department(self, did: str) -> list[SessionView]:
        return [s for s in self.sessions if did in s.department_ids()]

    def for_venue(self, vid: str) -> list[SessionView]:
        return [s for s in self.sessions if s.venue.id == vid]

    def outcomes_of(self, cid: str) -> list[OrderOutcome]:
        return [o for o in self.outcomes if o.community.id == cid]

    def join(self, names) -> str:
        return t("r.sep", self.lang).join(names)


def _lookup(items) -> dict[str, Named]:
    return {x.id: Named(x.id, x.name) for x in items}


def _named(table: dict[str, Named], key: str | None) -> Named | None:
    if key is None:
        return None
    return table.get(key, Named(key, key))


def session_view(s: PlannedSession, sc: Scenario, lang: str, tables: dict[str, dict[str, Named]]) -> SessionView:
    communities, departments, venues = tables["communities"], tables["departments"], tables["venues"]
    teachers = {i.id: (Named(d.id, d.name), Named(i.id, i.name)) for d in sc.departments for i in d.instructors}
    online = {v.id for v in sc.venues if v.online}
    pairs = {p.id: p for p in sc.pairs}
    offering = next((o for o in sc.offerings if o.id == s.offering), None)
    learners = pairs[offering.pair].attendees if offering and offering.pair in pairs else 0
    slots = [x.value for x in s.slots]
    start, end = clock_span(slots)
    dept_of, instructor = teachers.get(s.instructor, (None, _named({}, s.instructor)))
    key = time_key(slots)
    return SessionView(
        id=s.id,
        offering=s.offering,
        title=s.title,
        type=s.type.value,
        type_name=type_name(s.type.value, lang),
        mark=TYPE_MARKS[s.type.value],
        date=s.date,
        weekday=weekday_name(s.date, lang),
        time_key=key,
        time_name=slot_name(key, lang),
        start=start,
        end=end,
        venue=_named(venues, s.venue),
        online=s.venue in online,
        instructor=instructor,
        instructor_department=dept_of,
        host=_named(communities, s.host),
        departments=tuple(_named(departments, d) for d in s.departments),
        learners=learners,
        communities=tuple(Attendee(a.community, _named(communities, a.community).name, a.attendees) for a in s.attendance),
        headcount=s.headcount,
    )


def unmet_text(u: UnmetOrder, sc: Scenario, lang: str) -> str:
    """The unmet order's sentence in ``lang`` (plan.json keeps it in every language)."""
    return u.messages.get(lang, u.message)


def plan_view(plan: Plan, lang: str = "zh") -> PlanView:
    sc = plan.scenario.snapshot
    tables = {
        "communities": _lookup(sc.communities),
        "departments": _lookup(sc.departments),
        "venues": _lookup(sc.venues),
    }
    sessions = [session_view(s, sc, lang, tables) for s in plan.sessions]
    sessions.sort(key=lambda s: (s.date, s.start, s.id))
    views = {s.id: s for s in sessions}
    served = {oid: views[raw.id] for raw in plan.sessions for a in raw.attendance for oid in a.orders}
    unmet = {u.order: u for u in plan.unmet}
    offerings = {o.id: o for o in sc.offerings}
    outcomes = []
    for o in sc.orders:
        off = offerings.get(o.offering)
        ty = off.type.value if off else ""
        u = unmet.get(o.id)
        outcomes.append(
            OrderOutcome(
                order=o,
                community=_named(tables["communities"], o.community),
                offering_title=off.title if off else o.offering,
                type=ty,
                type_name=type_name(ty, lang) if ty else "",
                session=served.get(o.id),
                reason=u.reason if u else "",
                message=unmet_text(u, sc, lang) if u else "",
            )
        )
    cancelled = [session_view(s, sc, lang, tables) for s in plan.cancelled]
    return PlanView(plan, lang, sessions, outcomes, tables["communities"], tables["departments"], tables["venues"], cancelled)


# --------------------------------------------------------------------------- which plan a page shows


@dataclass(frozen=True)
class Stamp:
    """Which plan a page shows, printed on every page and sheet so that an old wall copy can
    be told from a new one: the store's version where it is known, else the plan's digest
    (the first 8 hex digits of the SHA-256 of its plan.json), and the day it was made."""

    version: int | None = None
    digest: str = ""
    made: dt.date | None = None


def plan_digest(plan: Plan) -> str:
    from scheduler.plan.planfile import plan_json

    return hashlib.sha256(plan_json(plan).encode("utf-8")).hexdigest()[:8]


def stamp_text(plan: Plan, stamp: Stamp, lang: str) -> str:
    """``平湖…计划 · 第3版 · 已证明最优 · 2026年12月2日制``."""
    version = t("r.stamp.version", lang, n=stamp.version) if stamp.version else t("r.stamp.digest", lang, digest=stamp.digest)
    s = plan.solver
    if s.status == "OPTIMAL":
        status = t("r.stamp.optimal", lang)
    elif s.method == "greedy":
        status = t("r.stamp.greedy", lang)
    else:
        status = t("r.stamp.feasible", lang, gap=f"{s.gap:.1%}")
    parts = [plan.scenario.snapshot.plan.name, version, status]
    if stamp.made:
        parts.append(t("r.stamp.made", lang, date=_long_day(stamp.made, lang)))
    return " · ".join(parts)


def _long_day(d: dt.date, lang: str) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%b} {d.year}"
