"""What changed between two plan versions, and who must be told.

Sessions are matched by id (re-plans keep ids). ``diff_plans`` lists moved sessions
(date, time, venue or instructor changed), added and dropped sessions, and sessions
whose attendance changed in place. ``notices`` turns that into a short notice for
each community, department and venue concerned, in Chinese or English.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.domain.i18n import slot_name, t, weekday_name
from scheduler.models import ChangeKind, Plan, PlannedSession, ResourceKind, Scenario


def placement(s: PlannedSession) -> tuple:
    """Where and when a session is held, and who teaches: what a move changes."""
    return (s.date, tuple(x.value for x in s.slots), s.venue, s.instructor)


def visible(s: PlannedSession) -> tuple:
    """Everything about a session that a phone calendar shows."""
    return (*placement(s), s.title, tuple((a.community, a.attendees) for a in s.attendance))


def communities(s: PlannedSession) -> dict[str, int]:
    return {a.community: a.attendees for a in s.attendance}


@dataclass
class PlanDiff:
    old: Plan
    new: Plan
    moved: list[tuple[PlannedSession, PlannedSession]] = field(default_factory=list)
    added: list[PlannedSession] = field(default_factory=list)
    dropped: list[PlannedSession] = field(default_factory=list)
    regrouped: list[tuple[PlannedSession, PlannedSession]] = field(default_factory=list)  # attendance only

    @property
    def empty(self) -> bool:
        return not (self.moved or self.added or self.dropped or self.regrouped)

    def reason(self, old: PlannedSession) -> str:
        """The planner's reason when a change hit this session: its cancellation, or an
        absence of its department, instructor, venue or a community on its day."""
        info = self.new.replan
        if info is None:
            return ""
        sc = self.old.scenario.snapshot
        dept_of = {i.id: d.id for d in sc.departments for i in d.instructors}
        involved = {
            ResourceKind.department: set(old.departments) | ({dept_of[old.instructor]} if old.instructor in dept_of else set()),
            ResourceKind.instructor: {old.instructor} if old.instructor else set(),
            ResourceKind.venue: {old.venue},
            ResourceKind.community: set(communities(old)) | ({old.host} if old.host else set()),
        }
        for c in info.changes:
            if c.kind == ChangeKind.cancel and c.session == old.id:
                return c.reason
            if c.kind == ChangeKind.unavailable and c.resource_id in involved[c.resource] and c.start <= old.date <= c.end:
                return c.reason
        return ""


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    d = PlanDiff(old, new)
    before = {s.id: s for s in old.sessions}
    after = {s.id: s for s in new.sessions}
    for s in new.sessions:
        o = before.get(s.id)
        if o is None:
            d.added.append(s)
        elif placement(o) != placement(s):
            d.moved.append((o, s))
        elif communities(o) != communities(s):
            d.regrouped.append((o, s))
    d.dropped = [s for s in old.sessions if s.id not in after]
    return d


# --------------------------------------------------------------------------- notices


@dataclass
class Notice:
    kind: str  # community, department or venue
    id: str
    name: str
    lines: list[str]


class _Words:
    def __init__(self, sc: Scenario, lang: str):
        self.lang = lang
        self.venues = {v.id: v.name for v in sc.venues}
        self.people = {i.id: i.name for d in sc.departments for i in d.instructors}
        self.dept_of = {i.id: d.id for d in sc.departments for i in d.instructors}

    def when(self, s: PlannedSession) -> str:
        part = "full_day" if len(s.slots) > 1 else s.slots[0].value
        wd = weekday_name(s.date, self.lang)
        if self.lang == "zh":
            return f"{s.date.month}月{s.date.day}日（{wd}）{slot_name(part, self.lang)}"
        return f"{wd} {s.date.isoformat()} {slot_name(part, self.lang)}"

    def where(self, s: PlannedSession) -> str:
        return self.venues.get(s.venue, s.venue)

    def who(self, s: PlannedSession) -> str:
        return self.people.get(s.instructor, s.instructor) if s.instructor else t("n.host_teaches", self.lang)

    def session(self, s: PlannedSession) -> str:
        return t("n.session", self.lang, title=s.title, id=s.id)

    def departments(self, s: PlannedSession) -> set[str]:
        out = set(s.departments)
        if s.instructor in self.dept_of:
            out.add(self.dept_of[s.instructor])
        return out


_Tell = Callable[[str, str | None, str], None]  # (kind, id, line): add a line to that notice


def notices(d: PlanDiff, lang: str = "zh") -> list[Notice]:
    """One notice per community, department and venue the changes touch, in that order."""
    sc = d.new.scenario.snapshot
    w = _Words(sc, lang)
    lines: dict[tuple[str, str], list[str]] = defaultdict(list)

    def tell(kind: str, rid: str | None, text: str) -> None:
        """Add a line to a notice; a line two changes would both give is said once."""
        if rid and text not in lines[kind, rid]:
            lines[kind, rid].append(text)

    for o, n in d.moved:
        _tell_moved(d, w, tell, o, n)
    for n in d.added:
        text = t("n.added", lang, s=w.session(n), when=w.when(n), where=w.where(n), who=w.who(n))
        _tell_everyone(w, tell, n, text, t("n.venue_booked", lang, s=w.session(n), when=w.when(n)))
    for o in d.dropped:
        reason = d.reason(o) or t("n.no_slot", lang)
        text = t("n.dropped", lang, s=w.session(o), when=w.when(o), reason=reason)
        _tell_everyone(w, tell, o, text, t("n.venue_freed", lang, s=w.session(o), when=w.when(o)))
    for o, n in d.regrouped:
        _tell_regrouped(w, tell, o, n)
    unmet_before = {u.order for u in d.old.unmet}
    for u in d.new.unmet:
        if u.order not in unmet_before and u.order in {o.id for o in sc.orders}:
            tell("community", u.community, t("n.unmet", lang, order=u.order, message=u.message))
    return _gathered(sc, lines)


def _tell_moved(d: PlanDiff, w: _Words, tell: _Tell, o: PlannedSession, n: PlannedSession) -> None:
    """A moved session: who stays learns the new time, place, teacher and why; who joins or
    leaves learns only that; both venues learn what they gained or lost."""
    lang = w.lang
    text = t("n.moved", lang, s=w.session(n), old=f"{w.when(o)} {w.where(o)}", new=f"{w.when(n)} {w.where(n)}")
    if o.instructor != n.instructor:
        text += t("n.teacher", lang, old=w.who(o), new=w.who(n))
    reason = d.reason(o)
    if reason:
        text += t("n.reason", lang, reason=reason)
    for c in sorted(set(communities(o)) | set(communities(n)) | {o.host, n.host} - {None}):
        if c in communities(o) and c not in communities(n):
            tell("community", c, _left(w, o))
        elif c not in communities(o) and c in communities(n) and c != n.host:
            tell("community", c, _joined(w, n, communities(n)[c]))
        else:
            tell("community", c, text)
    for dep in sorted(w.departments(o) | w.departments(n)):
        tell("department", dep, text)
    if o.venue != n.venue or o.date != n.date or o.slots != n.slots:
        tell("venue", o.venue, t("n.venue_freed", lang, s=w.session(o), when=w.when(o)))
        tell("venue", n.venue, t("n.venue_booked", lang, s=w.session(n), when=w.when(n)))


def _tell_everyone(w: _Words, tell: _Tell, s: PlannedSession, text: str, venue_text: str) -> None:
    """An added or dropped session: its communities (host included) and departments get
    ``text``, its venue ``venue_text``."""
    for c in sorted(set(communities(s)) | ({s.host} if s.host else set())):
        tell("community", c, text)
    for dep in sorted(w.departments(s)):
        tell("department", dep, text)
    tell("venue", s.venue, venue_text)


def _tell_regrouped(w: _Words, tell: _Tell, o: PlannedSession, n: PlannedSession) -> None:
    """A session whose attendance alone changed: only the communities whose part changed hear."""
    before, after = communities(o), communities(n)
    for c in sorted(set(before) | set(after)):
        if c not in after:
            tell("community", c, _left(w, o))
        elif c not in before:
            tell("community", c, _joined(w, n, after[c]))
        elif before[c] != after[c]:
            tell("community", c, t("n.count", w.lang, s=w.session(n), when=w.when(n), old=before[c], new=after[c]))


def _left(w: _Words, o: PlannedSession) -> str:
    """A community is no longer in this session."""
    return t("n.left", w.lang, s=w.session(o), when=w.when(o))


def _joined(w: _Words, n: PlannedSession, attendees: int) -> str:
    """A community now attends this session, with this many people."""
    return t("n.joined", w.lang, s=w.session(n), when=w.when(n), where=w.where(n), n=attendees)


def _gathered(sc: Scenario, lines: dict[tuple[str, str], list[str]]) -> list[Notice]:
    """The notices by kind (communities, departments, venues), each kind by id, with names."""
    names = {
        "community": {c.id: c.name for c in sc.communities},
        "department": {x.id: x.name for x in sc.departments},
        "venue": {v.id: v.name for v in sc.venues},
    }
    out = []
    for kind in ("community", "department", "venue"):
        for rid in sorted(r for k, r in lines if k == kind):
            out.append(Notice(kind, rid, names[kind].get(rid, rid), lines[kind, rid]))
    return out


def diff_lines(d: PlanDiff, lang: str = "zh") -> list[str]:
    """The diff as plain lines for the terminal."""
    sc = d.new.scenario.snapshot
    w = _Words(sc, lang)
    out = [t("d.title", lang, moved=len(d.moved), added=len(d.added), dropped=len(d.dropped), regrouped=len(d.regrouped))]
    for o, n in d.moved:
        extra = f"; {w.who(o)} → {w.who(n)}" if o.instructor != n.instructor else ""
        why = f" ({d.reason(o)})" if d.reason(o) else ""
        out.append(f"  ~ {n.id} {n.title}: {w.when(o)} {w.where(o)} → {w.when(n)} {w.where(n)}{extra}{why}")
    for n in d.added:
        out.append(f"  + {n.id} {n.title}: {w.when(n)} {w.where(n)}")
    for o in d.dropped:
        reason = d.reason(o) or t("n.no_slot", lang)
        out.append(f"  - {o.id} {o.title}: {w.when(o)} {w.where(o)} ({reason})")
    for o, n in d.regrouped:
        out.append(f"  = {n.id} {n.title}: {t('d.attendance', lang)} {_people(o)} → {_people(n)}")
    if d.empty:
        out.append("  " + t("none", lang))
    return out


def _people(s: PlannedSession) -> str:
    return ", ".join(f"{c} {n}" for c, n in communities(s).items()) or "-"


def notice_lines(items: list[Notice], lang: str = "zh") -> list[str]:
    out = []
    for n in items:
        out.append(t("n.to", lang, kind=t("n.kind." + n.kind, lang), name=n.name))
        out += [f"  · {line}" for line in n.lines]
    return out
