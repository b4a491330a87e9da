"""Why each unmet order is not met, established by evidence (issue 13).

Each reason has a tier:

1. never possible: the order is met in no plan at all, even one with nothing else in it
   (decided before solving for a host visiting itself, a group too large for any
   session, no venue or instructor left by the eligibility rules; else by
   ``scheduler.core.whatif.never_possible``, which names a minimal set of rules that
   together close it);
2. possible, but not in this plan: a what-if solve forced it in and kept as much of the
   plan as it could; the orders it gave up are verified by a plan laid out on days (and
   proven the least when the what-if was proven optimal); when no order given up makes
   room, the fewest rules to relax;
3. not verified: a what-if did not finish in its share of ``--explain-time``.

Nothing here guesses: a sentence is only written from one of these results.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scheduler.core.options import FOUND, SolveOptions, solver_threads
from scheduler.core.problem import Assignment, Solution
from scheduler.domain.compile import Compiled
from scheduler.domain.rules import UNMET_RULES, family
from scheduler.models import Order, Scenario

if TYPE_CHECKING:  # the what-ifs load the solver: only when a reason is worked out by solving
    from scheduler.core.whatif import WhatIfs

STATIC_RULES = {"host_self": ["eligible.host_not_visitor"], "too_large": ["capacity.venue", "capacity.offering"]}
MIN_SHARE = 1.0  # seconds, at least, for each order while the budget lasts (Pinghu needs about 0.5)
LOCAL_SHARE = 3.0  # the same on a large street (``WhatIfs.local``: 10x Pinghu took 1.7 s on average, up to 8)
LONE_SHARE = 0.3  # of an order's share of the budget, at most, for the never-possible check
# orders worked out at once: most what-if solves are small, their presolve on one thread,
# so two keep both cores busy (measured on Pinghu: see docs/solver-notes.md, "Why an
# order is unmet")
REASON_THREADS = 2


@dataclass
class Evidence:
    """What establishes one unmet order's reason (kept in plan.json with its sentence)."""

    tier: int  # 1 never possible, 2 possible but not in this plan, 3 not verified
    code: str  # the sentence: static codes (host_self, ...), closed, displaces, suffices, not_optimal, relax, unverified
    rules: list[str] = field(default_factory=list)  # registry ids named
    displaced: list[str] = field(default_factory=list)  # orders met now that meeting it would drop
    whatif: str = "static"  # static, or the what-if's status
    least: bool = False  # displaced (or rules to relax) proven the least


