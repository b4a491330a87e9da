"""Deterministic generator of large synthetic scenarios ("N x Pinghu").

``scale=1`` gives a scenario the size of examples/pinghu-2026 (12 communities,
15 departments, 70 sessions, ~60 offerings, ~170 orders); ``scale=10`` gives
"10x Pinghu": 120 communities, 60 departments, 700 sessions, ~500 offerings,
~1700 orders. The calendar (2026), blackouts and caps are those of the Pinghu
example (the street-wide caps grow with the scale), so the only thing that changes
between scales is the size.

Same scale and seed give the same scenario, byte for byte (a seeded
``random.Random``, no set iteration order, no clock).

    python benchmarks/generate.py --scale 10 --out /tmp/pinghu-x10.yaml
    python benchmarks/generate.py --scale 1 --seed 7 --out -      # YAML to stdout

As a library: ``generate(scale, seed) -> dict`` (the YAML document) and
``scenario(scale, seed) -> scheduler.models.Scenario`` (validated and checked).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from pathlib import Path

import yaml

YEAR = 2026
DEFAULT_SEED = 2026

# Per unit of scale (scale=1 is Pinghu-sized).
COMMUNITIES = 12
SESSIONS = 70
QUOTAS = {"secretary": (10, 16), "peer": (30, 42), "community": (8, 14), "department": (6, 10)}
OFFERINGS = {"secretary": 8, "peer": 26, "community": 10, "department": 6}
# (secretary, peer, community) orders per community are drawn from these ranges.
ORDER_COUNTS = {"secretary": (3, 4), "peer": (6, 10), "community": (2, 4)}
MAX_RUNS = ([1, 2, 3], [0.35, 0.45, 0.20])

# Same blackouts and caps as examples/pinghu-2026.
BLACKOUTS = [
    {"start": "2026-02-09", "end": "2026-02-13", "reason": "春节前安保维稳"},
    {"start": "2026-03-04", "end": "2026-03-11", "reason": "全国两会期间书记在岗值守", "types": ["secretary", "community"]},
    {"start": "2026-06-01", "end": "2026-09-30", "reason": "三防期间暂停户外现场教学", "outdoor_only": True},
]
CAPS = {"community_per_month": 3, "department_per_month": 4, "community_min_gap_days": 3}
# The street-wide load grows with the street: Pinghu's 2 a day and 3 a week per unit of
# scale (a ten-times street runs ten times as many sessions on the same working days).
STREET_PER_DAY, STREET_PER_WEEK = 2, 3
OUTDOOR_SEASON = {6, 7, 8, 9}
BUSY_MONTHS = {2}  # nobody asks for February

PLACE_CHARS = (
    "白坭坑鹅公岭平湖新南力昌禾花山厦辅城坳良安田木上古凤凰横岗塘石龙华富民和西东北坪沙湾园围头尾洲桥埔溪"
    "清水河大芬丹竹布吉樟树罗坑宝丰盛隆兴旺福泰康乐德贤文明双拥金星玉翠峰云涌泉松柏梅林桂荔枝榕"
)
SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢郭洪曾邱廖赖周徐苏叶庄吕江何罗高潘朱钟彭游詹胡施沈余卢梁赵颜柯翁魏孙戴方宋邓"
GIVEN = "志伟建华国强明辉丽娟海峰晓燕永坚广文红梅振嘉欣思远雅琪俊杰慧敏东立新文斌静怡平琳少军庆芳婷涛勇宇鹏飞雪玲"
DEPARTMENTS = [
    ("dangjian", "党建办"),
    ("dangqun", "党群服务中心"),
    ("minzheng", "民政办"),
    ("chengguan", "城管办"),
    ("yingji", "应急管理办"),
    ("pingan", "平安建设办"),
    ("sifa", "司法所"),
    ("gonggong", "公共服务办"),
    ("jingji", "经济服务办"),
    ("guitu", "规划土地监察队"),
    ("laodong", "劳动办"),
    ("weijian", "卫健办"),
    ("shequ", "社区工作办"),
    ("zonghe", "综合办"),
    ("caizheng", "财政办"),
    ("zhujian", "住建办"),
    ("shuiwu", "环保水务办"),
    ("wenhua", "文化站"),
    ("tuiyi", "退役军人服务站"),
    ("xinfang", "信访办"),
    ("wangge", "网格管理中心"),
    ("tongji", "统计站"),
]
ZONES = "东南西北中"
PEER_TOPICS = [
    "消防安全与三防应急",
    "安全生产检查实务",
    "燃气安全与“九小场所”隐患排查",
    "防汛抢险应急演练",
    "社会救助政策解读",
    "养老服务与高龄津贴经办",
    "人民调解实务",
    "《民法典》常见纠纷法律要点",
    "城市容貌提升与“门前三包”",
    "垃圾分类督导实务",
    "校园周边交通安全",
    "反诈宣传进楼栋",
    "网格员巡查采集与事件上报",
    "出租屋与流动人口管理",
    "企业服务“事交我办”",
    "楼宇经济与招商稳商",
    "劳动纠纷调处与欠薪预警",
    "就业帮扶与技能补贴政策",
    "健康教育与慢病管理",
    "应急救护实操",
    "登革热防控与爱国卫生运动",
    "家门口的AI夜校",
    "志愿服务与党群阵地运营",
    "政务新媒体与舆情应对",
    "党务工作实务",
    "查违实务与违建巡查",
    "城市更新与土地整备政策",
    "民生诉求办理与“一网统管”",
    "社区文体活动策划",
    "社区工作台账与减负规范",
    "居民议事会议事规则",
]
VARIANTS = ["", "（进阶）", "（案例研讨）", "（政策解读）", "（实操演练）", "（专题）"]
SECRETARY_TOPICS = [
    "头雁领航：作风建设",
    "案例工作坊：城中村治理",
    "案例工作坊：园区党建与企业服务",
    "经验擂台赛：治理“金点子”",
    "案例工作坊：“一老一小”幸福社区",
    "经验擂台赛：物业小区矛盾化解",
    "新一届“两委”履职第一课",
    "支部书记课堂：组织生活会",
    "案例工作坊：党员积分制管理",
    "良策“金点子”转化为治理工具包",
    "经验擂台赛：党建引领“村BA”",
]
COMMUNITY_TOPICS = [
    "现场观摩",
    "儿童友好空间建设经验交流",
    "“一老一小”服务阵地观摩",
    "园区党建联盟与企业服务站",
    "古村活化与文化传承现场教学",
    "老墟镇更新与商圈治理现场教学",
    "城中村消防安全整治经验",
    "“红色物业”共建小区",
    "民生微实事项目运作",
    "“网格+智慧巡查”",
    "邻里中心与居民议事",
    "垃圾分类示范小区现场观摩",
]
DEPARTMENT_TOPICS = [
    "联勤联动联合处置",
    "政策衔接与事务协同",
    "诉调对接与矛盾纠纷多元化解",
    "阵地标准化建设",
    "服务与监管协同",
    "联合执法流程",
    "突发事件协同处置",
]
ROLES = [
    "安全员",
    "网格员",
    "楼栋长",
    "社工",
    "调解员",
    "两委委员",
    "民政专干",
    "党务专干",
    "企业服务专员",
    "劳动保障协管员",
    "社康联络员",
    "城管协管员",
    "查违协管员",
    "宣传专干",
    "居民小组长",
]
VISIT_ROLES = ["两委委员", "党务专干", "社工", "网格员"]


def _d(day: dt.date) -> str:
    return day.isoformat()


def _span(rng: random.Random, month_lo: int, month_hi: int, days: int, reason: str) -> dict:
    """A weekday-aligned span of ``days`` calendar days starting on a Monday in the month range."""
    month = rng.randint(month_lo, month_hi)
    first = dt.date(YEAR, month, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7 * rng.randint(0, 2))
    return {"start": _d(monday), "end": _d(monday + dt.timedelta(days=days - 1)), "reason": reason}


class _Names:
    def __init__(self, rng: random.Random):
        self.rng, self.seen = rng, set()

    def place(self) -> str:
        while True:
            n = "".join(self.rng.sample(PLACE_CHARS, self.rng.choice([2, 2, 3])))
            if n not in self.seen:
                self.seen.add(n)
                return n

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))


def _months_window(rng: random.Random, outdoor: bool) -> list[int]:
    """A 3 to 5 month window, avoiding the outdoor season for site visits."""
    allowed = [m for m in range(1, 13) if m not in BUSY_MONTHS and not (outdoor and m in OUTDOOR_SEASON)]
    k = rng.randint(3, 5)
    start = rng.randrange(len(allowed) - k + 1)
    return allowed[start : start + k]


def street_caps(scale: float) -> dict:
    """Street-wide caps for a street ``scale`` times Pinghu's size."""
    return {"street_per_day": max(2, round(STREET_PER_DAY * scale)), "street_per_week": max(3, round(STREET_PER_WEEK * scale))}


