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

    start: dt.date = Field(description="首日（含） / first day, inclusive")
    end: dt.date = Field(description="末日（含）；不写则与首日相同 / last day, inclusive; the first day when left out")
    reason: str = Field("", description="原因，计划员可见，如 外出学习 / reason shown to planners, e.g. 外出学习")

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
    min: int = Field(0, ge=0, description="至少场次 / at least this many sessions")
    max: int = Field(1000, ge=0, description="至多场次 / at most this many sessions")


class Quotas(Strict):
    total: int = Field(
        ge=1,
        le=10_000,
        description="全年场次数（未设 total_min 时须恰好排满） / sessions in the year (exact unless total_min is set)",
    )
    total_min: int | None = Field(None, ge=0, le=10_000, description="允许少排，最少场次 / allow fewer sessions, down to this")
    secretary: Range = Field(
        default_factory=Range, description="“书记教书记”场次的下限与上限 / min and max of secretary sessions"
    )
    peer: Range = Field(default_factory=Range, description="“同行学同行”场次的下限与上限 / min and max of peer sessions")
    community: Range = Field(
        default_factory=Range, description="“社区帮社区”场次的下限与上限 / min and max of community sessions"
    )
    department: Range = Field(
        default_factory=Range, description="“部门带部门”场次的下限与上限 / min and max of department sessions"
    )

    def for_type(self, t: SessionType) -> Range:
        return getattr(self, t.value)


class Blackout(Strict):
    start: dt.date = Field(description="停办首日（含） / first day of the blackout, inclusive")
    end: dt.date = Field(description="停办末日（含） / last day of the blackout, inclusive")
    reason: str = Field(
        min_length=1, description="停办原因，如 三防（台风季） / why nothing may be held, e.g. 三防 typhoon season"
    )
    types: list[SessionType] = Field(
        default_factory=list, description="只停这些类型；留空则全部停办 / only these types; empty = all"
    )
    outdoor_only: bool = Field(
        False,
        description="只停户外课程和户外场地的场次 / only outdoor offerings (site visits) and sessions at outdoor venues",
    )


class HolidayOverrides(Strict):
    days_off: list[DateSpan] = Field(
        default_factory=list, description="额外的休息日（优先于节假日库） / extra days off (win over the library)"
    )
    working_days: list[dt.date] = Field(
        default_factory=list,
        description="额外的调休上班日（优先于节假日库） / extra make-up working days 调休 (win over the library)",
    )


class Caps(Strict):
    community_per_month: int | None = Field(
        None, ge=1, description="每个社区每月最多参加场次 / sessions a community attends per month, at most"
    )
    department_per_month: int | None = Field(
        None, ge=1, description="每个部门每月最多参与场次 / sessions a department takes part in per month, at most"
    )
    community_min_gap_days: int = Field(
        0, ge=0, description="同一社区两场之间至少相隔天数 / days between two sessions one community attends, at least"
    )
    venue_per_week: int | None = Field(
        None,
        ge=1,
        description="每个场地每周（周一至周日）最多场次 / sessions a venue hosts in a week (Monday to Sunday), at most",
    )
    street_per_day: int = Field(2, ge=1, description="全街道每天最多场次 / sessions on one day across the street, at most")
    street_per_week: int | None = Field(
        None,
        ge=1,
        description="全街道每周（周一至周日）最多场次 / sessions in a calendar week (Monday to Sunday), street-wide, at most",
    )


class PlanSettings(Strict):
    name: str = Field(
        min_length=1, description="计划名称；日历发出后请勿再改 / plan name; keep it fixed once calendar feeds are out"
    )
    year: int = Field(ge=2000, le=2100, description="计划年度 / the plan's year")
    start: dt.date = Field(description="最早可安排场次的日期 / first day that may hold a session")
    end: dt.date = Field(description="最晚可安排场次的日期 / last day that may hold a session")
    sessions: Quotas = Field(
        description="场次数量：全年总数及各类下限与上限 / how many sessions: the year's total and per-type min/max"
    )
    slots: list[Slot] = Field(
        default_factory=lambda: [Slot.morning, Slot.afternoon], description="开放的时段 / half-day slots open for sessions"
    )
    blackouts: list[Blackout] = Field(
        default_factory=list, description="停办期：不安排场次的时间段 / blackouts: periods without sessions"
    )
    holidays: HolidayOverrides = Field(
        default_factory=HolidayOverrides,
        description="节假日调整（补充节假日库） / holiday overrides on top of the holiday library",
    )
    caps: Caps = Field(default_factory=Caps, description="场次上限与间隔要求 / caps and spacing of sessions")


class Community(Strict):
    id: Id = Field(description="社区编号（字母、数字、_ . -），供其他记录引用 / community id (letters, digits, _ . -)")
    name: str = Field(min_length=1, description="社区名称，如 山厦社区 / community name")
    cadres: int = Field(ge=0, le=HEADS, description="干部人数 / cadre head-count")
    secretary: str = Field("", description="社区党委书记姓名 / name of the community's party secretary")
    unavailable: list[DateSpan] = Field(
        default_factory=list, description="社区不能参加的日期 / dates the community cannot attend"
    )


class Instructor(Strict):
    id: Id = Field(description="教员编号 / instructor id")
    name: str = Field(min_length=1, description="教员姓名 / instructor's name")
    tier: Tier | None = Field(None, description="书记层级，“书记教书记”的授课人须填 / secretary tier, for 书记教书记 teachers")
    unavailable: list[DateSpan] = Field(
        default_factory=list, description="教员不能授课的日期 / dates the instructor cannot teach"
    )


