"""CB-CTT compiled into the engine's neutral problem (``scheduler.core.problem``) and its
hard rules solved by the same core that plans the street office's year.

The mapping (nothing here is street-office specific, and nothing in the core learns CTT):
- each lecture is an event that must run (``optional=False``), of length one time unit;
  a course's lectures are one family of interchangeable runs (the core breaks their
  symmetry);
- a day of the instance is a day of the core's calendar, its periods the day's units;
- the teacher and each curriculum of a course are resources every lecture of it uses
  (a resource is in one event at a time: the conflicts rule);
- the room is a choice among every room (a room is a resource too: one lecture a period);
- an unavailable period is left out of the lecture's starts (the core's exclusions are
  by whole days; its starts are by unit);
- no demands and no count rules: every objective level is 0 in every plan, so the
  core's solve is a search for any plan, and its plan breaks no hard rule.

The soft costs (room capacity, minimum working days, compactness, room stability) are
not the core's levels: the core has no level a CTT cost maps onto, and a term added to
the neutral objective for one benchmark would be a street-office level it does not
have. So ``schedule ctt --via core`` takes the core's timetable as the start of the
annealing, which alone lowers the cost (docs/itc2007.md, "The same core").
"""

from __future__ import annotations

from scheduler.adapters.ctt.instance import Instance
from scheduler.adapters.ctt.solution import Lecture
from scheduler.core.options import SolveOptions
from scheduler.core.problem import Choice, Event, Option, Problem, Resource, Rule

TEACHER, CURRICULUM, ROOM = "teacher", "curriculum", "room"  # resource kinds (ROOM: also the choice's)
# one rule id each for the hard rules the core enforces (an explanation names them)
RULES = {
    "ctt.teacher": ("同一教师同一时段只上一门课", "a teacher gives one lecture a period"),
    "ctt.curriculum": ("同一课程组同一时段只上一门课", "a curriculum has one lecture a period"),
    "ctt.room": ("同一教室同一时段只上一门课", "a room holds one lecture a period"),
}


def rid(kind: str, name: str) -> str:
    """A resource's id: its kind and the instance's id (``room:B``)."""
    return f"{kind}:{name}"


def to_problem(inst: Instance) -> Problem:
    """The instance as a neutral problem (see the module docstring)."""
    resources = {}
    named = [(TEACHER, t) for t in sorted({c.teacher for c in inst.courses})]
    named += [(CURRICULUM, q) for q in inst.curricula] + [(ROOM, r.id) for r in inst.rooms]
    for kind, name in named:
        resources[rid(kind, name)] = Resource(rid(kind, name), name, kind, overlap_rule=f"ctt.{kind}")
    curricula_of: dict[str, list[str]] = {}
    for q, courses in inst.curricula.items():
        for c in courses:
            curricula_of.setdefault(c, []).append(rid(CURRICULUM, q))
    events = []
    for c in inst.courses:
        closed = inst.unavailable.get(c.id, set())
        starts = [p for p in range(inst.periods) if p not in closed]
        uses = [rid(TEACHER, c.teacher), *curricula_of.get(c.id, [])]
        for k in range(c.lectures):
            rooms = Choice(ROOM, [Option(rid(ROOM, r.id)) for r in inst.rooms])
            events.append(
                Event(f"{c.id}#{k}", c.id, k, 1, starts, resources=list(uses), choices=[rooms], min_size=0, optional=False)
            )
    return Problem(
        units_per_day=inst.periods_per_day,
        days=inst.days,
        period_of_day=[0] * inst.days,  # one period: the core's month levels have nothing to weigh
        period_weight={0: 1},
        rules={rule: Rule(rule, {"zh": zh, "en": en}) for rule, (zh, en) in RULES.items()},
        resources=resources,
        events=events,
        demands=[],
        counts=[],
        shared_units=False,  # lectures in different rooms share a period freely
    )


def lectures_of(inst: Instance, assignments) -> list[Lecture]:
    """The core's plan as CTT lectures (course, period, room)."""
    course = {f"{c.id}#{k}": c.id for c in inst.courses for k in range(c.lectures)}
    prefix = len(rid(ROOM, ""))
    return sorted(Lecture(course[a.event], a.start, a.options[ROOM][prefix:]) for a in assignments)


def core_timetable(inst: Instance, time_limit: float, seed: int = 0, workers: int = 2) -> tuple[list[Lecture], str]:
    """A timetable breaking no hard rule, found by the core's solve within ``time_limit``,
    with the core's status; no lectures when it found none that places every lecture."""
    from scheduler.core.solve import solve  # imports CP-SAT: only when this route is taken

    problem = to_problem(inst)
    # the day model at once: with one period the period model plans nothing the day
    # model does not (measured on comp01: 3.9 s by periods first, 0.3 s by days)
    sol = solve(problem, SolveOptions(time_limit=time_limit, seed=seed, workers=workers, periods=False))
    placed = {a.event for a in sol.assignments}
    if sol.status not in ("OPTIMAL", "FEASIBLE") or len(placed) != len(problem.events):
        return [], sol.status
    return lectures_of(inst, sol.assignments), sol.status
