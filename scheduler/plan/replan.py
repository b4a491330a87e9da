"""Re-planning: repair a published plan after changes, moving as little as possible.

A re-plan starts from a *parent* plan and the changes recorded since (cancellations,
absences, withdrawn and new orders):

1. ``apply_changes`` folds the changes into the parent's scenario (absences start no
   earlier than ``today``: the past is past).
2. ``prepare`` compiles that scenario and ties each parent session to a candidate
   event (runs of an offering in date order), as a ``Keep``: sessions before
   ``today`` are frozen, and so are those before ``today + freeze_days`` unless a
   change hit them (they no longer fit as they were: *released*). Nothing new or
   moved may start before that cut-off, and a cancelled session may not come back
   on its cancelled day.
3. The solver's ``changes`` and ``moved`` levels (after ``demand``) make it keep as
   much as it can; then fairness, preferred months, month spread and, last, the rhythm
   (weeks and half-days), so a steadier week never costs a move; ``finish`` turns the solution into a plan that keeps session ids,
   bumps the iCalendar SEQUENCE of what changed and lists what was dropped.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from scheduler.core.greedy import GreedyState
from scheduler.core.problem import Demand, Event, Keep, Problem
from scheduler.domain.checks import check_scenario
from scheduler.domain.compile import Compiled, compile_scenario
from scheduler.domain.i18n import Message, every_language
from scheduler.domain.ids import PART, UNITS_PER_DAY, options_of, unit_of
from scheduler.domain.rules import add_rule
from scheduler.models import (
    NEW_SESSION_COST,
    CancelledSession,
    Change,
    ChangeKind,
    DateSpan,
    Plan,
    PlannedSession,
    ReplanInfo,
    ResourceKind,
    Scenario,
    SessionType,
    change_cost,
)
from scheduler.plan.diff import placement

REASON_DROPPED = {"zh": "调整后无可用时段，本场取消", "en": "no slot left after the changes: dropped"}


class ReplanError(ValueError):
    """A change that cannot be applied to this plan (unknown id, impossible dates, ...).

    ``problems`` are (record, field, message) triples, as in the input checks; a record
    or message may be an ``i18n.Message`` (``str()`` is its English text)."""

    def __init__(self, problems: list[tuple[str | Message, str, str | Message]]):
        super().__init__("; ".join(f"{r} {f}: {m}" for r, f, m in problems))
        self.problems = problems


# --------------------------------------------------------------------------- changes


def check_change(sc: Scenario, parent: Plan, ch: Change) -> list[tuple[str, Message]]:
    """Problems with one change against the plan it applies to, as (field, message)."""
    if ch.kind == ChangeKind.cancel:
        if not ch.session:
            return [("session", Message("c.which_session"))]
        if ch.session not in {s.id for s in parent.sessions}:
            return [("session", Message("c.no_session", session=ch.session))]
        return []
    if ch.kind == ChangeKind.unavailable:
        return _check_absence(sc, ch)
    if ch.kind == ChangeKind.withdraw:
        if ch.order not in {o.id for o in sc.orders}:
            return [("order", Message("c.no_order", order=ch.order))]
        return []
    return _check_new_order(sc, ch)


def _check_absence(sc: Scenario, ch: Change) -> list[tuple[str, Message]]:
    out: list[tuple[str, Message]] = []
    ids = {
        ResourceKind.department: {d.id for d in sc.departments},
        ResourceKind.instructor: {i for i in sc.instructors()},
        ResourceKind.venue: {v.id for v in sc.venues},
        ResourceKind.community: {c.id for c in sc.communities},
    }
    if ch.resource is None or not ch.resource_id:
        out.append(("resource", Message("c.no_resource")))
    elif ch.resource_id not in ids[ch.resource]:
        out.append((ch.resource.value, Message(f"c.unknown.{ch.resource.value}", id=ch.resource_id)))
    if ch.start is None or ch.end is None:
        out.append(("start", Message("c.no_days")))
    elif ch.start > ch.end:
        out.append(("end", Message("c.end_before", start=ch.start, end=ch.end)))
    elif ch.end < sc.plan.start or ch.start > sc.plan.end:
        out.append(("start", Message("c.outside", start=ch.start, end=ch.end, first=sc.plan.start, last=sc.plan.end)))
    return out


def _check_new_order(sc: Scenario, ch: Change) -> list[tuple[str, Message]]:
    """A new order: a free id, a known community and an offering communities may order."""
    o = ch.new_order
    if o is None:
        return [("order", Message("c.order_missing"))]
    out: list[tuple[str, Message]] = []
    if o.id in {x.id for x in sc.orders}:
        out.append(("id", Message("c.id_taken", id=o.id)))
    if o.community not in {c.id for c in sc.communities}:
        out.append(("community", Message("c.unknown.community", id=o.community)))
    offering = next((x for x in sc.offerings if x.id == o.offering), None)
    if offering is None:
        out.append(("offering", Message("c.unknown.offering", id=o.offering)))
    elif offering.type == SessionType.department:
        out.append(("offering", Message("c.department_offering", offering=o.offering)))
    return out


def check_order_is_new(sc: Scenario, ch: Change) -> list[tuple[str, Message]]:
    """A new order whose community already orders its offering in ``sc``: the scenario
    with every change before this one applied (a withdrawal may have made room)."""
    o = ch.new_order
    same = next((x for x in sc.orders if (x.community, x.offering) == (o.community, o.offering)), None)
    if same is None:
        return []
    return [("offering", Message("c.twice", community=o.community, offering=o.offering, order=same.id))]


def _check_changes(sc: Scenario, parent: Plan, changes: list[Change]) -> None:
    """Raise ``ReplanError`` naming each change (by its number) that cannot apply."""
    problems = [
        (Message("c.record", n=i + 1, kind=c.kind.value), f, m)
        for i, c in enumerate(changes)
        for f, m in check_change(sc, parent, c)
    ]
    if problems:
        raise ReplanError(problems)


def today_warnings(sc: Scenario, today: dt.date) -> list[Message]:
    """A warning when ``today`` lies outside the plan's window (a mistyped year, say)."""
    if today < sc.plan.start:
        return [Message("w.today_before", today=today, first=sc.plan.start)]
    if today > sc.plan.end:
        return [Message("w.today_after", today=today, last=sc.plan.end)]
    return []


