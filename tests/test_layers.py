"""The package reads top-down and its imports only go down.

Layers, lowest first: ``core`` (the neutral problem and its solvers, no domain word),
``scheduler.models`` (the scenario and plan-file models, kept at the top where the
client's card names them), ``domain`` (what a planner writes: reading, checking,
working days, compiling into the core's problem),
``adapters`` beside it (other timetabling inputs, e.g. ITC-2007, on the same solver),
``plan`` (a solved plan, its validator, re-planning), then ``publish`` and ``store``
side by side (neither imports the other), and ``cli`` on top. ``scheduler.solver`` is
the client's front door (the solve entry point): it re-exports, and nothing inside the
layers imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"
RANK = {"core": 0, "models": 1, "domain": 2, "adapters": 2, "intake": 3, "plan": 3, "publish": 4, "store": 4, "cli": 5}
FRONT_DOORS = {"solver", "__init__"}


def layer_of(module: str) -> str | None:
    """``scheduler.plan.diff`` -> ``plan``; ``scheduler.models`` -> ``models``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "scheduler" else None


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``scheduler...`` module the file imports, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "scheduler" else [f"scheduler.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names if n.startswith("scheduler")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("scheduler")]
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts[1:])


def upward(path: Path) -> list[str]:
    here = layer_of("scheduler." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    if here in FRONT_DOORS or here is None:
        return []
    bad = []
    for line, target in imports(path):
        there = layer_of(target)
        if there in (None, "__version__") or there == here:
            continue
        if there in FRONT_DOORS or RANK.get(there, 99) >= RANK[here]:
            bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({here}) imports {target} ({there})")
    return bad


def test_every_module_belongs_to_a_layer():
    top = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert top - {"templates"} <= set(RANK) | FRONT_DOORS, "a new top-level module or folder needs a layer here"


def test_imports_only_go_down():
    bad = [line for path in modules() for line in upward(path)]
    assert not bad, "\n".join(bad)


def test_the_check_finds_an_upward_import(tmp_path):
    """The test itself can fail: a core module importing the domain is reported."""
    fake = PACKAGE / "core" / "problem.py"
    found = [t for _, t in imports(fake)]
    assert all(layer_of(t) in ("core", None, "__version__") for t in found)
    bad = tmp_path / "core_bad.py"
    bad.write_text("from scheduler.domain.compile import compile_scenario\n", encoding="utf-8")
    assert imports(bad) == [(1, "scheduler.domain.compile")]
    assert RANK[layer_of("scheduler.domain.compile")] >= RANK["core"]


@pytest.mark.parametrize("layer", sorted(set(RANK) - {"models"}))
def test_each_layer_is_a_folder(layer):
    assert (PACKAGE / layer / "__init__.py").is_file()
