"""Each hard rule: a feasible case, a case the rule makes infeasible, and feasible again
once something else gives way. A quota that demands sessions makes a rule bite."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import scenario_dict, solve_dict

from scheduler.plan.validate import validate

ONE_DAY = {"start": "2026-03-02", "end": "2026-03-02"}


def plan(data: dict, **kw) -> dict:
    data["plan"].update(kw)
    return data


def need(data: dict, n: int) -> dict:
    """Require exactly n sessions."""
    data["plan"]["sessions"] = {"total": n}
    return data


def assert_plan(data: dict):
    out = solve_dict(data)
    assert out.plan is not None, f"expected a plan, got {out.status}"
    assert validate(out.scenario, out.plan) == []
    return out.plan


def assert_infeasible(data: dict, rule_hint: str | None = None):
    out = solve_dict(data)
    assert out.status == "INFEASIBLE"
    assert out.plan is None
    if rule_hint:
        named = out.explanation.unreachable + out.explanation.relax
        assert any(rule_hint in r for r in named), named
    return out


def two_peer_offerings(same_department: bool = False, community2: str = "fenghuang") -> dict:
    d = scenario_dict()
    second_dept = "yingji" if same_department else "minzheng"
    d["offerings"].append({"id": "aid", "title": "社会救助", "type": "peer", "department": second_dept, "capacity": 60})
    d["orders"].append({"id": "O-2", "community": community2, "offering": "aid", "attendees": 10})
    return need(d, 2)


# --------------------------------------------------------------------- calendar


def test_weekend_is_not_a_working_day():
    d = need(plan(scenario_dict(), start="2026-03-07", end="2026-03-08"), 1)
    assert_infeasible(d, "quota.total_min")
    d["plan"]["holidays"] = {"working_days": ["2026-03-07"]}
    p = assert_plan(d)
    assert p.sessions[0].date == dt.date(2026, 3, 7)


def test_statutory_holiday_and_library_make_up_day():
    d = need(plan(scenario_dict(), start="2026-10-01", end="2026-10-07"), 1)
    assert_infeasible(d)  # National Day
    plan(d, start="2026-10-10", end="2026-10-11")  # Saturday 10 Oct is a make-up working day in 2026
    assert assert_plan(d).sessions[0].date == dt.date(2026, 10, 10)
    plan(d, start="2026-10-11", end="2026-10-11")  # Sunday 11 Oct is not
    assert_infeasible(d)


def test_extra_day_off_override_wins():
    d = need(plan(scenario_dict(), **ONE_DAY), 1)
    assert_plan(d)
    d["plan"]["holidays"] = {"days_off": [{"start": "2026-03-02", "end": "2026-03-02", "reason": "街道大会"}]}
    assert_infeasible(d)


def test_blackout_removes_days_and_outdoor_only_spares_indoor_sessions():
    d = need(scenario_dict(), 1)
    d["plan"]["blackouts"] = [{"start": "2026-03-02", "end": "2026-03-06", "reason": "三防", "outdoor_only": True}]
    assert_plan(d)  # indoor course is not hit
    d["offerings"][0]["outdoor"] = True
    assert_infeasible(d, "calendar.blackout:0")
    d["plan"]["blackouts"][0]["end"] = "2026-03-05"
    assert assert_plan(d).sessions[0].date == dt.date(2026, 3, 6)


def test_allowed_months():
    d = need(scenario_dict(), 1)
    d["offerings"][0]["months"] = [4]
    assert_infeasible(d, "eligible.months:fire")
    d["offerings"][0]["months"] = [3, 4]
    assert_plan(d)


def test_open_slots_and_evening():
    d = need(plan(scenario_dict(), **ONE_DAY), 1)
    d["offerings"][0]["duration"] = "evening"
    d["plan"]["slots"] = ["morning", "afternoon", "evening"]
    p = assert_plan(d)
    assert [s.value for s in p.sessions[0].slots] == ["evening"]


# --------------------------------------------------------------------- conflicts


def test_venue_holds_one_session_at_a_time():
    d = plan(two_peer_offerings(), **ONE_DAY, slots=["morning"])
    for o in d["offerings"]:
        o["venues"] = ["hall"]
    assert_infeasible(d, "overlap.venue")
    d["offerings"][1]["venues"] = []  # may use the community's own venue too
    d["orders"][1]["community"] = "shanxia"
    d["orders"][0]["community"] = "fenghuang"
    assert_plan(d)


def test_instructor_teaches_one_session_at_a_time():
    d = plan(scenario_dict(), **ONE_DAY, slots=["morning"])
    d["offerings"] = [
        {"id": f"sec{i}", "title": f"案例工作坊{i}", "type": "secretary", "instructors": ["dj-chen"], "capacity": 30}
        for i in (1, 2)
    ]
    d["orders"] = [
        {"id": "O-1", "community": "shanxia", "offering": "sec1", "attendees": 1},
        {"id": "O-2", "community": "fenghuang", "offering": "sec2", "attendees": 1},
    ]
    d["venues"].append({"id": "room2", "name": "党校教室", "capacity": 80})
    need(d, 2)
    assert_infeasible(d, "overlap.instructor")
    d["departments"][2]["instructors"].append({"id": "dj-zhao", "name": "赵书记", "tier": "community"})
    d["offerings"][1]["instructors"] = ["dj-zhao"]
    p = assert_plan(d)
    assert {s.instructor for s in p.sessions} == {"dj-chen", "dj-zhao"}


def test_department_delivers_one_session_at_a_time():
    d = plan(two_peer_offerings(same_department=True), **ONE_DAY, slots=["morning"])
    d["departments"][0]["instructors"].append({"id": "yj-zhou", "name": "周六"})
    assert_infeasible(d, "overlap.department")
    d["plan"]["slots"] = ["morning", "afternoon"]
    assert_plan(d)


def test_community_attends_one_session_at_a_time():
    d = plan(two_peer_offerings(community2="shanxia"), **ONE_DAY, slots=["morning"])
    assert_infeasible(d, "overlap.community")
    d["orders"][1]["community"] = "fenghuang"
    assert_plan(d)


def test_full_day_takes_both_half_days():
    d = plan(two_peer_offerings(community2="shanxia"), **ONE_DAY)
    d["offerings"][0]["duration"] = "full_day"
    assert_infeasible(d)
    d["plan"]["end"] = "2026-03-03"
    p = assert_plan(d)
    full = next(s for s in p.sessions if s.offering == "fire")
    assert [s.value for s in full.slots] == ["morning", "afternoon"]


def test_department_session_occupies_both_departments():
    d = plan(scenario_dict(), **ONE_DAY, slots=["morning"])
    d["pairs"] = [{"id": "p1", "mentor": "yingji", "learner": "minzheng", "attendees": 12}]
    d["offerings"] = [
        {"id": "pair", "title": "应急带民政", "type": "department", "pair": "p1", "capacity": 30},
        {"id": "aid", "title": "社会救助", "type": "peer", "department": "minzheng", "capacity": 60},
    ]
    d["orders"] = [{"id": "O-1", "community": "shanxia", "offering": "aid", "attendees": 10}]
    need(d, 2)
    assert_infeasible(d, "overlap.department")
    d["plan"]["slots"] = ["morning", "afternoon"]
    p = assert_plan(d)
    pair = next(s for s in p.sessions if s.type.value == "department")
    assert pair.departments == ["yingji", "minzheng"] and pair.headcount == 12 and pair.instructor == "yj-wang"


# --------------------------------------------------------------------- capacity


def test_head_count_fits_venue_and_offering():
    d = need(scenario_dict(), 1)
    d["venues"] = [{"id": "room", "name": "小会议室", "capacity": 10}]
    assert_infeasible(d)
    d["venues"][0]["capacity"] = 25
    assert assert_plan(d).sessions[0].headcount == 20


def test_offering_capacity_splits_orders_over_runs():
    d = scenario_dict()
    d["offerings"][0]["capacity"] = 30
    d["orders"].append({"id": "O-2", "community": "fenghuang", "offering": "fire", "attendees": 20})
    p = assert_plan(d)
    assert len(p.sessions) == 1 and len(p.unmet) == 1
    assert (p.unmet[0].reason, p.unmet[0].displaced) == ("displaces", ["O-1"])  # the one run holds only one of them
    d["offerings"][0]["max_runs"] = 2
    d["plan"]["sessions"] = {"total": 2}
    p = assert_plan(d)
    assert sorted(s.headcount for s in p.sessions) == [20, 20] and not p.unmet


# --------------------------------------------------------------------- quotas and caps


def test_type_minimum_and_maximum():
    d = scenario_dict()
    d["plan"]["sessions"] = {"total": 1, "total_min": 0, "peer": {"min": 0, "max": 0}}
    p = assert_plan(d)
    assert p.sessions == [] and (p.unmet[0].tier, p.unmet[0].reason, p.unmet[0].rules) == (1, "closed", ["quota.type_max:peer"])
    d["plan"]["sessions"] = {"total": 2, "total_min": 0, "peer": {"min": 2, "max": 2}}
    assert_infeasible(d, "quota.type_min:peer")
    d["offerings"][0]["max_runs"] = 2
    d["orders"].append({"id": "O-2", "community": "fenghuang", "offering": "fire", "attendees": 50})
    assert len(assert_plan(d).sessions) == 2


def test_community_monthly_cap():
    d = two_peer_offerings(community2="shanxia")
    d["plan"]["caps"] = {"community_per_month": 1}
    assert_infeasible(d, "cap.community_per_month")
    d["plan"]["end"] = "2026-04-03"
    p = assert_plan(d)
    assert {s.date.month for s in p.sessions} == {3, 4}


def test_department_monthly_cap():
    d = two_peer_offerings(same_department=True)
    d["departments"][0]["monthly_cap"] = 1
    assert_infeasible(d, "cap.department_per_month:yingji")
    d["departments"][0]["monthly_cap"] = 2
    assert_plan(d)


def test_minimum_days_between_a_communitys_sessions():
    d = two_peer_offerings(community2="shanxia")
    d["plan"]["caps"] = {"community_min_gap_days": 5}
    assert_infeasible(d, "cap.community_gap")
    d["plan"]["caps"] = {"community_min_gap_days": 4}  # Monday and Friday
    p = assert_plan(d)
    assert {s.date.weekday() for s in p.sessions} == {0, 4}


# --------------------------------------------------------------------- session types


def community_offering(d: dict) -> dict:
    d["offerings"] = [
        {"id": "visit", "title": "薪火广场现场观摩", "type": "community", "host": "shanxia", "capacity": 40, "outdoor": True}
    ]
    d["orders"] = [{"id": "O-1", "community": "shanxia", "offering": "visit", "attendees": 10}]
    return need(d, 1)


def test_host_is_not_a_visitor_and_hosts_at_home():
    d = community_offering(scenario_dict())
    assert_infeasible(d)
    d["orders"][0]["community"] = "fenghuang"
    p = assert_plan(d)
    s = p.sessions[0]
    assert s.venue == "sx-square" and s.host == "shanxia" and s.instructor is None
    assert [a.community for a in s.attendance] == ["fenghuang"]


def test_host_without_own_venue_cannot_host():
    d = community_offering(scenario_dict())
    d["orders"][0]["community"] = "fenghuang"
    d["offerings"][0]["host"] = "fenghuang"
    d["orders"][0]["community"] = "shanxia"
    out = solve_dict(d)
    assert out.status == "INFEASIBLE"
    d["venues"].append({"id": "fh-hall", "name": "凤凰社区党群服务中心", "capacity": 60, "owner": "fenghuang"})
    assert assert_plan(d).sessions[0].venue == "fh-hall"


def test_secretary_session_is_taught_by_a_secretary_of_a_higher_tier():
    d = need(scenario_dict(), 1)
    d["departments"][2]["instructors"] = [{"id": "dj-branch", "name": "支部书记甲", "tier": "branch"}]
    d["offerings"] = [{"id": "sec", "title": "经验擂台赛", "type": "secretary", "instructors": ["dj-branch"], "capacity": 30}]
    d["orders"] = [{"id": "O-1", "community": "shanxia", "offering": "sec", "attendees": 2}]
    assert_infeasible(d)  # a branch secretary cannot teach community secretaries
    d["offerings"][0]["audience_tier"] = "branch"
    p = assert_plan(d)
    assert p.sessions[0].instructor == "dj-branch" and p.sessions[0].venue == "hall"


def test_online_offering_uses_online_venue():
    d = need(scenario_dict(), 1)
    d["offerings"][0]["format"] = "online"
    assert assert_plan(d).sessions[0].venue == "online"


def test_community_venue_only_when_its_community_attends():
    d = need(scenario_dict(), 1)
    d["offerings"][0]["venues"] = ["sx-square"]
    d["orders"][0]["community"] = "fenghuang"
    assert_infeasible(d)
    d["orders"][0]["community"] = "shanxia"
    assert assert_plan(d).sessions[0].venue == "sx-square"


# --------------------------------------------------------------------- unavailability


@pytest.mark.parametrize(
    "where",
    [
        lambda d: d["departments"][0]["instructors"][0],
        lambda d: d["departments"][0],
        lambda d: d["communities"][0],
    ],
    ids=["instructor", "department", "community"],
)
def test_unavailable_dates(where):
    d = need(plan(scenario_dict(), **ONE_DAY), 1)
    where(d)["unavailable"] = [{"start": "2026-03-02", "end": "2026-03-02", "reason": "外出学习"}]
    assert_infeasible(d, "unavailable.")
    d["plan"]["end"] = "2026-03-03"
    assert assert_plan(d).sessions[0].date == dt.date(2026, 3, 3)


def test_unavailable_venue_moves_the_session_elsewhere():
    d = need(plan(scenario_dict(), **ONE_DAY), 1)
    d["offerings"][0]["venues"] = ["hall"]
    d["venues"][0]["unavailable"] = ["2026-03-02"]
    assert_infeasible(d, "unavailable.venue:hall")
    d["offerings"][0]["venues"] = ["hall", "sx-square"]
    assert assert_plan(d).sessions[0].venue == "sx-square"
