"""What planners read, in Chinese (default) and English (``--lang en``)."""

from __future__ import annotations

from scheduler.models import Order, Scenario

LANGS = ("zh", "en")

TYPE_NAMES = {
    "zh": {"secretary": "书记教书记", "peer": "同行学同行", "community": "社区帮社区", "department": "部门带部门"},
    "en": {
        "secretary": "secretary teaches secretaries",
        "peer": "peers learn from peers",
        "community": "community helps community",
        "department": "department leads department",
    },
}

SLOT_NAMES = {
    "zh": {"morning": "上午", "afternoon": "下午", "evening": "晚上", "full_day": "全天"},
    "en": {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "full_day": "full day"},
}

UNMET = {
    "host_self": (
        "本社区是该现场教学的承办方，不能作为来访社区参加。",
        "the community hosts this site visit and cannot attend it as a visitor.",
    ),
    "too_large": (
        "报名{attendees}人，超过单场最多可容纳的{limit}人。",
        "{attendees} attendees exceed the largest possible session ({limit}).",
    ),
    "no_venue": ("没有符合该课程形式的场地。", "no venue suits this offering's format."),
    "no_instructor": ("没有可授课的教员。", "no eligible instructor can teach it."),
    "no_slot": (
        "全年没有可安排的时段（受允许月份、停办期或部门/社区不可用日期限制）。",
        "no slot is left in the year (allowed months, blackouts or unavailability).",
    ),
    "runs_full": ("该课程{runs}场已全部排满。", "all {runs} runs of this offering are full."),
    "type_quota_full": (
        "“{type}”类场次已达上限{max}场，名额给了优先级更高的点单。",
        "the {type} quota of {max} sessions went to orders of higher priority.",
    ),
    "total_full": (
        "全年{total}场已排满，名额给了优先级更高的点单。",
        "the year's {total} sessions went to orders of higher priority.",
    ),
    "constraints": (
        "受时段、场地、教员、社区月度上限或间隔要求限制，无法在不减少更高优先级点单的情况下安排。",
        "time slots, venues, instructors, monthly caps or spacing leave no room without dropping orders of higher priority.",
    ),
}

TEXT = {
    "summary": ("方案摘要", "Plan summary"),
    "status": ("求解状态", "Solver status"),
    "types": ("各类场次（下限–上限）", "Sessions per type (min–max)"),
    "total": ("合计", "Total"),
    "orders_met": ("各社区点单满足情况", "Orders met per community"),
    "unmet": ("未满足的点单", "Unmet orders"),
    "none": ("无", "none"),
    "objective": ("目标（按重要性）", "Objective (most important first)"),
    "level.demand": ("按优先级加权的已满足点单", "priority-weighted orders met"),
    "level.fairness": ("最差社区满足率（‰）", "worst community's share (per mille)"),
    "level.preferred": ("在意向月份满足的点单", "orders met in a preferred month"),
    "level.spread": ("月度均衡（偏离按工作日均分的场次数，取负）", "even spread (minus sessions off the even monthly load)"),
    "progress": (
        "[{stage}/{stages} {level}] 当前最优 {obj}  界 {bound}  差距 {gap:.1%}  用时 {elapsed:.1f}s",
        "[{stage}/{stages} {level}] best {obj}  bound {bound}  gap {gap:.1%}  elapsed {elapsed:.1f}s",
    ),
    "written": ("方案已写入 {path}", "Plan written to {path}"),
    "valid": ("valid：方案满足全部硬性规则", "valid: the plan keeps every hard rule"),
    "invalid": ("invalid：发现 {n} 处违规", "invalid: {n} violations"),
    "infeasible": ("无可行方案：以下规则相互冲突", "No plan exists: these rules clash"),
    "unknown": (
        "在时间限制内未找到方案（未证明无解）；请延长 --time-limit",
        "No plan found within the time limit (not proven impossible); try a longer --time-limit",
    ),
    "unreachable": ("无法达到：{rules}", "Cannot be reached: {rules}"),
    "relax": ("若要达到上述要求，至少需要放宽：{rules}", "To reach them, relax at least: {rules}"),
    "relax_none": (
        "即使放宽所有其他规则也无法达到：可开设的课程场次或点单不足。",
        "Even relaxing every other rule does not help: there are not enough offerings, runs or orders.",
    ),
    "warning": ("警告", "Warning"),
}


def idx(lang: str) -> int:
    return 0 if lang == "zh" else 1


def t(key: str, lang: str, **kw) -> str:
    return TEXT[key][idx(lang)].format(**kw)


def type_name(session_type: str, lang: str) -> str:
    return TYPE_NAMES["zh" if lang == "zh" else "en"][session_type]


def unmet_message(code: str, sc: Scenario, order: Order, lang: str, limit: int = 0) -> str:
    """One sentence for an unmet order; ``limit`` is the largest possible session."""
    off = next(o for o in sc.offerings if o.id == order.offering)
    q = sc.plan.sessions
    return UNMET[code][idx(lang)].format(
        attendees=order.attendees,
        limit=limit,
        runs=off.max_runs,
        type=type_name(off.type.value, lang),
        max=q.for_type(off.type).max,
        total=q.total,
    )
