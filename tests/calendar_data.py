"""Plans to render and export in tests: the tiny example, and a crowded, hostile one.

The crowded plan squeezes a dozen sessions into the three working days before a
blackout, so one day holds four or more chips with long titles and long lists of
communities: the month page that has to stay on one printed page. Its names are
hostile on purpose (markup, spreadsheet formulas, a very long unbroken word).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from conftest import BASE, scenario_dict, solve_dict

from scheduler.core.solve import SolveOptions
from scheduler.models import Plan
from scheduler.plan.engine import run

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "examples" / "tiny" / "scenario.yaml"

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","点我领取")'
LONG_WORD = "Neighbourhood" * 5  # one 65-letter word: must wrap inside its chip


def crowded_scenario() -> dict:
    communities = [
        {"id": f"c{i:02d}", "name": name, "cadres": 80}
        for i, name in enumerate(
            [
                "白坭坑社区",
                "鹅公岭社区",
                "平湖社区",
                "新南社区",
                "力昌社区",
                "禾花社区",
                "山厦社区",
                "辅城坳社区",
                "良安田社区",
                "新木社区",
                SCRIPT,
                "@evil",
            ]
        )
    ]
    departments = [
        {
            "id": f"d{i}",
            "name": name,
            "instructors": [{"id": f"d{i}-a", "name": f"{name}甲"}, {"id": f"d{i}-b", "name": f"{name}乙"}],
        }
        for i, name in enumerate(["应急管理办", "民政办", "城管办", "司法所", "规划土地监察队"])
    ]
    departments.append({"id": "dj", "name": "党建办", "instructors": [{"id": "dj-chen", "name": "陈志远", "tier": "street"}]})
    venues = [{"id": f"v{i}", "name": f"平湖街道党群服务中心第{i}会议室", "capacity": 300} for i in range(1, 6)]
    venues.append({"id": "v-sx", "name": "山厦社区薪火广场", "capacity": 120, "owner": "c06"})
    titles = [
        "消防安全与三防应急：高层住宅与城中村出租屋火灾隐患排查",
        "社会救助政策解读与低保边缘家庭认定",
        FORMULA,
        f"{LONG_WORD} governance workshop",
        "城市更新与土地整备政策、违法建筑查处流程",
        "人民调解与诉调对接：矛盾纠纷多元化解",
        "养老服务与高龄津贴经办实务",
        "门前三包与市容环境整治月度主题",
        "燃气安全进社区：瓶装燃气与餐饮场所检查要点",
        "网格员数据采集规范与民生诉求分拨",
    ]
    offerings = [
        {
            "id": f"p{i}",
            "title": title,
            "type": "peer",
            "department": f"d{i % 5}",
            "capacity": 300,
            "months": [9],
        }
        for i, title in enumerate(titles)
    ]
    offerings += [
        {"id": "p-oct", "title": "国庆后安全生产大检查部署", "type": "peer", "department": "d0", "capacity": 300},
        {
            "id": "s-case",
            "title": "头雁领航：作风焕新年与“事交我办无问题”",
            "type": "secretary",
            "instructors": ["dj-chen"],
            "capacity": 30,
            "months": [9],
        },
        {
            "id": "c-visit",
            "title": "薪火广场 友邻山厦 和美城村 现场观摩",
            "type": "community",
            "host": "c06",
            "venues": ["v-sx"],
            "capacity": 120,
            "months": [9],
        },
        {
            "id": "d-pair",
            "title": "自然灾害应急救助衔接",
            "type": "department",
            "pair": "pr",
            "duration": "full_day",
            "capacity": 20,
            "months": [10],
        },
    ]
    orders = []
    n = 0
    for i in range(len(titles)):
        group = 0 if i < 5 else 6  # two groups of six communities: an A course and a B course can share a slot
        for k in range(4):
            n += 1
            c = group + (i % 5 + k) % 6
            orders.append({"id": f"O-{n:03d}", "community": f"c{c:02d}", "offering": f"p{i}", "attendees": 10})
    for c in range(12):
        n += 1
        orders.append({"id": f"O-{n:03d}", "community": f"c{c:02d}", "offering": "p-oct", "attendees": 10})
    for c in (0, 3, 10, 11):
        n += 1
        orders.append({"id": f"O-{n:03d}", "community": f"c{c:02d}", "offering": "s-case", "attendees": 2})
    for c in (1, 2, 10, 11):
        n += 1
        orders.append({"id": f"O-{n:03d}", "community": f"c{c:02d}", "offering": "c-visit", "attendees": 12})
    # One order that can never be met: more people than any session holds.
    orders.append({"id": "O-NOPE", "community": "c11", "offering": "p1", "attendees": 400})
    return {
        "plan": {
            "name": f"压力测试计划 {SCRIPT}",
            "year": 2026,
            "start": "2026-09-01",
            "end": "2026-10-16",
            "sessions": {"total": 20, "total_min": 0, "department": {"min": 1}},
            "slots": ["morning", "afternoon", "evening"],
            # a street that allows crowded days, so the pages have one to lay out
            "caps": {"street_per_day": 8},
            "blackouts": [
                {"start": "2026-09-04", "end": "2026-09-30", "reason": "换届选举，暂停培训"},
                {"start": "2026-10-12", "end": "2026-10-16", "reason": "三防值班", "outdoor_only": True},
            ],
        },
        "communities": communities,
        "departments": departments,
        "venues": venues,
        "offerings": offerings,
        "orders": orders,
        "pairs": [{"id": "pr", "mentor": "d0", "learner": "d1", "attendees": 8}],
    }


@functools.cache
def crowded_plan() -> Plan:
    outcome = solve_dict(crowded_scenario(), time_limit=10.0)
    assert outcome.plan is not None, outcome.status
    return outcome.plan


@functools.cache
def packed_plan() -> Plan:
    """The crowded plan made busier than any street allows, for layout only (it is no valid
    plan: the extra sessions repeat the busy days' sessions and sit in a blackout).

    September: its three busy days repeated in the next two weeks, so that the month no
    longer fits one printed page. October: 5 sessions on the 6th, 10 on the 7th, for the
    year page's day cells.
    """
    plan = crowded_plan()
    busy = [s for s in plan.sessions if s.date.month == 9]
    extra = [
        s.model_copy(update={"id": f"S-2026-{week}{n:02d}", "date": s.date + dt.timedelta(days=7 * week)})
        for week in (1, 2)
        for n, s in enumerate(busy)
    ]
    extra += [
        s.model_copy(update={"id": f"S-2026-9{n:02d}", "date": dt.date(2026, 10, 6 if n < 5 else 7)})
        for n, s in enumerate((busy * 2)[:15])
    ]
    return plan.model_copy(update={"sessions": plan.sessions + extra})


@functools.cache
def tiny_plan() -> Plan:
    outcome = run(TINY, SolveOptions(time_limit=10, workers=1, seed=0))
    assert outcome.plan is not None, outcome.status
    return outcome.plan


# Every kind of character a name can carry that some format must escape or drop: line
# breaks (LF, CR LF, a lone CR), a tab, control characters (NUL aside), U+FFFF, the
# iCalendar separators ; , \, quotes, markup, a formula, emoji (one a ZWJ sequence) and CJK.
NASTY = "A\nB\r\nC\rD\tE\x01\x08\x0b\x0c\x1b\x7f\x9f\uffff;,\\\"'<script>alert(1)</script>=1+1 😀👨\u200d👩\u200d👧 平湖"
# ... and as every page and export shows it: line breaks as newlines, control characters gone.
NASTY_SHOWN = "A\nB\nC\nD\tE;,\\\"'<script>alert(1)</script>=1+1 😀👨\u200d👩\u200d👧 平湖"
# Each name of the nasty plan begins differently: some as formulas, one behind a control character.
NASTY_PREFIX = {
    "plan": "计划",
    "shanxia": "=1+1山厦",
    "fenghuang": "凤凰",
    "yingji": "\x01=SUM(A1)应急",
    "yj-wang": "@王五",
    "hall": "\t报告厅",
    "fire": "-消防",
    "role": "+网格员",
    "secretary": "张三",
    "blackout": "停",
}


def nasty(key: str) -> str:
    return NASTY_PREFIX[key] + NASTY


def shown(key: str) -> str:
    """The name as a reader sees it (the prefix's control character gone too)."""
    return NASTY_PREFIX[key].replace("\x01", "") + NASTY_SHOWN


@functools.cache
def nasty_plan() -> Plan:
    """The tiny test scenario with every name made of NASTY: one session, one unmet order,
    a blackout on the last day."""
    data = scenario_dict(
        plan={
            **BASE["plan"],
            "name": nasty("plan"),
            "blackouts": [{"start": "2026-03-06", "end": "2026-03-06", "reason": nasty("blackout")}],
        },
        communities=[
            {"id": "shanxia", "name": nasty("shanxia"), "cadres": 40, "secretary": nasty("secretary")},
            {"id": "fenghuang", "name": nasty("fenghuang"), "cadres": 30},
        ],
        departments=[{"id": "yingji", "name": nasty("yingji"), "instructors": [{"id": "yj-wang", "name": nasty("yj-wang")}]}],
        venues=[{"id": "hall", "name": nasty("hall"), "capacity": 100}],
        offerings=[{"id": "fire", "title": nasty("fire"), "type": "peer", "department": "yingji", "capacity": 60}],
        orders=[
            {"id": "O-1", "community": "shanxia", "offering": "fire", "attendees": 20, "roles": [nasty("role")]},
            {"id": "O-2", "community": "fenghuang", "offering": "fire", "attendees": 400},
        ],
    )
    outcome = solve_dict(data, time_limit=10.0)
    assert outcome.plan is not None and len(outcome.plan.sessions) == 1, outcome.status
    return outcome.plan
