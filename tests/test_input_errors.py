"""Bad scenario files: every problem is named by file, record and field (or line and
column where the file does not parse), all at once, and the CLI stops with exit code 2,
no traceback, and nothing written. Hostile files (deep nesting, alias bombs, huge numbers,
control characters, other encodings, files that are no regular files) are refused within
the loader's caps; plan.json files are read like scenarios. tests/test_fuzz.py tries many
more files through every command."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import Mutate, scenario_dict, solve_dict
from conftest import delete_at as _delete
from conftest import set_at as _set

from scheduler.cli.commands import main
from scheduler.cli.common import load_plan
from scheduler.domain import loader
from scheduler.domain.i18n import TEXT, Message, say, t
from scheduler.domain.loader import (
    ALIAS_BUDGET,
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    InputError,
    InputProblem,
    load_scenario,
    parse_text,
    read_text,
)
from scheduler.plan.planfile import plan_json, read_plan

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
    hits = [p for p in problems if str(p.record) in records and p.field == field]  # a record may be a Message
    assert hits, f"no problem at {records} / {field!r}; got:\n" + "\n".join(map(str, problems))
    p = hits[0]
    text = str(p)
    assert str(p.record) in text and field in text
    return p


def solve_cli(scenario: Path, out: Path, lang: str = "en"):
    """``schedule solve`` into ``out``, its store beside it (``store.db``)."""
    args = ["solve", str(scenario), "--out", str(out), "--db", str(out.parent / "store.db"), "--lang", lang]
    return CliRunner().invoke(main, [*args, "--time-limit", "5", "--workers", "1", "--quiet"])


def assert_clean_exit_2(result, out: Path) -> None:
    assert result.exit_code == 2, result.output
    # exit 2 must come from the CLI itself, not from an exception escaping it
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert not out.exists(), "bad input must not create the output folder"
    assert not (out.parent / "store.db").exists(), "bad input must not create the store"


def test_the_base_scenario_is_valid(tmp_path):
    """Control: every case below changes one thing in a scenario that loads fine."""
    sc = load_scenario(write(tmp_path, dump(scenario_dict())))
    assert [o.id for o in sc.orders] == ["O-1"]


# --------------------------------------------------------------------------- one mistake each


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
    assert text in str(p.message)


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
    assert "YAML" in str(p.message)


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
    assert "JSON" in str(p.message)


def test_valid_json_scenario_loads(tmp_path):
    path = write(tmp_path, json.dumps(scenario_dict(), ensure_ascii=False), "scenario.json")
    assert load_scenario(path).plan.year == 2026


def test_impossible_date_unquoted_in_yaml(tmp_path):
    text = dump(scenario_dict())
    assert "end: '2026-03-06'" in text
    path = write(tmp_path, text.replace("end: '2026-03-06'", "end: 2026-02-30"))
    p = find(problems_of(path), "plan", "end")
    assert "2026-02-30" in str(p.message)


def test_file_not_found(tmp_path):
    path = tmp_path / "missing.yaml"
    (p,) = problems_of(path)
    assert "not found" in str(p.message)


@pytest.mark.parametrize("text", ["- plan\n- communities\n", "just a sentence\n", ""], ids=["list", "scalar", "empty"])
def test_top_level_must_be_a_mapping(tmp_path, text):
    (p,) = problems_of(write(tmp_path, text))
    assert p.record == loader.TOP_LEVEL
    assert str(p.record) == "(top level)" and say(p.record, "zh") == "顶层"
    assert "mapping" in str(p.message)


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
    assert "orders" in str(p.message) and f"line {first}" in str(p.message)


def test_duplicate_key_inside_a_record_is_an_error(tmp_path):
    text = dump(scenario_dict())
    assert text.count("  priority: 3\n") == 1
    (p,) = problems_of(write(tmp_path, text.replace("  priority: 3\n", "  priority: 3\n  priority: 5\n")))
    assert "priority" in str(p.message)


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
    assert "orders" in str(p.message)


# --------------------------------------------------------------------------- raw data of any shape


@pytest.mark.parametrize("instructors", [5, "yj-wang", {"id": "yj-wang"}, True], ids=["int", "text", "mapping", "bool"])
def test_instructors_of_the_wrong_kind_are_named_and_the_rest_is_still_checked(tmp_path, instructors):
    data = scenario_dict()
    data["departments"][0]["instructors"] = instructors
    data["venues"][1]["owner"] = "nobody"  # found by the whole-scenario checks, past the bad record
    problems = problems_of(write(tmp_path, dump(data)))
    find(problems, "departments[0] (yingji)", "instructors")
    find(problems, "venues[1] (sx-square)", "owner")


@pytest.mark.parametrize("rid", [["shanxia", "x"], {"id": "shanxia"}, 7, "x" * 100_000], ids=["list", "mapping", "int", "100k"])
def test_an_id_of_any_kind_or_size_is_named_briefly(tmp_path, rid):
    data = scenario_dict()
    data["communities"][0]["id"] = rid
    data["venues"][1]["owner"] = "nobody"
    path = write(tmp_path, dump(data))
    problems = problems_of(path)
    bad = next(p for p in problems if str(p.record).startswith("communities[0] (") and p.field == "id")
    assert len(str(bad)) < len(str(path)) + 300, str(bad)  # the id is shown cut short, whatever its size
    find(problems, "venues[1] (sx-square)", "owner")


def test_a_list_as_a_mapping_key_is_located(tmp_path):
    text = dump(scenario_dict()).replace("plan:\n", "plan:\n  ? [a, b]\n  : 1\n", 1)
    (p,) = problems_of(write(tmp_path, text))
    assert (p.line, p.column) == (2, 5)
    assert "key" in str(p.message)


def test_a_huge_value_is_never_rendered_whole(tmp_path):
    """Only a few dozen characters of a value reach a message, whatever its size or kind."""
    text = dump(scenario_dict())
    text = text.replace("  year: 2026\n", "  year: " + "x" * 1_000_000 + "\n", 1)
    text = text.replace("  capacity: 100\n", "  capacity: !!binary " + "QUJD" * 100_000 + "\n", 1)
    problems = problems_of(write(tmp_path, text))
    find(problems, "plan", "year")
    assert "b'ABCABC" in str(find(problems, "venues[0] (hall)", "capacity"))
    assert all(len(str(p)) < len(str(tmp_path)) + 300 for p in problems), [str(p)[:200] for p in problems]


# --------------------------------------------------------------------------- caps: nesting, aliases, numbers


@pytest.fixture(params=["libyaml", "python"])
def yaml_loader(request, monkeypatch):
    """Both YAML loaders: libyaml's (the default) and PyYAML's own, used when libyaml is missing."""
    if request.param == "python":
        monkeypatch.setattr(loader, "_Loader", loader.loader_class(yaml.SafeLoader))
    return request.param


def parse_problem(text: str, as_json: bool) -> InputProblem:
    with pytest.raises(InputError) as info:
        parse_text("f", text, as_json)
    (p,) = info.value.problems
    return p


def test_yaml_nesting_of_100_levels_is_read_101_are_refused_at_the_101st(yaml_loader):
    # the top mapping is level 1, so 99 lists make 100 levels
    assert parse_text("f", "a: " + "[" * 99 + "]" * 99, as_json=False) == {"a": _nested(98)}
    p = parse_problem("a: " + "[" * 100 + "]" * 100, as_json=False)
    assert (p.line, p.column) == (1, 103) and p.message == Message("l.too_deep", limit=MAX_DEPTH)
    deep = parse_problem("a: " + "[" * 10_000 + "]" * 10_000, as_json=False)  # libyaml stops at its own 1000
    assert deep.line == 1 and deep.message == Message("l.too_deep", limit=MAX_DEPTH)


def _nested(n: int) -> list:
    value: list = []
    for _ in range(n):
        value = [value]
    return value


def test_json_nesting_is_capped_like_yaml():
    assert parse_text("f", '{"a": ' + "[" * 99 + "]" * 99 + "}", as_json=True) == {"a": _nested(98)}
    for n in (100, 10_000):  # 10,000 would blow Python's stack
        p = parse_problem('{"a": ' + "[" * n + "]" * n + "}", as_json=True)
        assert (p.line, p.column) == (1, 106) and p.message == Message("l.too_deep", limit=MAX_DEPTH)


def test_an_alias_bomb_is_refused_at_its_anchor_before_it_grows(yaml_loader):
    text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
    )
    p = parse_problem(text, as_json=False)
    # a1..a3 add 90 + 819 + 7380 values; the first alias of a3 (7381 more) breaks the budget
    assert (p.line, p.column) == (4, 5) and p.message == Message("l.alias_budget", limit=ALIAS_BUDGET)


def test_aliases_within_the_budget_are_read(yaml_loader):
    anchor = "a: &a [" + ", ".join(["x"] * 99) + "]\n"  # 100 values
    assert len(parse_text("f", anchor + "b: [" + ", ".join(["*a"] * 100) + "]\n", as_json=False)["b"]) == 100
    p = parse_problem(anchor + "b: [" + ", ".join(["*a"] * 101) + "]\n", as_json=False)
    assert (p.line, p.column) == (1, 4) and p.message.key == "l.alias_budget"


def test_a_scenario_may_share_dates_through_an_alias(tmp_path):
    text = dump(scenario_dict()).replace("  cadres: 40\n", "  cadres: 40\n  unavailable: &away ['2026-03-03']\n", 1)
    text = text.replace("  cadres: 30\n", "  cadres: 30\n  unavailable: *away\n", 1)
    sc = load_scenario(write(tmp_path, text))
    assert sc.communities[0].unavailable == sc.communities[1].unavailable != []


def test_an_alias_inside_its_own_anchor_is_refused(yaml_loader):
    p = parse_problem("a: &l [1, *l]\n", as_json=False)
    assert (p.line, p.column) == (1, 4) and p.message == Message("l.alias_loop")


@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_a_number_of_5000_digits_is_located(as_json):
    text = '{"plan": {\n "year": ' + "9" * 5000 + "}}" if as_json else "plan:\n  year: " + "9" * 5000 + "\n"
    p = parse_problem(text, as_json)
    assert (p.line, p.column) == (2, 10 if as_json else 9)
    assert p.message == Message("l.number_too_long", chars=5000, limit=MAX_NUMBER_CHARS)
    assert parse_text("f", text.replace("9" * 5000, "9" * MAX_NUMBER_CHARS), as_json)["plan"]["year"] == 10**100 - 1


@pytest.mark.parametrize(
    "text",
    ["a: !!timestamp 2026-02-30\n", "a: !!bool maybe\n", "a: !!int hundred\n", "a: !!float many\n", "a: 1" + ":59" * 50 + "\n"],
    ids=["timestamp", "bool", "int", "float", "base-60"],
)
def test_a_value_yaml_cannot_build_is_located(yaml_loader, text):
    p = parse_problem(text, as_json=False)
    assert (p.line, p.column) == (1, 4), str(p)


# --------------------------------------------------------------------------- characters, encodings, files


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"], ids=["NUL", "BEL", "ESC", "U+FFFE"])
def test_a_control_character_is_located_by_line_and_column(tmp_path, yaml_loader, char):
    text = dump(scenario_dict()).replace("  name: 山厦社区\n", f"  name: 山厦{char}社区\n", 1)
    path = write(tmp_path, text)
    (p,) = problems_of(path)
    assert (p.line, p.column) == (14, 11) and "position" not in str(p)
    assert f"{path}: line 14, column 11: control character U+{ord(char):04X}" in str(p)


@pytest.mark.parametrize(("after", "column"), [("\x00", 19), ("\x01计划", 16)], ids=["NUL-between-tokens", "in-a-string"])
def test_a_control_character_in_json_is_located(tmp_path, after, column):
    text = json.dumps(scenario_dict(), indent=2, ensure_ascii=False)
    text = text.replace('"测试计划"', '"测试计划"' + after if after == "\x00" else '"测试' + after + '"', 1)
    (p,) = problems_of(write(tmp_path, text, "scenario.json"))
    assert (p.line, p.column) == (3, column) and "JSON" in str(p.message)


def test_gbk_bytes_are_located_by_line_and_column(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_bytes(dump(scenario_dict()).encode("gbk"))
    (p,) = problems_of(path)
    assert (p.line, p.column) == (2, 9) and "UTF-8" in str(p.message)


@pytest.mark.parametrize("name", ["scenario.yaml", "scenario.json"])
def test_a_scenario_with_a_bom_is_read(tmp_path, name):
    data = scenario_dict()
    text = json.dumps(data, ensure_ascii=False) if name.endswith(".json") else dump(data)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(path).plan.name == data["plan"]["name"]


@functools.cache
def _plan_text() -> str:
    outcome = solve_dict(scenario_dict(), time_limit=10.0)
    assert outcome.plan is not None
    return plan_json(outcome.plan)


@pytest.mark.parametrize("command", ["validate", "render", "export"])
def test_a_plan_json_with_a_bom_is_read_by_every_command(tmp_path, command):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + _plan_text().encode("utf-8"))
    assert read_plan(path) == load_plan(path)
    out = [] if command == "validate" else ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [command, str(path), *out])
    assert result.exit_code == 0, result.output
    assert command != "validate" or t("valid", "zh") in result.output


def test_a_folder_is_not_a_scenario(tmp_path):
    (tmp_path / "scenario.yaml").mkdir()
    out = tmp_path / "out"
    result = solve_cli(tmp_path / "scenario.yaml", out, lang="zh")
    assert_clean_exit_2(result, out)
    assert f"error: {tmp_path / 'scenario.yaml'}：这是文件夹，不是文件" in result.stderr


def test_a_file_beyond_the_size_cap_is_not_read(tmp_path):
    path = tmp_path / "scenario.yaml"
    with path.open("wb") as f:
        f.truncate(loader.SCENARIO_MAX_BYTES + 1)  # sparse: nothing is written to disk
    (p,) = problems_of(path)
    assert p.message == Message("l.too_large", limit=20) and p.line is None
    assert len(read_text(path, loader.PLAN_MAX_BYTES)) == loader.SCENARIO_MAX_BYTES + 1  # a plan may be larger


# --------------------------------------------------------------------------- in the planner's language


def test_a_malformed_file_is_reported_in_chinese_by_default_and_in_english_with_lang_en(tmp_path):
    path = write(tmp_path, dump(scenario_dict()).replace("  name: 测试计划\n", "  name: 测试: 计划\n", 1))
    out = tmp_path / "out"
    zh = solve_cli(path, out, lang="zh")
    assert_clean_exit_2(zh, out)
    assert f"error: {path} 第2行第11列：YAML格式有误（mapping values are not allowed" in zh.stderr
    assert "共 1 处问题，未写入任何内容。" in zh.stderr and "line 2" not in zh.stderr
    en = solve_cli(path, out, lang="en")
    assert_clean_exit_2(en, out)
    assert f"error: {path}: line 2, column 11: malformed YAML: mapping values are not allowed" in en.stderr
    assert "1 problem(s) in the input; nothing was written." in en.stderr


@pytest.mark.parametrize("command", ["validate", "render", "export"])
def test_a_malformed_plan_is_reported_in_the_planners_language(tmp_path, command):
    path = tmp_path / "plan.json"
    path.write_text('{"engine": "x",\n "engine": "y"}', encoding="utf-8")
    out = [] if command == "validate" else ["--out", str(tmp_path / "out")]
    zh = CliRunner().invoke(main, [command, str(path), *out])
    assert zh.exit_code == 2 and f"error: {path} 第2行第2列：键“engine”重复出现（第一次在第1行）" in zh.stderr, zh.output
    en = CliRunner().invoke(main, [command, str(path), *out, "--lang", "en"])
    assert en.exit_code == 2 and f"error: {path}: line 2, column 2: key 'engine' appears twice (first on line 1)" in en.stderr
    assert not (tmp_path / "out").exists()


def test_a_problem_names_file_place_record_and_field_in_either_language():
    p = InputProblem("a.yaml", "orders[0] (O-1)", "priority", Message("l.too_deep", limit=3), 3, 5)
    assert p.text("zh") == "a.yaml 第3行第5列 orders[0] (O-1) priority：嵌套超过3层"
    assert str(p) == p.text("en") == "a.yaml: line 3, column 5: orders[0] (O-1): priority: nested more than 3 levels deep"
    assert InputProblem("a.yaml", "", "", "text as it is", 7).text("zh") == "a.yaml 第7行：text as it is"


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("key", sorted(k for k in TEXT if k.startswith("l.")))
def test_every_loader_message_has_chinese_and_english_text(key):
    zh, en = TEXT[key]
    assert CJK.search(zh), zh
    assert not CJK.search(en), en
    assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en))
