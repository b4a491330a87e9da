"""``schedule why ORDER`` (issue 13): one order explained in full from plan.json, a fresh
what-if on request, and bad input refused with exit 2; and the plan's sessions read back
as the neutral problem's assignments (the inverse the re-check relies on)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import build
from test_cli import no_crash, write_scenario
from test_reasons import OPTS, two_orders_one_community

from scheduler.cli.commands import main
from scheduler.core.solve import solve
from scheduler.domain.compile import compile_scenario
from scheduler.plan.planfile import assignments_of, build_plan
from scheduler.plan.reasons import explain_unmet


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    no_crash(result)
    return result


def solved(tmp_path):
    scenario = write_scenario(tmp_path, two_orders_one_community(gap=7, priorities=(3, 5)))
    out = tmp_path / "out"
    result = invoke("solve", scenario, "--out", out, "--db", tmp_path / "s.db", "--deterministic", "--quiet")
    assert result.exit_code == 0, result.output
    return out / "plan.json"


def test_why_tells_the_tier_the_rules_and_the_orders_it_would_drop(tmp_path):
    plan = solved(tmp_path)
    result = invoke("why", "O-1", "--plan", plan)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "点单 O-1：山厦社区《消防安全》，20人，优先级3"
    assert "层级 2：可以满足，但不在本方案中" in lines
    assert any(x.startswith("  O-2  山厦社区 《三防应急》 优先级5") for x in lines)
    assert "核实方式：假设求解（状态 OPTIMAL）" in lines
    en = invoke("why", "O-1", "--plan", plan, "--lang", "en").output
    assert "Tier 2: it can be met, but not in this plan" in en and "Orders meeting it would drop:" in en


def test_why_on_a_met_order_names_its_session(tmp_path):
    plan = solved(tmp_path)
    session = json.loads(plan.read_text(encoding="utf-8"))["sessions"][0]
    result = invoke("why", "O-2", "--plan", plan)
    assert result.exit_code == 0 and f"已满足：场次 {session['id']}" in result.output


def test_a_recheck_finds_what_the_plan_says(tmp_path):
    plan = solved(tmp_path)
    stored = invoke("why", "O-1", "--plan", plan).output.splitlines()
    fresh = invoke("why", "O-1", "--plan", plan, "--recheck").output.splitlines()
    assert "（以下为重新核实的结果，按本方案的场景全年重新求解）" in fresh
    assert [x for x in fresh if not x.startswith("（")] == stored


def test_an_unknown_order_or_an_unreadable_plan_is_refused_with_exit_2(tmp_path):
    plan = solved(tmp_path)
    result = invoke("why", "O-404", "--plan", plan)
    assert result.exit_code == 2 and "点单 O-404 不存在" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = invoke("why", "O-1", "--plan", broken)
    assert result.exit_code == 2 and "broken.json" in result.output
    result = invoke("why", "O-1", "--plan", tmp_path / "none.json")
    assert result.exit_code == 2 and "none.json" in result.output


def test_a_plans_sessions_read_back_as_the_solutions_assignments():
    sc = build(two_orders_one_community(gap=2, priorities=(3, 5)))
    comp = compile_scenario(sc)
    sol = solve(comp.problem, OPTS)
    plan = build_plan(sc, comp, sol, OPTS, "", "", "zh", explain_unmet(sc, comp, sol.assignments, OPTS, 5))
    back = assignments_of(comp, plan.sessions)

    def key(a):
        return (a.event, a.start, sorted(a.options.items()), sorted(a.demands))

    assert sorted(map(key, back)) == sorted(map(key, sol.assignments)) and len(back) == 2


def test_evidence_edited_by_hand_is_refused_naming_the_field(tmp_path):
    plan = solved(tmp_path)
    data = json.loads(plan.read_text(encoding="utf-8"))
    data["unmet"][0]["rules"] = ["made.up:rule"]
    data["unmet"][0]["displaced"] = ["O-404"]
    plan.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = invoke("why", "O-1", "--plan", plan)
    assert result.exit_code == 2
    assert "unmet[0]" in result.output and "made.up:rule" in result.output and "O-404" in result.output
    data["unmet"][0]["tier"] = 7
    plan.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = invoke("why", "O-1", "--plan", plan)
    assert result.exit_code == 2 and "tier" in result.output