def explain_unmet(
    sc: Scenario,
    comp: Compiled,
    assignments: list[Assignment],
    opts: SolveOptions,
    budget: float,
    demand_bound: int | None = None,
) -> dict[str, Evidence]:
    """The evidence for every order the plan (``assignments``) leaves unmet, within
    ``budget`` seconds in all (the orders the budget does not reach are told so),
    ``REASON_THREADS`` orders at a time. Each order gets an even share of the time left
    when it starts; in deterministic mode, counting deterministic time, a fixed share, so
    the answers never depend on the clock or on which order ran beside which.
    ``demand_bound``: the solve's proven bound of the demand level (``proven_demand``),
    which proves many losses the least without another solve (``WhatIfs.ceiling``)."""
    met = _served(assignments)
    unmet = [o for o in sc.orders if o.id not in met]
    # no budget, no what-if models (building them takes seconds on a large street)
    wanted = budget > 0 and any(o.id not in comp.unservable for o in unmet)
    whatifs = whatifs_for(comp, assignments, opts, demand_bound) if wanted else None
    # at least MIN_SHARE each while the budget lasts: some reasons verified beat none
    least = LOCAL_SHARE if whatifs is not None and whatifs.local else MIN_SHARE
    # one at a time on a large street: each what-if there builds a model of its own
    # (measured on 10x at 60 s: the peak 1,024 MB with two at a time, 963 MB with one)
    threads = max(1, min(REASON_THREADS, len(unmet))) if whatifs is not None and not whatifs.local else 1
    if whatifs is not None:
        # the cores shared out: two orders at a time, one solver thread each (measured on
        # Pinghu, the ten reasons alone: 0.59-0.74 s instead of 0.76-0.99 s, every one
        # the least as before; the what-ifs are small and mostly presolve)
        whatifs.workers = max(1, solver_threads(opts) // threads)
    began = time.perf_counter()

    def one(k: int, o: Order) -> Evidence:
        if opts.deterministic:
            left = budget - k * max(MIN_SHARE, budget / len(unmet))
        else:
            left = budget - (time.perf_counter() - began)
        # the orders still to start share what is left, so many at a time (deterministic
        # mode: one, so that its shares are the same however many run at once)
        at_once = 1 if opts.deterministic else min(threads, len(unmet) - k)
        share = min(left, max(least, left * at_once / (len(unmet) - k)))
        return evidence_for(comp, o, whatifs, opts, max(0.0, share))

    if threads == 1:
        return {o.id: one(k, o) for k, o in enumerate(unmet)}
    with ThreadPoolExecutor(threads, thread_name_prefix="reasons") as pool:
        return {o.id: e for o, e in zip(unmet, pool.map(one, range(len(unmet)), unmet))}


class EarlyReasons:
    """The reasons worked out in a thread while the solve still optimises rhythm
    (``SolveOptions.early_plan``): rhythm moves sessions in time, never what runs or who
    attends, and a reason depends on what the plan serves alone (a what-if's plan is any
    plan of the problem). Measured on Pinghu: the solve about 0.3 s slower, the reasons'
    1.7-2.4 s hidden. ``result`` gives them only when the final plan serves exactly what
    the early plan served; otherwise the caller works them out again."""

    def __init__(self, sc: Scenario, comp: Compiled, opts: SolveOptions, budget: Callable[[], float]):
        self.sc, self.comp, self.opts, self.budget = sc, comp, opts, budget
        self._thread: threading.Thread | None = None
        self._served: set[str] = set()
        self._evidence: dict[str, Evidence] | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0  # how long the thread took

    def start(self, assignments: list[Assignment], demand_bound: int | None) -> None:
        """Begin with the early plan (at most once); called from the solving thread."""
        if self._thread is not None:
            return
        self._served = _served(assignments)
        budget = self.budget()
        self._thread = threading.Thread(target=self._work, args=(assignments, budget, demand_bound), daemon=True)
        self._thread.start()

    def _work(self, assignments: list[Assignment], budget: float, demand_bound: int | None) -> None:
        began = time.perf_counter()
        try:
            self._evidence = explain_unmet(self.sc, self.comp, assignments, self.opts, budget, demand_bound)
        except BaseException as exc:  # handed to the caller by ``result``
            self._error = exc
        self.seconds = time.perf_counter() - began

    def result(self, assignments: list[Assignment]) -> dict[str, Evidence] | None:
        """The evidence, once the thread is done, if the final plan serves what the early
        plan served; None when there is none to give (never started, or another plan)."""
        if self._thread is None:
            return None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._evidence if _served(assignments) == self._served else None


def _served(assignments: list[Assignment]) -> set[str]:
    return {d for a in assignments for d in a.demands}


def whatifs_for(comp: Compiled, assignments: list[Assignment], opts: SolveOptions, demand_bound: int | None = None) -> WhatIfs:
    """The what-ifs against the plan ``assignments``: it keeps what it serves, by priority."""
    from scheduler.core.whatif import WhatIfs  # imported when used: loads the solver

    met = _served(assignments)
    served = {d.id: d.weight for d in comp.problem.demands if d.id in met}
    return WhatIfs(comp.problem, served, assignments, opts, demand_bound)


def proven_demand(sol: Solution) -> int | None:
    """The solve's proven upper bound of the demand level over every plan, when it has one."""
    if sol.level_names and sol.level_names[0] == "demand" and sol.bound:
        return sol.bound[0]
    return None


def evidence_for(comp: Compiled, order: Order, whatifs: WhatIfs | None, opts: SolveOptions, share: float) -> Evidence:
    """One unmet order's evidence within ``share`` seconds."""
    static = comp.unservable.get(order.id)
    if static:
        return Evidence(1, static, _static_rules(comp, order, static), least=True)
    problem = comp.problem
    if whatifs is None or not any(d.id == order.id for d in problem.demands) or share <= 0:
        return Evidence(3, "unverified", whatif="UNKNOWN")
    from scheduler.core.whatif import Closed, never_possible  # imported when used: loads the solver

    began = time.perf_counter()
    lone = never_possible(problem, order.id, opts, share * LONE_SHARE)
    if isinstance(lone, Closed):
        code = "closed" if lone.rules else "no_slot"
        return Evidence(1, code, lone.rules, whatif="INFEASIBLE", least=True)
    if lone == "UNKNOWN":
        return Evidence(3, "unverified", whatif="UNKNOWN")
    left = share * (1 - LONE_SHARE) if opts.deterministic else share - (time.perf_counter() - began)
    w = whatifs.what_if(order.id, left)
    if w.status in FOUND:
        least = w.status == "OPTIMAL"
        code = ("displaces" if least else "suffices") if w.displaced else "not_optimal"
        return Evidence(2, code, displaced=w.displaced, whatif=w.status, least=least)
    if w.status == "INFEASIBLE":
        return Evidence(2, "relax", w.relax, whatif=w.status, least=w.relax_least)
    return Evidence(3, "unverified", whatif=w.status)


def _static_rules(comp: Compiled, order: Order, code: str) -> list[str]:
    """The rules behind a reason decided before solving: the eligibility rules that
    removed the offering's venues or instructors, or the rule the code stands for."""
    if code in STATIC_RULES:
        return list(STATIC_RULES[code])
    families = set(UNMET_RULES.get(code, ()))
    return [r.id for r in comp.filtered.get(order.offering, []) if family(r.id) in families]
