"""A neutral timetabling problem: events, resources, time units, demands and counts.

Nothing here knows about communities or departments. ``scheduler.domain.compile`` turns a
scenario into a ``Problem``; ``scheduler.core.solve`` solves any ``Problem`` with CP-SAT.
The same core can take other timetabling inputs (e.g. ITC-2007 course timetabling:
lectures are events, rooms a choice, teachers and curricula resources).

Time is a line of units: ``unit = day_index * units_per_day + part``, days counted
from the first calendar day (so gaps between days are calendar days). An event of
``length`` L started at unit t occupies units t .. t+L-1 of one day.
Unavailability and exclusions are by whole days.

Every restriction carries a *rule id* (any string the builder chooses) so that an
infeasible problem can be explained by naming the rules that clash.

Nothing in the core reads a tag, kind or rule id for its meaning: what greedy and the
models need beyond the rules (which groups of events to fill first, which count rule
counts every event) is data on the ``Problem`` (``group_order``, ``total_tags``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass
class Rule:
    """A human rule; ``labels`` (by language) are what explanations print."""

    id: str
    labels: dict[str, str]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True)
class WindowCap:
    """At most ``cap`` events using a resource start in each window of days: day ``d`` is in
    window ``window_of_day[d]`` (e.g. its calendar week; windows need not be months)."""

    window_of_day: tuple[int, ...]
    cap: int
    rule: str


@dataclass
class Resource:
    """Something that can be in one event at a time (a teacher, a room, a group)."""

    id: str
    label: str
    kind: str
    blocked: dict[str, frozenset[int]] = field(default_factory=dict)  # rule id -> day indices
    min_gap_days: int = 0  # two events using it start at least this many days apart
    gap_rule: str = ""
    period_cap: int | None = None  # at most this many events per period (month)
    cap_rule: str = ""
    overlap_rule: str = ""
    window_cap: WindowCap | None = None  # at most so many events in each window of days (e.g. a week)


@dataclass(frozen=True)
class WindowCount:
    """At most ``limit.cap`` running events carrying all of ``tags`` start in each window of
    days (``limit.window_of_day``), whatever resources they use: events counted here may
    overlap in time, so this is a count over windows, not a resource."""

    tags: tuple[str, ...]
    limit: WindowCap


@dataclass
class Option:
    """One candidate for a choice; ``needs_group`` requires that group to attend.

    ``blocked``: days this option may not be used for this event (rule id -> day indices),
    on top of its resource's own blocked days. ``counts_toward``: a resource whose period
    cap also counts the events that use this option (its time is not taken)."""

    resource: str
    capacity: int | None = None
    needs_group: str | None = None
    blocked: dict[str, frozenset[int]] = field(default_factory=dict)
    counts_toward: str | None = None

    def blocked_on(self, day: int) -> bool:
        return any(day in days for days in self.blocked.values())


@dataclass
class Choice:
    """Exactly one option is used when the event runs (e.g. which room)."""

    kind: str
    options: list[Option]


@dataclass
class Event:
    """A candidate event; optional events run only if the solver chooses so."""

    id: str
    family: str  # events of one family are interchangeable runs (symmetry broken)
    run: int
    length: int
    starts: list[int]  # units where it may start, before any rule exclusion
    excluded: dict[str, frozenset[int]] = field(default_factory=dict)  # rule id -> day indices
    tags: tuple[str, ...] = ()
    resources: list[str] = field(default_factory=list)  # always used when it runs
    choices: list[Choice] = field(default_factory=list)
    capacity: int = 1_000_000
    min_size: int = 1  # head-count needed to run
    fixed_size: int = 0  # head-count not coming from demands
    optional: bool = True


@dataclass
class Demand:
    """A request that one event may serve; ``group`` is who asked."""

    id: str
    group: str  # a resource id: the group attends, so it is busy then
    size: int
    weight: int
    events: list[str]  # events that may serve it
    preferred_periods: frozenset[int] = frozenset()
    required: bool = False  # must be served (a realisation of a chosen plan)


@dataclass
class CountRule:
    """Between ``min`` and ``max`` running events carry all of ``tags``."""

    tags: tuple[str, ...]
    min: int
    max: int
    min_rule: str
    max_rule: str


@dataclass
class Keep:
    """Where an event sat in the plan being repaired (re-planning).

    Changing its start or any chosen option costs ``weight``; each demand it served
    that ends up elsewhere (or nowhere) costs that demand's size. A ``frozen`` event
    must stay exactly as it was, serving exactly ``demands``.
    """

    event: str
    start: int
    options: dict[str, str]  # choice kind -> resource id
    demands: dict[str, int]  # demand id -> its size (also demands the new problem cannot serve)
    weight: int
    frozen: bool = False


@dataclass
class Problem:
    units_per_day: int
    days: int
    period_of_day: list[int]  # e.g. month of each day
    period_weight: dict[int, int]  # how much load each period should carry (e.g. working days)
    rules: dict[str, Rule]
    resources: dict[str, Resource]
    events: list[Event]
    demands: list[Demand]
    counts: list[CountRule]
    fairness_scale: int = 1000
    keeps: list[Keep] = field(default_factory=list)  # re-planning: the earlier plan's placements
    replanning: bool = False  # re-planning (stability levels), even when the earlier plan ran no event
    new_event_weight: int = 1  # re-planning: cost of running an event that has no keep
    demand_bound: int | None = None  # re-planning: a proven upper bound of the demand level, if known
    # re-planning: demands the scenario could serve, counted by fairness even when the
    # re-planning rules leave them no event (e.g. a cancelled session with no day left)
    in_scope: set[str] = field(default_factory=set)
    # tags of the count rules whose minimums greedy reaches first, in this order (a group:
    # the events carrying those tags); empty: every count rule, in declaration order
    group_order: list[tuple[str, ...]] = field(default_factory=list)
    # tags of the count rule that counts every event: its bounds are the total's (the
    # spread level's even split); None: no total rule
    total_tags: tuple[str, ...] | None = None
    # at most so many events (by tags) in each window of days, e.g. a day or a week
    window_counts: list[WindowCount] = field(default_factory=list)
    # the rhythm level's windows (e.g. calendar weeks): day ``d`` is in window
    # ``rhythm_window_of_day[d]``; each window should carry a load in proportion to its
    # weight (e.g. usable working days); empty: no window part in the rhythm level
    rhythm_window_of_day: tuple[int, ...] = ()
    rhythm_weight: dict[int, int] = field(default_factory=dict)
    # whether the rhythm level counts each pair of events that share a time unit (a day's
    # events spread over its parts); False for a problem whose events share time freely
    # wherever their resources differ (e.g. lectures in different rooms at one period)
    shared_units: bool = True

    @property
    def is_replan(self) -> bool:
        """Re-planning: the stability levels apply (an earlier plan with no event has
        no keeps, but is still repaired, not planned afresh)."""
        return bool(self.keeps) or self.replanning

    def event(self, event_id: str) -> Event:
        return self._by_id()[event_id]

    def _by_id(self) -> dict[str, Event]:
        if not hasattr(self, "_index"):
            self._index = {e.id: e for e in self.events}
        return self._index

    def invalidate(self) -> None:
        """Forget the cached index of events by id: call after changing ``events``."""
        self.__dict__.pop("_index", None)

    def total_range(self, events: list[Event]) -> tuple[int, int]:
        """Bounds of how many of these events run: the total count rule's
        (``total_tags``) when it counts every one of them, else 0 to all."""
        lo, hi = 0, len(events)
        tags = self.total_tags
        if tags is not None and all(set(tags) <= set(e.tags) for e in events):
            for c in self.counts:
                if c.tags == tags:
                    lo, hi = max(lo, c.min), min(hi, c.max)
        return lo, max(lo, hi)

    def level_maxima(self, names: list[str]) -> list[int]:
        """The most each objective level can be in any plan, with no solve: every demand
        met, every group fully served, every preference met, no deviation and no change
        (the bounds a plan found by no solve is measured against)."""
        most = {
            "demand": sum(d.weight for d in self.demands),
            "fairness": self.fairness_scale,
            "preferred": sum(1 for d in self.demands if d.preferred_periods),
        }
        return [most.get(n, 0) for n in names]

    def period_of_unit(self, unit: int) -> int:
        return self.period_of_day[unit // self.units_per_day]

    def allowed_starts(self, event: Event) -> list[int]:
        """Starts left once every exclusion and fixed resource's blocked day is applied."""
        banned: set[int] = set()
        for days in event.excluded.values():
            banned |= days
        for rid in event.resources:
            for days in self.resources[rid].blocked.values():
                banned |= days
        return [t for t in event.starts if t // self.units_per_day not in banned]

    def can_stay(self, keep: Keep) -> bool:
        """Could this keep's event sit exactly where it was, as far as days go?"""
        e = self._by_id().get(keep.event)
        if e is None or keep.start not in self.allowed_starts(e):
            return False
        day = keep.start // self.units_per_day
        options = {c.kind: {o.resource: o for o in c.options} for c in e.choices}
        for kind, rid in keep.options.items():
            opt = options.get(kind, {}).get(rid)
            if opt is None or opt.blocked_on(day) or any(day in days for days in self.resources[rid].blocked.values()):
                return False
        return set(keep.options) == set(options)

    def pinned(self) -> Problem:
        """The same problem with every keep that can stay pinned where it was (its
        attendance still free) and no event that has no keep: the plans whose
        ``changes`` cost is the least any plan can have."""
        pinned = {k.event: k for k in self.keeps if self.can_stay(k)}
        kept = {k.event for k in self.keeps}
        events = []
        for e in self.events:
            if e.id not in kept:
                continue
            k = pinned.get(e.id)
            if k is not None:
                choices = [Choice(c.kind, [o for o in c.options if o.resource == k.options[c.kind]]) for c in e.choices]
                e = replace(e, starts=[k.start], choices=choices, optional=False)
            events.append(e)
        ids = {e.id for e in events}
        demands = [replace(d, events=[x for x in d.events if x in ids]) for d in self.demands]
        return replace(self, events=events, demands=demands)

    def add_rule(self, rule_id: str, zh: str, en: str) -> str:
        self.rules.setdefault(rule_id, Rule(rule_id, {"zh": zh, "en": en}))
        return rule_id


@dataclass
class Assignment:
    """One running event in a solution."""

    event: str
    start: int
    options: dict[str, str]  # choice kind -> resource id
    demands: list[str]


# the objective's levels, most important first: a first solve's, and a re-plan's
LEVELS = ["demand", "fairness", "preferred", "spread", "rhythm"]
REPLAN_LEVELS = ["demand", "changes", "moved", "fairness", "preferred", "spread", "rhythm"]


def relative_gap(objective: float, bound: float) -> float:
    """How far ``objective`` is from ``bound``, relative to the objective (at least 1)."""
    return abs(bound - objective) / max(1.0, abs(objective))


@dataclass
class Explanation:
    """Why no plan exists (``scheduler.core.explain``)."""

    unreachable: list[str] = field(default_factory=list)  # rule ids of quotas that cannot be met
    relax: list[str] = field(default_factory=list)  # fewest other rules to relax to meet them
    proven: bool = True  # False when a step ran out of time (the sets are then not the fewest)
    reachable: dict[str, int] = field(default_factory=dict)  # quota rule id -> the most events it can count
    rechecked: bool = False  # every reported set was confirmed by a fresh solve


@dataclass
class Solution:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    assignments: list[Assignment]
    objective: list[int]
    bound: list[int]
    level_names: list[str]
    wall_time: float
    info: dict[str, object] = field(default_factory=dict)