def past_cancels(parent: Plan, changes: list[Change], today: dt.date) -> list[tuple[int, Message]]:
    """Cancellations of sessions dated before ``today``, as (index in ``changes``, why).

    ``schedule resolve`` refuses them: the planner would send notices about the past. The
    library itself still accepts one (a re-plan may record that a session did not happen)."""
    dates = {s.id: s.date for s in parent.sessions}
    return [
        (i, Message("c.past_cancel", session=c.session, date=dates[c.session], today=today))
        for i, c in enumerate(changes)
        if c.kind == ChangeKind.cancel and c.session in dates and dates[c.session] < today
    ]


def apply_changes(sc: Scenario, parent: Plan, changes: list[Change], today: dt.date) -> tuple[Scenario, list[Message]]:
    """The scenario after the changes, and warnings about changes that had no effect."""
    new = sc.model_copy(deep=True)
    warnings: list[Message] = []
    served_before = {oid: s for s in parent.sessions if s.date < today for a in s.attendance for oid in a.orders}
    cancelled = {c.session for c in changes if c.kind == ChangeKind.cancel}
    for ch in changes:
        if ch.kind == ChangeKind.unavailable:
            start = max(ch.start, today)
            if start > ch.end:
                kind, rid = ch.resource.value, ch.resource_id
                warnings.append(Message("w.absence_past", kind=kind, id=rid, start=ch.start, end=ch.end, today=today))
                continue
            span = DateSpan(start=start, end=ch.end, reason=ch.reason)
            _unavailable_list(new, ch.resource, ch.resource_id).append(span)
        elif ch.kind == ChangeKind.withdraw:
            s = served_before.get(ch.order)
            if s is not None and s.id not in cancelled:
                warnings.append(Message("w.withdraw_served", order=ch.order, date=s.date, session=s.id, today=today))
                continue
            new.orders = [o for o in new.orders if o.id != ch.order]
        elif ch.kind == ChangeKind.add_order:
            new.orders.append(ch.new_order)
    return new, warnings


def _unavailable_list(sc: Scenario, kind: ResourceKind, rid: str) -> list[DateSpan]:
    if kind == ResourceKind.department:
        return next(d for d in sc.departments if d.id == rid).unavailable
    if kind == ResourceKind.instructor:
        return next(i for d in sc.departments for i in d.instructors if i.id == rid).unavailable
    if kind == ResourceKind.venue:
        return next(v for v in sc.venues if v.id == rid).unavailable
    return next(c for c in sc.communities if c.id == rid).unavailable


# --------------------------------------------------------------------------- the repair problem


@dataclass
class Repair:
    """The re-planning problem and what is needed to read its solution back."""

    parent: Plan
    scenario: Scenario
    compiled: Compiled
    today: dt.date
    freeze_days: int
    changes: list[Change]
    session_of_event: dict[str, PlannedSession] = field(default_factory=dict)
    released: list[str] = field(default_factory=list)
    unplaced: list[PlannedSession] = field(default_factory=list)  # parent sessions with no run left
    warnings: list[Message] = field(default_factory=list)

    @property
    def cutoff(self) -> dt.date:
        return self.today + dt.timedelta(days=self.freeze_days)