class Department(Strict):
    id: Id = Field(description="部门编号 / department id")
    name: str = Field(min_length=1, description="部门名称，如 应急管理办 / department name")
    instructors: list[Instructor] = Field(default_factory=list, description="本部门的教员 / the department's instructors")
    unavailable: list[DateSpan] = Field(default_factory=list, description="部门不能送课的日期 / dates the department is away")
    monthly_cap: int | None = Field(
        None,
        ge=1,
        description="本部门每月最多场次，优先于 plan.caps.department_per_month / overrides plan.caps.department_per_month",
    )


class Venue(Strict):
    id: Id = Field(description="场地编号 / venue id")
    name: str = Field(min_length=1, description="场地名称 / venue name")
    capacity: int = Field(ge=1, le=HEADS, description="最多容纳人数 / most people it holds")
    owner: str = Field(
        "street", description="归属：street（街道）或所属社区编号 / 'street' or the id of the community that owns it"
    )
    online: bool = Field(False, description="线上场地（如直播间） / an online room (e.g. a live-stream studio)")
    outdoor: bool = Field(
        False, description="户外场地：户外停办期内不安排 / open-air site: every session there stops in outdoor_only blackouts"
    )
    unavailable: list[DateSpan] = Field(default_factory=list, description="场地不可用的日期 / dates the venue cannot be used")


class Offering(Strict):
    id: Id = Field(description="课程编号 / offering id")
    title: str = Field(min_length=1, description="课程名称 / course title")
    type: SessionType = Field(description="赋能类型（四类赋能） / kind of session")
    department: str | None = Field(None, description="送课部门编号（同行学同行） / delivering department (peer)")
    host: str | None = Field(None, description="承办社区编号（社区帮社区） / host community (community)")
    pair: str | None = Field(None, description="结对编号（部门带部门） / mentor/learner pair (department)")
    instructors: list[str] = Field(
        default_factory=list, description="可授课的教员编号；留空则所有合格教员 / allowed teachers; empty = all eligible"
    )
    venues: list[str] = Field(
        default_factory=list, description="可用的场地编号；留空则所有合适场地 / allowed venues; empty = all eligible"
    )
    duration: Duration = Field(Duration.half_day, description="时长 / length of a session")
    capacity: int = Field(ge=1, le=HEADS, description="单场最多人数 / most attendees in one session")
    min_attendees: int = Field(
        1, ge=1, le=HEADS, description="单场最少人数，不足不开班 / a session runs only with this many attendees"
    )
    format: Format = Field(Format.offline, description="形式：线下、线上或线上线下结合 / offline, online or hybrid")
    max_runs: int = Field(1, ge=1, le=50, description="全年最多开班场数 / how many sessions of it may run in the year")
    months: list[Month] = Field(
        default_factory=list, description="允许举办的月份（1–12）；留空则全年 / allowed months (1–12); empty = all"
    )
    outdoor: bool = Field(False, description="户外现场观摩（户外停办期内不安排） / outdoor site visit (hit by outdoor blackouts)")
    audience_tier: Tier = Field(
        Tier.community, description="“书记教书记”学员的书记层级 / secretary sessions: tier of the audience"
    )


class Order(Strict):
    id: Id = Field(description="点单编号 / order id")
    community: str = Field(description="点单社区编号 / id of the ordering community")
    offering: str = Field(description="所点课程编号 / id of the offering ordered")
    attendees: int = Field(ge=1, le=HEADS, description="参加人数 / attendees")
    roles: list[str] = Field(
        default_factory=list,
        description="参加人员岗位，如 网格员、安全员、两委委员 / roles of the attendees, e.g. 网格员, 安全员, 两委委员",
    )
    priority: int = Field(3, ge=1, le=5, description="优先级，1–5（5最高） / priority, 1–5 (5 = most wanted)")
    preferred_months: list[Month] = Field(default_factory=list, description="意向月份（1–12） / preferred months (1–12)")


class Pair(Strict):
    id: Id = Field(description="结对编号 / pair id")
    mentor: str = Field(description="导师部门编号 / mentor department id")
    learner: str = Field(description="学员部门编号 / learner department id")
    attendees: int = Field(ge=1, le=HEADS, description="学员部门参加人数 / learner staff attending")


class Scenario(Strict):
    """Everything the engine needs for one year's plan."""

    plan: PlanSettings = Field(
        description="计划设置：年度、日期、场次、时段、停办期、节假日、上限 / plan settings: dates, quotas, slots, caps"
    )
    communities: list[Community] = Field(description="社区 / communities")
    departments: list[Department] = Field(description="部门及其教员 / departments and their instructors")
    venues: list[Venue] = Field(description="场地 / venues")
    offerings: list[Offering] = Field(description="课程菜单 / the menu of offerings")
    orders: list[Order] = Field(default_factory=list, description="点单：社区所点的课程 / orders: what communities ask for")
    pairs: list[Pair] = Field(default_factory=list, description="部门带部门的结对 / mentor and learner department pairs")

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
    tier: int = Field(
        0,
        ge=0,
        le=3,
        description="1 never possible, 2 possible but not in this plan, 3 not verified in time (0: written before tiers)",
    )
    rules: list[str] = Field(
        default_factory=list, description="registry ids of the rules named: those that close it, or the fewest to relax"
    )
    displaced: list[str] = Field(default_factory=list, description="orders of this plan that meeting it would drop")
    whatif: str = Field("", description="how it was established: static (before solving) or the what-if's status")
    least: bool = Field(False, description="the orders dropped (or rules relaxed) are proven the least any plan needs")


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
        description="periods: a month plan, proven on the period model, then laid out on days; "
        "near: a month plan that could not be laid out as it is, laid out with its sessions near their months "
        "(bounds from the period model); days: the day model; "
        "greedy: no solve found a plan in the time limit, the greedy first plan (every hard rule kept, not optimised)",
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
