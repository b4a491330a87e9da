"""The ``schedule`` command as a planner uses it: help, solve, validate, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import scenario_dict

from scheduler.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "examples" / "tiny" / "scenario.yaml"
PROGRESS = re.compile(r"^\[\S+( \S+)? \d+/\d+ .+\]", re.M)  # [按月 1/3 level] or [by month 1/3 level]


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def write_scenario(tmp_path: Path, data: dict, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def solve(scenario: Path, out: Path, *extra: str):
    return invoke("solve", scenario, "--out", out, "--time-limit", "10", "--workers", "1", *extra)


def no_crash(result) -> None:
    """The exit code came from the CLI, not from an exception escaping it."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["solve"],
        ["validate"],
    ],
    ids=["schedule", "solve", "validate"],
)
def test_help_exits_0_and_shows_an_example(args):
    result = invoke(*args, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert "example" in result.output.lower()
    assert "schedule " in result.output.split("xample", 1)[-1]  # the example is a command line


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert "schedule" in result.output


# --------------------------------------------------------------------------- solve


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Solve the conftest scenario once (Chinese, default); tests read the result."""
    tmp = tmp_path_factory.mktemp("solved")
    scenario = write_scenario(tmp, scenario_dict())
    out = tmp / "out"
    result = solve(scenario, out)
    return result, out / "plan.json"


def test_solve_writes_plan_and_prints_chinese_summary(solved):
    result, plan_path = solved
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert plan_path.is_file()
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    assert plan["scenario"]["snapshot"]["plan"]["name"] == "测试计划"
    # the only order can be met, and the objective ranks met orders first
    assert [o for s in plan["sessions"] for a in s["attendance"] for o in a["orders"]] == ["O-1"]
    assert plan["unmet"] == []
    assert "方案摘要" in result.stdout
    assert "测试计划" in result.stdout
    assert "山厦社区" in result.stdout
    assert str(plan_path) in result.stdout


def test_solve_progress_goes_to_stderr_not_stdout(solved):
    result, _ = solved
    assert PROGRESS.search(result.stderr), result.stderr
    assert not PROGRESS.search(result.stdout), result.stdout


def test_solve_english(tmp_path):
    scenario = write_scenario(tmp_path, scenario_dict())
    result = solve(scenario, tmp_path / "out", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Plan summary" in result.stdout
    assert "方案摘要" not in result.stdout
    assert "Plan written to" in result.stdout
    assert PROGRESS.search(result.stderr)
    assert "best" in result.stderr  # progress lines in English too


def test_solve_quiet_prints_no_progress(tmp_path):
    scenario = write_scenario(tmp_path, scenario_dict())
    result = solve(scenario, tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert not PROGRESS.search(result.output)
    assert (tmp_path / "out" / "plan.json").is_file()


def test_solve_json_scenario(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario_dict(), ensure_ascii=False), encoding="utf-8")
    result = solve(path, tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "plan.json").is_file()


def test_solve_tiny_example_and_validate_it(tmp_path):
    out = tmp_path / "out"
    result = solve(TINY, out, "--quiet")
    no_crash(result)
    assert result.exit_code == 0, result.output
    for name in ("山厦社区", "凤凰社区", "新木社区"):
        assert name in result.stdout
    check = invoke("validate", out / "plan.json")
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith("有效：")


def test_deterministic_runs_are_byte_identical_but_for_time(tmp_path):
    scenario = TINY
    texts = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = solve(scenario, out, "--deterministic", "--seed", "7", "--quiet")
        assert result.exit_code == 0, result.output
        texts.append((out / "plan.json").read_text(encoding="utf-8"))
    first, second = (json.loads(t) for t in texts)
    assert first["solver"]["deterministic"] is True and first["solver"]["seed"] == 7
    for plan in (first, second):
        del plan["solver"]["time_seconds"]
    assert first == second
    timing = re.compile(r'^\s*"time_seconds": .*\n', re.M)
    assert all(len(timing.findall(t)) == 1 for t in texts)
    a, b = (timing.sub("", t) for t in texts)
    assert a == b  # byte for byte, key order included


# --------------------------------------------------------------------------- no plan


def test_infeasible_total_names_the_total_quota(tmp_path):
    data = scenario_dict()
    data["plan"]["sessions"] = {"total": 3}  # exactly 3, but one offering with one run
    scenario = write_scenario(tmp_path, data)
    out = tmp_path / "out"
    result = solve(scenario, out, "--quiet", "--lang", "en")
    no_crash(result)
    assert result.exit_code == 1, result.output
    assert "No plan exists" in result.stderr
    assert "at least 3 sessions in the year" in result.stderr
    assert not (out / "plan.json").exists()

    zh = solve(scenario, out, "--quiet")
    assert zh.exit_code == 1
    assert "全年至少3场" in zh.stderr


def test_infeasible_names_the_rule_to_relax(tmp_path):
    data = scenario_dict()
    data["plan"]["sessions"] = {"total": 1}  # one session is required ...
    data["plan"]["blackouts"] = [{"start": "2026-03-02", "end": "2026-03-06", "reason": "三防应急响应"}]  # ... no day is open
    result = solve(write_scenario(tmp_path, data), tmp_path / "out", "--quiet", "--lang", "en")
    no_crash(result)
    assert result.exit_code == 1, result.output
    assert "at least 1 session in the year" in result.stderr
    relax = [ln for ln in result.stderr.splitlines() if "relax" in ln.lower()]
    assert relax and "三防应急响应" in relax[0], result.stderr


def test_failed_solve_keeps_the_existing_plan(tmp_path, solved):
    _, good_plan = solved
    out = tmp_path / "out"
    out.mkdir()
    before = good_plan.read_bytes()
    (out / "plan.json").write_bytes(before)

    bad = scenario_dict()
    bad["orders"][0]["community"] = "nowhere"
    result = solve(write_scenario(tmp_path, bad, "bad.yaml"), out, "--quiet")
    no_crash(result)
    assert result.exit_code == 2
    assert (out / "plan.json").read_bytes() == before

    impossible = scenario_dict()
    impossible["plan"]["sessions"] = {"total": 3}
    result = solve(write_scenario(tmp_path, impossible, "impossible.yaml"), out, "--quiet")
    assert result.exit_code == 1
    assert (out / "plan.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["plan.json"]


# --------------------------------------------------------------------------- validate


def test_validate_valid_plan(solved):
    _, plan_path = solved
    result = invoke("validate", plan_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("有效：方案满足全部硬性规则")
    en = invoke("validate", plan_path, "--lang", "en")
    assert en.exit_code == 0
    assert en.stdout.startswith("valid")


def test_validate_against_the_scenario_file(solved, tmp_path):
    _, plan_path = solved
    scenario = write_scenario(tmp_path, scenario_dict())
    result = invoke("validate", plan_path, "--scenario", scenario)
    assert result.exit_code == 0, result.output

    stricter = scenario_dict()
    stricter["plan"]["holidays"] = {"days_off": [{"start": "2026-03-02", "end": "2026-03-06", "reason": "停工"}]}
    result = invoke("validate", plan_path, "--scenario", write_scenario(tmp_path, stricter, "stricter.yaml"))
    assert result.exit_code == 1, result.output
    assert "[calendar.working_day]" in result.stdout


def _tamper_sunday(plan: dict) -> None:
    plan["sessions"][0]["date"] = "2026-03-08"


def _tamper_headcount(plan: dict) -> None:
    plan["sessions"][0]["headcount"] = 999


def _tamper_duplicate(plan: dict) -> None:
    copy = json.loads(json.dumps(plan["sessions"][0]))
    copy["id"] = "S-2026-999"
    plan["sessions"].append(copy)


@pytest.mark.parametrize(
    ("tamper", "rule", "words"),
    [
        (_tamper_sunday, "calendar.working_day", ["S-2026-001", "2026-03-08"]),
        (_tamper_headcount, "plan.headcount", ["S-2026-001", "999"]),
        (_tamper_duplicate, "order.once", ["O-1", "S-2026-999"]),
    ],
    ids=["sunday", "headcount", "order-in-two-sessions"],
)
def test_validate_lists_violations_of_a_tampered_plan(solved, tmp_path, tamper, rule, words):
    _, plan_path = solved
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    tamper(plan)
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = invoke("validate", bad)
    no_crash(result)
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("无效：")
    lines = [ln for ln in result.stdout.splitlines() if f"[{rule}]" in ln]
    assert lines, result.stdout
    assert all(w in lines[0] for w in words), lines[0]


@pytest.mark.parametrize(
    ("name", "text"),
    [("plan.json", "this is not json {"), ("plan.json", "[]"), ("plan.txt", "not json either")],
    ids=["broken-json", "not-a-plan", "other-suffix"],
)
def test_validate_unreadable_plan_exit_2(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", path)
    no_crash(result)
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    assert "有效" not in result.stdout and "无效" not in result.stdout


def test_validate_missing_plan_exit_2(tmp_path):
    result = invoke("validate", tmp_path / "nope.json", "--lang", "en")
    no_crash(result)
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_validate_plan_with_broken_snapshot_is_bad_input(solved, tmp_path):
    _, plan_path = solved
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    plan["scenario"]["snapshot"]["offerings"][0]["department"] = "nodept"
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = invoke("validate", bad)
    no_crash(result)
    assert result.exit_code == 2, result.output
    assert str(bad) in result.stderr
    assert "nodept" in result.stderr and "offerings[0]" in result.stderr


def test_warnings_speak_the_planners_language_on_screen_in_plan_json_and_on_the_index_page(tmp_path):
    """A year the holiday library does not know: the warning is Chinese by default,
    English with --lang en, and plan.json keeps it in both for the pages."""
    data = scenario_dict()
    data["plan"].update(year=2031, start="2031-03-03", end="2031-03-07")
    scenario = write_scenario(tmp_path, data)
    zh = solve(scenario, tmp_path / "zh")
    assert zh.exit_code == 0, zh.output
    assert "警告: 节假日库未收录2031年" in zh.output
    en = solve(scenario, tmp_path / "en", "--lang", "en")
    assert "Warning: the holiday library does not cover 2031" in en.output
    plan = json.loads((tmp_path / "zh" / "plan.json").read_text(encoding="utf-8"))
    assert len(plan["warnings"]) == len(plan["warning_messages"]) == 1
    assert set(plan["warning_messages"][0]) == {"zh", "en"}
    site = tmp_path / "site"
    assert invoke("render", tmp_path / "zh" / "plan.json", "--out", site).exit_code == 0
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "节假日库未收录2031年" in index and "does not cover" not in index


def test_deterministic_plans_do_not_depend_on_the_worker_count(tmp_path):
    """The tiny example has several optimal plans: outside deterministic mode one worker
    and two pick different ones; in it, 1, 2 and 3 workers give the same plan.json."""
    plans = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"w{workers}"
        result = invoke("solve", TINY, "--out", out, "--deterministic", "--seed", "7", "--workers", workers, "--quiet")
        assert result.exit_code == 0, result.output
        plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        del plan["solver"]["time_seconds"]
        assert plan["solver"].pop("workers") == max(2, int(workers))  # the threads that ran
        plans.append(plan)
    assert plans[0] == plans[1] == plans[2]