def generate(scale: float = 10, seed: int = DEFAULT_SEED) -> dict:
    """The scenario as a plain dict, ready for ``yaml.safe_dump`` or ``Scenario.model_validate``."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = random.Random(f"pinghu-x{scale}-{seed}")
    names = _Names(rng)
    n_comm = max(3, round(COMMUNITIES * scale))
    n_dept = max(4, round(15 * scale**0.6))  # 15 at scale 1, 60 at scale 10
    n_street_venues = max(3, round(5 * scale**0.7))  # 5 at scale 1, 25 at scale 10
    n_off = {t: max(2, round(k * scale)) for t, k in OFFERINGS.items()}

    # ---------------------------------------------------------------- plan
    total = round(SESSIONS * scale)
    sessions: dict = {"total": total}
    for t, (lo, hi) in QUOTAS.items():
        sessions[t] = {"min": round(lo * scale), "max": round(hi * scale)}
    plan = {
        "name": f"合成场景：{scale:g}倍平湖街道2026年“四类赋能”干部能力提升培训计划",
        "year": YEAR,
        "start": "2026-01-05",
        "end": "2026-12-31",
        "sessions": sessions,
        "slots": ["morning", "afternoon", "evening"],
        "blackouts": [dict(b) for b in BLACKOUTS],
        "holidays": {"days_off": [], "working_days": []},
        "caps": {**CAPS, **street_caps(scale)},
    }

    # ---------------------------------------------------------------- communities
    communities = []
    for i in range(n_comm):
        c = {"id": f"sq{i + 1:03d}", "name": names.place() + "社区", "cadres": rng.randint(30, 72), "secretary": names.person()}
        r = rng.random()
        if r < 0.12:
            c["unavailable"] = [_span(rng, 3, 3, 5, "社区“两委”换届选举")]
        elif r < 0.18:
            c["unavailable"] = [_span(rng, 10, 11, 5, "迎接文明城市测评")]
        communities.append(c)
    cids = [c["id"] for c in communities]

    # ---------------------------------------------------------------- departments and instructors
    departments = []
    for i in range(n_dept):
        base_id, base_name = DEPARTMENTS[i % len(DEPARTMENTS)]
        zone = i // len(DEPARTMENTS)
        did = base_id if zone == 0 else f"{base_id}-{zone + 1}"
        name = base_name if zone == 0 else f"{base_name}（{ZONES[(zone - 1) % len(ZONES)]}片区{zone + 1}）"
        departments.append({"id": did, "name": name, "instructors": []})
    # 党建办-like departments (every 22nd, i.e. one per zone) hold the tiered secretaries (头雁工程).
    party = [d for d in departments if d["id"].startswith("dangjian")]
    n_tier = {
        "street": max(1, round(1 * scale**0.5)),
        "community": max(3, round(4 * scale)),
        "branch": max(1, round(1.5 * scale)),
    }
    seq = Counter()
    teacher_of: dict[str, str] = {}  # community-tier instructor -> community whose secretary they are
    for tier, k in n_tier.items():
        for j in range(k):
            d = party[j % len(party)]
            seq[d["id"]] += 1
            ins = {"id": f"{d['id']}-{tier}{j + 1}", "name": names.person(), "tier": tier}
            if tier == "community":  # a community secretary who teaches: named after that community's secretary
                c = communities[(j * 7) % n_comm]
                ins["name"] = c["secretary"]
                teacher_of[ins["id"]] = c["id"]
            if rng.random() < 0.15:
                ins["unavailable"] = [
                    _span(rng, 1, 11, rng.choice([5, 5, 12, 19]), rng.choice(["出席区两会", "外出学习", "上级督导检查"]))
                ]
            d["instructors"].append(ins)
    for d in departments:
        for j in range(rng.choice([1, 2, 2, 2, 3])):
            ins = {"id": f"{d['id']}-{j + 1}", "name": names.person()}  # staff, no tier
            if rng.random() < 0.12:
                ins["unavailable"] = [
                    _span(rng, 1, 11, rng.choice([1, 5, 12, 19]), rng.choice(["三防值班备勤", "出庭", "区集训"]))
                ]
            d["instructors"].append(ins)
        r = rng.random()
        if d in party:
            d["monthly_cap"] = 6
        elif r < 0.08:
            d["monthly_cap"] = 2
        if rng.random() < 0.07:
            d["unavailable"] = [_span(rng, 3, 11, 5, "区委党校集中轮训")]
    dids = [d["id"] for d in departments]
    tiered = {i["id"]: i["tier"] for d in party for i in d["instructors"] if "tier" in i}
    staff_of = {d["id"]: [i["id"] for i in d["instructors"] if "tier" not in i] for d in departments}

    # ---------------------------------------------------------------- venues
    venues = []
    for i in range(n_street_venues):
        v = {
            "id": f"v-st{i + 1:02d}",
            "name": f"街道{names.place()}{rng.choice(['报告厅', '多功能室', '党校教室', '会议室', '培训基地'])}",
            "capacity": rng.choice([40, 60, 60, 80, 100, 200]),
        }
        if rng.random() < 0.15:
            v["unavailable"] = [
                _span(rng, 1, 11, rng.choice([1, 5, 12]), rng.choice(["街道年度工作会议", "教室改造", "上级会议借用"]))
            ]
        venues.append(v)
    street_venues = [v["id"] for v in venues]
    venues.append({"id": "v-online", "name": "良策平台直播间", "capacity": 500, "owner": "street", "online": True})
    venues_of: dict[str, list[str]] = {}
    for c in communities:
        vid = f"v-{c['id']}"
        venues.append(
            {"id": vid, "name": c["name"] + "党群服务中心", "capacity": rng.choice([40, 50, 60, 70, 80, 100]), "owner": c["id"]}
        )
        venues_of[c["id"]] = [vid]
        if rng.random() < 0.2:  # a second site: a plaza or park
            v2 = {
                "id": f"v-{c['id']}-site",
                "name": c["name"] + rng.choice(["文化广场", "邻里中心", "产业园区服务站"]),
                "capacity": rng.choice([80, 100, 120]),
                "owner": c["id"],
            }
            if rng.random() < 0.3:
                v2["unavailable"] = [_span(rng, 4, 11, 5, "社区邻里文化节")]
            venues.append(v2)
            venues_of[c["id"]].append(v2["id"])
    capacity_of = {v["id"]: v["capacity"] for v in venues}

    # ---------------------------------------------------------------- pairs
    n_pairs = max(2, round(n_off["department"] * 0.7))
    pairs = []
    used = set()
    while len(pairs) < n_pairs:
        mentor, learner = rng.sample(dids, 2)
        if (mentor, learner) in used:
            continue
        used.add((mentor, learner))
        pairs.append(
            {
                "id": f"pr-{len(pairs) + 1:03d}",
                "mentor": mentor,
                "learner": learner,
                "attendees": rng.choice([8, 10, 12, 12, 16, 20]),
            }
        )

    def max_runs() -> int:
        return rng.choices(*MAX_RUNS)[0]

    # ---------------------------------------------------------------- offerings
    offerings = []
    popularity: dict[str, float] = {}
    for i in range(n_off["secretary"]):
        audience = "branch" if rng.random() < 0.2 else "community"
        ok = [i_ for i_, t in tiered.items() if audience == "branch" or t != "branch"]
        o = {
            "id": f"s{i + 1:03d}",
            "title": rng.choice(SECRETARY_TOPICS) + f"（{i + 1}）",
            "type": "secretary",
            "instructors": sorted(rng.sample(ok, rng.choice([1, 1, 2, 2, 3]))),
            "capacity": rng.choice([30, 40, 40]),
            "max_runs": max_runs(),
        }
        if audience == "branch":
            o["audience_tier"] = "branch"
        if rng.random() < 0.15:
            o["venues"] = [rng.choice(street_venues)]
            o["capacity"] = min(o["capacity"], capacity_of[o["venues"][0]])
        if rng.random() < 0.1:
            o["months"] = _months_window(rng, False)
        offerings.append(o)
        popularity[o["id"]] = rng.lognormvariate(0, 0.5)
    evening: list[dict] = []
    for i in range(n_off["peer"]):
        dept = rng.choice(dids)
        o = {"id": f"p{i + 1:03d}", "title": rng.choice(PEER_TOPICS) + rng.choice(VARIANTS), "type": "peer", "department": dept}
        if dept.startswith("dangjian"):
            o["instructors"] = staff_of[dept][:1]  # the staff instructor, not the secretaries
        fmt = rng.choices(["offline", "online", "hybrid"], [0.72, 0.14, 0.14])[0]
        duration = rng.choices(["half_day", "full_day", "evening"], [0.8, 0.13, 0.07])[0] if fmt == "offline" else "half_day"
        if fmt != "offline":
            o["format"] = fmt
        if duration != "half_day":
            o["duration"] = duration
        o["capacity"] = (
            rng.choice([200, 300])
            if fmt == "online"
            else rng.choice([40, 60, 60, 80, 120] if fmt == "hybrid" else [40, 60, 60, 80])
        )
        if fmt == "offline" and rng.random() < 0.15:
            o["min_attendees"] = rng.choice([10, 15])
        o["max_runs"] = max_runs()
        if fmt == "offline" and duration != "evening" and rng.random() < 0.05:
            o["outdoor"] = True
            o["months"] = _months_window(rng, True)
        elif rng.random() < 0.12:
            o["months"] = _months_window(rng, False)
        offerings.append(o)
        popularity[o["id"]] = rng.lognormvariate(0, 0.6)
        if duration == "evening":
            evening.append(o)
    hosts = rng.sample(cids, min(n_comm, n_off["community"]))
    while len(hosts) < n_off["community"]:
        hosts.append(rng.choice(cids))
    for i, host in enumerate(hosts):
        own = venues_of[host]
        o = {"id": f"c{i + 1:03d}", "title": rng.choice(COMMUNITY_TOPICS), "type": "community", "host": host}
        outdoor = rng.random() < 0.3
        if len(own) > 1 and rng.random() < 0.6:
            o["venues"] = [own[1]]
        if outdoor:
            o["outdoor"] = True
        cap = max(capacity_of[v] for v in o.get("venues", own))
        o["capacity"] = min(cap, rng.choice([40, 50, 60, 80, 120]))
        o["max_runs"] = max_runs()
        if rng.random() < 0.08:
            o["months"] = _months_window(rng, outdoor)
        offerings.append(o)
        popularity[o["id"]] = rng.lognormvariate(0, 0.5)
    pair_ids = [p["id"] for p in pairs]
    mentor_of = {p["id"]: p["mentor"] for p in pairs}
    for i in range(n_off["department"]):
        pid = pair_ids[i] if i < len(pair_ids) else rng.choice(pair_ids)
        o = {
            "id": f"d{i + 1:03d}",
            "title": rng.choice(DEPARTMENT_TOPICS) + f"（{i + 1}）",
            "type": "department",
            "pair": pid,
            "capacity": 30,
            "max_runs": max_runs(),
        }
        if rng.random() < 0.3:
            o["duration"] = "full_day"
        if rng.random() < 0.15:
            o["months"] = _months_window(rng, False)
        staff = staff_of[mentor_of[pid]]
        if mentor_of[pid].startswith("dangjian"):
            o["instructors"] = staff[:1]
        offerings.append(o)
    by_type: dict[str, list[dict]] = {}
    for o in offerings:
        by_type.setdefault(o["type"], []).append(o)

    # ---------------------------------------------------------------- orders
    orders = []
    taken: Counter[str] = Counter()
    for c in communities:
        cid = c["id"]
        for kind, (lo, hi) in ORDER_COUNTS.items():
            k = rng.randint(lo, hi)
            allowed = [
                o
                for o in by_type[kind]
                if o.get("host") != cid and not (o.get("instructors") and {teacher_of.get(i) for i in o["instructors"]} == {cid})
            ]
            picked = []
            for _ in range(min(k, len(allowed))):
                # popular items are likelier, and so are items few communities have ordered so far
                w = [popularity[o["id"]] / (1 + taken[o["id"]]) ** 2 for o in allowed]
                j = rng.choices(range(len(allowed)), weights=w)[0]
                picked.append(allowed.pop(j))
                taken[picked[-1]["id"]] += 1
            for o in sorted(picked, key=lambda o: o["id"]):
                orders.append(_order(rng, f"O-{len(orders) + 1:04d}", c, o))

    # evening sessions (AI 夜校) are held at the centres of communities that ordered them
    orderers: dict[str, list[str]] = {}
    for od in orders:
        orderers.setdefault(od["offering"], []).append(od["community"])
    for o in evening:
        who = orderers.get(o["id"], [])
        if who:
            o["venues"] = sorted({venues_of[c][0] for c in who[:5]})

    return {
        "plan": plan,
        "communities": communities,
        "departments": departments,
        "venues": venues,
        "offerings": offerings,
        "orders": orders,
        "pairs": pairs,
    }


def _order(rng: random.Random, oid: str, community: dict, offering: dict) -> dict:
    kind = offering["type"]
    if kind == "secretary":
        if offering.get("audience_tier") == "branch":
            roles, attendees = ["支部书记"], rng.randint(2, 3)
        elif rng.random() < 0.5:
            roles, attendees = ["社区党委书记"], 1
        else:
            roles, attendees = ["社区党委书记", "社区党委副书记"], rng.randint(2, 3)
    elif kind == "community":
        roles = sorted(rng.sample(VISIT_ROLES, rng.randint(2, 3)), key=VISIT_ROLES.index)
        attendees = rng.randint(5, 20)
    else:
        roles = sorted(rng.sample(ROLES, rng.randint(1, 3)), key=ROLES.index)
        high = min(40, offering["capacity"], community["cadres"] * 6 // 10)
        low = max(5, offering.get("min_attendees", 1))
        if offering.get("duration") == "full_day":
            high = min(high, 20)
        attendees = rng.randint(low, max(low, high))
    attendees = min(attendees, offering["capacity"])
    order = {
        "id": oid,
        "community": community["id"],
        "offering": offering["id"],
        "attendees": attendees,
        "roles": roles,
        "priority": rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0],
    }
    if rng.random() < 0.5:
        months = offering.get("months") or list(range(1, 13))
        months = [m for m in months if m not in BUSY_MONTHS and not (offering.get("outdoor") and m in OUTDOOR_SEASON)]
        order["preferred_months"] = sorted(rng.sample(months, min(len(months), rng.randint(1, 2))))
    return order


def capacity_report(data: dict) -> dict[str, dict[str, int]]:
    """Per type: the quota and the most sessions the offerings could give (runs with someone to serve).

    A cheap necessary condition for feasibility; the generator asserts it.
    """
    n_orders = Counter(o["offering"] for o in data["orders"])
    host = {o["id"]: o.get("host") for o in data["offerings"]}
    self_orders = Counter(o["offering"] for o in data["orders"] if host[o["offering"]] == o["community"])
    out: dict[str, dict[str, int]] = {}
    q = data["plan"]["sessions"]
    for o in data["offerings"]:
        t = o["type"]
        runs = o["max_runs"] if t == "department" else min(o["max_runs"], n_orders[o["id"]] - self_orders[o["id"]])
        row = out.setdefault(t, {"min": q[t]["min"], "max": q[t]["max"], "offerings": 0, "potential": 0})
        row["offerings"] += 1
        row["potential"] += runs
    return out


def check_reachable(data: dict) -> list[str]:
    """Problems that make the quotas unreachable for sure (empty = none found)."""
    rep = capacity_report(data)
    problems = []
    for t, row in rep.items():
        if row["potential"] < row["min"]:
            problems.append(f"{t}: at most {row['potential']} sessions possible, quota min {row['min']}")
    reachable = sum(min(row["potential"], row["max"]) for row in rep.values())
    total = data["plan"]["sessions"]["total"]
    if reachable < total:
        problems.append(f"at most {reachable} sessions possible in all, total {total}")
    return problems


def scenario(scale: float = 10, seed: int = DEFAULT_SEED):
    """The generated scenario, validated by the models and the whole-scenario checks."""
    from scheduler.domain.checks import check_scenario
    from scheduler.models import Scenario

    data = generate(scale, seed)
    sc = Scenario.model_validate(data)
    found = check_scenario(sc)
    if found:
        raise ValueError("generated scenario fails the checks:\n" + "\n".join(map(str, found)))
    return sc


def to_yaml(data: dict) -> str:
    head = (
        "# Synthetic scenario written by benchmarks/generate.py (deterministic; do not edit by hand).\n"
        "# Same calendar, blackouts and caps as examples/pinghu-2026; sizes scaled.\n"
    )
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=10, help="1 = Pinghu-sized, 10 = 10x Pinghu (default 10)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--out", default="-", help="YAML file to write, '-' for stdout (default)")
    ap.add_argument("--no-check", action="store_true", help="skip validating the result with scheduler's models and checks")
    args = ap.parse_args(argv)
    data = generate(args.scale, args.seed)
    problems = check_reachable(data)
    if not args.no_check:
        from scheduler.domain.checks import check_scenario
        from scheduler.models import Scenario

        problems += [str(p) for p in check_scenario(Scenario.model_validate(data))]
    if problems:
        print("the generated scenario has problems:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    text = to_yaml(data)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        rep = capacity_report(data)
        counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
        n_ins = sum(len(d["instructors"]) for d in data["departments"])
        print(
            f"wrote {args.out}: {data['plan']['sessions']['total']} sessions, {counts['communities']} communities, "
            f"{counts['departments']} departments ({n_ins} instructors), {counts['venues']} venues, "
            f"{counts['offerings']} offerings, {counts['orders']} orders, {counts['pairs']} pairs",
            file=sys.stderr,
        )
        for t, row in rep.items():
            print(
                f"  {t:<10} quota {row['min']}-{row['max']}, {row['offerings']} offerings, up to {row['potential']} sessions",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
