"""A department's own days away on its menu form: `schedule forms --departments` lists the
days the whole department cannot deliver (sheet 不能送课日期), the department edits them,
and `schedule collect` puts them into the scenario, where the solver keeps sessions of the
department off those days. A bad date is named by file, sheet and cell; a form made before
the sheet existed leaves the department's days as they were."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import openpyxl
import yaml
from test_forms import HEADER_ROW, RAW, collect, columns_of, forms, invoke

from scheduler.domain.loader import load_scenario

AWAY = "不能送课日期"
SPANS = [{"start": "2026-04-13", "end": "2026-04-17", "reason": "集中轮训"}, {"start": "2026-09-30", "end": "2026-09-30"}]


def scenario_with_days_away(tmp_path: Path) -> Path:
    """The Pinghu example with 应急管理办 (yingji) away on two spans."""
    data = copy.deepcopy(RAW)
    next(d for d in data["departments"] if d["id"] == "yingji")["unavailable"] = copy.deepcopy(SPANS)
    path = tmp_path / "away.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def yingji_form(tmp_path: Path, scenario: Path) -> Path:
    return forms(tmp_path, "--departments", scenario=scenario, folder="menus") / "菜单表-应急管理办.xlsx"


def rows(ws) -> list[tuple]:
    cols = columns_of(ws)
    out = []
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        values = tuple(ws.cell(r, cols[k]).value for k in ("start", "end", "reason"))
        if any(v not in (None, "") for v in values):
            out.append(values)
    return out


def test_the_department_form_lists_its_days_away_as_dates(tmp_path):
    wb = openpyxl.load_workbook(yingji_form(tmp_path, scenario_with_days_away(tmp_path)))
    ws = wb[AWAY]
    assert rows(ws) == [
        (dt.datetime(2026, 4, 13), dt.datetime(2026, 4, 17), "集中轮训"),
        (dt.datetime(2026, 9, 30), dt.datetime(2026, 9, 30), None),
    ]
    assert ws.protection.sheet and not ws.cell(HEADER_ROW + 3, 1).protection.locked, "blank rows below take new spans"
    assert "不能送课日期" in "\n".join(str(c.value) for c in wb["说明"]["A"] if c.value)


def test_changed_days_away_reach_the_scenario_and_are_tallied(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    path = yingji_form(tmp_path, scenario)
    wb = openpyxl.load_workbook(path)
    ws = wb[AWAY]
    cols = columns_of(ws)
    ws.cell(HEADER_ROW + 1, cols["reason"], "党校轮训")  # the same days, another reason: changed
    for key in ("start", "end", "reason"):
        ws.cell(HEADER_ROW + 2, cols[key]).value = None  # 30 September removed
    ws.cell(HEADER_ROW + 3, cols["start"], "2026年11月2日")  # typed as text, one day: no last day
    ws.cell(HEADER_ROW + 4, cols["start"], dt.date(2026, 6, 1))
    ws.cell(HEADER_ROW + 4, cols["end"], dt.date(2026, 6, 5))
    wb.save(path)
    result = collect(tmp_path, [path], scenario=scenario)
    assert result.exit_code == 0, result.output
    yingji = next(d for d in load_scenario(tmp_path / "merged.yaml").departments if d.id == "yingji")
    assert [(s.start, s.end, s.reason) for s in yingji.unavailable] == [
        (dt.date(2026, 4, 13), dt.date(2026, 4, 17), "党校轮训"),
        (dt.date(2026, 11, 2), dt.date(2026, 11, 2), ""),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 5), ""),
    ]
    assert "应急管理办（yingji）不能送课日期：新增2，修改1，删除1，不变0" in result.output, result.output


def test_unchanged_days_away_keep_the_file_byte_for_byte(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    result = collect(tmp_path, [yingji_form(tmp_path, scenario)], scenario=scenario)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "merged.yaml").read_text(encoding="utf-8") == scenario.read_text(encoding="utf-8")
    assert "不能送课日期：新增0，修改0，删除0，不变2" in result.output


def _write_rows(path: Path, spans: list[tuple]) -> None:
    """Below the form's two spans, one row per (start, end) (None: left empty)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[AWAY]
    cols = columns_of(ws)
    for r, (start, end) in enumerate(spans, HEADER_ROW + 3):
        ws.cell(r, cols["start"], start)
        ws.cell(r, cols["end"], end)
    wb.save(path)