def prepare(parent: Plan, changes: list[Change], today: dt.date, freeze_days: int = 0) -> Repair:
    """The repair problem of ``parent`` after ``changes`` (see the module docstring)."""
    base = parent.scenario.snapshot
    _check_changes(base, parent, changes)
    sc, warnings = apply_changes(base, parent, changes, today)
    found = check_scenario(sc)  # e.g. a new order for an offering communities cannot order
    if found:
        raise ReplanError([(Message("k.after_changes", record=r), f, m) for r, f, m in found])
    rep = Repair(parent, sc, compile_scenario(sc), today, freeze_days, changes, warnings=today_warnings(base, today) + warnings)
    ties = _Ties.of(rep)
    by_offering: dict[str, list[PlannedSession]] = {}
    for s in parent.sessions:
        by_offering.setdefault(s.offering, []).append(s)
    for off, sessions in sorted(by_offering.items()):
        _tie_offering(ties, off, sessions)
    _install(ties)
    return rep


@dataclass
class _Ties:
    """Tying the parent's sessions to the new problem's events: what it needs, the keeps
    made so far, and the events as the re-planning rules leave them."""

    rep: Repair
    day_index: dict[dt.date, int]
    cut: int  # first day index new or moved sessions may use
    cancelled: dict[str, Change]  # session id -> its cancellation
    size: dict[str, int]  # order id -> attendees
    demands: dict[str, Demand]
    runs: dict[str, list[Event]]  # offering id -> its candidate events
    events: dict[str, Event]  # event id -> the event under the re-planning rules
    state: GreedyState  # nothing placed: checks whether a session still fits as it was
    keeps: list[Keep] = field(default_factory=list)

    @classmethod
    def of(cls, rep: Repair) -> _Ties:
        p, days = rep.compiled.problem, rep.compiled.day_list
        events = {e.id: e for e in p.events}
        p.in_scope = {d.id for d in p.demands if any(p.allowed_starts(events[x]) for x in d.events)}
        runs: dict[str, list[Event]] = {}
        for e in p.events:
            runs.setdefault(e.family, []).append(e)
        return cls(
            rep,
            day_index={d: i for i, d in enumerate(days)},
            cut=bisect.bisect_left(days, rep.cutoff),
            cancelled={c.session: c for c in rep.changes if c.kind == ChangeKind.cancel},
            size={o.id: o.attendees for o in rep.scenario.orders},
            demands={d.id: d for d in p.demands},
            runs=runs,
            events=events,
            state=GreedyState(p),
        )

    @property
    def problem(self) -> Problem:
        return self.rep.compiled.problem

    def after_cut(self, starts: list[int]) -> list[int]:
        return [t for t in starts if t // UNITS_PER_DAY >= self.cut]

    def attendance(self, s: PlannedSession) -> dict[str, int]:
        """The session's orders still in the scenario, with their sizes."""
        return {oid: self.size[oid] for a in s.attendance for oid in a.orders if oid in self.size}

    def cancel_rule(self, s: PlannedSession) -> str:
        return add_rule(self.problem, "replan.cancelled_day", s.id, session=s.id, date=s.date)


def _tie_offering(ties: _Ties, off: str, sessions: list[PlannedSession]) -> None:
    """Tie the offering's sessions, in date order, to its runs; a session with no run
    left (its orders were withdrawn) still costs its dropping."""
    sessions.sort(key=lambda s: (s.date, PART[s.slots[0]], s.id))
    free_runs = sorted(ties.runs.get(off, []), key=lambda e: e.run)
    for s, e in zip(sessions, free_runs):
        ties.rep.session_of_event[e.id] = s
        ties.keeps.append(_tie(ties, s, e))
    for s in sessions[len(free_runs) :]:
        if s.date < ties.rep.today and s.id not in ties.cancelled:
            raise ReplanError([(s.id, "offering", f"held on {s.date}, but {off} has no run left for it")])
        ties.rep.unplaced.append(s)
        weight = change_cost(s.date, ties.rep.today)
        ties.keeps.append(Keep(event=f"unplaced:{s.id}", start=-1, options={}, demands=ties.attendance(s), weight=weight))


def _tie(ties: _Ties, s: PlannedSession, e: Event) -> Keep:
    """The keep of session ``s`` on event ``e``; a cancelled session may not come back on
    its day, and one before the cut-off is frozen if it still fits, else released."""
    rep = ties.rep
    options = options_of(s.venue, s.instructor)
    start = unit_of(ties.day_index[s.date], s.slots[0])
    keep = Keep(event=e.id, start=start, options=options, demands=ties.attendance(s), weight=change_cost(s.date, rep.today))
    if s.id in ties.cancelled:
        excluded = {**e.excluded, ties.cancel_rule(s): frozenset({ties.day_index[s.date]})}
        ties.events[e.id] = dataclasses.replace(e, starts=ties.after_cut(e.starts), excluded=excluded)
    elif s.date < rep.cutoff:
        fits = all(d in ties.demands for d in keep.demands) and ties.state.fits_as_before(e, keep, ties.demands) is not None
        if fits:
            keep.frozen = True
            ties.events[e.id] = dataclasses.replace(e, starts=[keep.start], optional=False)
        elif s.date < rep.today:
            raise ReplanError([(s.id, "date", f"held on {s.date} before {rep.today}, but no longer fits the rules")])
        else:
            rep.released.append(s.id)
            ties.events[e.id] = dataclasses.replace(e, starts=sorted({keep.start, *ties.after_cut(e.starts)}))
    return keep


def _install(ties: _Ties) -> None:
    """Put the keeps and the re-planning rules into the problem: cancelled days closed,
    nothing new or moved before the cut-off."""
    p, rep = ties.problem, ties.rep
    _clear_cancelled_days(ties, {k.event for k in ties.keeps if k.frozen})
    for eid, e in list(ties.events.items()):
        if eid not in rep.session_of_event or rep.session_of_event[eid].date >= rep.cutoff:
            ties.events[eid] = dataclasses.replace(e, starts=ties.after_cut(e.starts))
    p.events = [ties.events[e.id] for e in p.events]
    p.invalidate()
    p.keeps = ties.keeps
    p.replanning = True
    p.new_event_weight = NEW_SESSION_COST
    p.demand_bound = demand_bound(rep.parent, rep.changes)


def _clear_cancelled_days(ties: _Ties, frozen: set[str]) -> None:
    """A cancelled session's day is lost to its offering: no run of it is re-placed or
    added on that day (what cancelled the morning, a typhoon say, closes the afternoon
    too). Runs held exactly as before keep their place. ``validate_replan`` restates it."""
    for s in ties.rep.parent.sessions:
        if s.id not in ties.cancelled or s.date not in ties.day_index:
            continue
        rule = ties.cancel_rule(s)
        for e in ties.runs.get(s.offering, []):
            if e.id not in frozen:
                cur = ties.events[e.id]
                ties.events[e.id] = dataclasses.replace(cur, excluded={**cur.excluded, rule: frozenset({ties.day_index[s.date]})})


def demand_bound(parent: Plan, changes: list[Change]) -> int | None:
    """A proven upper bound of the demand any re-plan can meet, when one is known.

    Changes only take possibilities away (a cancelled day, an absence, a withdrawn
    order), so every re-plan is also a valid plan of the first scenario in this
    history, and that solve proved a bound of its demand. A new order breaks this."""
    if any(c.kind == ChangeKind.add_order for c in changes):
        return None
    if parent.replan is not None:
        return parent.replan.demand_bound
    info = parent.solver
    if info.levels and info.levels[0] == "demand" and info.bound:
        return info.bound[0]
    return None


def finish(rep: Repair, plan: Plan, parent_version: int, lang: str = "zh") -> Plan:
    """Give the solved plan the parent's history: SEQUENCE, dropped sessions, re-plan facts."""
    before = {s.id: s for s in rep.parent.sessions}
    reasons = {c.session: c.reason for c in rep.changes if c.kind == ChangeKind.cancel}
    for s in plan.sessions:
        old = before.get(s.id)
        if old is not None:
            changed = placement(old) != placement(s) or old.attendance != s.attendance
            s.sequence = old.sequence + (1 if changed else 0)
    now = {s.id for s in plan.sessions}
    dropped = [
        CancelledSession(
            **{**old.model_dump(), "sequence": old.sequence + 1},
            reason=reasons.get(old.id) or REASON_DROPPED[lang],
            dropped_on=rep.today,
        )
        for old in rep.parent.sessions
        if old.id not in now
    ]
    plan.cancelled = list(rep.parent.cancelled) + dropped
    plan.replan = ReplanInfo(
        parent=parent_version,
        today=rep.today,
        freeze_days=rep.freeze_days,
        changes=list(rep.changes),
        released=sorted(rep.released),
        demand_bound=rep.compiled.problem.demand_bound,
    )
    plan.warnings = list(plan.warnings) + [str(w) for w in rep.warnings]
    plan.warning_messages = list(plan.warning_messages) + [every_language(w) for w in rep.warnings]
    return plan


def event_ids(rep: Repair) -> dict[str, str]:
    """Session id of each event that sat in the parent plan."""
    return {eid: s.id for eid, s in rep.session_of_event.items()}


def last_number(parent: Plan) -> int:
    """The highest session number ever used in this plan's history."""
    ids = [s.id for s in parent.sessions] + [s.id for s in parent.cancelled]
    return max((int(x.rsplit("-", 1)[1]) for x in ids), default=0)
