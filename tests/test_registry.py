"""The rule registry (scheduler/domain/rules.py): every hard rule is declared once with all
its parts, and every rule id that compile, re-planning, the validator and unmet reasons use
is declared there."""

from __future__ import annotations

import ast
import importlib
import re
import types
import typing
from pathlib import Path

import pytest
from conftest import ROOT, build, scenario_dict, solve_dict

from scheduler.core.cpmodel import LEVELS, REPLAN_LEVELS
from scheduler.domain import rules
from scheduler.domain.compile import compile_scenario
from scheduler.domain.i18n import TEXT, UNMET
from scheduler.domain.loader import load_scenario
from scheduler.models import Scenario
from scheduler.plan import validate
from scheduler.plan.validate import OVERLAP

PACKAGE = ROOT / "scheduler"
CJK = re.compile(r"[\u4e00-\u9fff]")


def resolve(ref: str):
    """``module:qualified.name`` -> the object it names."""
    module, _, name = ref.partition(":")
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def scenario_field(path: str) -> bool:
    """Whether a field path such as ``departments[].instructors[].tier`` exists in the scenario model."""
    model: type = Scenario
    for part in path.replace("[]", "").split("."):
        if part not in getattr(model, "model_fields", {}):
            return False
        model = _model_of(model.model_fields[part].annotation)
    return True


def _model_of(annotation) -> type:
    """The pydantic model inside ``list[X]`` / ``X | None`` (or the annotation itself)."""
    while typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


@pytest.mark.parametrize("rule", list(rules.RULES.values()), ids=list(rules.RULES))
def test_every_declared_rule_has_every_part(rule: rules.Rule):
    assert re.fullmatch(r"[a-z]+\.[a-z_]+", rule.id), rule.id
    assert CJK.search(rule.zh) and rule.en and not CJK.search(rule.en)
    assert rule.fields
    for f in rule.fields:
        assert f.startswith("plan.json:") or scenario_field(f), f"{rule.id}: no scenario field {f}"
    assert callable(resolve(rule.compile)), rule.compile
    assert rule.check.startswith("scheduler.plan.validate:") and callable(resolve(rule.check)), rule.check
    assert set(rule.unmet) <= set(UNMET)


def test_every_reason_decided_before_solving_stands_for_declared_rules():
    # the other reasons (closed, displaces, relax, ...) name rules by id from what-if evidence
    assert set(rules.UNMET_RULES) == {"host_self", "too_large", "no_venue", "no_instructor", "no_slot"}
    assert set(rules.UNMET_RULES) <= set(UNMET)


def test_an_undeclared_rule_id_is_refused():
    with pytest.raises(KeyError, match="quota:total:min"):
        rules.declared("quota:total:min")
    assert rules.declared("cap.department_per_month:yingji") == "cap.department_per_month:yingji"


def every_scenario() -> list[Scenario]:
    """The examples, and the tests' scenario with every optional rule switched on."""
    out = [load_scenario(p) for p in sorted((ROOT / "examples").glob("*/scenario.yaml"))]
    d = scenario_dict()
    d["plan"]["caps"] = {"community_per_month": 2, "department_per_month": 3, "community_min_gap_days": 2, "venue_per_week": 4}
    d["plan"]["blackouts"] = [{"start": "2026-03-03", "end": "2026-03-03", "reason": "三防"}]
    for part in (d["venues"][0], d["communities"][0], d["departments"][0], d["departments"][0]["instructors"][0]):
        part["unavailable"] = ["2026-03-04"]
    d["offerings"][0]["months"] = [3]
    return [*out, build(d)]


@pytest.mark.parametrize("sc", every_scenario(), ids=lambda sc: sc.plan.name)
def test_every_rule_compile_produces_is_declared(sc: Scenario):
    comp = compile_scenario(sc)
    ids = set(comp.problem.rules) | {r.id for fs in comp.filtered.values() for r in fs}
    assert ids and all(rules.family(i) in rules.RULES for i in ids), sorted(i for i in ids if rules.family(i) not in rules.RULES)
    for i, rule in comp.problem.rules.items():
        assert CJK.search(rule.labels["zh"]) and rule.labels["en"], i


def test_the_switched_on_scenario_compiles_every_optional_rule_family():
    comp = compile_scenario(every_scenario()[-1])
    families = {rules.family(i) for i in comp.problem.rules}
    expected = {"cap.community_per_month", "cap.department_per_month", "cap.community_gap", "cap.venue_per_week"}
    expected |= {"calendar.blackout", "eligible.months"} | {
        f"unavailable.{k}" for k in ("venue", "community", "department", "instructor")
    }
    assert expected <= families


def calls(path: Path, names: set[str]) -> list[ast.Call]:
    """Calls of these functions or methods in a source file."""
    return calls_in(ast.parse(path.read_text(encoding="utf-8")), names)


