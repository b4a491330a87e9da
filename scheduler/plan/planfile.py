"""Turn a solver result into a self-contained ``Plan`` and write ``plan.json``.

Session ids are ``S-<year>-<nnn>`` in date order; re-plans keep them, so planners
can quote an id to cancel a session.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler import __version__
from scheduler.core.problem import Assignment, Solution, relative_gap
from scheduler.domain.compile import Compiled, slots_for
from scheduler.domain.i18n import LANGS, every_language, joined_orders, unmet_message
from scheduler.domain.ids import event_id, options_of, placement, resources_of, session_departments, unit_of
from scheduler.domain.loader import PLAN_MAX_BYTES, parse_text, read_text
from scheduler.models import (
    SLOT_ORDER,
    Attendance,
    Offering,
    Order,
    Plan,
    PlannedSession,
    Scenario,
    ScenarioRef,
    SessionType,
    SolverInfo,
    UnmetOrder,
)

if TYPE_CHECKING:  # OR-Tools loads only when a plan is built: reading one (validate, plans, diff, why) needs none
    from scheduler.core.options import SolveOptions
    from scheduler.plan.reasons import Evidence


def _sessions(
    sc: Scenario, comp: Compiled, sol: Solution, ids: dict[str, str] | None = None, last: int = 0
) -> list[PlannedSession]:
    """The plan's sessions in date order. ``ids`` (event -> session id) keeps the ids of a
    re-planned plan; other sessions get numbers after ``last`` (never reused)."""
    offerings = {o.id: o for o in sc.offerings}
    orders = {o.id: o for o in sc.orders}
    rows = []
    events: dict[int, str] = {}  # id() of a row -> its event, while rows have no session id yet
    for a in sol.assignments:
        rows.append(_session_of(sc, comp, offerings[comp.offering_of_event[a.event]], a, orders))
        events[id(rows[-1])] = a.event
    rows.sort(key=lambda s: (s.date, SLOT_ORDER.index(s.slots[0]), s.offering, s.venue))
    _number(rows, events, sc.plan.year, ids or {}, last)
    return rows


def _session_of(sc: Scenario, comp: Compiled, off: Offering, a: Assignment, orders: dict[str, Order]) -> PlannedSession:
    """One solver assignment in domain terms, without its id: when, where, who teaches and
    who attends (read back through ``scheduler.domain.ids``)."""
    day, slots = placement(comp.day_list, a.start, len(slots_for(off.duration)))
    venue, instructor = resources_of(a.options)
    attendance = _attendance(a.demands, orders)
    learners = next(p.attendees for p in sc.pairs if p.id == off.pair) if off.type == SessionType.department else 0
    return PlannedSession(
        id="",
        offering=off.id,
        title=off.title,
        type=off.type,
        date=day,
        slots=slots,
        venue=venue,
        instructor=instructor,
        host=off.host if off.type == SessionType.community else None,
        departments=session_departments(sc, off),
        attendance=attendance,
        headcount=sum(x.attendees for x in attendance) + learners,
    )


def _attendance(demands: list[str], orders: dict[str, Order]) -> list[Attendance]:
    """The orders a session meets, grouped by community (people added up), by community id."""
    per_comm: dict[str, list[str]] = defaultdict(list)
    for oid in demands:
        per_comm[orders[oid].community].append(oid)
    return [
        Attendance(community=c, attendees=sum(orders[o].attendees for o in oids), orders=sorted(oids))
        for c, oids in sorted(per_comm.items())
    ]


def _number(rows: list[PlannedSession], events: dict[int, str], year: int, ids: dict[str, str], last: int) -> None:
    """Give each session its id: the one its event had (re-planning), else the next number
    after every number used so far, so a dropped session's id is never given again."""
    used = {int(x.rsplit("-", 1)[1]) for x in ids.values()}
    n = max(used | {last})
    for s in rows:
        given = ids.get(events[id(s)])
        if given:
            s.id = given
        else:
            n += 1
            s.id = f"S-{year}-{n:03d}"


def assignments_of(comp: Compiled, sessions: list[PlannedSession]) -> list[Assignment]:
    """The inverse of ``_sessions``: a plan's sessions as the compiled problem's assignments
    (the k-th session of an offering, in date order, on its run k; through
    ``scheduler.domain.ids``). Sessions the problem has no run or day for are left out."""
    day_index = {d: i for i, d in enumerate(comp.day_list)}
    events = {e.id for e in comp.problem.events}
    seen: Counter = Counter()
    out = []
    for s in sorted(sessions, key=lambda s: (s.date, SLOT_ORDER.index(s.slots[0]), s.id)):
        eid = event_id(s.offering, seen[s.offering])
        seen[s.offering] += 1
        if eid in events and s.date in day_index:
            demands = [o for a in s.attendance for o in a.orders]
            out.append(Assignment(eid, unit_of(day_index[s.date], s.slots[0]), options_of(s.venue, s.instructor), demands))
    return out


