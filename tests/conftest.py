"""Shared builders: small scenarios as plain dicts that tests bend one rule at a time."""

from __future__ import annotations

import copy

import pytest

from scheduler.engine import Outcome, run_scenario
from scheduler.models import Scenario
from scheduler.solver import SolveOptions

BASE = {
    "plan": {
        "name": "测试计划",
        "year": 2026,
        "start": "2026-03-02",  # Monday
        "end": "2026-03-06",  # Friday: five working days
        "sessions": {"total": 1, "total_min": 0},
        "slots": ["morning", "afternoon"],
    },
    "communities": [
        {"id": "shanxia", "name": "山厦社区", "cadres": 40, "secretary": "张三"},
        {"id": "fenghuang", "name": "凤凰社区", "cadres": 30, "secretary": "李四"},
    ],
    "departments": [
        {"id": "yingji", "name": "应急管理办", "instructors": [{"id": "yj-wang", "name": "王五"}]},
        {"id": "minzheng", "name": "民政办", "instructors": [{"id": "mz-li", "name": "李明"}]},
        {
            "id": "dangjian",
            "name": "党建办",
            "instructors": [{"id": "dj-chen", "name": "陈书记", "tier": "street"}],
        },
    ],
    "venues": [
        {"id": "hall", "name": "街道报告厅", "capacity": 100},
        {"id": "sx-square", "name": "山厦社区薪火广场", "capacity": 50, "owner": "shanxia"},
        {"id": "online", "name": "良策直播间", "capacity": 500, "online": True},
    ],
    "offerings": [
        {"id": "fire", "title": "消防安全", "type": "peer", "department": "yingji", "capacity": 60},
    ],
    "orders": [
        {"id": "O-1", "community": "shanxia", "offering": "fire", "attendees": 20, "priority": 3},
    ],
    "pairs": [],
}


def scenario_dict(**sections) -> dict:
    """A deep copy of BASE with whole sections replaced."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(sections))
    return data


def build(data: dict) -> Scenario:
    return Scenario.model_validate(data)


def solve_dict(data: dict, time_limit: float = 10.0, **kw) -> Outcome:
    opts = SolveOptions(time_limit=time_limit, workers=1, seed=0, **kw)
    return run_scenario(build(data), opts, explain=True)


@pytest.fixture
def base() -> dict:
    return scenario_dict()


@pytest.fixture(autouse=True)
def _own_store(tmp_path, monkeypatch):
    """Every test that solves through the CLI records into its own SQLite file, never
    into a schedule.db of the working directory."""
    monkeypatch.setenv("SCHEDULE_DB", f"sqlite:///{tmp_path / 'default-store.db'}")
    monkeypatch.delenv("SCHEDULE_PAUSE_BEFORE_COMMIT", raising=False)
