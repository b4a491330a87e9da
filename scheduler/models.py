"""The scenario a planner writes and the plan the engine returns, as pydantic models.

Only the *shape* of each record is checked here (types, ranges, required fields).
Rules that need the whole scenario at once (unknown ids, duplicates, dates outside
the year, contradictory quotas) live in ``scheduler.domain.checks`` so that every problem
is reported together.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    """Base for scenario records: unknown keys are an error (they are usually typos)."""

    model_config = ConfigDict(extra="forbid")


class SessionType(str, Enum):
    """The four kinds of capacity building (四类赋能)."""

    secretary = "secretary"  # 书记教书记
    peer = "peer"  # 同行学同行 (社区点单-部门送餐)
    community = "community"  # 社区帮社区
    department = "department"  # 部门带部门


class Slot(str, Enum):
    """Half-day parts of a working day, in time order."""

    morning = "morning"
    afternoon = "afternoon"
    evening = "evening"


SLOT_ORDER = [Slot.morning, Slot.afternoon, Slot.evening]


class Duration(str, Enum):
    half_day = "half_day"  # morning or afternoon
    full_day = "full_day"  # morning and afternoon of one day
    evening = "evening"  # evening only (e.g. 家门口的AI夜校)


class Format(str, Enum):
    offline = "offline"
    online = "online"
    hybrid = "hybrid"


class Tier(str, Enum):
    """Secretary tiers of the 头雁工程 chain, highest first."""

    street = "street"  # 街道党工委书记
    community = "community"  # 社区书记
    branch = "branch"  # 支部书记


TIER_RANK = {Tier.street: 3, Tier.community: 2, Tier.branch: 1}

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Month = Annotated[int, Field(ge=1, le=12)]
HEADS = 100_000  # no session, venue or community is larger: keeps numbers sane for the solver


class DateSpan(Strict):
    """A closed range of dates; a single date is written as a plain date."""

    start: dt.date = Field(description="first day, inclusive")
    end: dt.date = Field(description="last day, inclusive")
    reason: str = Field("", description="shown to planners, e.g. 外出学习")

    @model_validator(mode="before")
    @classmethod
    def _from_date(cls, value: Any) -> Any:
        if isinstance(value, (dt.date, str)):
            return {"start": value, "end": value}
        if isinstance(value, dict) and "end" not in value and "start" in value:
            return {**value, "end": value["start"]}
        return value

    def days(self) -> list[dt.date]:
        n = (self.end - self.start).days
        return [self.start + dt.timedelta(days=i) for i in range(n + 1)]


class Range(Strict):
    min: int = Field(0, ge=0, description="at least this many sessions")
    max: int = Field(1000, ge=0, description="at most this many sessions")


class Quotas(Strict):
    total: int = Field(ge=1, le=10_000, description="sessions in the year (exact unless total_min is set)")
    total_min: int | None = Field(None, ge=0, le=10_000, description="allow fewer sessions, down to this")
    secretary: Range = Field(default_factory=Range)
    peer: Range = Field(default_factory=Range)
    community: Range = Field(default_factory=Range)
    department: Range = Field(default_factory=Range)

    def for_type(self, t: SessionType) -> Range:
        return getattr(self, t.value)


class Blackout(Strict):
    start: dt.date
    end: dt.date
    reason: str = Field(min_length=1, description="why nothing may be held, e.g. 三防 typhoon season")
    types: list[SessionType] = Field(default_factory=list, description="only these types; empty = all")
    outdoor_only: bool = Field(False, description="only outdoor offerings (site visits)")


class HolidayOverrides(Strict):
    days_off: list[DateSpan] = Field(default_factory=list, description="extra days off (win over the library)")
    working_days: list[dt.date] = Field(
        default_factory=list, description="extra make-up working days 调休 (win over the library)"
    )


class Caps(Strict):
    community_per_month: int | None = Field(None, ge=1, description="sessions a community attends per month")
    department_per_month: int | None = Field(None, ge=1, description="sessions a department takes part in per month")
    community_min_gap_days: int = Field(0, ge=0, description="days between two sessions one community attends")
    venue_per_week: int | None = Field(None, ge=1, description="sessions one venue hosts in a calendar week (Monday to Sunday)")


class PlanSettings(Strict):
    name: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    start: dt.date = Field(description="first day that may hold a session")
    end: dt.date = Field(description="last day that may hold a session")
    sessions: Quotas
    slots: list[Slot] = Field(default_factory=lambda: [Slot.morning, Slot.afternoon])
    blackouts: list[Blackout] = Field(default_factory=list)
    holidays: HolidayOverrides = Field(default_factory=HolidayOverrides)
    caps: Caps = Field(default_factory=Caps)


class Community(Strict):
    id: Id
    name: str = Field(min_length=1)
    cadres: int = Field(ge=0, le=HEADS, description="cadre head-count")
    secretary: str = Field("", description="name of the community's party secretary")
    unavailable: list[DateSpan] = Field(default_factory=list)


class Instructor(Strict):
    id: Id
    name: str = Field(min_length=1)
    tier: Tier | None = Field(None, description="secretary tier, for 书记教书记 teachers")
    unavailable: list[DateSpan] = Field(default_factory=list)


class Department(Strict):
    id: Id
    name: str = Field(min_length=1)
    instructors: list[Instructor] = Field(default_factory=list)
    unavailable: list[DateSpan] = Field(default_factory=list)
    monthly_cap: int | None = Field(None, ge=1, description="overrides plan.caps.department_per_month")


class Venue(Strict):
    id: Id
    name: str = Field(min_length=1)
    capacity: int = Field(ge=1, le=HEADS)
    owner: str = Field("street", description="'street' or the id of the community that owns it")
    online: bool = False
    unavailable: list[DateSpan] = Field(default_factory=list)


class Offering(Strict):
    id: Id
    title: str = Field(min_length=1)
    type: SessionType
    department: str | None = Field(None, description="delivering department (peer)")
    host: str | None = Field(None, description="host community (community)")
    pair: str | None = Field(None, description="mentor/learner pair (department)")
    instructors: list[str] = Field(default_factory=list, description="allowed teachers; empty = all eligible")
    venues: list[str] = Field(default_factory=list, description="allowed venues; empty = all eligible")
    duration: Duration = Duration.half_day
    capacity: int = Field(ge=1, le=HEADS, description="most attendees in one session")
    min_attendees: int = Field(1, ge=1, le=HEADS, description="a session runs only with this many attendees")
    format: Format = Format.offline
    max_runs: int = Field(1, ge=1, le=50, description="how many sessions of it may run in the year")
    months: list[Month] = Field(default_factory=list, description="allowed months; empty = all")
    outdoor: bool = Field(False, description="outdoor site visit (hit by outdoor blackouts)")
    audience_tier: Tier = Field(Tier.community, description="secretary sessions: tier of the audience")


class Order(Strict):
    id: Id
    community: str
    offering: str
    attendees: int = Field(ge=1, le=HEADS)
    roles: list[str] = Field(default_factory=list, description="e.g. 网格员, 安全员, 两委委员")
    priority: int = Field(3, ge=1, le=5, description="5 = most wanted")
    preferred_months: list[Month] = Field(default_factory=list)


class Pair(Strict):
    id: Id
    mentor: str = Field(description="导师部门 department id")
    learner: str = Field(description="学员部门 department id")
    attendees: int = Field(ge=1, le=HEADS, description="learner staff attending")


class Scenario(Strict):
    """Everything the engine needs for one year's plan."""

    plan: PlanSettings
    communities: list[Community]
    departments: list[Department]
    venues: list[Venue]
    offerings: list[Offering]
    orders: list[Order] = Field(default_factory=list)
    pairs: list[Pair] = Field(default_factory=list)

    def instructors(self) -> dict[str, tuple[Department, Instructor]]:
        return {i.id: (d, i) for d in self.departments for i in d.instructors}


