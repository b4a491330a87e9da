"""`schedule schema`: the scenario's JSON Schema that YAML editors use to explain, complete
and check a scenario file. Every field is described in Chinese and English, the committed
copy is what the command writes now, and every bundled example passes an independent
validator (jsonschema) as the loader reads it (dates stay strings)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, scenario_dict
from jsonschema import Draft202012Validator, FormatChecker
from test_cli import invoke, no_crash
from test_startup import HEAVY, loaded

from scheduler.domain.loader import InputError, load_scenario, read_data

COMMITTED = ROOT / "scenario.schema.json"
EXAMPLES = sorted((ROOT / "examples").glob("*/scenario.yaml"))
CJK = re.compile(r"[\u4e00-\u9fff]")
FIRST_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


def written_schema(tmp_path: Path) -> dict:
    out = tmp_path / "scenario.schema.json"
    result = invoke("schema", "--out", out)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def validator(schema: dict) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)  # the schema itself is well formed
    return Draft202012Validator(schema, format_checker=FormatChecker())  # formats too: a date must be a real day


def nodes(node):
    """Every schema inside ``node`` (``anyOf`` branches, items, ...), not entering ``$defs``."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key != "$defs":
                yield from nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from nodes(item)


def fields(schema: dict) -> dict[str, dict]:
    """Every property declared anywhere in the schema, by record.field (the scenario's own: .plan)."""
    records = {"": schema, **schema["$defs"]}
    return {
        f"{name}.{key}": prop
        for name, record in records.items()
        for n in nodes(record)
        for key, prop in n.get("properties", {}).items()
    }


def bilingual(text: str) -> bool:
    """ "中文 / English": Chinese first, then English."""
    zh, sep, en = (text or "").partition(" / ")
    return bool(sep) and bool(CJK.search(zh)) and bool(re.search(r"[A-Za-z]{2}", en))


def test_every_field_of_every_scenario_record_is_described_in_chinese_and_english(tmp_path):
    schema = written_schema(tmp_path)
    found = fields(schema)
    assert {".plan", "PlanSettings.caps", "Order.priority", "DateSpan.end", "Offering.audience_tier"} <= set(found)
    assert len(found) > 80  # every record of the scenario is walked, nested ones included
    missing = [name for name, prop in found.items() if not bilingual(prop.get("description", ""))]
    assert not missing, f"fields without a '中文 / English' description in scheduler/models.py: {missing}"


def test_every_choice_of_every_enum_is_named_in_chinese_and_english(tmp_path):
    schema = written_schema(tmp_path)
    enums = {name: d for name, d in schema["$defs"].items() if "enum" in d}
    assert {"SessionType", "Slot", "Duration", "Format", "Tier"} <= set(enums)
    for name, d in enums.items():
        named = d.get("enumDescriptions", [])
        assert len(named) == len(d["enum"]) and all(map(bilingual, named)), f"{name}: add it to ENUM_NAMES"
    assert schema["$defs"]["SessionType"]["enumDescriptions"][0] == "书记教书记 / secretary teaches secretaries"
    assert bilingual(schema["title"]) and bilingual(schema["description"])


def test_the_committed_schema_is_what_the_command_writes_now(tmp_path):
    out = tmp_path / "scenario.schema.json"
    assert invoke("schema", "--out", out).exit_code == 0
    assert COMMITTED.read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), (
        "scenario.schema.json is out of date: run `schedule schema --out scenario.schema.json` in the repository"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_the_bundled_example_points_yaml_editors_to_the_committed_schema(example):
    first = example.read_text(encoding="utf-8").splitlines()[0]
    match = FIRST_LINE.fullmatch(first)
    assert match, f"{example}: first line {first!r}"
    assert (example.parent / match.group(1)).resolve() == COMMITTED.resolve()


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_the_bundled_example_is_valid_against_the_written_schema(tmp_path, example):
    data = read_data(example)  # the loader's rules: YAML dates stay strings
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(written_schema(tmp_path)).iter_errors(data)]
    assert not errors, "\n".join(errors)


def tiny() -> dict:
    return read_data(ROOT / "examples" / "tiny" / "scenario.yaml")


@pytest.mark.parametrize(
    "bend, where",
    [
        (lambda d: d["orders"][0].update(priority=7), ["orders", 0, "priority"]),
        (lambda d: d["venues"][0].update(capcity=40), ["venues", 0]),  # a typo of a key
        (lambda d: d["plan"].update(start="2026-02-30"), ["plan", "start"]),  # no such day
        (lambda d: d["offerings"][0].update(type="lecture"), ["offerings", 0, "type"]),
        (lambda d: d["communities"][0].update(unavailable=["March 5"]), ["communities", 0, "unavailable", 0]),
    ],
    ids=["priority-7", "unknown-key", "impossible-date", "unknown-type", "date-not-iso"],
)
def test_the_schema_flags_what_the_loader_refuses_at_the_same_field(tmp_path, bend, where):
    data = tiny()
    bend(data)
    errors = list(validator(written_schema(tmp_path)).iter_errors(data))
    assert [list(e.absolute_path) for e in errors] == [where], [e.message for e in errors]
    path = tmp_path / "bent.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError):
        load_scenario(path)


def test_the_schema_accepts_the_short_forms_the_loader_accepts(tmp_path):
    """A plain date or a span without `end` for a date span, and a list section left empty
    (`pairs:` with nothing under it): an editor must not flag a file the loader reads."""
    data = scenario_dict(pairs=None)
    data["communities"][0]["unavailable"] = ["2026-03-03", {"start": "2026-03-04", "reason": "换届"}]
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    scenario = load_scenario(path)
    assert [s.end.isoformat() for s in scenario.communities[0].unavailable] == ["2026-03-03", "2026-03-04"]
    errors = [e.message for e in validator(written_schema(tmp_path)).iter_errors(read_data(path))]
    assert not errors


def test_schema_says_where_it_wrote_in_the_planners_language(tmp_path):
    zh = invoke("schema", "--out", tmp_path / "a" / "s.json")
    en = invoke("schema", "--out", tmp_path / "b.json", "--lang", "en")
    assert zh.exit_code == 0 and en.exit_code == 0
    assert "JSON Schema 已写入" in zh.output and "s.json" in zh.output
    assert "JSON Schema is written to" in en.output
    assert (tmp_path / "a" / "s.json").read_bytes() == (tmp_path / "b.json").read_bytes()  # a missing folder is made


def test_schema_without_out_prints_the_schema(tmp_path):
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == written_schema(tmp_path)


def test_schema_into_a_place_that_cannot_take_a_file_exits_2_naming_it(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    for lang, words in (("zh", "无法写入"), ("en", "cannot write")):
        result = invoke("schema", "--out", blocker / "s.json", "--lang", lang)
        no_crash(result)
        assert result.exit_code == 2 and words in result.output and "notes.txt" in result.output, result.output
    folder = invoke("schema", "--out", tmp_path)  # a folder where a file is wanted: refused before anything
    no_crash(folder)
    assert folder.exit_code == 2 and "文件夹" in folder.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written, no temporary file left


def test_schema_help_shows_an_example_and_loads_no_heavy_library():
    result = invoke("schema", "--help")
    assert result.exit_code == 0
    assert "schedule schema --out scenario.schema.json" in result.output.split("xample:", 1)[-1]
    assert not loaded("schema", "--help") & set(HEAVY)
