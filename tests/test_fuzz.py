"""Hostile and malformed input files, for every command that reads them.

Each case is a scenario or a plan.json that must be refused: exit code 2, an error line
that names the file and the place in it (line and column where the file does not parse,
record and field where its shape is wrong), no traceback, no line of unbounded length,
and nothing written (no output folder, no store, no other file). Commands that read a
scenario: ``solve``, ``validate --scenario``; a plan: ``validate``, ``render``, ``export``,
``export --previous``. Chinese and English alternate between the commands.

The cases: the fixed corpus in tests/data/fuzz/ (``scenarios.json`` and ``plans.json`` say
what each file is and where its problem is), cases made here from the test scenario and a
plan solved from it (a wrong type at every field, truncations, bytes that break the rules),
special files (a FIFO and /dev/zero in real processes with a timeout, so a hang fails
instead of hanging the run; a folder, a missing file, a file beyond the size cap), and
random bytes and text from Hypothesis (derandomized).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import BASE, scenario_dict, solve_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.cli.commands import main
from scheduler.domain.loader import PLAN_MAX_BYTES, SCENARIO_MAX_BYTES
from scheduler.plan.planfile import plan_json

DATA = Path(__file__).resolve().parent / "data" / "fuzz"
SOLVE = ["--time-limit", "5", "--workers", "1", "--quiet"]
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Case:
    """A file to refuse. ``write(folder)`` puts it there (or names a fixed one) and returns
    its path; ``where`` is the place its error line names: ``line`` (and ``column``), or
    ``record`` (how it starts) and ``field``; ``text``: more the line must contain."""

    id: str
    kind: str  # "scenario" or "plan"
    write: Callable[[Path], Path]
    where: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- the fixed corpus


def _fixed(path: Path) -> Callable[[Path], Path]:
    return lambda folder: path


def corpus(kind: str) -> list[Case]:
    listing = json.loads((DATA / f"{kind}s.json").read_text(encoding="utf-8"))
    return [
        Case(
            f"{kind}:{c['file']}", kind, _fixed(DATA / f"{kind}s" / c["file"]), {k: c[k] for k in c if k not in ("file", "what")}
        )
        for c in listing
    ]


# --------------------------------------------------------------------------- cases made from valid files


def _writer(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    return write


def _paths(value, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document: each mapping value and list item, at every depth."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    found = []
    for key, inner in items:
        found.append((*prefix, key))
        found += _paths(inner, (*prefix, key))
    return found


def _wrong_kind(doc, path: tuple):
    """``doc`` with the value at ``path`` of a kind no field accepts there: a number for a
    list or mapping, a list for anything else."""
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    old = target[path[-1]]
    target[path[-1]] = 5 if isinstance(old, (dict, list)) else [old]
    return doc


def _scenario_place(path: tuple) -> dict:
    """Where the loader names a scenario field: a record of a section, the plan, or the top level."""
    head, rest = path[0], [str(x) for x in path[1:]]
    if head == "plan":
        return {"record": "plan", "field": ".".join(rest)}
    if not rest:
        return {"record": "(top level)", "field": head}
    return {"record": f"{head}[{rest[0]}]", "field": ".".join(rest[1:])}


def wrong_scenario_kinds() -> list[Case]:
    """A value of the wrong kind at every place of the test scenario, in YAML."""
    cases = []
    for path in _paths(BASE):
        text = yaml.safe_dump(_wrong_kind(scenario_dict(), path), allow_unicode=True, sort_keys=False)
        name = "-".join(map(str, path))
        cases.append(Case(f"scenario:kind:{name}", "scenario", _writer(f"{name}.yaml", text), _scenario_place(path)))
    return cases


@functools.cache
def plan_text() -> str:
    outcome = solve_dict(scenario_dict(), time_limit=10.0)
    assert outcome.plan is not None, outcome.status
    return plan_json(outcome.plan)


def _place(text: str, marker: str, offset: int = 0) -> dict:
    """The line and column of ``marker``'s first character (plus ``offset``) in ``text``."""
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if marker in line)
    return {"line": row + 1, "column": lines[row].index(marker) + offset + 1}


def wrong_plan_kinds() -> list[Case]:
    """A value of the wrong kind at every place of a solved plan, but inside the scenario
    snapshot (a scenario: covered above) only at its top."""
    doc = json.loads(plan_text())
    paths = [p for p in _paths(doc) if p[:2] != ("scenario", "snapshot") or len(p) <= 3]
    cases = []
    for path in paths:
        name = "-".join(map(str, path))
        text = json.dumps(_wrong_kind(doc, path), ensure_ascii=False, indent=2)
        cases.append(Case(f"plan:kind:{name}", "plan", _writer(f"{name}.json", text), {"record": ".".join(map(str, path))}))
    return cases


