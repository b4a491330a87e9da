"""Random small scenarios (as dicts) for property and brute-force tests."""

from __future__ import annotations

import datetime as dt
import random

COMMUNITIES = [("shanxia", "山厦社区"), ("fenghuang", "凤凰社区"), ("xinmu", "新木社区")]


def random_scenario(rng: random.Random, days: int = 3, offerings: int = 3, orders: int = 5) -> dict:
    start = dt.date(2026, 3, 30)  # Monday; the plan may cross into April
    n_days = rng.randint(1, days)
    slots = rng.choice([["morning"], ["afternoon"], ["morning", "afternoon"], ["morning", "afternoon", "evening"]])
    comms = COMMUNITIES[: rng.randint(2, 3)]
    data: dict = {
        "plan": {
            "name": "随机计划",
            "year": 2026,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=n_days - 1)).isoformat(),
            "sessions": {"total": rng.randint(1, 3), "total_min": 0},
            "slots": slots,
            "caps": {
                "community_per_month": rng.choice([None, 1, 2]),
                "department_per_month": rng.choice([None, 1, 2]),
                "community_min_gap_days": rng.choice([0, 0, 1, 2]),
            },
        },
        "communities": [{"id": c, "name": n, "cadres": 30} for c, n in comms],
        "departments": [
            {"id": "yingji", "name": "应急管理办", "instructors": [{"id": "yj-1", "name": "王一"}]},
            {"id": "minzheng", "name": "民政办", "instructors": [{"id": "mz-1", "name": "李二"}]},
            {"id": "dangjian", "name": "党建办", "instructors": [{"id": "dj-1", "name": "陈书记", "tier": "street"}]},
        ],
        "venues": [{"id": "hall", "name": "报告厅", "capacity": rng.choice([20, 40, 80])}],
        "offerings": [],
        "orders": [],
        "pairs": [{"id": "p1", "mentor": "yingji", "learner": "minzheng", "attendees": rng.randint(5, 15)}],
    }
    if rng.random() < 0.5:
        data["venues"].append({"id": "sx-room", "name": "山厦活动室", "capacity": 30, "owner": "shanxia"})
    if rng.random() < 0.3:
        data["venues"].append({"id": "online", "name": "直播间", "capacity": 200, "online": True})
    if rng.random() < 0.3:
        data["departments"][0]["unavailable"] = [start.isoformat()]
    kinds = ["peer", "peer", "community", "secretary", "department"]
    for i in range(rng.randint(1, offerings)):
        kind = rng.choice(kinds)
        off = {
            "id": f"o{i}",
            "title": f"课程{i}",
            "type": kind,
            "capacity": rng.choice([15, 30, 60]),
            "max_runs": rng.randint(1, 2),
            "duration": rng.choice(["half_day", "half_day", "full_day", "evening"]),
        }
        if kind == "peer":
            off["department"] = rng.choice(["yingji", "minzheng"])
            off["format"] = rng.choice(["offline", "offline", "online"])
        elif kind == "community":
            off["host"] = "shanxia"
            off["outdoor"] = rng.random() < 0.5
        elif kind == "secretary":
            off["instructors"] = ["dj-1"]
        else:
            off["pair"] = "p1"
        if rng.random() < 0.2:
            off["months"] = [rng.choice([3, 4])]
        if off["duration"] == "evening" and "evening" not in slots:
            off["duration"] = "half_day"
        if off["duration"] == "full_day" and len(set(slots) & {"morning", "afternoon"}) < 2:
            off["duration"] = "half_day"
        if off["duration"] == "half_day" and not set(slots) & {"morning", "afternoon"}:
            off["duration"] = "evening"
        data["offerings"].append(off)
    if rng.random() < 0.3:
        data["plan"]["blackouts"] = [
            {"start": start.isoformat(), "end": start.isoformat(), "reason": "三防", "outdoor_only": True}
        ]
    orderable = [o["id"] for o in data["offerings"] if o["type"] != "department"]
    pairs = [(c, o) for c, _ in comms for o in orderable]
    rng.shuffle(pairs)
    for k, (c, o) in enumerate(sorted(pairs[: rng.randint(0, orders)])):
        data["orders"].append(
            {
                "id": f"O-{k + 1}",
                "community": c,
                "offering": o,
                "attendees": rng.randint(1, 25),
                "priority": rng.randint(1, 5),
                "preferred_months": rng.choice([[], [3], [4]]),
            }
        )
    return data
