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


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay strings so that an impossible
    date (2026-02-30) is reported by field instead of failing inside the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_data(path: Path) -> Any:
    """Parse the file's text; syntax errors become an ``InputError`` with line and column."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([InputProblem(name, "", "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([InputProblem(name, "", "", f"cannot read the file: {exc}")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except json.JSONDecodeError as exc:
        raise InputError([InputProblem(name, f"line {exc.lineno}", f"column {exc.colno}", f"malformed JSON: {exc.msg}")]) from None
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
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            record, field = record_label(data, tuple(err["loc"]))
            msg = err["msg"]
            if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
                shown = repr(err["input"])
                if len(shown) <= 60:
                    msg += f" (got {shown})"
            problems.append(InputProblem(name, record, field, msg))
        raise InputError(problems) from None
    problems = [InputProblem(name, r, f, m) for r, f, m in check_scenario(scenario)]
    if problems:
        raise InputError(problems)
    return scenario


def scenario_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