def level_gap(objective: list[int], bound: list[int]) -> float:
    """Relative gap of the first level not proven optimal (0 when all are)."""
    for value, best in zip(objective, bound):
        if value != best:
            return round(relative_gap(value, best), 6)
    return 0.0


def unmet_orders(sc: Scenario, comp: Compiled, evidence: dict[str, Evidence], lang: str) -> list[UnmetOrder]:
    """The unmet orders in scenario order, each with its evidence and its sentence in
    every language, written from that evidence alone."""
    out = []
    for o in sc.orders:
        ev = evidence.get(o.id)
        if ev is None:
            continue
        messages = {x: _sentence(sc, comp, o, ev, x) for x in LANGS}
        out.append(
            UnmetOrder(
                order=o.id,
                community=o.community,
                offering=o.offering,
                reason=ev.code,
                message=messages[lang],
                messages=messages,
                tier=ev.tier,
                rules=ev.rules,
                displaced=ev.displaced,
                whatif=ev.whatif,
                least=ev.least,
            )
        )
    return out


def _sentence(sc: Scenario, comp: Compiled, o: Order, ev: Evidence, lang: str) -> str:
    limit = comp.size_limit.get(o.offering, 0)
    named = "；" if lang == "zh" else "; "
    rules = named.join(comp.rule_label(r, lang) for r in ev.rules) if ev.code not in ("host_self", "too_large") else ""
    return unmet_message(ev.code, o, lang, limit, rules, joined_orders(sc, ev.displaced, lang), ev.least)


def build_plan(
    sc: Scenario,
    comp: Compiled,
    sol: Solution,
    opts: SolveOptions,
    source: str,
    sha256: str,
    lang: str,
    evidence: dict[str, Evidence],
    ids: dict[str, str] | None = None,
    last: int = 0,
) -> Plan:
    """The plan of solution ``sol``; ``evidence``: why each unmet order is not met
    (``scheduler.plan.reasons.explain_unmet``)."""
    import ortools

    from scheduler.core.options import solver_threads

    sessions = _sessions(sc, comp, sol, ids, last)
    unmet = unmet_orders(sc, comp, evidence, lang)
    info = SolverInfo(
        status=sol.status,
        levels=sol.level_names,
        objective=sol.objective,
        bound=sol.bound,
        gap=level_gap(sol.objective, sol.bound),
        seed=opts.seed,
        workers=solver_threads(opts),
        deterministic=opts.deterministic,
        time_limit=opts.time_limit,
        ortools=ortools.__version__,
        time_seconds=round(sol.wall_time, 3),
        method=str(sol.info.get("method", "days")),
    )
    return Plan(
        engine=__version__,
        scenario=ScenarioRef(path=source, sha256=sha256, snapshot=sc),
        solver=info,
        sessions=sessions,
        unmet=unmet,
        warnings=[str(w) for w in comp.calendar.warnings],
        warning_messages=[every_language(w) for w in comp.calendar.warnings],
    )


def plan_json(plan: Plan) -> str:
    """plan.json's text: pydantic's own JSON writer, indented by two, names as written
    (UTF-8, not escaped). It is the text ``json.dumps(..., ensure_ascii=False, indent=2)``
    gives the dumped model (checked on the Pinghu and 10x plans) but for a gap below 1e-4,
    written 0.00005 where ``json`` writes 5e-05; and it is 7x faster, since ``json`` falls
    back to its pure-Python encoder when it indents (the 10x plan: 0.05 s instead of 0.007)."""
    return plan.model_dump_json(indent=2) + "\n"


def write_plan(plan: Plan, out_dir: Path) -> Path:
    """Write OUT/plan.json atomically (a half-written plan.json never replaces a good one),
    without a store; raises ``staging.OutputError`` naming the file. ``solve`` and
    ``resolve`` write it in one step with their new version (``scheduler.cli.publish_plan``)."""
    from scheduler.plan.staging import StagedPlan  # staging builds on this module

    staged = StagedPlan(plan_json(plan), out_dir)
    staged.put()
    staged.done()
    return staged.target


def read_plan(path: Path) -> Plan:
    """plan.json, with or without a BOM. A file that cannot be read or parsed (or breaks the
    loader's caps) raises ``InputError`` with line and column; a plan of the wrong shape raises
    pydantic's ``ValidationError``."""
    text = read_text(path, PLAN_MAX_BYTES)
    parse_text(str(path), text, as_json=True)  # Python's parser, for the places pydantic's does not give
    return Plan.model_validate_json(text)