# --------------------------------------------------------------------------- changes


class ChangeKind(str, Enum):
    """What can happen to a published plan (stored as events)."""

    cancel = "cancel"  # a session is called off (e.g. 台风红色预警)
    unavailable = "unavailable"  # a department, instructor, venue or community is away for some days
    withdraw = "withdraw"  # a community takes back an order
    add_order = "add_order"  # a community orders one more course


class ResourceKind(str, Enum):
    department = "department"
    instructor = "instructor"
    venue = "venue"
    community = "community"


class Change(Strict):
    """One change to a published plan; which fields are set depends on ``kind``."""

    kind: ChangeKind
    reason: str = ""
    session: str | None = Field(None, description="cancel: the session id, e.g. S-2026-031")
    resource: ResourceKind | None = Field(None, description="unavailable: what is away")
    resource_id: str | None = Field(None, description="unavailable: its id")
    start: dt.date | None = Field(None, description="unavailable: first day away")
    end: dt.date | None = Field(None, description="unavailable: last day away")
    order: str | None = Field(None, description="withdraw: the order id")
    new_order: Order | None = Field(None, description="add_order: the order")


# What moving (or dropping) a session costs when re-planning, by how soon it was due:
# people have planned around next week's session, less so around one in three months.
# (days ahead of --today below the bound, cost); later than the last bound costs 1.
CHANGE_COST_STEPS = ((7, 8), (14, 4), (31, 3), (92, 2))
NEW_SESSION_COST = 1  # a session added by a re-plan: everyone concerned must be told too


