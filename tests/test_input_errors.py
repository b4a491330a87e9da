"""Bad scenario files: every problem is named by file, record and field, all at once,
and the CLI stops with exit code 2, no traceback, and nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import scenario_dict

from scheduler.cli import main
from scheduler.loader import InputError, InputProblem, load_scenario

# --------------------------------------------------------------------------- helpers


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[InputProblem]:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert problems, "InputError without any problem"
    for p in problems:
        # every line a planner reads starts with the file it is about
        assert str(p).startswith(str(path)), str(p)
    return problems


def find(problems: list[InputProblem], record: str | set[str], field: str) -> InputProblem:
    records = {record} if isinstance(record, str) else record
    hits = [p for p in problems if p.record in records and p.field == field]
    assert hits, f"no problem at {records} / {field!r}; got:\n" + "\n".join(map(str, problems))
    p = hits[0]
    text = str(p)
    assert p.record in text and field in text
    return p


def solve_cli(scenario: Path, out: Path):
    return CliRunner().invoke(main, ["solve", str(scenario), "--out", str(out), "--time-limit", "5", "--workers", "1", "--quiet"])


def assert_clean_exit_2(result, out: Path) -> None:
    assert result.exit_code == 2, result.output
    # exit 2 must come from the CLI itself, not from an exception escaping it
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert not out.exists(), "bad input must not create the output folder"


def test_the_base_scenario_is_valid(tmp_path):
    """Control: every case below changes one thing in a scenario that loads fine."""
    sc = load_scenario(write(tmp_path, dump(scenario_dict())))
    assert [o.id for o in sc.orders] == ["O-1"]


# --------------------------------------------------------------------------- one mistake each

Mutate = Callable[[dict], None]


def _set(path: str, value) -> Mutate:
    """Set a nested value: _set("orders.0.priority", 6)."""

    def mutate(d: dict) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = d
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return mutate


def _delete(path: str) -> Mutate:
    def mutate(d: dict) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = d
        for k in keys[:-1]:
            target = target[k]
        del target[keys[-1]]

    return mutate


def _typo(d: dict) -> None:
    d["orders"][0]["priorty"] = 4  # misspelt priority


def _community_offering(host: str) -> Mutate:
    def mutate(d: dict) -> None:
        d["offerings"].append({"id": "visit", "title": "现场观摩", "type": "community", "host": host, "capacity": 30})

    return mutate


def _pair(mentor: str, learner: str) -> Mutate:
    def mutate(d: dict) -> None:
        d["pairs"] = [{"id": "pr", "mentor": mentor, "learner": learner, "attendees": 5}]

    return mutate


def _order_twice(d: dict) -> None:
    d["orders"].append({"id": "O-2", "community": "shanxia", "offering": "fire", "attendees": 5})


def _secretary_without_tier(d: dict) -> None:
    d["offerings"].append({"id": "sec", "title": "书记讲堂", "type": "secretary", "instructors": ["yj-wang"], "capacity": 30})


def _order_department_offering(d: dict) -> None:
    _pair("yingji", "minzheng")(d)
    d["offerings"].append({"id": "dd", "title": "部门带部门", "type": "department", "pair": "pr", "capacity": 30})
    d["orders"][0]["offering"] = "dd"


# (case id, change, record, field, text the message must contain)
CASES = [
    # shape of one record
    ("unknown-key", _typo, "orders[0] (O-1)", "priorty", ""),
    ("missing-field", _delete("communities.1.name"), "communities[1] (fenghuang)", "name", "required"),
    ("missing-section", _delete("venues"), "(top level)", "venues", "required"),
    ("wrong-type", _set("offerings.0.capacity", "many"), "offerings[0] (fire)", "capacity", "many"),
    ("negative-cadres", _set("communities.0.cadres", -1), "communities[0] (shanxia)", "cadres", "-1"),
    ("zero-attendees", _set("orders.0.attendees", 0), "orders[0] (O-1)", "attendees", "0"),
    ("priority-6", _set("orders.0.priority", 6), "orders[0] (O-1)", "priority", "6"),
    # dates
    ("end-next-year", _set("plan.end", "2027-01-05"), "plan", "end", "2027-01-05"),
    ("venue-date-2025", _set("venues.0.unavailable", ["2025-12-01"]), "venues[0] (hall)", "unavailable[0]", "2025-12-01"),
    ("start-after-end", _set("plan.start", "2026-03-10"), "plan", "start", "2026-03-10"),
    # unknown ids
    ("order-community", _set("orders.0.community", "nowhere"), "orders[0] (O-1)", "community", "nowhere"),
    ("order-offering", _set("orders.0.offering", "nothing"), "orders[0] (O-1)", "offering", "nothing"),
    ("offering-department", _set("offerings.0.department", "nodept"), "offerings[0] (fire)", "department", "nodept"),
    ("offering-host", _community_offering("nohost"), "offerings[1] (visit)", "host", "nohost"),
    ("pair-mentor", _pair("nodept", "minzheng"), "pairs[0] (pr)", "mentor", "nodept"),
    ("offering-instructor", _set("offerings.0.instructors", ["ghost"]), "offerings[0] (fire)", "instructors[0]", "ghost"),
    ("offering-venue", _set("offerings.0.venues", ["novenue"]), "offerings[0] (fire)", "venues[0]", "novenue"),
    ("venue-owner", _set("venues.1.owner", "noowner"), "venues[1] (sx-square)", "owner", "noowner"),
    # duplicates
    ("duplicate-community", _set("communities.1.id", "shanxia"), "communities[1] (shanxia)", "id", "shanxia"),
    (
        "duplicate-instructor",
        _set("departments.1.instructors.0.id", "yj-wang"),
        "departments[1] (minzheng)",
        "instructors[0].id",
        "yj-wang",
    ),
    ("order-twice", _order_twice, {"orders[0] (O-1)", "orders[1] (O-2)"}, "offering", "fire"),
    # contradictory rules
    (
        "type-minimums-above-total",
        _set("plan.sessions", {"total": 2, "peer": {"min": 2}, "secretary": {"min": 1}}),
        "plan",
        "sessions",
        "3",
    ),
    ("type-min-above-max", _set("plan.sessions", {"total": 2, "peer": {"min": 2, "max": 1}}), "plan", "sessions.peer", "2"),
    ("total-min-above-total", _set("plan.sessions", {"total": 2, "total_min": 3}), "plan", "sessions.total_min", "3"),
    ("pair-with-itself", _pair("yingji", "yingji"), "pairs[0] (pr)", "learner", ""),
    ("evening-without-slot", _set("offerings.0.duration", "evening"), "offerings[0] (fire)", "duration", "evening"),
    ("secretary-without-tier", _secretary_without_tier, "offerings[1] (sec)", "instructors[0]", "yj-wang"),
    ("order-department-offering", _order_department_offering, "orders[0] (O-1)", "offering", "dd"),
]


@pytest.mark.parametrize(("change", "record", "field", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_mistake_is_named_by_record_and_field(tmp_path, change, record, field, text):
    data = scenario_dict()
    change(data)
    p = find(problems_of(write(tmp_path, dump(data))), record, field)
    assert text in p.message


@pytest.mark.parametrize(("change", "record", "field", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_stops_with_exit_2_and_names_the_problem(tmp_path, change, record, field, text):
    data = scenario_dict()
    change(data)
    path = write(tmp_path, dump(data))
    out = tmp_path / "out"
    result = solve_cli(path, out)
    assert_clean_exit_2(result, out)
    records = {record} if isinstance(record, str) else record
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(f"error: {path}")]
    assert any(any(r in ln for r in records) and field in ln for ln in lines), result.stderr
    assert "nothing was written" in result.stderr


# --------------------------------------------------------------------------- files that do not parse


def test_malformed_yaml_names_the_line(tmp_path):
    lines = dump(scenario_dict()).splitlines()
    assert lines[1].startswith("  name:")
    lines[1] = "  name: 测试: 计划"  # a second ': ' on line 2
    path = write(tmp_path, "\n".join(lines) + "\n")
    (p,) = problems_of(path)
    assert "line 2" in str(p)
    assert "YAML" in p.message


def test_tab_indentation_names_the_line(tmp_path):
    lines = dump(scenario_dict()).splitlines()
    lines[2] = "\t" + lines[2].lstrip()  # line 3 indented with a tab
    (p,) = problems_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert "line 3" in str(p)


def test_malformed_json_names_the_line(tmp_path):
    lines = json.dumps(scenario_dict(), indent=2, ensure_ascii=False).splitlines()
    lines.insert(3, "    oops")  # becomes line 4
    path = write(tmp_path, "\n".join(lines), "scenario.json")
    (p,) = problems_of(path)
    assert "line 4" in str(p)
    assert "JSON" in p.message


def test_valid_json_scenario_loads(tmp_path):
    path = write(tmp_path, json.dumps(scenario_dict(), ensure_ascii=False), "scenario.json")
    assert load_scenario(path).plan.year == 2026


def test_impossible_date_unquoted_in_yaml(tmp_path):
    text = dump(scenario_dict())
    assert "end: '2026-03-06'" in text
    path = write(tmp_path, text.replace("end: '2026-03-06'", "end: 2026-02-30"))
    p = find(problems_of(path), "plan", "end")
    assert "2026-02-30" in p.message


def test_file_not_found(tmp_path):
    path = tmp_path / "missing.yaml"
    (p,) = problems_of(path)
    assert "not found" in p.message


@pytest.mark.parametrize("text", ["- plan\n- communities\n", "just a sentence\n", ""], ids=["list", "scalar", "empty"])
def test_top_level_must_be_a_mapping(tmp_path, text):
    (p,) = problems_of(write(tmp_path, text))
    assert p.record == "(top level)"
    assert "mapping" in p.message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("scenario.yaml", "plan:\n  name: x\n  year: [2026\n"),
        ("scenario.json", '{"plan": {"name": "x",}}'),
        ("scenario.yaml", "- a\n- b\n"),
    ],
    ids=["yaml", "json", "not-a-mapping"],
)
def test_cli_unparsable_file_exit_2(tmp_path, name, text):
    path = write(tmp_path, text, name)
    out = tmp_path / "out"
    result = solve_cli(path, out)
    assert_clean_exit_2(result, out)
    assert f"error: {path}" in result.stderr


def test_cli_missing_file_exit_2(tmp_path):
    out = tmp_path / "out"
    path = tmp_path / "nope.yaml"
    result = solve_cli(path, out)
    assert_clean_exit_2(result, out)
    assert str(path) in result.stderr and "not found" in result.stderr


# --------------------------------------------------------------------------- all problems at once


def test_three_shape_mistakes_are_reported_together(tmp_path):
    data = scenario_dict()
    data["orders"][0]["priorty"] = 4
    data["communities"][0]["cadres"] = -1
    data["venues"][0]["capacity"] = "big"
    path = write(tmp_path, dump(data))
    problems = problems_of(path)
    find(problems, "orders[0] (O-1)", "priorty")
    find(problems, "communities[0] (shanxia)", "cadres")
    find(problems, "venues[0] (hall)", "capacity")

    out = tmp_path / "out"
    result = solve_cli(path, out)
    assert_clean_exit_2(result, out)
    assert f"{len(problems)} problem(s)" in result.stderr
    for p in problems:
        assert f"error: {p}" in result.stderr


def test_three_cross_reference_mistakes_are_reported_together(tmp_path):
    data = scenario_dict()
    data["plan"]["start"] = "2026-03-10"  # after plan.end
    data["venues"][1]["owner"] = "nobody"
    data["orders"][0]["community"] = "nowhere"
    problems = problems_of(write(tmp_path, dump(data)))
    find(problems, "plan", "start")
    find(problems, "venues[1] (sx-square)", "owner")
    find(problems, "orders[0] (O-1)", "community")


def test_shape_and_reference_mistakes_are_reported_together(tmp_path):
    data = scenario_dict()
    data["orders"][0]["priorty"] = 4  # shape
    data["communities"][0]["cadres"] = -1  # shape
    data["venues"][1]["owner"] = "nobody"  # cross-reference
    problems = problems_of(write(tmp_path, dump(data)))
    find(problems, "orders[0] (O-1)", "priorty")
    find(problems, "communities[0] (shanxia)", "cadres")
    find(problems, "venues[1] (sx-square)", "owner")


# --------------------------------------------------------------------------- typos YAML would hide, absurd numbers


def test_duplicate_yaml_key_is_an_error(tmp_path):
    """A second 'orders:' block must not silently replace the first one."""
    text = dump(scenario_dict())
    first = 1 + text.splitlines().index("orders:")
    text += "orders: []\n"
    last = len(text.splitlines())
    (p,) = problems_of(write(tmp_path, text))
    assert f"line {last}" in str(p)
    assert "orders" in p.message and f"line {first}" in p.message


def test_duplicate_key_inside_a_record_is_an_error(tmp_path):
    text = dump(scenario_dict())
    assert text.count("  priority: 3\n") == 1
    (p,) = problems_of(write(tmp_path, text.replace("  priority: 3\n", "  priority: 3\n  priority: 5\n")))
    assert "priority" in p.message


def test_absurd_capacity_is_bad_input_not_a_crash(tmp_path):
    data = scenario_dict()
    data["venues"][0]["capacity"] = 10**20
    data["offerings"][0]["capacity"] = 10**20
    data["orders"][0]["attendees"] = 10**19
    path = write(tmp_path, dump(data))
    find(problems_of(path), "venues[0] (hall)", "capacity")
    out = tmp_path / "out"
    assert_clean_exit_2(solve_cli(path, out), out)


def test_duplicate_json_key_is_an_error(tmp_path):
    text = json.dumps(scenario_dict(), indent=2, ensure_ascii=False)
    assert text.endswith("\n}")
    text = text[: -len("\n}")] + ',\n  "orders": []\n}'
    (p,) = problems_of(write(tmp_path, text, "scenario.json"))
    assert "orders" in p.message
