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

import time
from dataclasses import dataclass, field

from scheduler.core.problem import Assignment
from scheduler.core.solve import FOUND, SolveOptions
from scheduler.core.whatif import Closed, WhatIfs, never_possible
from scheduler.domain.compile import Compiled
from scheduler.domain.rules import UNMET_RULES, family
from scheduler.models import Order, Scenario

STATIC_RULES = {"host_self": ["eligible.host_not_visitor"], "too_large": ["capacity.venue", "capacity.offering"]}
MIN_SHARE = 1.0  # seconds, at least, for each order while the budget lasts (Pinghu needs about 0.5)
LOCAL_SHARE = 3.0  # the same on a large street (``WhatIfs.local``: 10x Pinghu took 1.7 s on average, up to 8)
LONE_SHARE = 0.3  # of an order's share of the budget, at most, for the never-possible check


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
    sc: Scenario, comp: Compiled, assignments: list[Assignment], opts: SolveOptions, budget: float
) -> dict[str, Evidence]:
    """The evidence for every order the plan (``assignments``) leaves unmet, within
    ``budget`` seconds in all, one order after the other (the orders the budget does not
    reach are told so), each solve on both cores
    (measured on Pinghu: two orders at a time on one worker each took three times as long,
    a lone worker's search being far weaker here). Each order gets an even share of the
    time left when it starts; in deterministic mode, counting deterministic time, a fixed
    share, so the answers never depend on the clock."""
    met = {d for a in assignments for d in a.demands}
    unmet = [o for o in sc.orders if o.id not in met]
    # no budget, no what-if models (building them takes seconds on a large street)
    wanted = budget > 0 and any(o.id not in comp.unservable for o in unmet)
    whatifs = whatifs_for(comp, assignments, opts) if wanted else None
    began, out = time.perf_counter(), {}
    for k, o in enumerate(unmet):
        if opts.deterministic:
            left = budget - k * max(MIN_SHARE, budget / len(unmet))
        else:
            left = budget - (time.perf_counter() - began)
        # at least MIN_SHARE each while the budget lasts: some reasons verified beat none
        least = LOCAL_SHARE if whatifs is not None and whatifs.local else MIN_SHARE
        share = min(left, max(least, left / (len(unmet) - k)))
        out[o.id] = evidence_for(comp, o, whatifs, opts, max(0.0, share))
    return out


def whatifs_for(comp: Compiled, assignments: list[Assignment], opts: SolveOptions) -> WhatIfs:
    """The what-ifs against the plan ``assignments``: it keeps what it serves, by priority."""
    met = {d for a in assignments for d in a.demands}
    return WhatIfs(comp.problem, {d.id: d.weight for d in comp.problem.demands if d.id in met}, assignments, opts)


def evidence_for(comp: Compiled, order: Order, whatifs: WhatIfs | None, opts: SolveOptions, share: float) -> Evidence:
    """One unmet order's evidence within ``share`` seconds."""
    static = comp.unservable.get(order.id)
    if static:
        return Evidence(1, static, _static_rules(comp, order, static), least=True)
    problem = comp.problem
    if whatifs is None or not any(d.id == order.id for d in problem.demands) or share <= 0:
        return Evidence(3, "unverified", whatif="UNKNOWN")
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