def test_a_day_that_does_not_exist_is_named_by_sheet_and_cell_and_nothing_is_written(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    path = yingji_form(tmp_path, scenario)
    _write_rows(path, [("2026-02-30", None)])
    out = tmp_path / "merged.yaml"
    result = collect(tmp_path, [path], scenario=scenario)
    assert result.exit_code == 2 and not out.exists(), result.output
    assert f"{path} {AWAY}!A6（开始日期）：" in result.output and "2026-02-30" in result.output, result.output
    assert f"{AWAY}!B6" not in result.output, "the empty last day is not a second problem"
    english = invoke("collect", scenario, path, "--out", out, "--lang", "en")
    assert english.exit_code == 2 and f"{path}: {AWAY}!A6" in english.output and not out.exists(), english.output


def test_a_reversed_span_and_a_day_of_another_year_are_named_by_their_rows(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    path = yingji_form(tmp_path, scenario)
    _write_rows(path, [(dt.date(2026, 8, 10), dt.date(2026, 8, 3)), (dt.date(2027, 1, 4), None)])
    result = collect(tmp_path, [path], scenario=scenario)
    assert result.exit_code == 2 and not (tmp_path / "merged.yaml").exists(), result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error: ")]
    assert any(f"{path} {AWAY}!第6行：" in ln and "2026-08-10" in ln and "2026-08-03" in ln for ln in lines), lines
    assert any(f"{path} {AWAY}!第7行：" in ln and "2027-01-04" in ln for ln in lines), lines


def _info_row(wb, key: str) -> int:
    ws = wb["表单信息"]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)


def test_a_form_made_before_the_sheet_existed_keeps_the_departments_days(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    path = yingji_form(tmp_path, scenario)
    wb = openpyxl.load_workbook(path)
    wb.security = None
    del wb[AWAY]
    wb["表单信息"].cell(_info_row(wb, "version"), 2, 1)  # layout version 1 had no such sheet
    wb.save(path)
    result = collect(tmp_path, [path], scenario=scenario)
    assert result.exit_code == 0, result.output
    yingji = next(d for d in load_scenario(tmp_path / "merged.yaml").departments if d.id == "yingji")
    assert [(s.start.isoformat(), s.end.isoformat()) for s in yingji.unavailable] == [(s["start"], s["end"]) for s in SPANS]
    assert "不能送课日期：" not in result.output


def test_a_renamed_days_away_sheet_is_reported_not_taken_for_an_old_form(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    path = yingji_form(tmp_path, scenario)
    wb = openpyxl.load_workbook(path)
    wb[AWAY].title = "外出日期"  # LibreOffice drops the structure protection: sheets can be renamed
    wb.save(path)
    result = collect(tmp_path, [path], scenario=scenario)
    assert result.exit_code == 2 and not (tmp_path / "merged.yaml").exists(), result.output
    assert f"{path}：缺少“{AWAY}”表" in result.output and "外出日期" in result.output, result.output


def test_collected_days_away_keep_the_departments_sessions_off_them(tmp_path):
    scenario = scenario_with_days_away(tmp_path)
    path = yingji_form(tmp_path, scenario)
    _write_rows(path, [(dt.date(2026, 3, 1), dt.date(2026, 4, 30))])  # without it, 3 of its 7 sessions fall here
    assert collect(tmp_path, [path], scenario=scenario).exit_code == 0
    out = tmp_path / "out"
    solved = invoke(
        "solve", tmp_path / "merged.yaml", "--out", out, "--db", tmp_path / "s.db", "--time-limit", "5", "--deterministic"
    )
    assert solved.exit_code == 0, solved.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    theirs = [s for s in plan["sessions"] if "yingji" in s["departments"]]
    assert theirs, "the department still teaches"
    assert not [s for s in theirs if "2026-03-01" <= s["date"] <= "2026-04-30"]


# --------------------------------------------------------------------------- a community's days away

ATTEND_AWAY = "不能参训日期"
ELECTION = (dt.datetime(2026, 3, 16), dt.datetime(2026, 3, 20), "社区“两委”换届选举")  # 白坭坑社区's, in the example


def baiwokeng_form(tmp_path: Path) -> Path:
    """白坭坑社区's order form with its orders filled in (collecting it keeps them)."""
    return forms(tmp_path, "--with-orders") / "点单表-白坭坑社区.xlsx"


def _write_community_rows(path: Path, spans: list[tuple]) -> None:
    """Below the form's one span, one row per (start, end, reason)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ATTEND_AWAY]
    cols = columns_of(ws)
    for r, span in enumerate(spans, HEADER_ROW + 2):
        for key, value in zip(("start", "end", "reason"), span):
            ws.cell(r, cols[key], value)
    wb.save(path)


def test_the_community_form_lists_the_days_it_cannot_attend_and_the_collected_ones_reach_the_scenario(tmp_path):
    path = baiwokeng_form(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert rows(wb[ATTEND_AWAY]) == [ELECTION]
    assert "不能参训日期" in "\n".join(str(c.value) for c in wb["说明"]["A"] if c.value)
    _write_community_rows(path, [(dt.date(2026, 7, 6), dt.date(2026, 7, 10), "防汛值守"), ("2026年9月1日", None, None)])
    result = collect(tmp_path, [path])
    assert result.exit_code == 0, result.output
    merged = load_scenario(tmp_path / "merged.yaml")
    baiwokeng = next(c for c in merged.communities if c.id == "baiwokeng")
    assert [(s.start, s.end, s.reason) for s in baiwokeng.unavailable] == [
        (dt.date(2026, 3, 16), dt.date(2026, 3, 20), "社区“两委”换届选举"),
        (dt.date(2026, 7, 6), dt.date(2026, 7, 10), "防汛值守"),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 1), ""),
    ]
    assert "白坭坑社区（baiwokeng）不能参训日期：新增2，修改0，删除0，不变1" in result.output, result.output
    assert [o.id for o in merged.orders] == [o["id"] for o in RAW["orders"]], "its orders came back as they went"


def test_a_bad_day_on_a_community_form_is_named_by_its_sheet_and_cell_and_nothing_is_written(tmp_path):
    path = baiwokeng_form(tmp_path)
    _write_community_rows(path, [("2026-02-30", None, None)])
    out = tmp_path / "merged.yaml"
    result = collect(tmp_path, [path])
    assert result.exit_code == 2 and not out.exists(), result.output
    assert f"{path} {ATTEND_AWAY}!A5（开始日期）：" in result.output and "2026-02-30" in result.output, result.output
    other_year = baiwokeng_form(tmp_path / "again")  # checked on the merged scenario, named by the form's row
    _write_community_rows(other_year, [(dt.date(2027, 1, 4), None, None)])
    result = collect(tmp_path, [other_year])
    assert result.exit_code == 2 and not out.exists(), result.output
    assert f"{other_year} {ATTEND_AWAY}!第5行：" in result.output and "2027-01-04" in result.output, result.output


def test_a_community_form_of_layout_2_keeps_the_communitys_days_and_a_renamed_sheet_is_reported(tmp_path):
    path = baiwokeng_form(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.security = None
    del wb[ATTEND_AWAY]
    wb["表单信息"].cell(_info_row(wb, "version"), 2, 2)  # layout version 2 had no such sheet for communities
    wb.save(path)
    result = collect(tmp_path, [path])
    assert result.exit_code == 0, result.output
    baiwokeng = next(c for c in load_scenario(tmp_path / "merged.yaml").communities if c.id == "baiwokeng")
    assert [(s.start, s.end) for s in baiwokeng.unavailable] == [(dt.date(2026, 3, 16), dt.date(2026, 3, 20))]
    assert "不能参训日期：" not in result.output
    renamed = baiwokeng_form(tmp_path / "again")
    wb = openpyxl.load_workbook(renamed)
    wb[ATTEND_AWAY].title = "外出日期"
    wb.save(renamed)
    result = collect(tmp_path, [renamed], out="again.yaml")
    assert result.exit_code == 2 and f"{renamed}：缺少“{ATTEND_AWAY}”表" in result.output, result.output


def test_a_communitys_collected_days_keep_its_sessions_off_them(tmp_path):
    path = baiwokeng_form(tmp_path)
    _write_community_rows(path, [(dt.date(2026, 4, 1), dt.date(2026, 6, 30), "集中整治")])
    assert collect(tmp_path, [path]).exit_code == 0
    out = tmp_path / "out"
    solved = invoke(
        "solve", tmp_path / "merged.yaml", "--out", out, "--db", tmp_path / "s.db", "--time-limit", "5", "--deterministic"
    )
    assert solved.exit_code == 0, solved.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    theirs = [s for s in plan["sessions"] if any(a["community"] == "baiwokeng" for a in s["attendance"])]
    assert theirs, "the community still attends"
    assert not [s for s in theirs if "2026-04-01" <= s["date"] <= "2026-06-30"]
