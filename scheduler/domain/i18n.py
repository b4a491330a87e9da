"""What planners read, in Chinese (default) and English (``--lang en``)."""

from __future__ import annotations

from scheduler.models import Order, Scenario, SessionType, Slot

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
        "计划期内没有适合该课程时长的工作日时段。",
        "no working-day slot in the plan's dates suits this offering's duration.",
    ),
    "closed": (
        "即使全年不安排其他任何课程也无法满足，以下规则共同排除了所有可能：{rules}。",
        "it cannot be met even in a plan with nothing else in it; together these rules leave no way: {rules}.",
    ),
    "displaces": ("要满足此点单，需放弃{orders}。", "meeting it would mean dropping {orders}."),
    "suffices": (
        "放弃{orders}即可腾出位置满足此点单（时限内未能证明这是代价最小的调整）。",
        "dropping {orders} would make room for it (not proven the least in the time given).",
    ),
    "not_optimal": (
        "存在满足此点单且不放弃其他点单的方案：本方案尚未证明最优，可延长 --time-limit 重新求解。",
        "a plan exists that meets it without dropping any other order: this plan is not proven optimal; "
        "solve again with a longer --time-limit.",
    ),
    "relax": (
        "放弃其他点单也腾不出位置；放宽以下规则即可满足：{rules}。",
        "dropping other orders makes no room; relaxing these rules would: {rules}.",
    ),
    "unverified": (
        "未能在时限内核实原因（可运行 schedule why {order} --recheck 并加长 --explain-time）。",
        "the reason could not be verified in time (run schedule why {order} --recheck with a longer --explain-time).",
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
    "level.spread": (
        "月度均衡（偏离按可用工作日均分的场次数，取负）",
        "even spread (minus sessions off the even monthly load by usable days)",
    ),
    "progress": (
        "[{phase} {stage}/{stages} {level}] 当前最优 {obj}  界 {bound}  差距 {gap:.1%}  用时 {elapsed:.1f}s",
        "[{phase} {stage}/{stages} {level}] best {obj}  bound {bound}  gap {gap:.1%}  elapsed {elapsed:.1f}s",
    ),
    "s.open": ("无法打开方案库 {store}：{why}", "cannot open the store {store}: {why}"),
    "s.empty": (
        "方案库 {store} 中还没有方案：请先运行 `schedule solve 场景文件`",
        "no plan in the store {store} yet: run `schedule solve SCENARIO` first",
    ),
    "s.no_version": ("方案库 {store} 中没有第{version}版", "no plan version {version} in the store {store}"),
    "s.applied": (
        "本次重排要应用的变更已被另一次重排应用，请重新执行命令。",
        "a change this re-plan applies was applied by another re-plan meanwhile; run the command again.",
    ),
    "s.diff_two": ("最多给出两个版本：旧版 新版", "give at most two versions: OLD NEW"),
    "s.diff_fresh": (
        "第{version}版是重新求解的方案，没有上一版；请给出两个版本",
        "version {version} is a fresh solve: it has no parent; give two versions",
    ),
    "s.not_version": ("“{text}”不是版本号（见 `schedule plans`）", "'{text}' is not a version number (see `schedule plans`)"),
    "phase.selection": ("按点单", "by order"),  # which events run and who attends (core phase "selection")
    "phase.periods": ("按月", "by month"),
    "phase.days": ("按日", "by day"),
    "method.periods": (
        "先定开班和参训社区，再按月份求解并证明，最后排定日期、时段、场地和教员",
        "sessions and attendance first, then months (each proven), then days, slots, venues and instructors",
    ),
    "method.days": ("按日求解", "solved day by day"),
    "method.near": (
        "先定开班和参训社区，再按月份求解并求出上界；月计划无法按原定月份排开，于是各场次在原定月份或前后一个月内排定日期、时段、场地和教员",
        "sessions and attendance first, then months (bounds proven); the month plan could not be laid out in its months, "
        "so each session was laid out in its month or the one before or after",
    ),
    "method.greedy": (
        "时限内求解器未找到方案：这是逐场排入的初始方案，满足全部硬性规则但未优化；请延长 --time-limit",
        "the solver found no plan in the time limit: this is the first plan, placed session by session; "
        "it keeps every hard rule but is not optimised (give --time-limit more time)",
    ),
    "written": ("方案已写入 {path}", "Plan written to {path}"),
    "valid": ("有效：方案满足全部硬性规则", "valid: the plan keeps every hard rule"),
    "invalid": ("无效：发现 {n} 处违规", "invalid: {n} violations"),
    "infeasible": ("无可行方案：以下规则相互冲突", "No plan exists: these rules clash"),
    "unknown": (
        "在时间限制内未找到方案（未证明无解）；请延长 --time-limit",
        "No plan found within the time limit (not proven impossible); try a longer --time-limit",
    ),
    "unreachable": ("无法达到：{rules}", "Cannot be reached: {rules}"),
    "reachable": ("（其他规则不变时最多{n}场）", " (at most {n} with every other rule kept)"),
    "not_fewest": (
        "（时限内未能证明这是最少的规则组合；上述每组规则均已由求解复核）",
        "(not proven the fewest within the time limit; each set above was re-checked by a solve)",
    ),
    "relax": ("若要达到上述要求，至少需要放宽：{rules}", "To reach them, relax at least: {rules}"),
    "relax_none": (
        "即使放宽所有其他规则也无法达到：可开设的课程场次或点单不足。",
        "Even relaxing every other rule does not help: there are not enough offerings, runs or orders.",
    ),
    "warning": ("警告", "Warning"),
    "level.changes": ("调整代价（越近期的改动代价越高，取负）", "cost of changes (sooner sessions cost more; negated)"),
    "level.moved": ("被调动的已安排人数（取负）", "attendees no longer where they were (negated)"),
    # diffs and notices
    "n.session": ("《{title}》（{id}）", "\u201c{title}\u201d ({id})"),
    "n.moved": ("{s}由{old}调整为{new}。", "{s} moves from {old} to {new}."),
    "n.teacher": ("授课人由{old}改为{new}。", " Teacher: {new} instead of {old}."),
    "n.reason": ("原因：{reason}。", " Reason: {reason}."),
    "n.added": ("新增{s}：{when}，{where}，授课：{who}。", "New: {s} on {when} at {where}, taught by {who}."),
    "n.dropped": ("{s}（原定{when}）取消：{reason}。", "{s} (was {when}) is cancelled: {reason}."),
    "n.no_slot": ("调整后没有可安排的时段", "no slot left after the changes"),
    "n.left": ("贵单位不再参加{s}（{when}）。", "You no longer attend {s} ({when})."),
    "n.joined": ("贵单位新安排参加{s}：{when}，{where}，{n}人。", "You now attend {s} on {when} at {where}: {n} people."),
    "n.count": ("{s}（{when}）参加人数由{old}人调整为{new}人。", "{s} ({when}): {new} people instead of {old}."),
    "n.unmet": ("点单{order}暂无法安排：{message}", "Order {order} cannot be met now: {message}"),
    "n.venue_freed": ("{when}不再使用：{s}已调走。", "{when} is free again: {s} moved away."),
    "n.venue_booked": ("{when}新预订：{s}。", "New booking on {when}: {s}."),
    "n.host_teaches": ("承办社区", "the host community"),
    "n.to": ("致{kind}：{name}", "To {kind}: {name}"),
    "n.kind.community": ("社区", "community"),
    "n.kind.department": ("部门", "department"),
    "n.kind.venue": ("场地", "venue"),
    "d.title": (
        "变更：调整{moved}场，新增{added}场，取消{dropped}场，仅参加单位变化{regrouped}场",
        "Changes: {moved} moved, {added} added, {dropped} dropped, {regrouped} with other attendance",
    ),
    "d.attendance": ("参加单位", "attendance"),
    # plan history
    "h.stored": ("已记为第{version}版（{url}）", "Recorded as version {version} ({url})"),
    "h.empty": ("库中还没有方案：先运行 schedule solve", "No plan in the store yet: run schedule solve first"),
    "h.header": (
        " 版本  类型     上一版  创建时间(UTC)     状态      场次 未满足 需求    调整代价 今天        计划",
        " ver.  kind     parent  created (UTC)     status    sess unmet demand  changes today       plan",
    ),
    "h.discarded": (
        "已撤销变更 #{id}：{change}。还有{n}项待处理的变更。",
        "Discarded change #{id}: {change}. {n} pending change(s) left.",
    ),
    "h.not_pending": (
        "变更 #{id} 不是「{name}」待处理的变更（待处理：{pending}；已生效的变更不能撤销）",
        "change #{id} is not a pending change of {name} (pending: {pending}; a change already applied cannot be discarded)",
    ),
    "h.not_pending_now": (
        "变更 #{id} 刚刚已被另一次 schedule resolve 应用，未撤销；请运行 schedule plans 查看",
        "change #{id} was just applied by another schedule resolve and is not discarded; see schedule plans",
    ),
    "h.needed": (
        "未撤销：后面的变更 #{later}（{change}）需要 #{id}：撤销后{why}。请先撤销 #{later}",
        "not discarded: the later change #{later} ({change}) needs #{id}: without it, {why}. Discard #{later} first",
    ),
    "h.pending": ("「{name}」待处理的变更（{n}）：", "Pending changes of {name} ({n}):"),
    "h.recorded": (
        "已记录变更 #{id}：{change}（基于第{version}版）。运行 schedule resolve --today 日期 生成新方案；"
        "录错了可用 schedule discard {id} 撤销。",
        "Recorded change #{id}: {change} (on version {version}). Run schedule resolve --today DATE for a new plan, "
        "or schedule discard {id} to take it back.",
    ),
    "h.nothing": ("没有待处理的变更：第{version}版仍是当前方案。", "No pending changes: version {version} stays current."),
    "h.base_moved": (
        "方案在您查看之后已被修改：您基于第{parent}版，当前为第{head}版。请先查看（schedule diff {parent} {head}）再重试。",
        "plan changed since you loaded it: you looked at version {parent}, the current one is {head}. "
        "See schedule diff {parent} {head}, then try again.",
    ),
    "h.resolved": (
        "已生成第{version}版（由第{parent}版调整）：{status}，调整代价 {changes}，用时 {seconds:.1f}s",
        "Version {version} written (re-plan of {parent}): {status}, change cost {changes}, {seconds:.1f}s",
    ),
    "h.notices": ("通知（{n}份）：", "Notices ({n}):"),
    "h.diff": ("第{old}版 → 第{new}版", "Version {old} -> version {new}"),
    # unmet reasons: the parts that vary
    "why.least.displaces": ("按优先级计，没有放弃得更少的方案。", " No other plan gives up less (counted by priority)."),
    "why.least.relax": ("这是最少需放宽的规则。", " No fewer rules would do."),
    "why.order": ("{id}（{community}，优先级{priority}）", "{id} ({community}, priority {priority})"),
    "why.and": ("和", " and "),
    # schedule why
    "why.order_line": (
        "点单 {id}：{community}《{title}》，{n}人，优先级{priority}",
        "Order {id}: {community}, \u201c{title}\u201d, {n} people, priority {priority}",
    ),
    "why.months": ("意向月份：{months}", "Preferred months: {months}"),
    "why.met": ("已满足：场次 {session}（{date}，{venue}）", "Met by session {session} ({date}, {venue})"),
    "why.rechecked": (
        "（以下为重新核实的结果，按本方案的场景全年重新求解）",
        "(established afresh: a what-if on this plan's whole year)",
    ),
    "why.tier": ("层级 {tier}：{what}", "Tier {tier}: {what}"),
    "why.tier0": (
        "本方案写于分层原因之前，未核实；可加 --recheck",
        "written before reasons had tiers, not verified; use --recheck",
    ),
    "why.tier1": ("任何方案都无法满足", "no plan can meet it"),
    "why.tier2": ("可以满足，但不在本方案中", "it can be met, but not in this plan"),
    "why.tier3": ("未能在时限内核实", "not verified in time"),
    "why.reason": ("原因：{text}", "Reason: {text}"),
    "why.rules": ("涉及的规则：", "Rules named:"),
    "why.displaced": ("满足它需放弃的点单：", "Orders meeting it would drop:"),
    "why.bad_rule": ("规则 {rule} 未在规则注册表中声明", "rule {rule} is not declared in the rule registry"),
    "why.priority": ("优先级{p}", "priority {p}"),
    "why.how": ("核实方式：{how}", "How it was established: {how}"),
    "why.how.static": ("求解前即可判定（资格与容量规则）", "decided before solving (eligibility and capacity rules)"),
    "why.how.solve": ("假设求解（状态 {status}）", "a what-if solve (status {status})"),
}


