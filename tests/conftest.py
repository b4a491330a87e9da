"""Shared builders: small scenarios as plain dicts that tests bend one rule at a time."""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from treeguard import changes, snapshot

from scheduler.core.solve import SolveOptions
from scheduler.models import Scenario
from scheduler.plan.engine import Outcome, run_scenario

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


Mutate = Callable[[dict], None]


def _walk(d: dict, path: str) -> tuple[object, object]:
    """The container holding the last key of a dotted path (``orders.0.priority``), and that key."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = d
    for k in keys[:-1]:
        target = target[k]
    return target, keys[-1]


def set_at(path: str, value) -> Mutate:
    """A mutation setting a nested value: ``set_at("orders.0.priority", 6)``."""

    def mutate(d: dict) -> None:
        target, key = _walk(d, path)
        target[key] = value

    return mutate


def delete_at(path: str) -> Mutate:
    """A mutation deleting a nested key: ``delete_at("plan.year")``."""

    def mutate(d: dict) -> None:
        target, key = _walk(d, path)
        del target[key]

    return mutate


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


ROOT = Path(__file__).resolve().parent.parent

# No example database and no .hypothesis/ in the working directory (Hypothesis caches
# there by default); the property tests are derandomized.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="scheduler-hypothesis-")
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
settings.register_profile("scheduler", database=None)
settings.load_profile("scheduler")


def pytest_sessionstart(session):
    """Snapshot the checkout before anything runs (see tests/treeguard.py)."""
    session.config.stash[_TREE] = snapshot(ROOT)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when a test wrote into the checkout: a planner's out/, schedule.db
    or site/ must be exactly as they were, and so must everything else."""
    before = session.config.stash.get(_TREE, None)
    if before is None:
        return
    found = changes(before, snapshot(ROOT))
    session.config.stash[_TREE_REPORT] = (len(before), found)
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config):
    config.addinivalue_line("markers", "proof(name): count this test's cases in the run's summary under name")


def pytest_runtest_logreport(report):
    """Count the cases of each ``proof`` (a brute-force check, say) by outcome, so the
    summary shows how many ran and that none skipped."""
    name = _PROOFS_BY_TEST.get(report.nodeid)
    if name is not None and (report.when == "call" or report.outcome == "skipped"):
        _PROOF_COUNTS.setdefault(name, {}).setdefault(report.outcome, 0)
        _PROOF_COUNTS[name][report.outcome] += 1


def pytest_collection_modifyitems(items):
    for item in items:
        mark = item.get_closest_marker("proof")
        if mark is not None:
            _PROOFS_BY_TEST[item.nodeid] = mark.args[0]


_PROOFS_BY_TEST: dict[str, str] = {}
_PROOF_COUNTS: dict[str, dict[str, int]] = {}


def pytest_terminal_summary(terminalreporter, config):
    for name, counts in sorted(_PROOF_COUNTS.items()):
        ran = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"{name}: {sum(counts.values())} cases ran ({ran})")
    report = config.stash.get(_TREE_REPORT, None)
    if report is None:
        return
    checked, found = report
    if not found:
        terminalreporter.write_line(f"tree guard: {checked} paths of the checkout unchanged by the test run")
        return
    terminalreporter.section("the test run changed the checkout", sep="!", red=True, bold=True)
    for line in found:
        terminalreporter.write_line(f"  {line}")
    terminalreporter.write_line("A test must write only in its own temporary folder (tmp_path). Failing the run.")
    terminalreporter.write_line("(If you edited these files yourself while the tests ran, run them again.)")


_TREE = pytest.StashKey[dict]()
_TREE_REPORT = pytest.StashKey[tuple]()


@pytest.fixture(scope="session", autouse=True)
def _away_from_the_checkout(tmp_path_factory):
    """The whole run works in a scratch folder with its own store: a test that forgets
    --out or --db writes there, never into the planner's working directory."""
    scratch = tmp_path_factory.mktemp("cwd")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(scratch)
        mp.setenv("SCHEDULE_DB", f"sqlite:///{scratch / 'session-store.db'}")
        # A subprocess (python -c, the installed `schedule`) runs the checkout's code too.
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        mp.setenv("PYTHONDONTWRITEBYTECODE", "1")
        # Temporary files (crash reports among them) stay in the run's own folder too.
        (scratch / "tmp").mkdir()
        mp.setenv("TMPDIR", str(scratch / "tmp"))
        mp.setattr(tempfile, "tempdir", str(scratch / "tmp"))
        yield scratch


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Where tests leave pictures and PDFs for a person to look at: $SCHEDULE_TEST_ARTIFACTS,
    else artifacts/ in pytest's temporary folder. Never inside the checkout."""
    named = os.environ.get("SCHEDULE_TEST_ARTIFACTS")
    folder = Path(named).resolve() if named else tmp_path_factory.getbasetemp() / "artifacts"
    if folder.is_relative_to(ROOT):
        pytest.fail(f"SCHEDULE_TEST_ARTIFACTS must be outside the checkout: {folder}", pytrace=False)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\ntest artifacts: {folder}")
    return folder


@pytest.fixture(autouse=True)
def _own_store(tmp_path, monkeypatch):
    """Every test that solves through the CLI records into its own SQLite file, never
    into a schedule.db of the working directory."""
    monkeypatch.setenv("SCHEDULE_DB", f"sqlite:///{tmp_path / 'default-store.db'}")
    monkeypatch.delenv("SCHEDULE_PAUSE_BEFORE_COMMIT", raising=False)
