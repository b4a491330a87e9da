"""Write the `orders:` section of scenario.yaml from a small demand model.

Deterministic (fixed seed): running it twice gives the same file. Everything
above the top-level `orders:` line is kept as is; the lines after it are
replaced. Run from anywhere:

    python examples/pinghu-2026/make_orders.py

The model: each community orders some 书记教书记, 同行学同行 and 社区帮社区
items (never a 部门带部门 offering, never its own hosted visit, never a case
workshop taught only by its own secretary). The items in its profile (WANTS)
are always ordered, with a higher priority; the rest are drawn by popularity,
favouring items that few communities have ordered so far.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenario.yaml"
SEED = 2026

# (secretary, peer, community) orders per community: 10..18 in all.
COUNTS = {
    "baiwokeng": (4, 8, 3),
    "egongling": (4, 8, 3),
    "pinghu": (4, 10, 4),
    "xinnan": (3, 6, 2),
    "lichang": (4, 7, 3),
    "hehua": (3, 6, 3),
    "shanxia": (4, 8, 2),
    "fuchengao": (4, 8, 3),
    "liangantian": (3, 6, 2),
    "xinmu": (4, 8, 4),
    "shangmugu": (4, 7, 3),
    "fenghuang": (4, 8, 3),
}

# What each community always orders (its profile); the rest is drawn by popularity.
WANTS = {
    "baiwokeng": [
        "p-fire-typhoon",
        "p-rental",
        "p-gas-safety",
        "p-grid",
        "p-illegal-build",
        "c-shanxia-visit",
        "s-toyan",
        "s-new-committee",
        "s-branch-life",
    ],
    "egongling": [
        "p-enterprise",
        "p-labor-dispute",
        "p-fire-typhoon",
        "p-culture-sports",
        "p-party-affairs",
        "c-shanxia-visit",
        "s-xinmu-case",
        "s-shanxia-case",
    ],
    "pinghu": [
        "p-first-aid",
        "p-city-appearance",
        "p-enterprise",
        "p-anti-fraud",
        "p-rental",
        "p-fire-typhoon",
        "c-shanxia-visit",
        "c-fenghuang-care",
        "s-toyan",
        "s-arena-village",
    ],
    "xinnan": [
        "p-garbage",
        "p-elderly-care",
        "p-residents-council",
        "p-ledger",
        "c-lichang-property",
        "c-liangantian-garbage",
        "s-arena-property",
    ],
    "lichang": [
        "p-first-aid",
        "p-garbage",
        "p-mediation",
        "p-elderly-care",
        "p-fire-typhoon",
        "c-fenghuang-care",
        "c-baiwokeng-fire",
        "c-liangantian-garbage",
        "s-arena-property",
        "s-fenghuang-case",
    ],
    "hehua": [
        "p-social-assist",
        "p-health-edu",
        "p-public-service",
        "p-dengue",
        "p-ledger",
        "c-shanxia-visit",
        "c-baiwokeng-fire",
        "s-egongling-case",
    ],
    "shanxia": [
        "p-fire-typhoon",
        "p-grid",
        "p-ai-night",
        "p-party-affairs",
        "c-fuchengao-grid",
        "c-egongling-village",
        "s-xinmu-case",
        "s-fenghuang-case",
    ],
    "fuchengao": [
        "p-safety-inspect",
        "p-labor-dispute",
        "p-enterprise",
        "p-fire-typhoon",
        "p-illegal-build",
        "c-xinmu-park",
        "c-pinghu-oldtown",
        "s-shanxia-case",
        "s-liangce",
    ],
    "liangantian": [
        "p-garbage",
        "p-health-edu",
        "p-ai-night",
        "p-dengue",
        "c-shanxia-visit",
        "s-new-committee",
        "s-fenghuang-case",
    ],
    "xinmu": [
        "p-enterprise",
        "p-labor-dispute",
        "p-safety-inspect",
        "p-employment",
        "p-investment",
        "p-fire-typhoon",
        "p-illegal-build",
        "c-shanxia-visit",
        "c-pinghu-oldtown",
        "s-shanxia-case",
        "s-egongling-case",
        "s-liangce",
    ],
    "shangmugu": [
        "p-labor-dispute",
        "p-rental",
        "p-residents-council",
        "p-fire-typhoon",
        "c-xinmu-park",
        "c-shanxia-visit",
        "c-baiwokeng-fire",
        "s-arena-village",
        "s-branch-life",
    ],
    "fenghuang": [
        "p-elderly-care",
        "p-health-edu",
        "p-first-aid",
        "p-school-traffic",
        "p-party-affairs",
        "c-shanxia-visit",
        "c-egongling-village",
        "s-liangce",
    ],
}

# How popular an item is across the street (default 1.0).
POPULARITY = {
    "p-fire-typhoon": 6.0,
    "p-grid": 4.0,
    "p-ai-night": 4.0,
    "p-first-aid": 3.0,
    "p-anti-fraud": 3.0,
    "p-mediation": 2.5,
    "p-school-traffic": 2.0,
    "p-social-assist": 1.5,
    "p-gas-safety": 1.5,
    "p-city-appearance": 1.5,
    "p-garbage": 1.5,
    "p-elderly-care": 1.5,
    "p-labor-dispute": 1.5,
    "p-public-service": 1.5,
    "p-residents-council": 1.5,
    "c-shanxia-visit": 5.0,
    "c-fenghuang-care": 3.0,
    "c-egongling-village": 3.0,
    "c-xinmu-park": 2.0,
    "c-baiwokeng-fire": 1.5,
    "s-toyan": 3.0,
    "s-shanxia-case": 3.0,
    "s-new-committee": 3.0,
    "s-arena-village": 2.5,
    "s-branch-life": 2.5,
    "s-liangce": 2.5,
    "s-xinmu-case": 2.0,
    "s-arena-property": 2.0,
}

# Roles (岗位) that would attend each item.
ROLES = {
    "p-fire-typhoon": ["安全员", "网格员", "楼栋长", "消防专干"],
    "p-safety-inspect": ["安全员", "安全生产专干"],
    "p-gas-safety": ["安全员", "网格员", "楼栋长"],
    "p-flood-drill": ["三防责任人", "安全员", "应急队员"],
    "p-social-assist": ["民政专干", "社工"],
    "p-elderly-care": ["民政专干", "社工", "长者服务专干"],
    "p-mediation": ["调解员", "两委委员", "网格员"],
    "p-civil-code": ["调解员", "两委委员", "社工"],
    "p-city-appearance": ["城管协管员", "网格员", "楼栋长"],
    "p-garbage": ["垃圾分类督导员", "楼栋长"],
    "p-school-traffic": ["平安志愿者", "网格员", "两委委员"],
    "p-anti-fraud": ["网格员", "楼栋长", "社工"],
    "p-grid": ["网格员", "网格长"],
    "p-rental": ["网格员", "出租屋管理员"],
    "p-enterprise": ["企业服务专员", "两委委员"],
    "p-investment": ["企业服务专员", "股份公司管理人员"],
    "p-labor-dispute": ["劳动保障协管员", "调解员"],
    "p-employment": ["劳动保障协管员", "社工"],
    "p-health-edu": ["社康联络员", "社工"],
    "p-first-aid": ["安全员", "社工", "应急队员"],
    "p-dengue": ["网格员", "社康联络员", "楼栋长"],
    "p-ai-night": ["社工", "网格员", "党务专干", "两委委员"],
    "p-volunteer": ["党务专干", "志愿者骨干"],
    "p-new-media": ["宣传专干", "党务专干"],
    "p-party-affairs": ["党务专干", "支部委员"],
    "p-illegal-build": ["查违协管员", "网格员"],
    "p-urban-renewal": ["两委委员", "股份公司管理人员"],
    "p-public-service": ["社工", "民生诉求专干"],
    "p-culture-sports": ["文体专干", "社工"],
    "p-ledger": ["两委委员", "社区专职工作者"],
    "p-residents-council": ["两委委员", "社工", "居民小组长"],
}
COMMUNITY_VISIT_ROLES = ["两委委员", "党务专干", "社工", "网格员"]

OUTDOOR_SEASON = {6, 7, 8, 9}  # 三防 blackout for site visits
BUSY = {2}  # nobody asks for February


def weighted_sample(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    """k distinct items, each draw proportional to weight."""
    items, weights, chosen = list(items), list(weights), []
    for _ in range(min(k, len(items))):
        i = rng.choices(range(len(items)), weights=weights)[0]
        chosen.append(items.pop(i))
        weights.pop(i)
    return chosen


def own_teachers(offering: dict, secretary_of: dict[str, str], names: dict[str, str]) -> set[str]:
    """Communities whose secretaries are the only teachers of a secretary offering."""
    teacher_names = {names[i] for i in offering.get("instructors", [])}
    if len(teacher_names) != 1:
        return set()
    return {c for c, s in secretary_of.items() if s in teacher_names}


def make_order(rng, oid, community, offering, wanted) -> dict:
    kind = offering["type"]
    if kind == "secretary":
        if offering.get("audience_tier") == "branch":
            roles, attendees = ["支部书记"], rng.randint(2, 3)
        elif rng.random() < 0.5:
            roles, attendees = ["社区党委书记"], 1
        else:
            roles, attendees = ["社区党委书记", "社区党委副书记"], rng.randint(2, 3)
    elif kind == "community":
        roles = sorted(rng.sample(COMMUNITY_VISIT_ROLES, rng.randint(2, 3)), key=COMMUNITY_VISIT_ROLES.index)
        attendees = rng.randint(5, 20)
    else:
        pool = ROLES[offering["id"]]
        roles = sorted(rng.sample(pool, rng.randint(1, min(3, len(pool)))), key=pool.index)
        high = min(40, offering["capacity"], community["cadres"] * 6 // 10)
        low = max(5, offering.get("min_attendees", 1))
        if offering.get("duration") == "full_day":
            high = min(high, 20)
        if wanted:  # a community sends more people to what it really wants
            low = max(low, (low + high) // 2)
        attendees = rng.randint(low, max(low, high))
    attendees = min(attendees, offering["capacity"])
    priority = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0]
    if wanted:
        priority = min(5, priority + 1)
    order = {
        "id": oid,
        "community": community["id"],
        "offering": offering["id"],
        "attendees": attendees,
        "roles": roles,
        "priority": priority,
    }
    if rng.random() < 0.5:
        months = offering.get("months") or list(range(1, 13))
        months = [m for m in months if m not in BUSY and not (offering.get("outdoor") and m in OUTDOOR_SEASON)]
        order["preferred_months"] = sorted(rng.sample(months, min(len(months), rng.randint(1, 2))))
    return order


def flow(order: dict) -> str:
    parts = []
    for key, value in order.items():
        if isinstance(value, list):
            value = "[" + ", ".join(str(v) for v in value) + "]"
        parts.append(f"{key}: {value}")
    return "  - {" + ", ".join(parts) + "}"


def main() -> None:
    text = SCENARIO.read_text(encoding="utf-8")
    head, sep, _ = text.partition("\norders:\n")
    assert sep, "scenario.yaml needs a top-level 'orders:' line"
    data = yaml.safe_load(head)
    rng = random.Random(SEED)

    names = {i["id"]: i["name"] for d in data["departments"] for i in d.get("instructors", [])}
    secretary_of = {c["id"]: c.get("secretary", "") for c in data["communities"]}
    by_type: dict[str, list[dict]] = {}
    for o in data["offerings"]:
        by_type.setdefault(o["type"], []).append(o)

    taken = Counter(i for wants in WANTS.values() for i in wants)  # orders per item so far
    lines, n = [], 0
    for community in data["communities"]:
        cid = community["id"]
        wants = WANTS.get(cid, [])
        picked: list[dict] = []
        for kind, k in zip(("secretary", "peer", "community"), COUNTS[cid], strict=True):
            allowed = [o for o in by_type[kind] if o.get("host") != cid and cid not in own_teachers(o, secretary_of, names)]
            ids = [i for i in wants if i in {o["id"] for o in allowed}][:k]
            rest = [o for o in allowed if o["id"] not in ids]
            # popular items are likelier, and so are items few communities want yet
            weights = [POPULARITY.get(o["id"], 1.0) / (1 + taken[o["id"]]) ** 2 for o in rest]
            extra = weighted_sample(rng, [o["id"] for o in rest], weights, k - len(ids))
            taken.update(extra)
            ids += extra
            picked += [o for o in allowed if o["id"] in ids]
        lines.append(f"\n  # {community['name']} ({cid}): {len(picked)} orders")
        for offering in picked:
            n += 1
            lines.append(flow(make_order(rng, f"O-{n:03d}", community, offering, offering["id"] in wants)))

    SCENARIO.write_text(head + sep + "\n".join(lines).lstrip("\n") + "\n", encoding="utf-8")
    print(f"wrote {n} orders to {SCENARIO}")


if __name__ == "__main__":
    main()