def idx(lang: str) -> int:
    return 0 if lang == "zh" else 1


def t(key: str, lang: str, **kw) -> str:
    return TEXT[key][idx(lang)].format(**kw)


def type_name(session_type: str, lang: str) -> str:
    return TYPE_NAMES["zh" if lang == "zh" else "en"][session_type]


def unmet_message(
    code: str, order: Order, lang: str, limit: int = 0, rules: str = "", orders: str = "", least: bool = False
) -> str:
    """One sentence for an unmet order from its evidence: ``limit`` is the largest possible
    session, ``rules`` the labels of the rules named, ``orders`` those dropped to meet it
    (``joined_orders``), ``least`` whether they are proven the least."""
    if rules and f"u.{code}.named" in TEXT:
        return _sentence(t(f"u.{code}.named", lang, rules=rules))
    text = UNMET[code][idx(lang)].format(attendees=order.attendees, limit=limit, rules=rules, orders=orders, order=order.id)
    if least and f"why.least.{code}" in TEXT:
        text += t(f"why.least.{code}", lang)
    return _sentence(text)


def _sentence(text: str) -> str:
    """A reason stands on its own on every page: an English one starts with a capital."""
    return text[:1].upper() + text[1:]


def joined(items: list[str], lang: str) -> str:
    """``a、b和c`` / ``a, b and c``."""
    if len(items) < 2:
        return "".join(items)
    return ("、" if lang == "zh" else ", ").join(items[:-1]) + t("why.and", lang) + items[-1]


def joined_orders(sc: Scenario, ids: list[str], lang: str) -> str:
    """The orders, each with its community and priority, joined."""
    if not ids:  # most unmet orders displace none: no need to index the scenario's orders
        return ""
    orders = {o.id: o for o in sc.orders}
    names = {c.id: c.name for c in sc.communities}
    return joined(
        [t("why.order", lang, id=i, community=names.get(orders[i].community, ""), priority=orders[i].priority) for i in ids], lang
    )


# --------------------------------------------------------------------------- calendars and exports
# What ``schedule render`` and ``schedule export`` print. Keys start with "r." (pages) or "x."
# (export columns) so they never clash with the engine's own keys above.

TEXT.update(
    {
        "r.index": ("总览", "Overview"),
        "r.year": ("全年日历", "Year at a glance"),
        "r.months": ("月历", "Month calendars"),
        "r.all_months": ("全部月历（打印用）", "All months (for printing)"),
        "r.communities": ("社区", "Communities"),
        "r.departments": ("部门", "Departments"),
        "r.venues": ("场地", "Venues"),
        "r.pages": ("页面", "Pages"),
        "r.types": ("各类场次与指标", "Sessions per type against the quota"),
        "r.type": ("类型", "Type"),
        "r.planned": ("已排", "Planned"),
        "r.quota": ("指标", "Quota"),
        "r.orders_met": ("各社区点单满足情况", "Orders met per community"),
        "r.met_of": ("已满足 {met} / 点单 {ordered}", "{met} of {ordered} met"),
        "r.unmet": ("未满足的点单", "Unmet orders"),
        "r.solver": ("求解状态", "Solver status"),
        "r.level": ("目标层级（按重要性）", "Objective level (most important first)"),
        "r.value": ("取值", "Value"),
        "r.bound": ("界", "Bound"),
        "r.gap": ("差距", "Gap"),
        "r.proven": ("已证明最优", "proven optimal"),
        "r.solver_line": (
            "状态 {status}，差距 {gap}，用时 {seconds:.1f} 秒，随机种子 {seed}",
            "status {status}, gap {gap}, {seconds:.1f} s, seed {seed}",
        ),
        "r.warnings": ("警告", "Warnings"),
        "r.session": ("场次编号", "Session"),
        "r.date": ("日期", "Date"),
        "r.weekday": ("星期", "Day"),
        "r.time": ("时间", "Time"),
        "r.title": ("课程", "Course"),
        "r.venue": ("场地", "Venue"),
        "r.instructor": ("授课", "Teacher"),
        "r.host": ("承办社区", "Host community"),
        "r.attending": ("参加社区", "Attending communities"),
        "r.others": ("同场参加", "Also attending"),
        "r.headcount": ("人数", "People"),
        "r.role": ("本方角色", "Role"),
        "r.role.attend": ("参加", "attends"),
        "r.role.host": ("承办", "hosts"),
        "r.role.deliver": ("送课", "delivers"),
        "r.role.teach": ("授课", "teaches"),
        "r.role.mentor": ("导师部门", "mentor"),
        "r.role.learner": ("学员部门", "learner"),
        "r.learners": ("学员部门 {name} {n} 人", "learner department {name}: {n}"),
        "r.pair": ("导师 {mentor} · 学员 {learner}", "mentor {mentor} · learner {learner}"),
        "r.chip_pair": ("结对", "pair"),
        "r.order": ("点单", "Order"),
        "r.community": ("社区", "Community"),
        "r.reason": ("原因", "Reason"),
        "r.priority": ("优先级", "Priority"),
        "r.attendees": ("报名人数", "Attendees"),
        "r.roles": ("参加人员", "Roles"),
        "r.outcome": ("结果", "Outcome"),
        "r.status_met": ("已满足", "met"),
        "r.status_unmet": ("未满足", "not met"),
        "r.your_sessions": ("场次安排", "Sessions"),
        "r.your_orders": ("点单情况", "Orders"),
        "r.no_sessions": ("暂无场次", "No sessions"),
        "r.n_sessions": ("共 {n} 场", "{n} sessions"),
        "r.legend": ("图例", "Legend"),
        "r.holiday": ("法定节假日（休）", "public holiday (off)"),
        "r.makeup": ("调休上班日（班）", "make-up working day (work)"),
        "r.holiday_mark": ("休", "off"),
        "r.makeup_mark": ("班", "work"),
        "r.blackout": ("停办期", "No-session period"),
        "r.blackout_mark": ("停办", "no sessions"),
        "r.blackout_types": ("仅限：{types}", "only: {types}"),
        "r.blackout_outdoor": ("仅户外现场教学", "outdoor site visits only"),
        "r.outside": ("计划期外", "outside the plan"),
        "r.quote_id": (
            "取消或调整场次时，请引用场次编号（如 {example}）。",
            "To cancel or move a session, quote its id (e.g. {example}).",
        ),
        "r.online": ("线上", "online"),
        "r.capacity": ("容纳 {n} 人", "seats {n}"),
        "r.owner_street": ("街道场地", "street venue"),
        "r.owner_community": ("{name}场地", "venue of {name}"),
        "r.cadres": ("干部 {n} 人", "{n} cadres"),
        "r.secretary": ("书记 {name}", "secretary {name}"),
        "r.instructors": ("教员：{names}", "Teachers: {names}"),
        "r.month_title": ("{year}年{month}月", "{month_name} {year}"),
        "r.year_title": ("{year}年", "{year}"),
        "r.stamp.version": ("第{n}版", "version {n}"),
        "r.stamp.digest": ("方案编号 {digest}", "plan {digest}"),
        "r.stamp.optimal": ("已证明最优", "proven optimal"),
        "r.stamp.feasible": ("可行方案（与最优至多差 {gap}）", "feasible (within {gap} of the best)"),
        "r.stamp.greedy": ("可行方案（未优化）", "feasible (not optimised)"),
        "r.stamp.made": ("{date}制", "made {date}"),
        "r.page.before": ("第", "page "),
        "r.page.middle": ("页 共", " of "),
        "r.page.after": ("页", ""),
        "r.back": ("返回总览", "Back to overview"),
        "r.prev": ("上月", "previous month"),
        "r.next": ("下月", "next month"),
        "r.sep": ("、", ", "),
        "r.chip_venue": ("地点", "at"),
        "r.chip_teacher": ("授课", "by"),
        "r.chip_attend": ("参加", "for"),
        "r.slot_times": ("时间", "Times"),
        "r.blackout_num": ("停办{n}", "blackout {n}"),
        "r.blackout_part": ("部分停办{n}", "partly off {n}"),
        "r.blackout_partial": ("部分停办（某些类型或户外）", "Partly off (some types, or outdoor)"),
        "r.blackout_short": ("停{n}", "B{n}"),
        "r.paren": ("（{x}）", " ({x})"),
        # export columns
        "x.calendar": ("培训日历", "training calendar"),
        "x.page": ("第 &P 页 共 &N 页", "Page &P of &N"),
        "x.all": ("全部场次", "all sessions"),
        "x.sessions": ("场次", "sessions"),
        "x.orders": ("点单", "orders"),
        "x.start": ("开始", "Start"),
        "x.end": ("结束", "End"),
        "x.departments": ("部门", "Departments"),
        "x.offering": ("课程编号", "Offering"),
        "x.reason_code": ("原因代码", "Reason code"),
        "x.preferred": ("意向月份", "Preferred months"),
        "x.cancel_hint": ("调整或取消请引用场次编号 {id}", "To move or cancel, quote session {id}"),
    }
)