def change_cost(old_date: dt.date, today: dt.date) -> int:
    ahead = (old_date - today).days
    return next((cost for bound, cost in CHANGE_COST_STEPS if ahead < bound), 1)


# --------------------------------------------------------------------------- plan


class Attendance(BaseModel):
    community: str
    attendees: int
    orders: list[str]


class PlannedSession(BaseModel):
    id: str = Field(description="stable id, quoted by planners to cancel, e.g. S-2026-031")
    offering: str
    title: str
    type: SessionType
    date: dt.date
    slots: list[Slot]
    venue: str
    instructor: str | None = Field(None, description="None for 社区帮社区: the host community teaches")
    host: str | None = None
    departments: list[str] = Field(default_factory=list)
    attendance: list[Attendance] = Field(default_factory=list)
    headcount: int = 0
    sequence: int = Field(0, description="iCalendar SEQUENCE: how often this session changed in re-plans")


class UnmetOrder(BaseModel):
    order: str
    community: str
    offering: str
    reason: str = Field(description="reason code")
    message: str = Field(description="one plain sentence, in the plan's language")
    messages: dict[str, str] = Field(default_factory=dict, description="the sentence in every language, by code")


class SolverInfo(BaseModel):
    status: str = Field(description="OPTIMAL when every level is proven, else FEASIBLE")
    levels: list[str] = Field(description="objective levels, most important first")
    objective: list[int] = Field(description="value of each level (all maximised)")
    bound: list[int] = Field(description="best bound the solver proved for each level")
    gap: float = Field(description="relative gap of the first level not proven optimal; 0 when optimal")
    seed: int
    workers: int = Field(description="solver threads that ran (at least 2 in deterministic mode)")
    deterministic: bool
    time_limit: float
    ortools: str
    time_seconds: float = Field(description="timing field: varies run to run")
    method: str = Field(
        "days",
        description="periods: a month plan, proven on the period model, then laid out on days; days: the day model",
    )


class ScenarioRef(BaseModel):
    path: str
    sha256: str
    snapshot: Scenario


class CancelledSession(PlannedSession):
    """A session of an earlier version that no longer runs; feeds keep it as CANCELLED."""

    reason: str = Field("", description="why it was dropped, in the planner's words when given")
    dropped_on: dt.date | None = Field(None, description="the re-plan's --today")


class ReplanInfo(BaseModel):
    """How a re-planned version came about (absent for a fresh solve)."""

    parent: int = Field(description="the store's version this plan repairs")
    today: dt.date = Field(description="sessions before this day never move")
    freeze_days: int = Field(0, description="nor those within this many days from today")
    changes: list[Change] = Field(default_factory=list, description="what happened since the parent")
    released: list[str] = Field(default_factory=list, description="frozen sessions a change hit, so free to move")
    demand_bound: int | None = Field(None, description="proven bound of the demand level carried along the history")


class Plan(BaseModel):
    engine: str
    scenario: ScenarioRef
    solver: SolverInfo
    sessions: list[PlannedSession]
    unmet: list[UnmetOrder]
    warnings: list[str] = Field(default_factory=list, description="warnings about the input, in English")
    warning_messages: list[dict[str, str]] = Field(
        default_factory=list, description="the same warnings in every language, by code (zh, en)"
    )
    cancelled: list[CancelledSession] = Field(default_factory=list, description="sessions dropped by re-plans")
    replan: ReplanInfo | None = None