def broken_plans() -> list[Case]:
    """A solved plan, broken in ways that do not depend on what it holds."""
    text = plan_text()
    lines = text.split("\n")
    cut = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].endswith(","))
    truncated = "\n".join(lines[: cut + 1]) + "\n"
    at_end = {"line": cut + 2, "column": 1}
    first_id = '"id": "S-2026-001",'
    duplicated = text.replace(first_id, first_id + "\n      " + first_id, 1)
    return [
        Case("plan:made:truncated", "plan", _writer("truncated.json", truncated), at_end),
        Case("plan:made:bom-truncated", "plan", _writer("bom-truncated.json", BOM + truncated.encode()), at_end),
        Case(
            "plan:made:nul-in-title",
            "plan",
            _writer("nul.json", text.replace('"title": "', '"title": "\x00', 1)),
            _place(text, '"title": "', len('"title": "')),
        ),
        Case(
            "plan:made:duplicate-id",
            "plan",
            _writer("duplicate.json", duplicated),
            {"line": _place(text, first_id)["line"] + 1, "column": 7},  # the copy, on the next line
        ),
        Case(
            "plan:made:deep",
            "plan",
            _writer("deep.json", text.replace("{\n", '{\n  "deep": ' + "[" * 100 + "]" * 100 + ",\n", 1)),
            {"line": 2, "column": len('  "deep": ') + 100},
        ),
        Case(
            "plan:made:huge-headcount",
            "plan",
            _writer("huge.json", text.replace('"headcount": 20', '"headcount": ' + "9" * 5000, 1)),
            _place(text, '"headcount": 20', len('"headcount": ')),
        ),
        Case(
            "plan:made:impossible-date",
            "plan",
            _writer("date.json", re.sub(r'"date": "\d{4}-\d\d-\d\d"', '"date": "2026-02-30"', text, count=1)),
            {"record": "sessions.0.date"},
        ),
        Case("plan:made:gbk", "plan", _writer("gbk.json", text.encode("gbk")), _place(text, "测试计划")),
    ]


# --------------------------------------------------------------------------- running the commands


def good_plan(folder: Path) -> Path:
    path = folder / "good-plan.json"
    path.write_text(plan_text(), encoding="utf-8")
    return path


def commands(kind: str, path: Path, folder: Path) -> list[tuple[list[str], str]]:
    """Every command that reads a file of this kind, with its language; outputs and the
    store in ``folder`` (which must stay as it is)."""
    out, db = ["--out", str(folder / "out")], ["--db", str(folder / "store.db")]
    if kind == "scenario":
        return [
            (["solve", str(path), *out, *db, *SOLVE], "zh"),
            (["validate", str(good_plan(folder)), "--scenario", str(path)], "en"),
        ]
    return [
        (["validate", str(path)], "zh"),
        (["render", str(path), *out, *db], "en"),
        (["export", str(path), *out, *db], "zh"),
        (["export", str(good_plan(folder)), "--previous", str(path), *out, *db], "en"),
    ]


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def place_text(where: dict, lang: str) -> str:
    """How the error line says the place, right after the file name."""
    if "line" in where:
        line, column = where["line"], where.get("column")
        if lang == "zh":
            return f" 第{line}行第{column}列：" if column else f" 第{line}行第"
        return f": line {line}, column {column}: " if column else f": line {line}, column "
    if lang == "zh":  # the top level is named in Chinese; records and fields stay as they are in the file
        return " 顶层" if where["record"] == "(top level)" else f" {where['record']}"
    return f": {where['record']}"


def names_the_place(line: str, path: Path, where: dict, lang: str) -> bool:
    if not line.startswith(f"error: {path}{place_text(where, lang)}"):
        return False
    name = where.get("field", "")
    if "record" in where and name and (f" {name}：" if lang == "zh" else f": {name}: ") not in line:
        return False
    return where.get("text", "") in line


