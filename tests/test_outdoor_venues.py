"""``venues[].outdoor``: an outdoor-only blackout (三防) stops every session at an open-air
venue, not only outdoor offerings. Feasible at an indoor-marked site, infeasible (and the
blackout named) once the site is marked outdoor, feasible again when a day outside the
blackout is left; a blackout of other types leaves the site open; the validator, the
greedy first plan and the month-first solve keep it."""

from __future__ import annotations

import datetime as dt

from conftest import build, scenario_dict
from test_rules import assert_infeasible, assert_plan

from scheduler.core.greedy import greedy_plan
from scheduler.domain.compile import compile_scenario
from scheduler.plan.validate import validate


def at_the_square(outdoor: bool, blackout_end: str = "2026-03-06", types: list[str] | None = None) -> dict:
    """One indoor peer session that may only use 山厦社区薪火广场, under an outdoor-only
    blackout of the plan's week (or up to ``blackout_end``)."""
    d = scenario_dict()
    d["offerings"][0]["venues"] = ["sx-square"]
    d["venues"][1]["outdoor"] = outdoor
    d["plan"]["sessions"] = {"total": 1}
    blackout = {"start": "2026-03-02", "end": blackout_end, "reason": "三防", "outdoor_only": True}
    if types:
        blackout["types"] = types
    d["plan"]["blackouts"] = [blackout]
    return d


def test_an_indoor_session_at_a_site_not_marked_outdoor_goes_on_in_an_outdoor_blackout():
    p = assert_plan(at_the_square(outdoor=False))
    assert [s.venue for s in p.sessions] == ["sx-square"]


def test_an_outdoor_only_blackout_closes_an_outdoor_venue_and_is_named():
    out = assert_infeasible(at_the_square(outdoor=True), "calendar.blackout:0")
    assert out.compiled.problem.rules["calendar.blackout:0"].label("zh") == "停办期 2026-03-02至2026-03-06（三防）"


def test_a_day_after_the_blackout_reopens_the_outdoor_venue():
    p = assert_plan(at_the_square(outdoor=True, blackout_end="2026-03-05"))
    assert [(s.venue, s.date) for s in p.sessions] == [("sx-square", dt.date(2026, 3, 6))]


def test_an_outdoor_blackout_of_other_types_leaves_the_outdoor_venue_open():
    p = assert_plan(at_the_square(outdoor=True, types=["secretary"]))
    assert [s.venue for s in p.sessions] == ["sx-square"]


def test_the_greedy_first_plan_keeps_outdoor_venues_closed():
    problem = compile_scenario(build(at_the_square(outdoor=True, blackout_end="2026-03-05"))).problem
    placements: list = []
    greedy_plan(problem, placements=placements)
    assert [(opts["venue"], t // problem.units_per_day) for _, t, opts, _ in placements] == [("venue:sx-square", 4)]


def test_the_validator_finds_a_session_at_an_outdoor_venue_in_an_outdoor_blackout():
    p = assert_plan(at_the_square(outdoor=False))
    found = [v for v in validate(build(at_the_square(outdoor=True)), p) if v.rule == "calendar.blackout"]
    sid, day = p.sessions[0].id, p.sessions[0].date
    assert [v.text("zh") for v in found] == [f"[calendar.blackout] {sid}：{day} 处于停办期（三防），露天场地 sx-square 停用"]
    assert [str(v) for v in found] == [
        f"[calendar.blackout] {sid}: {day} is in a blackout (三防) that closes the outdoor venue sx-square"
    ]


def test_venues_are_indoor_by_default():
    assert not any(v.outdoor for v in build(scenario_dict()).venues)