def calls_in(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name in names:
                out.append(node)
    return out


def literal_ids(node: ast.expr) -> list[str] | None:
    """The rule ids a first argument can be: a string, either branch of ``a if c else b``,
    or ``OVERLAP[kind]`` (the validator's table); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = literal_ids(node.body), literal_ids(node.orelse)
        return None if a is None or b is None else a + b
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "OVERLAP":
        return list(OVERLAP.values())
    return None


def test_every_rule_id_the_validator_can_emit_is_declared():
    found = calls(Path(validate.__file__), {"bad", "_violation", "Violation"})
    assert len(found) > 40
    for call in found:
        assert call.args, f"validate.py:{call.lineno}: a violation without a positional rule id"
        ids = literal_ids(call.args[0])
        if ids is None and ast.unparse(call.args[0]) in ("rule", "declared(rule)"):
            continue  # ``bad`` and ``_violation`` pass their own argument on (checked where they are called)
        assert ids is not None, f"validate.py:{call.lineno}: a rule id that is not a literal"
        for i in ids:
            assert i in rules.RULES, f"validate.py:{call.lineno}: {i!r} is not declared"


def test_each_declared_rule_is_emitted_by_its_declared_validator_check():
    """The check a rule names is the validator function that reports it, and every declared
    rule has one (the validator shares the declaration, not the solver's code)."""
    tree = ast.parse(Path(validate.__file__).read_text(encoding="utf-8"))
    emitted_by: dict[str, set[str]] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            for call in calls_in(fn, {"bad", "_violation"}):
                for i in literal_ids(call.args[0]) or []:
                    emitted_by.setdefault(i, set()).add(fn.name)
    assert set(emitted_by) == set(rules.RULES)
    for rule in rules.RULES.values():
        assert resolve(rule.check).__name__ in emitted_by[rule.id], (rule.id, rule.check, emitted_by[rule.id])


def test_the_validator_imports_nothing_of_compile_or_the_solver():
    imported = {
        n.module
        for n in ast.walk(ast.parse(Path(validate.__file__).read_text(encoding="utf-8")))
        if isinstance(n, ast.ImportFrom)
    }
    assert not {m for m in imported if m and (m.startswith("scheduler.core") or m == "scheduler.domain.compile")}
    assert "ortools" not in imported


@pytest.mark.parametrize("module", ["scheduler/domain/compile.py", "scheduler/plan/replan.py"])
def test_rule_ids_of_the_neutral_problem_come_from_the_registry(module):
    """No ``problem.add_rule`` outside the registry: compile and re-planning name families
    through ``rules.add_rule``, and each literal family is declared."""
    path = ROOT / module
    direct = [c for c in calls(path, {"add_rule"}) if isinstance(c.func, ast.Attribute)]
    assert not direct, f"{module}:{direct[0].lineno} calls Problem.add_rule directly"
    for c in calls(path, {"add_rule"}):
        family = c.args[1]
        if isinstance(family, ast.Constant):
            assert family.value in rules.RULES, f"{module}:{c.lineno}: {family.value!r} is not declared"


def test_no_other_module_adds_rules_to_a_problem():
    users = sorted(
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*.py")
        if p.name != "rules.py" and any(isinstance(c.func, ast.Attribute) for c in calls(p, {"add_rule"}))
    )
    assert users == []


@pytest.mark.parametrize("level", list(rules.LEVELS.values()), ids=list(rules.LEVELS))
def test_every_objective_level_is_declared_with_its_parts(level: rules.Level):
    assert level.label_key in TEXT and CJK.search(TEXT[level.label_key][0])
    assert level.fields and all(f.startswith("plan.json:") or scenario_field(f) for f in level.fields)
    assert callable(resolve(level.compile)) and callable(resolve(level.check))


def test_the_declared_levels_are_the_solvers_and_the_validators():
    assert list(rules.LEVELS) == [*REPLAN_LEVELS[:1], *REPLAN_LEVELS[3:], *REPLAN_LEVELS[1:3]]
    assert set(LEVELS) | set(REPLAN_LEVELS) == set(rules.LEVELS)
    assert {lv.id for lv in rules.LEVELS.values() if lv.check.endswith(":stability")} == set(REPLAN_LEVELS) - set(LEVELS)


def test_an_order_with_no_venue_left_names_the_eligibility_rules_that_removed_them():
    d = scenario_dict()
    d["offerings"][0]["venues"] = ["sx-square"]  # shanxia's own square, but fenghuang ordered
    d["orders"][0]["community"] = "fenghuang"
    out = solve_dict(d)
    assert out.plan is not None and [u.reason for u in out.plan.unmet] == ["no_venue"]
    u = out.plan.unmet[0]
    assert u.messages["zh"] == "没有可用的场地：《消防安全》只能用指定的场地；社区场地只在该社区参加时使用。"
    assert (
        u.messages["en"]
        == "No venue is left: “消防安全” may only use its listed venues; a community's venue only when that community attends."
    )
