"""Read a scenario file (YAML or JSON) and report every problem in it at once.

Each problem names the file, the record (e.g. ``offerings[3] (fire-safety)``) and
the field, so a planner can go straight to the line to fix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scheduler.models import Scenario


@dataclass(frozen=True)
class InputProblem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(x for x in (self.record, self.field) if x)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class InputError(Exception):
    """Bad input; ``problems`` lists every problem found."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when PyYAML has it: ~5x faster
    """Safe YAML without implicit timestamps: dates stay strings so that an impossible
    date (2026-02-30) is reported by field instead of failing inside the YAML parser."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A key written twice would silently drop the first block: make it an error."""
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _unique_json_object(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key '{key}' appears twice")
        seen[key] = value
    return seen


def read_data(path: Path) -> Any:
    """Parse the file's text; syntax errors become an ``InputError`` with line and column."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write, is fine
    except FileNotFoundError:
        raise InputError([InputProblem(name, "", "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(
            [InputProblem(name, f"line {line}", "", "the file is not UTF-8; save it as UTF-8 (e.g. from GBK)")]
        ) from None
    except OSError as exc:
        raise InputError([InputProblem(name, "", "", f"cannot read the file: {exc}")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text, object_pairs_hook=_unique_json_object)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except json.JSONDecodeError as exc:
        raise InputError(
            [InputProblem(name, f"line {exc.lineno}", f"column {exc.colno}", f"malformed JSON: {exc.msg}")]
        ) from None
    except ValueError as exc:  # a duplicate key from _unique_json_object
        raise InputError([InputProblem(name, "", "", f"malformed JSON: {exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        col = f"column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError([InputProblem(name, where, col, f"malformed YAML: {what}")]) from None


def record_label(data: Any, loc: tuple) -> tuple[str, str]:
    """Turn a pydantic error location into (record, field) a planner can find."""
    if not loc:
        return "", ""
    head, rest = str(loc[0]), loc[1:]
    if rest and isinstance(rest[0], int):
        idx = rest[0]
        label = f"{head}[{idx}]"
        try:
            rid = data[head][idx].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            rid = None
        if rid is not None:
            label += f" ({rid})"
        return label, ".".join(str(x) for x in rest[1:])
    if head == "plan":
        return "plan", ".".join(str(x) for x in rest)
    return "(top level)", ".".join(str(x) for x in loc)


def load_scenario(path: str | Path) -> Scenario:
    """Load, validate shape, then check the scenario as a whole; raise ``InputError``."""
    from scheduler.checks import check_scenario

    path = Path(path)
    data = read_data(path)
    name = str(path)
    if not isinstance(data, dict):
        raise InputError([InputProblem(name, "(top level)", "", "expected a mapping with plan, communities, departments, ...")])
    for section in ("communities", "departments", "venues", "offerings", "orders", "pairs"):
        if section in data and data[section] is None:  # `pairs:` with nothing under it
            data[section] = []
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_shape_problem(name, data, err) for err in exc.errors()]
        problems += _check_the_rest(name, data, exc)
        raise InputError(problems) from None
    problems = [InputProblem(name, r, f, m) for r, f, m in check_scenario(scenario)]
    if problems:
        raise InputError(problems)
    return scenario


def _shape_problem(name: str, data: dict, err) -> InputProblem:
    record, field = record_label(data, tuple(err["loc"]))
    msg = err["msg"]
    if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
        shown = repr(err["input"])
        if len(shown) <= 60:
            msg += f" (got {shown})"
    return InputProblem(name, record, field, msg)


def _check_the_rest(name: str, data: dict, exc: ValidationError) -> list[InputProblem]:
    """Run the whole-scenario checks on the records whose shape is right, so that one
    round of fixing is enough. Records with shape errors are left out and their ids
    are not reported again as unknown."""
    from scheduler.checks import check_scenario

    bad: dict[str, set[int]] = {}
    for err in exc.errors():
        loc = err["loc"]
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data.get(loc[0]), list):
            bad.setdefault(str(loc[0]), set()).add(loc[1])
        elif loc and loc[0] != "plan" and len(loc) == 1:
            return []  # a whole section is missing or of the wrong kind
        elif loc and loc[0] == "plan":
            return []  # the plan itself is needed for every other check
    hidden: set[str] = set()
    rest = dict(data)
    for section, idxs in bad.items():
        for i in idxs:
            item = data[section][i]
            if isinstance(item, dict):
                hidden.add(str(item.get("id")))
                hidden.update(str(x.get("id")) for x in item.get("instructors") or [] if isinstance(x, dict))
        rest[section] = [x for i, x in enumerate(data[section]) if i not in idxs]
    try:
        partial = Scenario.model_validate(rest)
    except ValidationError:
        return []
    found = check_scenario(partial, frozenset(hidden))
    # record indices refer to the reduced lists: map them back to the file's positions
    return [InputProblem(name, _renumber(r, bad, data), f, m) for r, f, m in found]


def _renumber(record: str, bad: dict[str, set[int]], data: dict) -> str:
    if "[" not in record or record.split("[")[0] not in bad:
        return record
    section, rest = record.split("[", 1)
    idx = int(rest.split("]")[0])
    kept = [i for i in range(len(data[section])) if i not in bad[section]]
    return record.replace(f"{section}[{idx}]", f"{section}[{kept[idx]}]", 1)


def scenario_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
