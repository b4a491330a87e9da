"""The rule registry: every hard rule declared once.

A ``Rule`` gives a stable id (a *family*, e.g. ``cap.community_per_month``), its label
in Chinese and English (templates: what explanations and unmet reasons print), the
scenario fields it reads, and references to its parts:

- ``compile``: where the engine makes it hold, as ``module:qualified.name``: a compile
  step that turns it into the neutral problem's rules, or the plan writer for a field
  the engine copies from the scenario;
- ``check``: the independent validator's check (``scheduler.plan.validate``), which
  shares only this declaration, never the solver's code;
- ``unmet``: the reason codes decided before solving (``scheduler.domain.i18n.UNMET``:
  host_self, too_large, no_venue, no_instructor, no_slot) that stand for it, if any.
  Every other reason names its rules by id from a what-if solve's evidence
  (``scheduler.plan.reasons``).

Fields are scenario paths (``plan.caps.venue_per_week``, ``venues[].unavailable``); a rule
about plan.json alone names the plan's fields (``plan.json:sessions[].sequence``).

The parts are names, not imports: this module sits below both compile and the
validator (tests/test_layers.py), and tests/test_registry.py resolves every name.
Instance ids add a key to the family after a colon (``cap.department_per_month:yingji``,
``calendar.blackout:0``): one rule per department, blackout or venue, each named on its own
when no plan exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.core.problem import Problem
from scheduler.core.problem import Rule as LabelledRule

COMPILE = "scheduler.domain.compile"
CHECK = "scheduler.plan.validate:_Checker"
PLANFILE = "scheduler.plan.planfile"
REPLAN = "scheduler.plan.replan"


@dataclass(frozen=True)
class Rule:
    """One hard rule: its id, label templates (zh, en), the fields it reads and its parts."""

    id: str
    zh: str
    en: str
    fields: tuple[str, ...]
    compile: str
    check: str
    unmet: tuple[str, ...] = ()


def _r(rid: str, zh: str, en: str, fields: str, compile_part: str, check: str, unmet: tuple[str, ...] = ()) -> Rule:
    return Rule(rid, zh, en, tuple(fields.split()), compile_part, check, unmet)


_CAL = f"{COMPILE}:_starts"
_PF = f"{PLANFILE}:_sessions"

RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        # calendar: the days and slots a session may take
        _r(
            "calendar.plan_dates",
            "计划期{start}至{end}",
            "the plan's days {start} to {end}",
            "plan.start plan.end",
            f"{COMPILE}:compile_scenario",
            f"{CHECK}.session_rules",
        ),
        _r(
            "calendar.working_day",
            "只在工作日举办",
            "sessions run on working days only",
            "plan.holidays",
            _CAL,
            f"{CHECK}.session_rules",
            ("no_slot",),
        ),
        _r(
            "calendar.slots",
            "只用开放的时段",
            "sessions use the plan's open slots",
            "plan.slots",
            _CAL,
            f"{CHECK}.session_rules",
            ("no_slot",),
        ),
        _r(
            "calendar.duration",
            "时段与课程时长相符",
            "slots fit the session's duration",
            "offerings[].duration",
            _CAL,
            f"{CHECK}.session_rules",
        ),
        _r(
            "calendar.blackout",
            "停办期 {start}至{end}（{reason}）",
            "blackout {start} to {end} ({reason})",
            "plan.blackouts offerings[].type offerings[].outdoor venues[].outdoor",
            f"{COMPILE}:_exclusions",
            f"{CHECK}.session_rules",
            ("no_slot",),
        ),
        # eligibility filters: which months, venues and instructors an offering may use
        _r(
            "eligible.months",
            "《{title}》只能在{months}月举办",
            "“{title}” may only run in months {months}",
            "offerings[].months",
            f"{COMPILE}:_exclusions",
            f"{CHECK}.session_rules",
            ("no_slot",),
        ),
        _r(
            "eligible.venue",
            "《{title}》只能用指定的场地",
            "“{title}” may only use its listed venues",
            "offerings[].venues",
            f"{COMPILE}:venue_filter",
            f"{CHECK}.venue_rules",
            ("no_venue",),
        ),
        _r(
            "eligible.venue_format",
            "《{title}》须用适合其形式（线上/线下）的场地",
            "“{title}” needs a venue of its format (online or not)",
            "offerings[].format venues[].online",
            f"{COMPILE}:venue_filter",
            f"{CHECK}.venue_rules",
            ("no_venue",),
        ),
        _r(
            "eligible.host_venue",
            "《{title}》须在承办社区自己的场地举办",
            "“{title}” is held at its host's own venue",
            "offerings[].host venues[].owner",
            f"{COMPILE}:venue_filter",
            f"{CHECK}.venue_rules",
            ("no_venue",),
        ),
        _r(
            "eligible.street_venue",
            "《{title}》须在街道场地举办",
            "“{title}” is held at a street venue",
            "offerings[].type venues[].owner",
            f"{COMPILE}:venue_filter",
            f"{CHECK}.venue_rules",
            ("no_venue",),
        ),
        _r(
            "eligible.community_venue",
            "社区场地只在该社区参加时使用",
            "a community's venue only when that community attends",
            "venues[].owner orders[].community",
            f"{COMPILE}:_choices",
            f"{CHECK}.venue_rules",
            ("no_venue",),
        ),
        _r(
            "eligible.instructor",
            "《{title}》只能由可授课的教员讲授",
            "“{title}” is taught by an eligible instructor",
            "offerings[].instructors offerings[].department pairs[].mentor departments[].instructors",
            f"{COMPILE}:instructor_filter",
            f"{CHECK}.instructor_rules",
            ("no_instructor",),
        ),
        _r(
            "eligible.secretary_tier",
            "《{title}》须由层级不低于学员的书记讲授",
            "“{title}” is taught by a secretary of the audience's tier or higher",
            "offerings[].audience_tier departments[].instructors[].tier",
            f"{COMPILE}:instructor_filter",
            f"{CHECK}.instructor_rules",
            ("no_instructor",),
        ),
        _r(
            "eligible.host_not_visitor",
            "承办社区不能作为来访社区",
            "a host community is not its own visitor",
            "offerings[].host orders[].community",
            f"{COMPILE}:_static_unmet_reason",
            f"{CHECK}.attendance_rules",
            ("host_self",),
        ),
        # one at a time
        _r(
            "overlap.venue",
            "同一场地同一时段只能办一场",
            "a venue holds one session at a time",
            "venues",
            f"{COMPILE}:_Builder.__init__",
            f"{CHECK}.double_bookings",
        ),
        _r(
            "overlap.instructor",
            "同一教员同一时段只能讲一场",
            "an instructor teaches one session at a time",
            "departments[].instructors",
            f"{COMPILE}:_Builder.__init__",
            f"{CHECK}.double_bookings",
        ),
        _r(
            "overlap.department",
            "同一部门同一时段只能参与一场",
            "a department takes part in one session at a time",
            "departments",
            f"{COMPILE}:_Builder.__init__",
            f"{CHECK}.double_bookings",
        ),
        _r(
            "overlap.community",
            "同一社区同一时段只能参加一场",
            "a community attends one session at a time",
            "communities",
            f"{COMPILE}:_Builder.__init__",
            f"{CHECK}.double_bookings",
        ),
        # unavailable dates
        _r(
            "unavailable.venue",
            "{name}不可用日期",
            "unavailable dates of {name}",
            "venues[].unavailable",
            f"{COMPILE}:_Builder.blocked",
            f"{CHECK}.venue_rules",
        ),
        _r(
            "unavailable.instructor",
            "{name}不可用日期",
            "unavailable dates of {name}",
            "departments[].instructors[].unavailable",
            f"{COMPILE}:_Builder.blocked",
            f"{CHECK}.instructor_rules",
        ),
        _r(
            "unavailable.department",
            "{name}不可用日期",
            "unavailable dates of {name}",
            "departments[].unavailable",
            f"{COMPILE}:_Builder.blocked",
            f"{CHECK}.session_rules",
            ("no_slot",),
        ),
        _r(
            "unavailable.community",
            "{name}不可用日期",
            "unavailable dates of {name}",
            "communities[].unavailable",
            f"{COMPILE}:_Builder.blocked",
            f"{CHECK}.attendance_rules",
            ("no_slot",),
        ),
        # caps
        _r(
            "cap.community_per_month",
            "每个社区每月最多{cap}场",
            "a community attends at most {cap} sessions a month",
            "plan.caps.community_per_month",
            f"{COMPILE}:_Builder.communities",
            f"{CHECK}.monthly_caps",
        ),
        _r(
            "cap.department_per_month",
            "{name}每月最多{cap}场",
            "{name}: at most {cap} sessions a month",
            "plan.caps.department_per_month departments[].monthly_cap departments[].instructors",
            f"{COMPILE}:_Builder.departments",
            f"{CHECK}.monthly_caps",
        ),
        _r(
            "cap.community_gap",
            "同一社区两场培训至少间隔{gap}天",
            "a community's sessions at least {gap} days apart",
            "plan.caps.community_min_gap_days",
            f"{COMPILE}:_Builder.communities",
            f"{CHECK}.community_gap",
        ),
        _r(
            "cap.venue_per_week",
            "{name}每周（周一至周日）最多{cap}场",
            "{name}: at most {cap} sessions a week (Monday to Sunday)",
            "plan.caps.venue_per_week",
            f"{COMPILE}:_Builder.venues",
            f"{CHECK}.weekly_caps",
        ),
        _r(
            "cap.street_per_day",
            "全街道每天最多{cap}场",
            "at most {cap} sessions a day across the street",
            "plan.caps.street_per_day",
            f"{COMPILE}:_Builder.street",
            f"{CHECK}.street_caps",
        ),
        _r(
            "cap.street_per_week",
            "全街道每周（周一至周日）最多{cap}场",
            "at most {cap} sessions a week (Monday to Sunday) across the street",
            "plan.caps.street_per_week",
            f"{COMPILE}:_Builder.street",
            f"{CHECK}.street_caps",
        ),
        # capacity and head-count
        _r(
            "capacity.venue",
            "人数不超过场地容量",
            "the head-count fits the venue",
            "venues[].capacity orders[].attendees",
            f"{COMPILE}:_choices",
            f"{CHECK}.venue_rules",
            ("too_large",),
        ),
        _r(
            "capacity.offering",
            "人数不超过课程容量",
            "the head-count fits the offering",
            "offerings[].capacity",
            f"{COMPILE}:_Builder.events",
            f"{CHECK}.attendance_rules",
            ("too_large",),
        ),
        _r(
            "capacity.min_attendees",
            "人数达到开班下限",
            "enough attendees to run",
            "offerings[].min_attendees",
            f"{COMPILE}:_Builder.events",
            f"{CHECK}.attendance_rules",
        ),
        # quotas
        _r(
            "quota.type_min",
            "{type}至少{n}场",
            "at least {sessions}",
            "plan.sessions",
            f"{COMPILE}:_add_counts",
            f"{CHECK}.quotas",
        ),
        _r(
            "quota.type_max",
            "{type}至多{n}场",
            "at most {sessions}",
            "plan.sessions",
            f"{COMPILE}:_add_counts",
            f"{CHECK}.quotas",
        ),
        _r(
            "quota.total_min",
            "全年至少{n}场",
            "at least {sessions} in the year",
            "plan.sessions.total plan.sessions.total_min",
            f"{COMPILE}:_add_counts",
            f"{CHECK}.quotas",
        ),
        _r(
            "quota.total_max",
            "全年至多{n}场",
            "at most {sessions} in the year",
            "plan.sessions.total",
            f"{COMPILE}:_add_counts",
            f"{CHECK}.quotas",
        ),
        _r(
            "quota.max_runs",
            "《{title}》最多开{n}场",
            "“{title}” runs at most {n} times",
            "offerings[].max_runs",
            f"{COMPILE}:_Builder.events",
            f"{CHECK}.quotas",
        ),
        # orders
        _r(
            "order.once",
            "一个点单至多由一场满足",
            "an order is met by one session at most",
            "orders",
            f"{COMPILE}:_Builder.events",
            f"{CHECK}.orders_once",
        ),
        _r(
            "order.accounting",
            "每个点单或已满足，或列为未满足",
            "every order is met or listed unmet",
            "orders",
            f"{PLANFILE}:unmet_orders",
            f"{CHECK}.orders_once",
        ),
        _r(
            "order.unmet_once",
            "未满足的点单只列一次",
            "an unmet order is listed once",
            "orders",
            f"{PLANFILE}:build_plan",
            f"{CHECK}.unmet_rules",
        ),
        _r(
            "order.unmet_order",
            "未满足的点单照原样写出",
            "an unmet order is given as it was ordered",
            "orders[].community orders[].offering",
            f"{PLANFILE}:build_plan",
            f"{CHECK}.unmet_rules",
        ),
        # plan.json fields the engine writes from the scenario
        _r(
            "plan.unknown_offering",
            "场次的课程在场景中",
            "a session's offering is in the scenario",
            "offerings",
            _PF,
            f"{CHECK}.run",
        ),
        _r(
            "plan.unknown_community",
            "参加的社区在场景中",
            "an attending community is in the scenario",
            "communities",
            _PF,
            f"{CHECK}.attendance_rules",
        ),
        _r(
            "plan.unknown_venue",
            "场次的场地在场景中",
            "a session's venue is in the scenario",
            "venues",
            _PF,
            f"{CHECK}.venue_rules",
        ),
        _r(
            "plan.unknown_instructor",
            "场次的教员在场景中",
            "a session's instructor is in the scenario",
            "departments[].instructors",
            _PF,
            f"{CHECK}.instructor_rules",
        ),
        _r("plan.unknown_order", "点单在场景中", "an order is in the scenario", "orders", _PF, f"{CHECK}.order_rules"),
        _r("plan.title", "标题与课程一致", "the title is the offering's", "offerings[].title", _PF, f"{CHECK}.identity_rules"),
        _r("plan.type", "类型与课程一致", "the type is the offering's", "offerings[].type", _PF, f"{CHECK}.identity_rules"),
        _r("plan.host", "承办社区与课程一致", "the host is the offering's", "offerings[].host", _PF, f"{CHECK}.identity_rules"),
        _r(
            "plan.departments",
            "参与部门与课程一致",
            "the departments are those the session occupies",
            "offerings[].department pairs",
            _PF,
            f"{CHECK}.identity_rules",
        ),
        _r(
            "plan.sequence",
            "日历序号不为负",
            "the calendar sequence is not negative",
            "plan.json:sessions[].sequence",
            _PF,
            f"{CHECK}.identity_rules",
        ),
        _r(
            "plan.attendance",
            "参加记录与点单一致",
            "attendance matches the orders",
            "orders pairs[].attendees",
            _PF,
            f"{CHECK}.attendance_rules",
        ),
        _r(
            "plan.attendance_empty",
            "参加记录有点单和人数",
            "an attendance entry has orders and attendees",
            "orders",
            _PF,
            f"{CHECK}.attendance_rules",
        ),
        _r(
            "plan.headcount",
            "总人数为参加人数之和",
            "the head-count adds up",
            "orders[].attendees",
            _PF,
            f"{CHECK}.attendance_rules",
        ),
        _r(
            "plan.session_ids",
            "场次编号唯一",
            "session ids are unique",
            "plan.json:sessions[].id plan.json:cancelled[].id",
            f"{PLANFILE}:_sessions",
            f"{CHECK}.session_ids",
        ),
        _r(
            "plan.cancelled",
            "已取消场次只出现在重排方案中，并写明日期和原因",
            "cancelled sessions only in re-plans, with a date and a reason",
            "plan.json:cancelled plan.json:replan",
            f"{REPLAN}:finish",
            f"{CHECK}.cancelled_rules",
        ),
        # re-planning
        _r(
            "replan.parent",
            "重排方案写明由哪一版调整而来",
            "a re-plan says which plan it repairs",
            "plan.json:replan",
            f"{REPLAN}:finish",
            "scheduler.plan.validate:validate_replan",
        ),
        _r(
            "replan.cancelled_day",
            "{session}已在{date}取消",
            "{session} was cancelled on {date}",
            "plan.json:replan.changes",
            f"{REPLAN}:prepare",
            "scheduler.plan.validate:validate_replan",
        ),
        _r(
            "replan.frozen",
            "已举办和冻结期内的场次不变",
            "sessions held or inside the freeze window stay",
            "plan.json:replan.today plan.json:replan.freeze_days",
            f"{REPLAN}:prepare",
            "scheduler.plan.validate:validate_replan",
        ),
        _r(
            "replan.cutoff",
            "新增或调整的场次不早于冻结期结束",
            "nothing new or moved before the freeze window ends",
            "plan.json:replan.today plan.json:replan.freeze_days",
            f"{REPLAN}:prepare",
            "scheduler.plan.validate:validate_replan",
        ),
    ]
}


@dataclass(frozen=True)
class Level:
    """One objective level: its id (the solver's and the validator's level name), what it
    reads, where compile feeds it into the neutral problem and where the validator
    recomputes it. Its label is the i18n text ``level.<id>`` (progress lines, reports)."""

    id: str
    fields: tuple[str, ...]
    compile: str
    check: str

    @property
    def label_key(self) -> str:
        return f"level.{self.id}"


_OBJECTIVE = "scheduler.plan.validate:objective"
_STABILITY = "scheduler.plan.validate:stability"

# most important first; re-planning puts ``changes`` and ``moved`` right after ``demand``
LEVELS: dict[str, Level] = {
    lv.id: lv
    for lv in [
        Level("demand", ("orders[].priority",), f"{COMPILE}:_Builder.offering", _OBJECTIVE),
        Level("fairness", ("orders[].community", "orders[].priority"), f"{COMPILE}:_Builder.offering", _OBJECTIVE),
        Level("preferred", ("orders[].preferred_months",), f"{COMPILE}:_Builder.offering", _OBJECTIVE),
        Level("spread", ("plan.start", "plan.end", "plan.holidays", "plan.blackouts"), f"{COMPILE}:_usable_days", _OBJECTIVE),
        Level(
            "rhythm", ("plan.start", "plan.end", "plan.blackouts", "plan.slots"), f"{COMPILE}:_usable_days_per_week", _OBJECTIVE
        ),
        Level("changes", ("plan.json:replan.today",), f"{REPLAN}:_tie", _STABILITY),
        Level("moved", ("orders[].attendees",), f"{REPLAN}:_tie", _STABILITY),
    ]
}


def family(rule_id: str) -> str:
    """``cap.department_per_month:yingji`` -> ``cap.department_per_month``."""
    return rule_id.split(":", 1)[0]


def declared(rule_id: str) -> str:
    """The id itself when its family is declared; raises ``KeyError`` otherwise (a bug)."""
    if family(rule_id) not in RULES:
        raise KeyError(f"rule {rule_id!r} is not declared in scheduler.domain.rules")
    return rule_id


def labels(rule_id: str, **params) -> dict[str, str]:
    """The rule's label in each language. A parameter given as a ``(zh, en)`` pair
    (a list joined the way each language joins it, say) takes the language's value."""
    r = RULES[family(declared(rule_id))]
    out = {}
    for i, (lang, template) in enumerate((("zh", r.zh), ("en", r.en))):
        values = {k: v[i] if isinstance(v, tuple) else v for k, v in params.items()}
        out[lang] = template.format(**values)
    return out


def labelled(rule_id: str, **params) -> LabelledRule:
    """The core's labelled rule for this id (what ``Problem.rules`` and explanations hold)."""
    return LabelledRule(rule_id, labels(rule_id, **params))


def add_rule(problem: Problem, family_id: str, key: str = "", **params) -> str:
    """Add the declared rule ``family_id`` (with instance ``key``, if any) to the problem,
    labelled from its templates; returns its id."""
    rule = labelled(f"{family_id}:{key}" if key else family_id, **params)
    return problem.add_rule(rule.id, rule.labels["zh"], rule.labels["en"])


UNMET_RULES: dict[str, list[str]] = {}
for _rule in RULES.values():
    for _code in _rule.unmet:
        UNMET_RULES.setdefault(_code, []).append(_rule.id)
