"""What-if solves: why a demand is not served, established by solving, never guessed.

Three questions, each answered by a model built for it (docs/solver-notes.md, "What-ifs"):

1. ``never_possible``: can the demand be served at all, in a plan with nothing else in
   it (no other demand, no count minimum)? That problem is tiny: the events that may
   serve it. When it has no solution, every rule gets an enforcement literal, made an
   *assumption*; CP-SAT returns a set of assumptions that suffices for infeasibility,
   and dropping its members one by one while infeasibility holds leaves a minimal set
   of rules that together close the demand (each of them is needed: relaxing any one
   opens it).
2. ``what_if``: force the demand in and keep as much as possible of what the plan
   serves (by weight). On a fresh plan the period model is a relaxation, so the weight
   it cannot keep is a proven least loss; its choice is then laid out on days, which
   makes it a real plan: the demands it gives up are *verified* to suffice. Re-plans
   use the day model directly. When no plan serves the demand whatever is given up,
   ``solve.max_kept_rules`` finds the fewest rules to relax (a feasibility model with one
   enforcement literal per rule).
3. Anything not finished within its budget is reported as such (``UNKNOWN``): the caller
   says the reason was not verified.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from scheduler.core.cpmodel import Model
from scheduler.core.cpsat import cp_model
from scheduler.core.periods import PeriodModel, flattened, realisation, relaxations_apply
from scheduler.core.problem import Assignment, Choice, Event, Problem
from scheduler.core.solve import FOUND, STATUS, Clock, SolveOptions, any_layout, max_kept_rules, plain_solver

# above this many candidate events, what-ifs move only what is near the demand
# (``WhatIfs._nearby``): Pinghu has 97 and its global what-ifs take about 0.5 s each;
# 10x Pinghu has about 800 and they did not finish in 15 s
LOCAL_ABOVE = 400
# seconds, at most, for the what-if that only changes who attends (``WhatIfs._swap``):
# measured on Pinghu, it reaches the bound in 0.01-0.1 s when it can, and says "none"
# as fast when it cannot; the cap bounds the rare search that does neither
SWAP_LIMIT = 0.25
# the same, when it must keep the selection model's bound (``WhatIfs._by_periods``): measured
# on Pinghu (session 16, 20 orders), 0.008-0.03 s when it can and 0.003-0.01 s to say it
# cannot; the one in twenty that did neither ran its whole 0.25 s, on the reasons' critical
# path, before the period model answered in 0.15 s
BOUND_SWAP_LIMIT = 0.1


@dataclass
class Closed:
    """Tier 1: the demand is served in no plan at all. ``rules``: a minimal set of rules
    that together close it (empty: nothing relaxable, e.g. no start at all)."""

    rules: list[str]


@dataclass
class WhatIf:
    """Tier 2 (or 3): what serving the demand would cost.

    ``status``: FEASIBLE or OPTIMAL when a real plan serves it giving up ``displaced``
    (OPTIMAL: no plan gives up less weight); INFEASIBLE when no plan serves it whatever
    is given up (``relax`` then holds the fewest rules to relax, verified by a plan of the
    relaxed problem, ``relax_least`` when proven fewest); UNKNOWN when not established in
    the budget."""

    status: str
    displaced: list[str] = field(default_factory=list)
    relax: list[str] = field(default_factory=list)
    relax_least: bool = False


def _alone(problem: Problem, demand_id: str) -> Problem:
    """The problem with only this demand, required, and the events that may serve it (and
    those that must run: a re-plan's frozen sessions); count minimums dropped."""
    d = next(x for x in problem.demands if x.id == demand_id)
    wanted = set(d.events)
    events = [e for e in problem.events if e.id in wanted or not e.optional]
    counts = [replace(c, min=0) for c in problem.counts]
    return replace(
        problem, events=events, demands=[replace(d, required=True)], counts=counts, keeps=[], in_scope=set(), demand_bound=None
    )


def never_possible(problem: Problem, demand_id: str, opts: SolveOptions, budget: float) -> Closed | None | str:
    """``Closed`` when no plan serves the demand, None when one does, "UNKNOWN" when the
    budget ran out first. The rules named are minimal clashing sets found one after the
    other, each relaxed before looking for the next, until relaxing them all lets the
    demand be served: so relaxing the named rules opens it, and each set needs every
    member (a rule of a set relaxed alone leaves the rest of it clashing no more)."""
    clock = Clock(opts)
    alone = _alone(problem, demand_id)
    model = Model(alone, relax=set(alone.rules))
    names = {lit.index: r for r, lit in model.on.items()}
    hard, named = [model.on[r] for r in sorted(model.on)], []
    while True:
        st, core = _assume(model, hard, opts, clock, budget)
        if st in FOUND:
            return Closed(sorted(named)) if named else None
        if st != "INFEASIBLE":
            return "UNKNOWN"
        if not core:  # nothing relaxable is left to blame: e.g. no start at all
            return Closed(sorted(named))
        core = _minimal(model, core, opts, clock, budget)
        if core is None:
            return "UNKNOWN"
        named += [names[lit.index] for lit in core]
        gone = {lit.index for lit in core}
        hard = [lit for lit in hard if lit.index not in gone]


def _assume(model: Model, lits: list, opts: SolveOptions, clock: Clock, budget: float) -> tuple[str, list]:
    """Solve with these rule literals assumed true: the status, and when infeasible a set
    of them that suffices (CP-SAT's core; one worker: cores come from the sequential
    search)."""
    model.m.clear_assumptions()
    model.m.add_assumptions(lits)
    solver = plain_solver(opts, clock.left(budget), workers=1)
    st = STATUS[solver.solve(model.m)]
    clock.det += solver.deterministic_time
    if st != "INFEASIBLE":
        return st, []
    by_index = {lit.index: lit for lit in lits}
    return st, [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]


def _minimal(model: Model, core: list, opts: SolveOptions, clock: Clock, budget: float) -> list | None:
    """Drop members of the core one at a time while the rest still clash (deletion); None
    when the budget runs out."""
    i = 0
    while i < len(core):
        trial = core[:i] + core[i + 1 :]
        st, smaller = _assume(model, trial, opts, clock, budget)
        if st == "INFEASIBLE":
            kept = {lit.index for lit in smaller}
            core = [lit for lit in trial if lit.index in kept] if kept else trial
        elif st in FOUND:
            i += 1
        else:
            return None
    return core


class WhatIfs:
    """What-ifs for the demands of one problem against one plan (``served``: the demands it
    serves, with their weights; ``hint``: its assignments; ``demand_bound``: a proven
    upper bound of the demand level over every plan of the problem, when known). Each
    model is built once, when first needed, and copied for each demand (building one
    costs more than solving a copy)."""

    def __init__(
        self,
        problem: Problem,
        served: dict[str, int],
        hint: list[Assignment],
        opts: SolveOptions,
        demand_bound: int | None = None,
    ):
        self.p, self.served, self.opts, self.hint = problem, served, opts, hint
        self.demand_bound = demand_bound
        self.local = len(problem.events) > LOCAL_ABOVE
        self.by_periods = relaxations_apply(problem) and not problem.is_replan
        self._placements = [(problem.event(a.event), a.start, a.options, a.demands) for a in hint]
        self._models: dict[str, Model] = {}
        self._building = threading.Lock()  # orders are worked out in threads (``reasons.explain_unmet``)
        # solver threads of each what-if solve; None: the options' (``reasons.explain_unmet``
        # sets one when two orders are worked out at once: docs/solver-notes.md)
        self.workers: int | None = None

    def _model(self, kind: str) -> Model:
        """The what-if model of this kind, built on first use, its objective the weight kept
        (except ``swap``'s) and the plan as its hint: ``swap`` (the plan's sessions held,
        attendance free), ``selection`` and ``period`` (the relaxations), ``days``."""
        with self._building:
            if kind not in self._models:
                self._models[kind] = self._build(kind)
            return self._models[kind]

    def _build(self, kind: str) -> Model:
        """A new what-if model of this kind (see ``_model``)."""
        if kind == "swap":
            model = Model(swapped(self.p, self.hint))
        elif kind == "selection":
            model = PeriodModel(flattened(self.p))
        elif kind == "period":
            model = PeriodModel(self.p)
        else:
            model = Model(self.p)
        if kind != "swap":
            _keep_most(model, self.served)
        # the period model starts from the plan too: when the selection's choice cannot
        # be given months, the free search then gives up little (without it, measured
        # on a loaded machine: 18 orders given up where 1 suffices)
        model.hint_placements([pl for pl in self._placements if pl[0].id in model.x])
        return model

    def ceiling(self, demand_id: str) -> int | None:
        """The most of the served weight any plan serving ``demand_id`` keeps: the demand
        level counts every demand met, so such a plan's kept weight plus this demand's is
        at most the level's proven bound. None without a bound."""
        if self.demand_bound is None:
            return None
        return self.demand_bound - next(d.weight for d in self.p.demands if d.id == demand_id)

    def what_if(self, demand_id: str, budget: float) -> WhatIf:
        """Serve ``demand_id`` keeping the most of ``served``; see the module docstring."""
        clock = Clock(self.opts)
        if self.local:
            # no relaxation solved on a large street: the most kept in a short search
            # suffices, proven the least when it reaches the ceiling
            out = self._swap(demand_id, None, clock, min(SWAP_LIMIT, budget * 0.3)) or self._nearby(demand_id, clock, budget)
        elif self.by_periods:
            out = self._by_periods(demand_id, clock, budget)
        else:
            out = self._by_days(demand_id, clock, budget)
        if out.status == "INFEASIBLE":
            forced = replace(self.p, demands=[replace(d, required=d.id == demand_id or d.required) for d in self.p.demands])
            left = clock.left(budget)
            st, out.relax = max_kept_rules(forced, set(forced.rules), left, opts=self.opts) if left > 0 else ("UNKNOWN", [])
            out.relax_least = st == "OPTIMAL"
            out.status = "INFEASIBLE" if st in FOUND else "UNKNOWN"
        return out

    def _solve(self, model: Model, demand_id: str, clock: Clock, budget: float, extra=None):
        """Solve a copy of ``model`` with the demand served (and ``extra(copy)`` added)."""
        copy = model.m.clone()
        ys = [copy.get_bool_var_from_proto_index(y.index) for (d, _), y in model.y.items() if d == demand_id]
        copy.add_bool_or(ys)
        if extra:
            extra(copy)
        solver = plain_solver(self.opts, budget, self.workers, light=True)
        if solver.parameters.interleave_search:
            copy.clear_hints()  # the plan misses the forced demand: an infeasible hint aborts interleaved search
        st = STATUS[solver.solve(copy)]
        clock.det += solver.deterministic_time
        return solver, st

    def _by_periods(self, demand_id: str, clock: Clock, budget: float) -> WhatIf:
        """The selection model bounds what can be kept (a relaxation; measured on Pinghu it
        proves its best in 0.02-0.05 s, where the period model takes 1-10 s to prove the
        same value), no more than the ceiling (the demand bound less this demand's
        weight). The swap is then asked to keep that bound: when it can, that is the least
        loss. Else the selection's runs and attendance are given months by the period
        model with those fixed (a small solve), else the period model, held to the bound,
        keeps the most with everything free; the result laid out on days is the evidence.
        Laying the selection's choice out on days directly was measured slower: without
        months the layout search took 5 s or more.

        The selection model comes first: asking the swap for the ceiling first (one
        order in ten reaches it) cost up to ``SWAP_LIMIT`` for each of the others, whose
        swap could neither reach the ceiling nor prove it out of reach (measured on
        Pinghu: 8 of 10 searches ran to the limit, 2 s of the reasons' 3.6 s)."""
        sel = self._model("selection")
        solver, st = self._solve(sel, demand_id, clock, clock.left(budget) * 0.3)
        if st not in FOUND:
            return WhatIf(st if st == "INFEASIBLE" else "UNKNOWN")
        bound = round(solver.best_objective_bound)
        ceiling = self.ceiling(demand_id)
        if ceiling is not None:
            bound = min(bound, ceiling)
        swap = self._swap(demand_id, bound, clock, min(BOUND_SWAP_LIMIT, clock.left(budget) * 0.3))
        if swap is not None:
            return swap
        chosen = {v.name: solver.value(v) for v in [*sel.x.values(), *sel.y.values()]}
        for fixed, share in ((chosen, 0.3), (None, 0.6)):
            found = self._months(demand_id, bound, fixed, clock, budget, share)
            if found is not None:
                laid, value, proven = found
                # the least: the selection's bound reached, or the period model (a
                # relaxation too, everything free) proved its best
                return self._verdict(demand_id, self._given_up(laid), value >= bound or (fixed is None and proven))
        return WhatIf("UNKNOWN")

    def _swap(self, demand_id: str, bound: int | None, clock: Clock, budget: float) -> WhatIf | None:
        """The plan's sessions left exactly where they are, only who attends changed
        (``swapped``, built once): a tiny solve (measured on Pinghu: about 0.04 s, where
        laying a new month plan out took about 0.5 s). Its plan is a plan of the whole
        problem. With ``bound`` (a proven most: the ceiling, or the selection model's) it
        must keep that much, which makes it the least loss; keeping it is asked as a
        constraint with no objective, so the first plan ends the search and "none" is
        often proven at once (as a cap on a maximisation, a failing what-if searched all
        its time). Without a bound it keeps the most it finds: what it gives up suffices
        (the least when it reaches the ceiling). None when it finds no plan: the caller
        tries plans that move sessions."""
        model = self._model("swap")
        if not any(d == demand_id for d, _ in model.y):
            return None

        def keep(copy: cp_model.CpModel) -> None:
            kept = _kept_in(copy, model, self.served)
            if bound is None:
                copy.maximize(kept)
            else:
                copy.add(kept >= bound)

        solver, st = self._solve(model, demand_id, clock, budget, keep)
        if st not in FOUND:
            return None
        return self._verdict(demand_id, self._given_up(model.assignments(solver)), bound is not None)

    def _months(
        self, demand_id: str, bound: int, fixed: dict[str, int] | None, clock: Clock, budget: float, share: float
    ) -> tuple[list[Assignment], int, bool] | None:
        """The period model keeping at most ``bound`` (so it stops there), within ``share`` of
        what is left of ``budget``; ``fixed``: runs and attendance held at these values (by
        variable name). Returns its plan laid out on days, the weight kept and whether that
        is proven its best, or None."""
        model = self._model("period")

        def hold(copy: cp_model.CpModel) -> None:
            copy.add(_kept_in(copy, model, self.served) <= bound)
            for v in [*model.x.values(), *model.y.values()] if fixed is not None else []:
                copy.add(copy.get_bool_var_from_proto_index(v.index) == fixed.get(v.name, 0))

        solver, st = self._solve(model, demand_id, clock, clock.left(budget) * share, hold)
        if st not in FOUND:
            return None
        months = realisation(self.p, model.picks(solver))
        laid = any_layout(months, self.opts, clock, clock.left(budget) * 0.5, near=self.hint, workers=self.workers)
        return (laid, round(solver.objective_value), st == "OPTIMAL") if laid is not None else None

    def _nearby(self, demand_id: str, clock: Clock, budget: float) -> WhatIf:
        """On a large street: every session of the plan stays exactly where it is except
        the runs of the demand's family and the sessions its group attends, which the day
        model may move, fill or empty. A solution is a plan of the whole problem (every rule
        holds), so what it gives up is verified to suffice; it is not proven the least, and
        no solution proves nothing (UNKNOWN). Measured on 10x Pinghu: the global what-ifs
        did not finish in 15 s each; this model has a few dozen free events."""
        near, served = nearby(self.p, demand_id, self.hint, self.served)
        model = Model(near)
        _keep_most(model, served)
        # its presolve dominates (thousands of pinned intervals): without probing and
        # symmetry detection it took 4.7 s instead of 8.7 s on a 10x what-if
        solver = plain_solver(self.opts, clock.left(budget), self.workers, light=True)
        st = STATUS[solver.solve(model.m)]
        clock.det += solver.deterministic_time
        if st not in FOUND:
            return WhatIf("UNKNOWN")
        # only the demands ``nearby`` lets change can be given up; the others stay served
        return self._verdict(demand_id, sorted(set(served) - _served_by(model.assignments(solver))), False)

    def _by_days(self, demand_id: str, clock: Clock, budget: float) -> WhatIf:
        """The day model keeps the most: its solution is a plan."""
        days = self._model("days")
        solver, st = self._solve(days, demand_id, clock, clock.left(budget))
        if st not in FOUND:
            return WhatIf(st if st == "INFEASIBLE" else "UNKNOWN")
        return self._verdict(demand_id, self._given_up(days.assignments(solver)), st == "OPTIMAL")

    def _given_up(self, plan: list[Assignment]) -> list[str]:
        """The served demands a what-if's plan no longer serves."""
        return sorted(set(self.served) - _served_by(plan))

    def _verdict(self, demand_id: str, displaced: list[str], proven: bool) -> WhatIf:
        """A plan serving the demand and giving up ``displaced``: the least when ``proven``
        or when the weight it keeps reaches the ceiling (no plan keeps more)."""
        ceiling = self.ceiling(demand_id)
        kept = sum(w for d, w in self.served.items() if d not in displaced)
        least = proven or (ceiling is not None and kept >= ceiling)
        return WhatIf("OPTIMAL" if least else "FEASIBLE", displaced=displaced)


def nearby(problem: Problem, demand_id: str, plan: list[Assignment], served: dict[str, int]) -> tuple[Problem, dict[str, int]]:
    """The problem around one demand (``WhatIfs._nearby``): free, the events that may serve
    it and those of the plan its group attends; every other event of the plan pinned to
    its start, options and demands, and reduced to the resources a free one may use (all
    still count for the count rules and window counts); events the plan does not run, gone. Returns it and
    the weights of the served demands that may change (the others stay served)."""
    d = next(x for x in problem.demands if x.id == demand_id)
    group_of = {x.id: x.group for x in problem.demands}
    free = set(d.events) | {a.event for a in plan if any(group_of.get(x) == d.group for x in a.demands)}
    touched = _resources_of(problem, free)
    at = {a.event: a for a in plan}
    events, pinned = [], {}
    for e in problem.events:
        e = replace(e, family=e.id)  # pinned and free runs are no longer interchangeable
        if e.id in free:
            events.append(e)
        elif e.id in at:
            events.append(_pinned(e, at[e.id], touched))
            pinned.update({x: e.id for x in at[e.id].demands if group_of[x] in touched})
    demands = []
    for x in problem.demands:
        if x.id in pinned:
            demands.append(replace(x, events=[pinned[x.id]], required=True))
        elif x.id == demand_id or any(eid in free for eid in x.events):
            demands.append(replace(x, events=[eid for eid in x.events if eid in free], required=x.id == demand_id))
    near = replace(problem, events=events, demands=demands, keeps=[], replanning=False, demand_bound=None)
    near.invalidate()
    movable = {x.id for x in demands if x.id not in pinned}
    return near, {x: w for x, w in served.items() if x in movable}


def swapped(problem: Problem, plan: list[Assignment]) -> Problem:
    """The problem whose plans are ``plan``'s sessions, each at its start with its options
    and running, attended by any demands they may serve. Every rule of ``problem`` holds
    in it, so its plans are plans of ``problem`` (``WhatIfs._swap`` forces one demand in).
    Letting a demand's runs the plan does not hold run too (anywhere) was tried: on
    Pinghu it opened none of the what-ifs this model cannot (they need sessions moved)."""
    at = {a.event: a for a in plan}
    events = [_held(e, at[e.id]) for e in problem.events if e.id in at]
    demands = []
    for x in problem.demands:
        kept = [eid for eid in x.events if eid in at]
        if kept:
            demands.append(replace(x, events=kept, required=False))
    out = replace(problem, events=events, demands=demands, keeps=[], replanning=False, demand_bound=None)
    out.invalidate()
    return out


def _held(e: Event, a: Assignment) -> Event:
    """Event ``e`` running where assignment ``a`` put it, with its options: every rule on
    it still holds (sizes, capacities), only its attendance may change."""
    choices = [Choice(c.kind, [o for o in c.options if o.resource == a.options.get(c.kind)]) for c in e.choices]
    return replace(e, family=e.id, starts=[a.start], choices=choices, optional=False)


def _pinned(e: Event, a: Assignment, touched: set[str]) -> Event:
    """Event ``e`` fixed where assignment ``a`` put it, keeping only what a free event could
    meet: its resources and chosen options among ``touched`` (its head-count is the plan's,
    valid already, so no size rule is restated). It still counts for the count rules and
    the window counts."""
    chosen = [o for c in e.choices for o in c.options if o.resource == a.options.get(c.kind)]
    choices = [Choice(f"pinned:{o.resource}", [o]) for o in chosen if o.resource in touched or o.counts_toward in touched]
    resources = [r for r in e.resources if r in touched]
    return replace(e, starts=[a.start], resources=resources, choices=choices, optional=False, min_size=0, fixed_size=0)


def _resources_of(problem: Problem, events: set[str]) -> set[str]:
    """Every resource these events may use: their own, their options', their demands' groups."""
    out = set()
    for e in problem.events:
        if e.id in events:
            out |= {*e.resources, *(o.resource for c in e.choices for o in c.options)}
    out |= {x.group for x in problem.demands if any(eid in events for eid in x.events)}
    return out


def _kept_in(copy: cp_model.CpModel, model: Model, served: dict[str, int]) -> cp_model.LinearExpr:
    """The weight kept, over a copy's variables (a copy has the same variable indices)."""
    return sum(served[d] * copy.get_bool_var_from_proto_index(y.index) for (d, _), y in model.y.items() if d in served)


def _keep_most(model: Model, served: dict[str, int]) -> cp_model.LinearExpr:
    kept = sum(served[d] * y for (d, _), y in model.y.items() if d in served)
    model.m.maximize(kept)
    return kept


def _served_by(assignments: list[Assignment]) -> set[str]:
    return {d for a in assignments for d in a.demands}