def assert_refused(result, path: Path, where: dict, lang: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # from the CLI, not escaping it
    assert "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert errors, result.output
    assert all(len(ln) < len(str(path)) + 400 for ln in errors), "a value was rendered whole"
    assert any(names_the_place(ln, path, where, lang) for ln in errors), (where, result.stderr)


CASES = corpus("scenario") + wrong_scenario_kinds() + corpus("plan") + wrong_plan_kinds() + broken_plans()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_file_is_refused_by_every_command_with_its_place_and_nothing_written(tmp_path, case):
    path = case.write(tmp_path)
    runs = commands(case.kind, path, tmp_path)
    before = listing(tmp_path)
    for args, lang in runs:
        result = CliRunner().invoke(main, [*args, "--lang", lang])
        assert_refused(result, path, case.where, lang)
        assert listing(tmp_path) == before, f"{args[0]} wrote something"


# --------------------------------------------------------------------------- files that are no files


def _special(kind: str, tmp_path: Path) -> Path:
    if kind == "fifo":
        os.mkfifo(tmp_path / "scenario.yaml")
        return tmp_path / "scenario.yaml"
    if kind == "folder":
        (tmp_path / "scenario.yaml").mkdir()
        return tmp_path / "scenario.yaml"
    if kind == "too-large":
        with (tmp_path / "scenario.yaml").open("wb") as f:
            f.truncate(PLAN_MAX_BYTES + 1)  # sparse: beyond both caps, and nothing on disk
        return tmp_path / "scenario.yaml"
    return Path("/dev/zero") if kind == "dev-zero" else tmp_path / "missing.yaml"


MAIN_COMMANDS = ["solve", "validate", "render", "export"]


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs a FIFO and /dev/zero")
@pytest.mark.parametrize("command", MAIN_COMMANDS)
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_a_device_is_refused_at_once_in_a_real_process(tmp_path, kind, command):
    """Opening a FIFO blocks until someone writes; /dev/zero never ends. A real process with
    a timeout: a hang fails this test instead of hanging the run."""
    path = _special(kind, tmp_path)
    args = next(a for a, _ in commands("plan" if command != "solve" else "scenario", path, tmp_path) if a[0] == command)
    before = listing(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *args, "--lang", "en"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"error: {path}: not a regular file" in done.stderr, done.stderr
    assert listing(tmp_path) == before


@pytest.mark.parametrize(
    ("kind", "zh", "en"),
    [
        ("folder", "这是文件夹，不是文件", "this is a folder, not a file"),
        ("missing", "文件不存在", "file not found"),
        ("too-large", "文件超过{mb} MB", "the file is larger than {mb} MB"),
    ],
    ids=["folder", "missing", "too-large"],
)
@pytest.mark.parametrize("kind_of_file", ["scenario", "plan"])
def test_a_folder_a_missing_or_a_too_large_file_is_refused_by_every_command(tmp_path, kind, zh, en, kind_of_file):
    path = _special(kind, tmp_path)
    mb = (PLAN_MAX_BYTES if kind_of_file == "plan" else SCENARIO_MAX_BYTES) // 2**20  # the cap of what is read
    zh, en = zh.format(mb=mb), en.format(mb=mb)
    runs = commands(kind_of_file, path, tmp_path)
    before = listing(tmp_path)
    for args, lang in runs:
        result = CliRunner().invoke(main, [*args, "--lang", lang])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        if kind == "folder" and ("--scenario" in args or "--previous" in args):
            assert str(path) in result.stderr, result.output  # click's own check of an option names the folder
        else:
            assert (f"error: {path}：{zh}" if lang == "zh" else f"error: {path}: {en}") in result.stderr, result.output
        assert listing(tmp_path) == before


# --------------------------------------------------------------------------- random bytes and text

RANDOM_EXAMPLES = 150
PLACE = re.compile(r": (line \d+, column \d+|\(top level\)|plan|[a-z_]+\[\d+\])")


@settings(
    max_examples=RANDOM_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    suffix=st.sampled_from([".yaml", ".json"]),
)
def test_random_bytes_are_refused_as_a_scenario_with_a_place(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    out, db = tmp_path / "out", tmp_path / "store.db"
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(out), "--db", str(db), "--lang", "en", *SOLVE])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (data, result.output)
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert errors and all(PLACE.match(ln, len(f"error: {path}")) for ln in errors), (data, result.stderr)
    assert not out.exists() and not db.exists()


# --------------------------------------------------------------------------- how many


FIXED = len(corpus("scenario")) + len(corpus("plan"))
RUNS = sum(2 if c.kind == "scenario" else 4 for c in CASES)


@pytest.mark.parametrize("count", [len(CASES)], ids=[f"{len(CASES)}-files-{FIXED}-fixed-{RUNS}-runs"])
def test_the_fuzz_cases_are_all_there(count):
    """So that a case silently lost (a corpus file or its line in scenarios.json / plans.json
    deleted, a generator that yields fewer) fails. The cases made from the scenario and plan
    follow their fields, so only a floor is fixed for them."""
    print(f"fuzz: {count} bad files ({FIXED} fixed), {RUNS} command runs, {RANDOM_EXAMPLES} random files, 8 special processes")
    assert len({c.id for c in CASES}) == count
    assert FIXED == 79 == len(list((DATA / "scenarios").iterdir())) + len(list((DATA / "plans").iterdir()))
    assert count - FIXED >= 140