WEEKDAYS = {
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
MONTH_NAMES_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
# A glyph per type, so a black-and-white print still tells the types apart.
TYPE_MARKS = {"secretary": "◆", "peer": "●", "community": "▲", "department": "■"}


def weekday_name(day, lang: str) -> str:
    return WEEKDAYS["zh" if lang == "zh" else "en"][day.weekday()]


def month_title(year: int, month: int, lang: str) -> str:
    return t("r.month_title", lang, year=year, month=month, month_name=MONTH_NAMES_EN[month - 1])


def slot_name(key: str, lang: str) -> str:
    return SLOT_NAMES["zh" if lang == "zh" else "en"][key]


# --------------------------------------------------------------------------- input errors
# What the history commands say about a change they refuse ("c."), the lines around every
# input problem ("e.") and click's own usage errors, rendered again ("u."). Ids, option
# names, dates and paths stay as they are inside the Chinese text.

TEXT.update(
    {
        "c.which_session": ("请给出场次编号，如 S-2026-031", "which session? give its id, e.g. S-2026-031"),
        "c.no_session": ("场次 {session} 不存在", "no session '{session}' in this plan"),
        "c.cancelled": ("场次 {session} 已在待处理的变更中取消", "{session} is already cancelled (pending)"),
        "c.no_resource": (
            "请说明谁不可用：部门、教员、场地或社区",
            "say who is away: a department, instructor, venue or community",
        ),
        "c.unknown.department": ("部门 {id} 不存在", "unknown department '{id}'"),
        "c.unknown.instructor": ("教员 {id} 不存在", "unknown instructor '{id}'"),
        "c.unknown.venue": ("场地 {id} 不存在", "unknown venue '{id}'"),
        "c.unknown.community": ("社区 {id} 不存在", "unknown community '{id}'"),
        "c.unknown.offering": ("课程 {id} 不存在", "unknown offering '{id}'"),
        "c.no_days": ("请给出日期：--on 日期，或 --from 日期 --to 日期", "give the days: --on DAY, or --from DAY --to DAY"),
        "c.end_before": ("结束日期 {end} 早于开始日期 {start}", "{end} is before {start}"),
        "c.outside": (
            "{start}..{end} 不在计划期 {first}..{last} 之内",
            "{start}..{end} is outside the plan's {first}..{last}",
        ),
        "c.no_order": ("点单 {order} 不存在", "no order '{order}' in this plan's scenario"),
        "c.order_missing": ("缺少新点单", "the new order is missing"),
        "c.id_taken": ("点单编号 {id} 已被占用", "order id '{id}' is taken"),
        "c.twice": (
            "社区 {community} 已点过课程 {offering}（点单 {order}），请合并为一个点单",
            "community '{community}' would order '{offering}' more than once (see {order}); merge the orders",
        ),
        "c.department_offering": (
            "{offering} 是“部门带部门”课程，社区不能点单",
            "'{offering}' is a department-pair offering; communities cannot order it",
        ),
        "c.exactly_one": ("请给出其中一项，且只给一项", "give exactly one"),
        "c.on_or_range": ("--on 与 --from/--to 只能二选一", "give --on or --from/--to, not both"),
        "c.need_days": ("请给出 --on 日期，或同时给出 --from 和 --to", "give --on DAY, or both --from and --to"),
        "c.bad_id": (
            "点单编号“{id}”无效：只能由字母、数字和 _ . - 组成，以字母或数字开头，最长64个字符",
            "order id '{id}' is not valid: letters, digits, _ . - only, starting with a letter or digit, at most 64",
        ),
        "c.bad_value": ("取值无效（{message}）", "{message}"),
        "c.scenario": ("加入新点单后场景检查不通过：{message}", "{message}"),
        "c.record": ("第{n}项变更（{kind}）", "change {n} ({kind})"),
        "e.cli": ("命令行", "command line"),
        "e.store": ("方案库 {store}", "store {store}"),
        "e.count": ("共 {n} 处问题。", "{n} problem(s) in the input."),
        "e.count_nothing_written": ("共 {n} 处问题，未写入任何内容。", "{n} problem(s) in the input; nothing was written."),
        "e.internal": ("内部错误（程序缺陷，请报告）：{why}", "internal error: {why}"),
        "h.upgraded": ("{store}：数据表版本 {before} → {after}", "{store}: schema {before} -> {after}"),
        "h.schema_empty": ("（无）", "empty"),
        # click's usage errors
        "u.usage": ("用法：{command} {pieces}", "Usage: {command} {pieces}"),
        "u.help": ("运行 {command} --help 查看说明。", "Try '{command} --help' for help."),
        "u.date": ("{param} 的值“{value}”不是日期，应写作 {form}", "{param}: '{value}' is not a date in the form {form}"),
        "u.int": ("{param} 的值“{value}”不是整数", "{param}: '{value}' is not a whole number"),
        "u.number": ("{param} 的值“{value}”不是数字", "{param}: '{value}' is not a number"),
        "u.range": ("{param} 的值 {value} 超出范围：应{bounds}", "{param}: {value} is out of range: it must be {bounds}"),
        "u.range.between": ("在 {lo} 到 {hi} 之间", "from {lo} to {hi}"),
        "u.range.ge": ("不小于 {lo}", "at least {lo}"),
        "u.range.gt": ("大于 {lo}", "more than {lo}"),
        "u.range.le": ("不大于 {hi}", "at most {hi}"),
        "u.range.lt": ("小于 {hi}", "less than {hi}"),
        "u.and": ("且", " and "),
        "u.or": (" 或 ", " or "),
        "u.choice": ("{param} 的值“{value}”无效，可选：{choices}", "{param}: '{value}' is not one of {choices}"),
        "u.is_file": ("{param} 应为文件夹，但 {value} 是文件", "{param}: {value} is a file, not a folder"),
        "u.is_dir": ("{param} 应为文件，但 {value} 是文件夹", "{param}: {value} is a folder, not a file"),
        "u.no_path": ("{param}：{value} 不存在", "{param}: {value} does not exist"),
        "u.invalid": ("{param} 的值“{value}”无效", "invalid value for {param} ('{value}'): {message}"),
        "u.invalid_hint": ("{param} 的值无效", "invalid value for {param}: {message}"),
        "u.missing_option": ("缺少必填选项 {param}", "missing option {param}"),
        "u.missing_argument": ("缺少参数 {param}", "missing argument {param}"),
        "u.no_option": ("没有选项 {option}", "no such option {option}"),
        "u.no_command": ("没有命令 {name}", "no such command '{name}'"),
        "u.did_you_mean": ("（是否想输入 {names}？）", " (did you mean {names}?)"),
        "u.needs_value": ("选项 {option} 需要一个值", "option {option} needs a value"),
        "u.no_value": ("选项 {option} 不带值", "option {option} does not take a value"),
        "u.extra": ("多余的参数：{args}", "unexpected extra arguments: {args}"),
        "u.other": ("命令行用法有误（{message}）", "{message}"),
    }
)

# Warnings about the input: printed by solve and resolve, kept in plan.json, shown on the index page.
TEXT.update(
    {
        "w.year_not_covered": (
            "节假日库未收录{year}年：按周一至周五排期，另加plan.holidays中写明的{off}个休息日和{on}个调休上班日；"
            "请对照国务院办公厅的放假通知核对",
            "the holiday library does not cover {year}: using Monday-Friday plus the {off} days off and {on} make-up "
            "days stated in plan.holidays; check them against the State Council's announcement",
        ),
        "w.absence_past": (
            "{kind} {id} 的 {start}至{end} 在今天（{today}）之前，已忽略",
            "{kind} {id}: {start}..{end} is before {today}, ignored",
        ),
        "w.withdraw_served": (
            "点单 {order} 已于{date}在 {session} 完成（早于{today}），撤回已忽略",
            "order {order} was served on {date} ({session}) before {today}: withdrawal ignored",
        ),
    }
)


# What the independent validator finds ("v."): one line per violation, its rule id kept
# as it is ("[calendar.working_day] S-2026-001：2026-03-08 不是工作日"; ids: scheduler/domain/rules.py). Session types, slots and
# lists given as parameters are named in the message's language (see ``Message``).
TEXT.update(
    {
        "v.line": ("[{rule}] {session}：{message}", "[{rule}] {session}: {message}"),
        "v.engine_invalid": ("引擎生成的方案未通过独立校验（程序缺陷）：", "the engine produced an invalid plan:"),
        "v.objective": (
            "目标层级 {level}：求解器给出 {solver}，校验器算得 {validator}",
            "objective level {level}: solver says {solver}, validator computes {validator}",
        ),
        # what the offering fixes, and ids
        "v.unknown_offering": ("课程 {offering} 不在场景中", "offering '{offering}' is not in the scenario"),
        "v.title": (
            "标题“{title}”与课程 {offering} 的标题“{expected}”不符",
            "title '{title}' differs from the offering's title '{expected}'",
        ),
        "v.type": ("类型为“{type}”，与课程的类型“{expected}”不符", "type '{type}' differs from the offering's '{expected}'"),
        "v.host": ("承办社区写为 {host}，应为课程的承办社区 {expected}", "host {host} is not the offering's host {expected}"),
        "v.host.none": ("“{type}”类场次没有承办社区，却写了 {host}", "a '{type}' session has no host community, not {host}"),
        "v.departments": (
            "参与部门写为 {departments}，本场实际占用的部门为 {expected}",
            "departments {departments} stated, the session occupies {expected}",
        ),
        "v.sequence": ("日历序号（SEQUENCE）{sequence} 不能为负数", "sequence {sequence} is negative"),
        "v.session_ids": ("有两个场次共用编号 {id}", "two sessions share the id {id}"),
        "v.session_ids.running": ("场次 {id} 既列为已取消，又照常举办", "{id} is both cancelled and running"),
        "v.session_ids.cancelled_twice": ("场次 {id} 在已取消场次中出现两次", "{id} is listed as cancelled twice"),
        # calendar
        "v.plan_dates": ("{date} 不在计划期 {start}至{end} 之内", "{date} is outside {start}..{end}"),
        "v.working_day": ("{date} 不是工作日", "{date} is not a working day"),
        "v.allowed_months": ("课程 {offering} 不允许在{month}月举办", "month {month} is not allowed for {offering}"),
        "v.blackout": ("{date} 处于停办期（{reason}）", "{date} is in a blackout ({reason})"),
        "v.duration": ("时段 {slots} 与{duration}课程不符", "slots {slots} do not fit a {duration} session"),
        "v.duration.half_day": ("半天", "half-day"),
        "v.duration.full_day": ("全天", "full-day"),
        "v.duration.evening": ("晚间", "evening"),
        "v.slots": ("本计划不开放{slot}时段", "slot {slot} is not open in this plan"),
        # venue
        "v.venue.unknown": ("场地 {venue} 不在场景中", "unknown venue {venue}"),
        "v.venue.not_allowed": ("场地 {venue} 不在该课程可用的场地之列", "venue {venue} is not among the offering's venues"),
        "v.venue_format": ("场地 {venue} 不适合{format}课程", "venue {venue} does not suit a {format} session"),
        "v.format.offline": ("线下", "offline"),
        "v.format.online": ("线上", "online"),
        "v.format.hybrid": ("线上线下结合", "hybrid"),
        "v.host_venue": (
            "“社区帮社区”场次须在承办社区自己的场地举办，不能在 {venue}",
            "a community session must be at the host's own venue, not {venue}",
        ),
        "v.street_venue": (
            "“{type}”类场次须在街道场地举办，不能在 {venue}",
            "'{type}' sessions are held at a street venue, not {venue}",
        ),
        "v.community_venue": (
            "场地 {venue} 属于 {owner}，而该社区不参加本场",
            "venue {venue} belongs to {owner}, which does not attend",
        ),
        "v.venue_unavailable": ("场地 {venue} 在 {date} 不可用", "venue {venue} is unavailable on {date}"),
        "v.venue_capacity": ("{n}人超过场地 {venue} 的容量{capacity}人", "{n} attendees exceed {venue}'s capacity {capacity}"),
        # instructor
        "v.instructor.community": (
            "“社区帮社区”场次由承办社区授课，不应安排教员 {instructor}",
            "a community session is taught by its host, not an instructor ({instructor})",
        ),
        "v.instructor.missing": ("没有安排授课教员", "no instructor is given"),
        "v.instructor.unknown": ("教员 {instructor} 不在场景中", "unknown instructor {instructor}"),
        "v.instructor.not_allowed": (
            "{instructor} 不在该课程指定的教员之列",
            "{instructor} is not among the offering's instructors",
        ),
        "v.instructor.department": (
            "{instructor} 不属于送课部门 {department}",
            "{instructor} is not from the delivering department {department}",
        ),
        "v.instructor.mentor": (
            "{instructor} 不属于导师部门 {department}",
            "{instructor} is not from the mentor department {department}",
        ),
        "v.secretary_teacher.none": ("{instructor} 不是书记，不能讲“书记教书记”", "{instructor} is not a secretary"),
        "v.secretary_teacher.rank": (
            "{instructor}（{tier}）的层级低于学员（{audience}）",
            "{instructor} ({tier}) ranks below the audience ({audience})",
        ),
        "v.tier.street": ("街道党工委书记", "street secretary"),
        "v.tier.community": ("社区书记", "community secretary"),
        "v.tier.branch": ("支部书记", "branch secretary"),
        "v.instructor_unavailable": ("{instructor} 在 {date} 不可用", "{instructor} is unavailable on {date}"),
        # attendance
        "v.attendance.department": ("“部门带部门”场次不接受社区点单", "department sessions take no community orders"),
        "v.attendance.twice": ("社区 {community} 被列了两次", "community {community} is listed twice"),
        "v.unknown_community": ("社区 {community} 不在场景中", "community {community} is not in the scenario"),
        "v.attendance_empty.orders": ("社区 {community} 的参加记录中没有点单", "community {community} attends without an order"),
        "v.attendance_empty.attendees": (
            "社区 {community} 的参加人数为{n}人",
            "community {community} attends with {n} attendees",
        ),
        "v.host_not_visitor": ("承办社区 {community} 不能同时作为来访社区", "host {community} cannot also be a visitor"),
        "v.community_unavailable": ("社区 {community} 在 {date} 不可用", "community {community} is unavailable on {date}"),
        "v.community_unavailable.host": ("承办社区 {community} 在 {date} 不可用", "host {community} is unavailable on {date}"),
        "v.unknown_order": ("点单 {order} 不在场景中", "unknown order {order}"),
        "v.attendance.order": (
            "点单 {order} 不是 {community} 对课程 {offering} 的点单",
            "order {order} is not {community}'s order of {offering}",
        ),
        "v.attendance.sum": (
            "{community} 的参加人数写为{stated}人，其点单合计{total}人",
            "{community}: {stated} attendees stated, orders add up to {total}",
        ),
        "v.headcount": (
            "总人数写为{stated}人，参加人数合计{total}人",
            "head-count {stated} stated, attendance adds up to {total}",
        ),
        "v.offering_capacity": ("{n}人超过课程容量{capacity}人", "{n} attendees exceed the offering's capacity {capacity}"),
        "v.min_attendees": ("只有{n}人，课程至少需要{min}人才开班", "{n} attendees, the offering needs {min}"),
        "v.department_unavailable": ("部门 {department} 在 {date} 不可用", "department {department} is unavailable on {date}"),
        # across sessions
        "v.double_booking": ("{who} 在 {date} {slot}还安排了 {other}", "{who} is also in {other} on {date} {slot}"),
        "v.who.venue": ("场地 {id}", "venue {id}"),
        "v.who.instructor": ("教员 {id}", "instructor {id}"),
        "v.who.department": ("部门 {id}", "department {id}"),
        "v.who.community": ("社区 {id}", "community {id}"),
        "v.community_gap": (
            "社区 {community} 在 {date} 还参加 {other}，两场间隔不足{gap}天",
            "community {community} also attends {other} on {date}, less than {gap} days before",
        ),
        "v.community_monthly_cap": (
            "社区 {community} 在{month}月有{n}场（上限{cap}场）",
            "community {community} has {n} sessions in month {month} (cap {cap})",
        ),
        "v.department_monthly_cap": (
            "部门 {department} 在{month}月有{n}场（上限{cap}场）",
            "department {department} has {n} sessions in month {month} (cap {cap})",
        ),
        "v.type_quota": ("“{type}”类{n}场，应为{min}至{max}场", "{n} '{type}' sessions, allowed {min}..{max}"),
        "v.total_quota": ("共{n}场，应为{min}至{max}场", "{n} sessions, allowed {min}..{max}"),
        "v.max_runs": ("课程 {offering} 开了{n}场，最多{max}场", "offering {offering} runs {n} times, at most {max}"),
        "v.order_once": ("点单 {order} 已在 {other} 中满足", "order {order} is also met by {other}"),
        "v.order_once.same": ("点单 {order} 在本场中列了两次", "order {order} is listed twice in this session"),
        "v.order_accounting.both": ("点单 {order} 既已满足，又列为未满足", "order {order} is both met and listed unmet"),
        "v.order_accounting.neither": ("点单 {order} 既未满足，也未列为未满足", "order {order} is neither met nor listed unmet"),
        # unmet orders and cancelled sessions
        "v.unmet_once": ("点单 {order} 在未满足的点单中出现两次", "order {order} is listed unmet twice"),
        "v.unmet_order": (
            "未满足的点单 {order} 写为 {stated}（社区/课程），而该点单是 {actual}",
            "unmet order {order} is given as {stated} (community/offering), the order is {actual}",
        ),
        "v.cancelled.fresh": ("方案不是重排所得，却列有已取消场次", "a plan that is not a re-plan lists a cancelled session"),
        "v.cancelled.no_date": ("已取消场次没有写明取消日期", "the cancelled session has no dropped_on date"),
        "v.cancelled.reason": ("已取消场次没有写明原因", "the cancelled session gives no reason"),
        # re-planning rules
        "v.replan": ("方案没有写明由哪一版调整而来", "the plan does not say which plan it repairs"),
        "v.replan_cancelled": (
            "课程 {offering} 安排在 {date}，而 {other} 已在这一天取消",
            "{offering} runs on {date}, the day {other} was cancelled",
        ),
        "v.replan_frozen.before": ("已在 {date} 之前举办，不能改动", "held before {date}: it may not move"),
        "v.replan_frozen.window": ("处于冻结期（至 {date}），不能改动", "inside the freeze window until {date}: it may not move"),
        "v.replan_frozen.attendance": ("处于冻结期，参加单位却有变化", "its attendance changed, but it is frozen"),
        "v.replan_cutoff": ("新增或调整到 {date}，早于 {cutoff}", "new or moved to {date}, before {cutoff}"),
    }
)


# A store or an output folder that cannot be used (checked before any solve; "s." the
# store, "o." the folder of plan.json). Paths and URLs stay as they are.
TEXT.update(
    {
        "s.zero_bytes": (
            "方案库文件 {path} 是空文件（0字节），不是方案库：请删除该文件，或用 --db 指定其他方案库",
            "the store file {path} is empty (0 bytes), not a plan store: remove it or pick another store with --db",
        ),
        "s.corrupt": (
            "方案库 {store} 已损坏（SQLite 完整性检查未通过：{why}）：请从备份恢复，或用 --db 指定其他方案库",
            "the store {store} is damaged (SQLite integrity check: {why}): "
            "restore it from a backup or pick another store with --db",
        ),
        "s.newer": (
            "方案库 {store} 由更新版本的 schedule 写入（数据表版本 {revision}，本版本只认识到 {head}）："
            "请升级 schedule，或用 --db 指定其他方案库",
            "the store {store} was written by a newer version of schedule (schema {revision}; this version knows up to "
            "{head}): upgrade schedule or pick another store with --db",
        ),
        "s.read_only": (
            "方案库 {store} 无法写入（{why}）：请检查该文件及其所在文件夹的权限，或用 --db 指定其他方案库",
            "the store {store} cannot be written ({why}): check the permissions of the file and its folder, "
            "or pick another store with --db",
        ),
        "s.write_failed": (
            "方案库 {store} 写入失败（{why}），未写入任何内容",
            "the store {store} could not be written ({why}); nothing was written",
        ),
        "o.plan_is_folder": ("无法写入 {path}：已有同名的文件夹", "cannot write {path}: it is a folder"),
        "o.not_folder": (
            "无法创建输出文件夹 {path}：{file} 是文件，不是文件夹",
            "the output folder {path} cannot be made: {file} is a file, not a folder",
        ),
        "o.unwritable": ("输出文件夹 {path} 无法写入（{why}）", "the output folder {path} cannot be written ({why})"),
        "o.write_failed": (
            "{path} 写入失败（{why}）；方案库和原有的方案文件均未改动",
            "{path} could not be written ({why}); the store and the old plan file are unchanged",
        ),
        "o.not_restored": (
            "未能恢复原来的 {path}（{why}）：原文件保存在 {backup}，请手动改回",
            "the old {path} could not be put back ({why}): it is kept as {backup}; rename it back by hand",
        ),
        "o.not_removed": (
            "未能删除新写入的 {path}（{why}）：该方案未记入方案库，请手动删除",
            "the new {path} could not be removed ({why}): that plan is not in the store; delete it by hand",
        ),
    }
)


class Message:
    """A message by its key in ``TEXT`` and its parameters (ids, dates), for either language.

    Code that finds a problem returns one; what prints it picks the language. ``str()``
    is the English text (logs, exceptions)."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, **params) -> None:
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        return t(self.key, lang, **{k: _param(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Message({self.key!r}, **{self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.key, self.params) == (other.key, other.params)

    __hash__ = None


def _param(value, lang: str):
    """A message parameter in ``lang``: a nested ``Message`` in the same language, a session
    type or slot by its name, a list joined; anything else (ids, dates, numbers) as it is."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, SessionType):
        return type_name(value.value, lang)
    if isinstance(value, Slot):
        return slot_name(value.value, lang)
    if isinstance(value, (list, tuple)):
        return t("r.sep", lang).join(str(_param(v, lang)) for v in value)
    return value


def every_language(message: Message) -> dict[str, str]:
    """The message in each language, for plan.json (which is read without the code)."""
    return {lang: message.text(lang) for lang in ("zh", "en")}


def plan_warnings(plan, lang: str) -> list[str]:
    """A plan's warnings in ``lang``; plans written before warnings had every language
    keep their English text."""
    if len(plan.warning_messages) == len(plan.warnings):
        return [m.get(lang, w) for m, w in zip(plan.warning_messages, plan.warnings)]
    return list(plan.warnings)


def say(text, lang: str) -> str:
    """A ``Message`` in ``lang``; anything else (text already written in one language) as it is."""
    return text.text(lang) if isinstance(text, Message) else str(text)


# Command-line values out of range, --today, and internal errors (cli_common, history_cli, replan).
TEXT.update(
    {
        "u.id": (
            "{param} 的值“{value}”不是有效编号：只能由字母、数字和 _ . - 组成，以字母或数字开头，最长64个字符",
            "{param}: '{value}' is not a valid id: letters, digits, _ . - only, starting with a letter or digit, at most 64",
        ),
        "u.change": (
            "{param} 的值“{value}”不是变更编号：应为 1 到 {max} 之间的整数，如 3 或 #3（见 schedule plans）",
            "{param}: '{value}' is not a change number: a whole number from 1 to {max}, as 3 or #3 (see schedule plans)",
        ),
        "u.version": (
            "{param} 的值“{value}”不是版本号：应为 1 到 {max} 之间的整数，或 latest（见 schedule plans）",
            "{param}: '{value}' is not a version number: a whole number from 1 to {max}, or latest (see schedule plans)",
        ),
        "c.change": ("变更 #{id}（{change}）", "change #{id} ({change})"),
        "c.past_cancel": (
            "场次 {session} 定于 {date}，早于 --today {today}：已过去的场次不能取消（确需取消时，请用不晚于 {date} 的 --today）",
            "session {session} was on {date}, before --today {today}: a session in the past cannot be cancelled "
            "(to cancel it all the same, give a --today no later than {date})",
        ),
        "c.base_other_plan": (
            "第{base}版属于另一个计划（{name}），不是第{head}版所在的计划",
            "version {base} belongs to another plan ({name}), not to the plan of version {head}",
        ),
        "w.today_before": (
            "--today {today} 早于计划期首日 {first}：请确认日期",
            "--today {today} is before the plan's first day {first}: check the date",
        ),
        "w.today_after": (
            "--today {today} 晚于计划期末日 {last}：计划中的场次都已过去，不会再调整",
            "--today {today} is after the plan's last day {last}: every session is in the past and none will move",
        ),
        "e.crash": (
            "内部错误（程序缺陷，请报告）：{error}。详细信息已写入 {path}",
            "internal error (a bug, please report it): {error}. The details are in {path}",
        ),
        "e.crash_unsaved": (
            "内部错误（程序缺陷，请报告）：{error}。详细信息无法写入文件（{why}），加 --debug 重新运行可查看",
            "internal error (a bug, please report it): {error}. The details could not be written to a file ({why}); "
            "run again with --debug to see them",
        ),
        "e.interrupted": ("已中断。", "Interrupted."),
    }
)


# Reading scenario and plan files (scheduler/loader.py, "l."): the file is named before the
# message, with the line and column where there is one. What a parser says stays as it says it.
TEXT.update(
    {
        "l.line": ("第{line}行", "line {line}"),
        "l.line_column": ("第{line}行第{column}列", "line {line}, column {column}"),
        "l.not_found": ("文件不存在", "file not found"),
        "l.is_folder": ("这是文件夹，不是文件", "this is a folder, not a file"),
        "l.not_regular": (
            "不是普通文件（而是设备、管道或套接字），不能作为输入读取",
            "not a regular file (a device, pipe or socket): it cannot be read as input",
        ),
        "l.too_large": ("文件超过{limit} MB，不像是场景或方案文件", "the file is larger than {limit} MB: not a scenario or plan"),
        "l.no_permission": ("没有读取该文件的权限", "permission denied: the file cannot be read"),
        "l.cannot_read": ("无法读取文件（{why}）", "cannot read the file: {why}"),
        "l.not_utf8": (
            "文件不是UTF-8编码，请另存为UTF-8（例如由GBK转换）",
            "the file is not UTF-8; save it as UTF-8 (e.g. from GBK)",
        ),
        "l.control": ("此处不允许出现控制字符 {char}，请删除", "control character {char} is not allowed here; remove it"),
        "l.yaml": ("YAML格式有误（{what}）", "malformed YAML: {what}"),
        "l.json": ("JSON格式有误（{what}）", "malformed JSON: {what}"),
        "l.duplicate": ("键“{name}”重复出现（第一次在第{first}行）", "key '{name}' appears twice (first on line {first})"),
        "l.key_not_plain": ("键必须是文字或数字，不能是列表或映射", "a key must be text or a number, not a list or mapping"),
        "l.bad_value": ("此值无法读取（{what}）", "this value cannot be read: {what}"),
        "l.number_too_long": (
            "数字过长（{chars}个字符，最多{limit}个）",
            "the number is too long ({chars} characters, at most {limit})",
        ),
        "l.too_deep": ("嵌套超过{limit}层", "nested more than {limit} levels deep"),
        "l.alias_loop": ("别名引用了包含它自身的内容（循环引用）", "an alias refers to the value that contains it (a loop)"),
        "l.alias_budget": (
            "此处锚定的内容经别名展开后超过{limit}个值，请直接写出内容或减少别名",
            "the value anchored here expands through aliases to more than {limit} values; write it out or use fewer aliases",
        ),
        "l.not_mapping": (
            "文件顶层应为映射，包含 plan、communities、departments 等部分",
            "expected a mapping with plan, communities, departments, ...",
        ),
    }
)


# Scenario checks ("k.", scheduler/domain/checks.py), pydantic's shape errors ("sh.", by the
# error's type, loader.shape_message) and the render/export lines ("pg.", cli/pages.py).
# Field names of the scenario file (total_min, plan.slots, ...) stay as they are in Chinese.
TEXT.update(
    {
        "k.plan_reversed": ("计划期首日 {start} 晚于末日 {end}", "first day {start} is after the last day {end}"),
        "k.outside_year": ("{date} 不在计划年度 {year} 年内", "{date} is outside the plan year {year}"),
        "k.total_min_above": (
            "最少场次 total_min（{total_min}）大于总场次 total（{total}）",
            "total_min {total_min} is above total {total}",
        ),
        "k.min_above_max": ("下限 min（{min}）大于上限 max（{max}）", "min {min} is above max {max}"),
        "k.minimums_above_total": (
            "各类场次的下限合计 {sum} 场，超过总场次 {total} 场",
            "the per-type minimums add up to {sum}, more than the total {total}",
        ),
        "k.maximums_below": (
            "各类场次的上限合计只有 {sum} 场，少于要求的 {need} 场",
            "the per-type maximums add up to {sum}, fewer than the {need} sessions required",
        ),
        "k.slot_twice": ("有时段重复列出", "a slot is listed twice"),
        "k.span_reversed": ("开始日期 {start} 晚于结束日期 {end}", "{start} is after {end}"),
        "k.duplicate_id": ("编号 {id} 重复", "duplicate id '{id}'"),
        "k.duplicate_instructor": (
            "教员编号 {id} 重复（部门 {department} 已有此编号）",
            "duplicate instructor id '{id}' (also in {department})",
        ),
        "k.order_twice": (
            "社区 {community} 多次点了课程 {offering}，请合并为一个点单",
            "community '{community}' orders '{offering}' more than once; merge the orders",
        ),
        "k.venue_owner": (
            "{owner} 既不是 street（街道），也不是已有的社区",
            "'{owner}' is neither 'street' nor a known community",
        ),
        "k.pair_self": ("部门不能与自身结对", "a department cannot be paired with itself"),
        **{f"k.type.{k}": (f"“{TYPE_NAMES['zh'][k]}”", k) for k in TYPE_NAMES["zh"]},
        "k.not_applicable": ("{type}课程不应填写 {field}", "'{field}' does not apply to a {type} offering"),
        "k.needs": ("{type}课程须填写 {field}", "a {type} offering needs '{field}'"),
        "k.unknown_pair": ("结对 {id} 不存在", "unknown pair '{id}'"),
        "k.secretary_instructors": (
            "“书记教书记”课程须在 instructors 中列出可授课的书记",
            "a secretary offering names the secretaries who may teach it",
        ),
        "k.no_tier": (
            "教员 {id} 没有书记层级（tier），不能讲授“书记教书记”课程",
            "'{id}' has no secretary tier and cannot teach a secretary offering",
        ),
        "k.not_department_instructor": (
            "{id} 不是部门 {department} 的教员",
            "'{id}' is not an instructor of department '{department}'",
        ),
        "k.physical": ("线下", "physical"),
        "k.venue_format": (
            "场地 {venue} 是{kind}场地，课程形式却是{format}",
            "venue '{venue}' is {kind} but the format is {format}",
        ),
        "k.host_venue": (
            "“社区帮社区”场次须在承办社区自己的场地举办；场地 {venue} 属于 {owner}",
            "a community session is held at the host's own venue; '{venue}' belongs to '{owner}'",
        ),
        "k.min_above_capacity": (
            "最少开班人数 min_attendees（{min}）大于容量 capacity（{capacity}）",
            "min_attendees {min} is above capacity {capacity}",
        ),
        "k.evening_slot": ("晚间课程需要 plan.slots 中有 evening", "an evening offering needs 'evening' in plan.slots"),
        "k.full_day_slots": (
            "全天课程需要 plan.slots 中同时有 morning 和 afternoon",
            "a full-day offering needs 'morning' and 'afternoon' in plan.slots",
        ),
        "k.half_day_slots": (
            "半天课程需要 plan.slots 中有 morning 或 afternoon",
            "a half-day offering needs 'morning' or 'afternoon' in plan.slots",
        ),
        "k.after_changes": ("应用变更后的场景：{record}", "scenario after the changes: {record}"),
        # pydantic's errors, by type; the English is pydantic's own wording
        "sh.top_level": ("顶层", "(top level)"),
        "sh.got": ("{message}（填写的是 {got}）", "{message} (got {got})"),
        "sh.other": ("取值不符合要求（{what}）", "{what}"),
        "sh.missing": ("缺少必填字段", "Field required"),
        "sh.extra_forbidden": ("没有这个字段（是否拼写有误？）", "Extra inputs are not permitted"),
        "sh.int_type": ("应为整数", "Input should be a valid integer"),
        "sh.int_parsing": ("应为整数，这段文字不是整数", "Input should be a valid integer, unable to parse string as an integer"),
        "sh.int_from_float": ("应为整数，不能有小数部分", "Input should be a valid integer, got a number with a fractional part"),
        "sh.finite_number": ("应为有限的数", "Input should be a finite number"),
        "sh.greater_than_equal": ("应不小于 {ge}", "Input should be greater than or equal to {ge}"),
        "sh.less_than_equal": ("应不大于 {le}", "Input should be less than or equal to {le}"),
        "sh.string_type": ("应为文字", "Input should be a valid string"),
        "sh.string_pattern_mismatch": ("格式不符，应匹配 {pattern}", "String should match pattern '{pattern}'"),
        "sh.string_too_short": ("至少应有{min_length}个字符", "String should have at least {min_length} character(s)"),
        "sh.string_too_long": ("最多只能有{max_length}个字符", "String should have at most {max_length} characters"),
        "sh.enum": ("应为以下取值之一：{expected}", "Input should be one of {expected}"),
        "sh.bool_type": ("应为 true 或 false", "Input should be a valid boolean"),
        "sh.bool_parsing": ("应为 true 或 false，无法识别此值", "Input should be a valid boolean, unable to interpret input"),
        "sh.list_type": ("应为列表", "Input should be a valid list"),
        "sh.dict_type": ("应为映射", "Input should be a valid dictionary"),
        "sh.model_type": (
            "应为映射（一条 {class_name} 记录的各字段）",
            "Input should be a valid dictionary or instance of {class_name}",
        ),
        "sh.date_type": ("应为日期（YYYY-MM-DD）", "Input should be a valid date"),
        "sh.date_parsing": (
            "应为 YYYY-MM-DD 格式的日期：{error}",
            "Input should be a valid date in the format YYYY-MM-DD, {error}",
        ),
        "sh.date_from_datetime_parsing": (
            "应为有效日期（YYYY-MM-DD）：{error}",
            "Input should be a valid date or datetime, {error}",
        ),
        "sh.date_from_datetime_inexact": (
            "应为日期，不能带时刻",
            "Datetimes provided to dates should have zero time - e.g. be exact dates",
        ),
        # why a date does not parse (pydantic's ctx "error"), as pydantic says it
        "sh.date.day": ("日超出该月的天数", "day value is outside expected range"),
        "sh.date.month": ("月份应在1到12之间", "month value is outside expected range of 1-12"),
        "sh.date.short": ("内容太短", "input is too short"),
        "sh.date.separator": ("年月日之间应以 - 分隔", "invalid date separator, expected `-`"),
        "sh.date.year_char": ("年份中有非数字字符", "invalid character in year"),
        "sh.date.month_char": ("月份中有非数字字符", "invalid character in month"),
        "sh.date.day_char": ("日中有非数字字符", "invalid character in day"),
        "sh.date.year_zero": ("没有公元0年", "year 0 is out of range"),
        # schedule render / export
        "pg.one_source": ("请给出 plan.json 或 --version N（二者选一）", "give a plan.json or --version N (one of them)"),
        "pg.rendered": ("已在 {folder} 中写入 {n} 个文件；请打开 {index}", "{n} files written to {folder}; open {index}"),
        "pg.feeds": (
            "已在 {folder} 中生成 {n} 个 iCalendar 日历订阅文件（all.ics 含全部场次）",
            "{n} iCalendar feeds in {folder} (all.ics: every session)",
        ),
    }
)


# The rule registry (scheduler/domain/rules.py): unmet reasons that name eligibility rules
# ("u."), and the weekly venue cap's validator line (its label is declared with the rule).
TEXT.update(
    {
        # an order with no venue or instructor left, naming the eligibility rules that removed them
        "u.no_venue.named": ("没有可用的场地：{rules}。", "no venue is left: {rules}."),
        "u.no_instructor.named": ("没有可授课的教员：{rules}。", "no instructor is left: {rules}."),
        "v.venue_weekly_cap": (
            "场地 {venue} 在{monday}起的一周内有{n}场（上限{cap}场）",
            "venue {venue} hosts {n} sessions in the week of {monday} (cap {cap})",
        ),
    }
)


# Issue 12's hard rules: the street-wide caps per day and per week (validator lines; their
# labels are declared with the rules) and a blackout hitting a session at an outdoor venue.
TEXT.update(
    {
        "v.street_daily_cap": (
            "{date} 全街道有{n}场（每天上限{cap}场）",
            "{n} sessions across the street on {date} (cap {cap} a day)",
        ),
        "v.street_weekly_cap": (
            "{monday}起的一周内全街道有{n}场（每周上限{cap}场）",
            "{n} sessions across the street in the week of {monday} (cap {cap} a week)",
        ),
        "v.blackout.outdoor_venue": (
            "{date} 处于停办期（{reason}），露天场地 {venue} 停用",
            "{date} is in a blackout ({reason}) that closes the outdoor venue {venue}",
        ),
    }
)


# Issue 12's rhythm level and the rhythm figures of the summary, the index page and the benchmarks.
TEXT.update(
    {
        "level.rhythm": (
            "周节奏（偏离按可用工作日逐周均分的场次数，加同一时段重叠的场次对数，取负）",
            "steady rhythm (minus sessions off the even weekly load by usable days, and pairs sharing a half-day)",
        ),
        "rhythm": ("节奏", "Rhythm"),
        "rhythm.busiest": ("单日最多{day}场，单周最多{week}场", "most sessions on one day: {day}; in one week: {week}"),
        "rhythm.weeks": (
            "有场次的周：{weeks}/{usable}（有可用工作日的周）",
            "weeks with a session: {weeks} of {usable} (weeks with usable days)",
        ),
        "rhythm.early": (
            "每月1–10日的场次：{n}场，占{share}",
            "sessions on days 1–10 of their month: {n} ({share})",
        ),
    }
)


# Issue 15's `schedule schema`: the scenario's JSON Schema for YAML editors (scheduler/cli/schema.py).
TEXT.update(
    {
        "sc.title": ("年度干部培训计划场景文件", "scenario of a year's cadre-training plan"),
        "sc.description": (
            "由 schedule schema 按场景模型生成；YAML 文件首行写 # yaml-language-server: $schema=路径，"
            "编辑器即可给出说明、补全与校验",
            "written by `schedule schema` from the scenario models; a YAML file whose first line is "
            "# yaml-language-server: $schema=PATH gets help, completion and checks in the editor",
        ),
        "sc.single_day": ("单日，如 2026-03-05", "a single day, e.g. 2026-03-05"),
        "sc.written": ("场景文件的 JSON Schema 已写入 {path}", "the scenario's JSON Schema is written to {path}"),
        "sc.cannot_write": ("无法写入 {path}：{why}", "cannot write {path}: {why}"),
    }
)


# The scenario as an Excel workbook (scheduler/domain/workbook.py, "wb."): column labels
# ("wb.f." + field, or + Model.field where one name means two things), places and problems.
TEXT.update(
    {
        "wb.f.name": ("名称", "name"),
        "wb.f.year": ("年份", "year"),
        "wb.f.start": ("开始日期", "start"),
        "wb.f.end": ("结束日期", "end"),
        "wb.f.sessions": ("场次", "sessions"),
        "wb.f.slots": ("可用时段", "slots"),
        "wb.f.blackouts": ("停办期", "blackouts"),
        "wb.f.holidays": ("节假日调整", "holidays"),
        "wb.f.caps": ("上限", "caps"),
        "wb.f.total": ("全年场次", "total"),
        "wb.f.total_min": ("最少场次", "total_min"),
        "wb.f.Quotas.secretary": ("书记教书记", "secretary"),
        "wb.f.Quotas.peer": ("同行学同行", "peer"),
        "wb.f.Quotas.community": ("社区帮社区", "community"),
        "wb.f.Quotas.department": ("部门带部门", "department"),
        "wb.f.min": ("至少", "min"),
        "wb.f.max": ("至多", "max"),
        "wb.f.reason": ("原因", "reason"),
        "wb.f.types": ("限定类型", "types"),
        "wb.f.outdoor_only": ("仅停户外", "outdoor_only"),
        "wb.f.days_off": ("放假", "days_off"),
        "wb.f.working_days": ("调休上班", "working_days"),
        "wb.f.kind": ("类别", "kind"),
        "wb.f.community_per_month": ("社区每月场次上限", "community_per_month"),
        "wb.f.department_per_month": ("部门每月场次上限", "department_per_month"),
        "wb.f.community_min_gap_days": ("社区两场最少间隔天数", "community_min_gap_days"),
        "wb.f.venue_per_week": ("场地每周场次上限", "venue_per_week"),
        "wb.f.street_per_day": ("全街道每日场次上限", "street_per_day"),
        "wb.f.street_per_week": ("全街道每周场次上限", "street_per_week"),
        "wb.f.id": ("编号", "id"),
        "wb.f.cadres": ("干部人数", "cadres"),
        "wb.f.Community.secretary": ("书记", "secretary"),
        "wb.f.unavailable": ("不可用日期", "unavailable"),
        "wb.f.tier": ("书记层级", "tier"),
        "wb.f.Instructor.department": ("所属部门", "department"),
        "wb.f.Department.instructors": ("教员", "instructors"),
        "wb.f.monthly_cap": ("每月场次上限", "monthly_cap"),
        "wb.f.capacity": ("容量", "capacity"),
        "wb.f.owner": ("所属", "owner"),
        "wb.f.online": ("线上", "online"),
        "wb.f.outdoor": ("户外", "outdoor"),
        "wb.f.title": ("课程名称", "title"),
        "wb.f.type": ("类型", "type"),
        "wb.f.department": ("送课部门", "department"),
        "wb.f.host": ("承办社区", "host"),
        "wb.f.pair": ("结对", "pair"),
        "wb.f.instructors": ("授课教员", "instructors"),
        "wb.f.venues": ("可用场地", "venues"),
        "wb.f.duration": ("时长", "duration"),
        "wb.f.min_attendees": ("最少人数", "min_attendees"),
        "wb.f.format": ("形式", "format"),
        "wb.f.max_runs": ("最多开班次数", "max_runs"),
        "wb.f.months": ("可选月份", "months"),
        "wb.f.audience_tier": ("学员层级", "audience_tier"),
        "wb.f.community": ("社区", "community"),
        "wb.f.offering": ("课程", "offering"),
        "wb.f.attendees": ("参加人数", "attendees"),
        "wb.f.Pair.attendees": ("学员人数", "attendees"),
        "wb.f.roles": ("参加人员", "roles"),
        "wb.f.priority": ("优先级", "priority"),
        "wb.f.preferred_months": ("希望月份", "preferred_months"),
        "wb.f.mentor": ("导师部门", "mentor"),
        "wb.f.learner": ("学员部门", "learner"),
        "wb.item": ("项目", "item"),
        "wb.key": ("键", "key"),
        "wb.value": ("值", "value"),
        "wb.both": ("{zh}", "{en}"),
        "wb.at": ("{sheet}!{cell}", "{sheet}!{cell}"),
        "wb.range": ("{field}应为{lo}–{hi}，实为{got}", "{field} should be {lo}–{hi}, got {got}"),
        "wb.cell": ("{sheet}!{cell}（{field}）", "{sheet}!{cell} ({field})"),
        "wb.row": ("{sheet}!第{row}行", "{sheet}!row {row}"),
        "wb.sheet": ("工作表“{sheet}”", "sheet {sheet}"),
        "wb.not_xlsx": ("不是可读取的 Excel 工作簿（.xlsx）：{why}", "not a readable Excel workbook (.xlsx): {why}"),
        "wb.too_large": (
            "工作簿解压后超过{limit} MB，不像是场景文件",
            "the workbook unpacks to more than {limit} MB: not a scenario",
        ),
        "wb.formula": (
            "公式没有保存的计算结果：请在 Excel 中打开并保存一次，或直接填写数值",
            "a formula without a saved result: open and save the file in Excel, or type the value",
        ),
        "wb.unknown_column": ("没有“{name}”这一列（是否拼写有误？）", "there is no column '{name}' (a typo?)"),
        "wb.duplicate_column": (
            "“{name}”这一列出现了两次（第一次在{first}列）",
            "column '{name}' appears twice (first in column {first})",
        ),
        "wb.unknown_key": ("计划中没有“{name}”这一项（是否拼写有误？）", "the plan has no item '{name}' (a typo?)"),
        "wb.duplicate_key": (
            "“{name}”这一项出现了两次（第一次在第{first}行）",
            "item '{name}' appears twice (first in row {first})",
        ),
        "wb.misnamed": (
            "这张表像是“{section}”表，但名称不符，未读取：请改名为“{section}”",
            "this sheet looks like the sheet {section} but is named otherwise, so it was not read: rename it {section}",
        ),
        "wb.out_suffix": ("{path}：工作簿的文件名应以 .xlsx 结尾", "{path}: the workbook's name should end in .xlsx"),
        "wb.out_folder": ("文件夹 {folder} 不存在", "the folder {folder} does not exist"),
        "wb.cannot_write": ("无法写入 {path}（{why}）", "cannot write {path}: {why}"),
        "wb.written": ("工作簿已写入 {path}（{n}张表）", "Workbook written to {path} ({n} sheets)"),
        "wb.dv.title": ("取值有误", "Invalid value"),
        "wb.dv.list": ("请从下拉列表中选择", "Choose a value from the list"),
        "wb.dv.whole": ("应为{lo}到{hi}之间的整数", "A whole number from {lo} to {hi}"),
        "wb.dv.at_least": ("应为不小于{lo}的整数", "A whole number of at least {lo}"),
        "wb.guide.title": ("说明", "Guide"),
        "wb.guide": (
            "本工作簿即一份完整的场景文件：schedule solve 本文件.xlsx 可直接求解，所有命令均可读取。\n"
            "每张表对应场景的一部分：计划（键值表，每行一项）、社区、部门、教员（每行一名教员，“所属部门”填部门编号）、"
            "场地、课程菜单、点单、结对、停办期、节假日调整（每行一条，“类别”填 days_off 放假或 working_days 调休上班）。\n"
            "表头为“中文名 英文键”，按英文键识别，列的顺序可以调整；没有英文键的列（如“备注”）不读取。\n"
            "多个取值写在一格内，用逗号分隔：月份 3,4,5；编号 dj-lin,dj-wu；全角数字和逗号（３，４）也可以。\n"
            "日期写作 2026-07-06（或 Excel 日期）；时段写作 2026-07-06~2026-07-24，原因写在括号里："
            "2026-07-06~2026-07-24（三防值班），单日写作 2026-05-20，多个时段用逗号分隔。\n"
            "空行跳过；隐藏的行照常读取；合并单元格视为每格都填了该值；公式取保存的计算结果。\n"
            "是/否字段填 TRUE/FALSE（或 是/否）；留空即用默认值。其他名称的工作表不读取。\n"
            "出错时每个问题都会标明表名和单元格（如 点单!D17），改正后重新运行即可。",
            "This workbook is a complete scenario: schedule solve this.xlsx solves it, and every command reads it.\n"
            "Each sheet is one part of the scenario: 计划 (the plan, one item per row), 社区 communities, 部门 departments, "
            "教员 instructors (one per row, 所属部门 department = the department's id), 场地 venues, 课程菜单 offerings, "
            "点单 orders, 结对 pairs, 停办期 blackouts, 节假日调整 holidays (one per row, kind days_off or working_days).\n"
            "Headers read 'Chinese name  English key'; columns are found by the key, in any order; "
            "columns without a key (notes) are not read.\n"
            "Several values in one cell are separated by commas: months 3,4,5; ids dj-lin,dj-wu; "
            "full-width digits and commas (３，４) work too.\n"
            "Dates as 2026-07-06 (or Excel dates); spans as 2026-07-06~2026-07-24, a reason in brackets: "
            "2026-07-06~2026-07-24（三防值班）, one day as 2026-05-20, several spans separated by commas.\n"
            "Empty rows are skipped; hidden rows are read; a merged cell counts for every cell it covers; "
            "formulas give their saved result.\n"
            "Yes/no fields take TRUE/FALSE (or 是/否); an empty cell takes the default. Sheets of other names are not read.\n"
            "Each problem is named by sheet and cell (e.g. 点单!D17): fix them and run again.",
        ),
    }
)


# Forms out, forms back (scheduler/intake/, "fm."): the order and menu forms and collecting them.
TEXT.update(
    {
        "fm.yes": ("是", "yes"),
        "fm.no": ("否", "no"),
        "fm.dv.several": ("可从列表中选，也可填写多个，用逗号分隔", "Pick from the list, or write several separated by commas"),
        "fm.menu.title": ("课程名称", "title"),
        "fm.menu.type": ("类型", "type"),
        "fm.menu.deliverer": ("授课方", "delivered by"),
        "fm.menu.format": ("形式", "format"),
        "fm.menu.duration": ("时长", "duration"),
        "fm.menu.months": ("可选月份", "months"),
        "fm.menu.capacity": ("单场最多人数", "capacity"),
        "fm.menu.max_runs": ("全年最多开班次数", "runs in the year, at most"),
        "fm.menu.id": ("课程编号", "id"),
        "fm.menu.any_month": ("全年", "any"),
        "fm.orders.title": ("{community}（{id}）点单表 · {plan}", "Order form of {community} ({id}) · {plan}"),
        "fm.offerings.title": ("{department}（{id}）送课菜单 · {plan}", "Menu of {department} ({id}) · {plan}"),
        "fm.teachers.title": ("{department}（{id}）教员", "Instructors of {department} ({id})"),
        "fm.attend_away.title": (
            "{community}（{id}）不能参加培训的日期（每行一段；单日只填开始日期）",
            "Days {community} ({id}) cannot attend training (one span a row; one day: the start only)",
        ),
        "fm.away.title": (
            "{department}（{id}）整个部门不能送课的日期（每行一段；单日只填开始日期）",
            "Days {department} ({id}) as a whole cannot deliver (one span a row; one day: the start only)",
        ),
        "fm.guide.community": (
            "{community}点单表 · {plan}\n"
            "1. “课程菜单”表列出本社区可以点的课程（只读）：类型、授课方、形式、时长、可选月份、"
            "单场最多人数、全年最多开班次数。\n"
            "2. 在“点单”表中每行点一门课程：从下拉列表选择课程，填写参加人数、"
            "参加人员（岗位，多个用逗号分隔，如 网格员,安全员）、"
            "优先级（1–5，5最想要，不填为3）和希望月份（如 3,4，不填为不限）。\n"
            "3. “不能参训日期”表列出本社区不能参加培训的日期（如换届选举、防汛值守），每行一段："
            "开始日期、结束日期（单日可不填）、原因。\n"
            "4. 同一门课程只点一次；空行不读取；只有浅黄色的格子可以填写。\n"
            "5. 请勿改动表名和表头，填好后保存为 .xlsx，原文件发回街道。\n"
            "本表交回后将整体替换本社区此前的点单和不能参训日期。",
            "Order form of {community} · {plan}\n"
            "1. The sheet 课程菜单 lists what the community may order (read only): type, who delivers, format, "
            "duration, allowed months, capacity, runs in the year.\n"
            "2. On the sheet 点单, one order a row: pick the course from the list, write the attendees, their roles "
            "(several separated by commas), the priority (1–5, 5 = most wanted, 3 when empty) and the preferred months "
            "(e.g. 3,4; empty = any).\n"
            "3. The sheet 不能参训日期 lists the days the community cannot attend training (an election, flood duty), "
            "one span a row: first day, last day (may stay empty for one day), reason.\n"
            "4. Order a course once; empty rows are not read; only the pale yellow cells take input.\n"
            "5. Keep the sheet names and headers; save as .xlsx and send the file back.\n"
            "The form replaces every earlier order and day away of the community.",
        ),
        "fm.guide.department": (
            "{department}送课菜单 · {plan}\n"
            "1. “送课菜单”表列出本部门目前能送的课程，每行一门：可修改、删除整行或在下方空行新增。"
            "课程编号可留空（新课程由街道编号）；类型、形式、时长、户外、学员层级从下拉列表选择；"
            "可选月份如 3,4,5（不填为全年）；授课教员填本部门教员的姓名或编号，多个用逗号分隔（不填为所有合格教员）；"
            "“部门带部门”课程须选结对。\n"
            "2. “教员”表列出本部门教员：姓名、书记层级（“书记教书记”的授课人须填）、不能授课的日期"
            "（如 2026-07-06~2026-07-24（外出学习），单日写 2026-05-20，多个用逗号分隔）。\n"
            "3. “不能送课日期”表列出整个部门都不能送课的日期，每行一段：开始日期、结束日期（单日可不填）、原因。\n"
            "4. 空行不读取；只有浅黄色的格子可以填写；请勿改动表名和表头。\n"
            "本表交回后将整体替换本部门此前的课程、教员和不能送课日期。",
            "Menu form of {department} · {plan}\n"
            "1. The sheet 送课菜单 lists what the department teaches now, one course a row: change it, clear a row, "
            "or add one below. The id may stay empty (the street numbers new courses); type, format, duration, outdoor "
            "and audience tier come from lists; months as 3,4,5 (empty = any); instructors by name or id, several "
            "separated by commas (empty = every eligible one); a 部门带部门 course needs its pair.\n"
            "2. The sheet 教员 lists the department's instructors: name, secretary tier (for 书记教书记 teachers), "
            "dates they cannot teach (2026-07-06~2026-07-24（外出学习）, one day as 2026-05-20, several separated by commas).\n"
            "3. The sheet 不能送课日期 lists the days the whole department cannot deliver, one span a row: first day, "
            "last day (may stay empty for one day), reason.\n"
            "4. Empty rows are not read; only the pale yellow cells take input; keep the sheet names and headers.\n"
            "The form replaces the department's earlier courses, instructors and days away.",
        ),
        "fm.not_form": (
            "不是 schedule forms 生成的表单（缺少隐藏的“{sheet}”表或其内容有误）",
            "not a form made by schedule forms (its hidden sheet {sheet} is missing or damaged)",
        ),
        "fm.other_plan": (
            "这份表单属于“{plan}”（{year}年），不是本场景的“{ours}”（{our_year}年）",
            "this form belongs to '{plan}' ({year}), not to this scenario's '{ours}' ({our_year})",
        ),
        "fm.missing_sheet": (
            "缺少“{sheet}”表（是否被改名或删除？表单中其他的表：{others}）",
            "the sheet {sheet} is missing (renamed or deleted? other sheets of the form: {others})",
        ),
        "fm.missing_column": ("表头缺少“{name}”一列", "the header has no column '{name}'"),
        "fm.unknown_offering": ("课程“{title}”不在本表的课程菜单中", "'{title}' is not on this form's menu"),
        "fm.withdrawn": (
            "课程“{title}”（{id}）已不在本社区可点的课程菜单中（表单发出后被撤下）",
            "'{title}' ({id}) is no longer on the menu this community may order from (withdrawn after the form went out)",
        ),
        "fm.unknown_teacher": (
            "“{name}”不是本部门的教员（请填“教员”表中的姓名或编号）",
            "'{name}' is not an instructor of this department (write a name or id of the 教员 sheet)",
        ),
        "fm.twice.offering": ("课程 {value} 已在第{row}行点过", "{value} is already ordered in row {row}"),
        "fm.twice.id": ("编号 {value} 已在第{row}行使用", "the id {value} is already used in row {row}"),
        "fm.id_taken": ("编号 {id} 已被场景中其他记录使用", "the id {id} is used by another record of the scenario"),
        "fm.still_ordered": (
            "课程 {offering} 已从菜单删除，但仍有点单要这门课（{orders}）：请保留该课程或先处理这些点单",
            "{offering} was removed from the menu but orders still ask for it ({orders}): keep it or settle those orders first",
        ),
        "fm.same_form": (
            "与 {other} 是同一份表单（{name}）：交回了两次，请只保留一份",
            "the same form ({name}) as {other}: it came back twice, keep one",
        ),
        "fm.out_suffix": (
            "{path}：合并结果应写成 .yaml、.yml 或 .xlsx 文件",
            "{path}: write the merged scenario to a .yaml, .yml or .xlsx file",
        ),
        "fm.written": ("表单已写入 {folder}：{n}份", "{n} forms written to {folder}"),
        "fm.tally": (
            "{name}（{id}）{what}：新增{added}，修改{changed}，删除{removed}，不变{same}",
            "{name} ({id}) {what}: {added} added, {changed} changed, {removed} removed, {same} unchanged",
        ),
        "fm.what.orders": ("点单", "orders"),
        "fm.what.offerings": ("课程", "offerings"),
        "fm.what.instructors": ("教员", "instructors"),
        "fm.what.unavailable": ("不能送课日期", "days away"),
        "fm.what.attend_unavailable": ("不能参训日期", "days it cannot attend"),
        "fm.skipped": ("未合并 {path}（{n}个问题，见上）", "not merged: {path} ({n} problems, above)"),
        "fm.collected": (
            "已写入 {path}：合并{forms}份表单，点单{orders}条，课程{offerings}门",
            "Written {path}: {forms} forms merged, {orders} orders, {offerings} offerings",
        ),
    }
)
