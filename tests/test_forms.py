"""Forms out, forms back (issue 15): `schedule forms` writes an order form per community and a
menu form per department; people fill them in (here with openpyxl, as a person would:
by picking titles and typing numbers); `schedule collect` merges them into a scenario,
naming every problem by file, sheet and cell, and writes nothing when a form is bad."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from calendar_data import tiny_plan
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from scheduler.cli.commands import main
from scheduler.domain.loader import load_scenario
from scheduler.publish.export import write_xlsx

ROOT = Path(__file__).resolve().parent.parent
PINGHU = ROOT / "examples" / "pinghu-2026" / "scenario.yaml"
PINGHU_2027 = ROOT / "examples" / "pinghu-2027" / "scenario.yaml"
RAW = yaml.safe_load(PINGHU.read_text(encoding="utf-8"))
NAMES = {c["id"]: c["name"] for c in RAW["communities"]}
DEPARTMENTS = {d["id"]: d["name"] for d in RAW["departments"]}
HEADER_ROW = 3  # where the input tables' headers are (scheduler.intake.layout.HEADER_ROW)


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def forms(tmp_path: Path, *extra, scenario: Path = PINGHU, folder: str = "forms") -> Path:
    out = tmp_path / folder
    result = invoke("forms", scenario, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return out


def columns_of(ws, row: int = HEADER_ROW) -> dict[str, int]:
    """Column numbers by the English key of each header ("参加人数 attendees" -> attendees)."""
    return {str(c.value).split()[-1]: c.column for c in ws[row] if c.value}


def menu_labels(wb) -> dict[str, str]:
    """The title a person picks for each offering id, read from the form's own menu."""
    ws = wb["课程菜单"]
    cols = columns_of(ws, 1)
    return {r[cols["id"] - 1]: r[cols["title"] - 1] for r in ws.iter_rows(min_row=2, values_only=True)}


def fill_orders(path: Path, orders: list[dict]) -> None:
    """Fill a community's order form with ``orders`` (scenario records), one row each."""
    wb = openpyxl.load_workbook(path)
    labels, ws = menu_labels(wb), wb["点单"]
    cols = columns_of(ws)
    for r, order in enumerate(orders, HEADER_ROW + 1):
        ws.cell(r, cols["offering"], labels[order["offering"]])
        ws.cell(r, cols["attendees"], order["attendees"])
        if order.get("roles"):
            ws.cell(r, cols["roles"], "，".join(order["roles"]))  # a person's full-width commas
        if "priority" in order:
            ws.cell(r, cols["priority"], order["priority"])
        if order.get("preferred_months"):
            ws.cell(r, cols["preferred_months"], ",".join(map(str, order["preferred_months"])))
    wb.save(path)


def form_of(folder: Path, community: str) -> Path:
    return folder / f"点单表-{NAMES[community]}.xlsx"


def filled_forms(tmp_path: Path, scenario: Path = PINGHU) -> list[Path]:
    """The twelve community forms, each filled with the example's own orders."""
    folder = forms(tmp_path, scenario=scenario)
    for cid in NAMES:
        fill_orders(form_of(folder, cid), [o for o in RAW["orders"] if o["community"] == cid])
    return [form_of(folder, cid) for cid in NAMES]


def collect(tmp_path: Path, paths, *extra, scenario: Path = PINGHU, out: str = "merged.yaml"):
    return invoke("collect", scenario, *paths, "--out", tmp_path / out, *extra)


def without_orders(tmp_path: Path) -> Path:
    data = copy.deepcopy(RAW)
    data["orders"] = []
    path = tmp_path / "menu-only.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the forms


def test_one_order_form_per_community_with_its_menu_an_order_table_and_a_hidden_identity(tmp_path):
    folder = forms(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"点单表-{n}.xlsx" for n in NAMES.values())
    wb = openpyxl.load_workbook(form_of(folder, "shanxia"))
    assert wb.sheetnames[:4] == ["说明", "课程菜单", "点单", "不能参训日期"]
    assert [wb[s].sheet_state for s in wb.sheetnames[4:]] == ["hidden"] * (len(wb.sheetnames) - 4)
    assert "山厦社区" in str(wb["点单"]["A1"].value) and "山厦社区" in str(wb["说明"]["A1"].value)
    offered = set(menu_labels(wb))
    by_id = {o["id"]: o for o in RAW["offerings"]}
    assert not any(by_id[i]["type"] == "department" for i in offered), "部门带部门 is never ordered"
    hosted = {o["id"] for o in RAW["offerings"] if o.get("host") == "shanxia"}
    assert hosted and not hosted & offered, "a community does not visit its own site"
    assert {o["offering"] for o in RAW["orders"] if o["community"] == "shanxia"} <= offered


def test_the_order_form_protects_everything_but_the_input_rows_and_has_dropdowns(tmp_path):
    wb = openpyxl.load_workbook(form_of(forms(tmp_path), "shanxia"))
    ws = wb["点单"]
    assert all(wb[s].protection.sheet for s in wb.sheetnames)
    assert wb.security.lockStructure
    assert ws.cell(HEADER_ROW, 1).protection.locked and ws["A1"].protection.locked
    first = HEADER_ROW + 1
    assert not ws.cell(first, 1).protection.locked and not ws.cell(first, 5).protection.locked
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    cols = columns_of(ws)
    letters = {k: openpyxl.utils.get_column_letter(c) + str(first) for k, c in cols.items()}
    assert set(letters.values()) <= set(rules), "offering, attendees, roles, priority and months each have a dropdown"
    assert rules[letters["offering"]].formula1.startswith("'课程菜单'!")
    assert rules[letters["priority"]].showErrorMessage, "priority is one of 5..1, nothing else"


def test_department_forms_list_what_each_department_teaches_and_its_instructors(tmp_path):
    folder = forms(tmp_path, "--departments", folder="menus")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"菜单表-{n}.xlsx" for n in DEPARTMENTS.values())
    wb = openpyxl.load_workbook(folder / "菜单表-应急管理办.xlsx")
    ws = wb["送课菜单"]
    cols = columns_of(ws)
    ids = [ws.cell(r, cols["id"]).value for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, cols["id"]).value]
    ours = [o["id"] for o in RAW["offerings"] if o.get("department") == "yingji"]
    mentored = {p["id"] for p in RAW["pairs"] if p["mentor"] == "yingji"}
    ours += [o["id"] for o in RAW["offerings"] if o.get("pair") in mentored]
    assert sorted(ids) == sorted(ours)
    assert {c for c in ("title", "type", "format", "duration", "capacity", "max_runs", "months", "instructors")} <= set(cols)
    row = HEADER_ROW + 1
    assert ws.cell(row, cols["type"]).value in ("同行学同行", "部门带部门"), "choices read as a person says them"
    teachers = wb["教员"]
    tcols = columns_of(teachers)
    names = [teachers.cell(r, tcols["name"]).value for r in range(HEADER_ROW + 1, teachers.max_row + 1)]
    yingji = next(d for d in RAW["departments"] if d["id"] == "yingji")
    assert [n for n in names if n] == [i["name"] for i in yingji["instructors"]]
    assert "unavailable" in tcols


def test_every_form_reads_in_an_independent_reader(tmp_path):
    for path in [*forms(tmp_path).iterdir(), *forms(tmp_path, "--departments", folder="menus").iterdir()]:
        wb = CalamineWorkbook.from_path(str(path))
        first = wb.get_sheet_by_name(wb.sheet_names[1]).to_python()
        assert first and any(cell not in ("", None) for cell in first[0]), path.name


# --------------------------------------------------------------------------- collecting


def test_twelve_forms_filled_with_the_examples_orders_collect_into_the_examples_orders(tmp_path):
    paths = filled_forms(tmp_path)
    result = collect(tmp_path, paths)
    assert result.exit_code == 0, result.output
    merged = load_scenario(tmp_path / "merged.yaml")
    assert merged.orders == load_scenario(PINGHU).orders
    assert "新增0，修改0，删除0，不变15" in result.output  # 白坭坑社区: its 15 orders came back as they were


def test_forms_collected_into_a_menu_without_orders_give_the_examples_orders_ids_and_all(tmp_path):
    empty = without_orders(tmp_path)
    paths = filled_forms(tmp_path, scenario=empty)
    result = collect(tmp_path, paths, scenario=empty)
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "merged.yaml").orders == load_scenario(PINGHU).orders


def test_collecting_unchanged_forms_keeps_the_reference_file_byte_for_byte(tmp_path):
    paths = filled_forms(tmp_path) + list(forms(tmp_path, "--departments", folder="menus").iterdir())
    result = collect(tmp_path, paths)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "merged.yaml").read_text(encoding="utf-8") == PINGHU.read_text(encoding="utf-8")


def _edit_shanxia(path: Path) -> None:
    """Change the first order's attendees, clear the second row, order one more (typed as a person would)."""
    wb = openpyxl.load_workbook(path)
    ws, labels = wb["点单"], menu_labels(wb)
    cols = columns_of(ws)
    ws.cell(HEADER_ROW + 1, cols["attendees"], "９")  # full-width digit
    for c in cols.values():
        ws.cell(HEADER_ROW + 2, c).value = None  # ws.cell(r, c, None) would leave the value
    last = max(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, cols["offering"]).value) + 1
    ws.cell(last, cols["offering"], labels["p-dengue"])
    ws.cell(last, cols["attendees"], "12 ")
    ws.cell(last, cols["preferred_months"], "３，４")
    wb.save(path)


def test_a_changed_form_changes_only_its_orders_and_the_comments_stay(tmp_path):
    paths = filled_forms(tmp_path)
    shanxia = form_of(paths[0].parent, "shanxia")
    _edit_shanxia(shanxia)
    result = collect(tmp_path, paths)
    assert result.exit_code == 0, result.output
    assert "山厦社区（shanxia）点单：新增1，修改1，删除1，不变12" in result.output
    text = (tmp_path / "merged.yaml").read_text(encoding="utf-8")
    before = PINGHU.read_text(encoding="utf-8")
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == [
        line for line in text.splitlines() if line.lstrip().startswith("#")
    ], "every comment of the reference example is kept"
    merged, old = load_scenario(tmp_path / "merged.yaml"), load_scenario(PINGHU)
    mine = [o for o in old.orders if o.community == "shanxia"]
    now = {o.offering: o for o in merged.orders if o.community == "shanxia"}
    assert now[mine[0].offering].attendees == 9 and now[mine[0].offering].id == mine[0].id
    assert mine[1].offering not in now
    added = now["p-dengue"]
    assert added.attendees == 12 and added.preferred_months == [3, 4] and added.id not in {o.id for o in old.orders}
    others = [o for o in merged.orders if o.community != "shanxia"]
    assert others == [o for o in old.orders if o.community != "shanxia"]


def test_a_department_form_adds_a_course_and_an_instructor_who_teaches_it(tmp_path):
    folder = forms(tmp_path, "--departments", folder="menus")
    path = folder / "菜单表-应急管理办.xlsx"
    wb = openpyxl.load_workbook(path)
    ws, teachers = wb["送课菜单"], wb["教员"]
    cols, tcols = columns_of(ws), columns_of(teachers)
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 2) if not ws.cell(r, cols["title"]).value)
    for key, value in (("title", "台风天气人员转移"), ("type", "同行学同行"), ("format", "线下"), ("duration", "半天")):
        ws.cell(row, cols[key], value)
    ws.cell(row, cols["capacity"], 60)
    ws.cell(row, cols["months"], "6,7,8")
    ws.cell(row, cols["instructors"], "新教员")
    trow = next(r for r in range(HEADER_ROW + 1, teachers.max_row + 2) if not teachers.cell(r, tcols["name"]).value)
    teachers.cell(trow, tcols["name"], "新教员")
    teachers.cell(trow, tcols["unavailable"], "2026-07-01~2026-07-10（培训）")
    wb.save(path)
    result = collect(tmp_path, [path])
    assert result.exit_code == 0, result.output
    merged = load_scenario(tmp_path / "merged.yaml")
    new = next(o for o in merged.offerings if o.title == "台风天气人员转移")
    teacher = next(i for d in merged.departments for i in d.instructors if i.name == "新教员")
    assert new.department == "yingji" and new.months == [6, 7, 8] and new.instructors == [teacher.id]
    assert teacher.unavailable[0].reason == "培训"
    assert "课程：新增1" in result.output and "教员：新增1" in result.output


def test_removing_a_course_that_orders_still_ask_for_is_reported_on_that_form(tmp_path):
    folder = forms(tmp_path, "--departments", folder="menus")
    path = folder / "菜单表-应急管理办.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["送课菜单"]
    cols = columns_of(ws)
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, cols["id"]).value == "p-fire-typhoon")
    ws.delete_rows(row)
    wb.save(path)
    result = collect(tmp_path, [path])
    assert result.exit_code == 2
    assert "p-fire-typhoon" in result.output and "菜单表-应急管理办.xlsx" in result.output
    assert not (tmp_path / "merged.yaml").exists()


# --------------------------------------------------------------------------- bad forms


def _break(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["点单"]
    cols = columns_of(ws)
    first = HEADER_ROW + 1
    ws.cell(first, cols["priority"], 7)
    ws.cell(first + 1, cols["offering"], "没有这门课")
    ws.cell(first + 2, cols["attendees"]).value = None
    ws.cell(first + 3, cols["offering"], ws.cell(first + 4, cols["offering"]).value)
    wb.save(path)


def test_every_problem_of_a_form_is_named_by_file_sheet_and_cell_and_nothing_is_written(tmp_path):
    paths = filled_forms(tmp_path)
    bad = form_of(paths[0].parent, "xinmu")
    _break(bad)
    out = tmp_path / "merged.yaml"
    result = collect(tmp_path, paths)
    assert result.exit_code == 2 and not out.exists()
    assert f"{bad} 点单!D4：优先级应为1–5，实为7" in result.output
    assert f"{bad} 点单!A5（课程）：课程“没有这门课”不在本表的课程菜单中" in result.output
    assert f"{bad} 点单!B6（参加人数）：" in result.output
    assert "点单!A8（课程）" in result.output and "已在第7行点过" in result.output
    english = invoke("collect", PINGHU, bad, "--out", out, "--lang", "en")
    assert english.exit_code == 2 and f"{bad}: 点单!D4: priority should be 1–5, got 7" in english.output


def test_a_form_of_another_year_a_renamed_sheet_and_a_form_sent_twice_are_reported(tmp_path):
    paths = filled_forms(tmp_path)
    folder = paths[0].parent
    renamed = form_of(folder, "fenghuang")
    wb = openpyxl.load_workbook(renamed)
    wb["点单"].title = "我们的点单"
    wb.save(renamed)
    twice = folder / "点单表-山厦社区（再发一次）.xlsx"
    shutil.copy(form_of(folder, "shanxia"), twice)
    result = collect(tmp_path, [*paths, twice])
    assert result.exit_code == 2
    assert f"{renamed}：缺少“点单”表" in result.output and "我们的点单" in result.output
    assert f"{twice}：与 {form_of(folder, 'shanxia')} 是同一份表单" in result.output
    other_year = invoke("collect", PINGHU_2027, form_of(folder, "xinmu"), "--out", tmp_path / "m.yaml")
    assert other_year.exit_code == 2 and "2026" in other_year.output and not (tmp_path / "m.yaml").exists()


def test_skip_bad_merges_the_good_forms_and_lists_the_bad(tmp_path):
    paths = filled_forms(tmp_path, scenario=without_orders(tmp_path))
    bad = form_of(paths[0].parent, "xinmu")
    _break(bad)
    result = collect(tmp_path, paths, "--skip-bad", scenario=tmp_path / "menu-only.yaml")
    assert result.exit_code == 0, result.output
    assert f"未合并 {bad}" in result.output
    merged = load_scenario(tmp_path / "merged.yaml")
    assert {o.community for o in merged.orders} == set(NAMES) - {"xinmu"}


def test_an_order_for_a_course_withdrawn_after_the_forms_went_out_is_named(tmp_path):
    paths = filled_forms(tmp_path)
    data = copy.deepcopy(RAW)
    data["offerings"] = [o for o in data["offerings"] if o["id"] != "p-dengue"]
    data["orders"] = [o for o in data["orders"] if o["offering"] != "p-dengue"]
    later = tmp_path / "later.yaml"
    later.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    asking = sorted({o["community"] for o in RAW["orders"] if o["offering"] == "p-dengue"})
    result = collect(tmp_path, [form_of(paths[0].parent, asking[0])], scenario=later)
    assert result.exit_code == 2
    assert "（p-dengue）已不在本社区可点的课程菜单中" in result.output and "登革热" in result.output


def test_a_workbook_that_is_no_form_and_odd_outputs_exit_2(tmp_path):
    scenario_book = tmp_path / "scenario.xlsx"
    assert invoke("workbook", PINGHU, "--out", scenario_book).exit_code == 0
    result = collect(tmp_path, [scenario_book])
    assert result.exit_code == 2 and "schedule forms" in result.output
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"not a zip")
    assert collect(tmp_path, [garbage]).exit_code == 2
    paths = filled_forms(tmp_path)
    assert collect(tmp_path, paths[:1], out="merged.txt").exit_code == 2
    assert collect(tmp_path, paths[:1], out="no/such/folder/m.yaml").exit_code == 2
    clash = tmp_path / "file"
    clash.write_text("x", encoding="utf-8")
    assert invoke("forms", PINGHU, "--out", clash).exit_code == 2


def test_the_collected_scenario_solves_and_a_workbook_output_reads_back(tmp_path):
    paths = filled_forms(tmp_path)
    result = collect(tmp_path, paths, out="merged.xlsx")
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "merged.xlsx") == load_scenario(PINGHU)


# --------------------------------------------------------------------------- LibreOffice


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI must run the LibreOffice tests: install libreoffice-calc-nogui (.ci/run does)", pytrace=False)
    pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")


def libreoffice_save(paths: list[Path], out: Path, profile: Path) -> list[Path]:
    """Open each workbook in LibreOffice and save it again as .xlsx (headless, its own profile)."""
    out.mkdir()
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    command += ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, paths)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    saved = [out / p.name for p in paths]
    assert all(p.exists() for p in saved), subprocess.list2cmdline(command)
    return saved


def test_libreoffice_converts_every_generated_workbook(tmp_path):
    """The forms, the scenario workbook and the exported plan.xlsx: each opens in LibreOffice
    and is saved again; what it saves reads back in openpyxl and in calamine."""
    made = [*forms(tmp_path).iterdir(), *forms(tmp_path, "--departments", folder="menus").iterdir()]
    book = tmp_path / "scenario.xlsx"
    assert invoke("workbook", PINGHU, "--out", book).exit_code == 0
    (tmp_path / "export").mkdir()
    plan_book = write_xlsx(tiny_plan(), tmp_path / "export")
    converted = libreoffice_save([*made, book, plan_book], tmp_path / "lo", tmp_path / "profile")
    for path, original in zip(converted, [*made, book, plan_book]):
        assert openpyxl.load_workbook(path).sheetnames == openpyxl.load_workbook(original).sheetnames, path.name
        assert CalamineWorkbook.from_path(str(path)).sheet_names, path.name
    assert load_scenario(tmp_path / "lo" / "scenario.xlsx") == load_scenario(PINGHU)


def test_a_form_saved_by_libreoffice_keeps_its_dropdowns_and_protection_and_still_collects(tmp_path):
    paths = filled_forms(tmp_path)
    _edit_shanxia(form_of(paths[0].parent, "shanxia"))
    saved = libreoffice_save(paths, tmp_path / "lo", tmp_path / "profile")
    wb = openpyxl.load_workbook(saved[list(NAMES).index("shanxia")])
    ws = wb["点单"]
    assert ws.protection.sheet and not ws.cell(HEADER_ROW + 1, 1).protection.locked
    assert any(str(dv.formula1).lstrip("'").startswith("课程菜单") for dv in ws.data_validations.dataValidation)
    direct = collect(tmp_path, paths, out="direct.yaml")
    through = collect(tmp_path, saved, out="through.yaml")
    assert direct.exit_code == 0 and through.exit_code == 0, through.output
    assert load_scenario(tmp_path / "through.yaml") == load_scenario(tmp_path / "direct.yaml")


def test_forms_and_collect_help_load_no_heavy_library():
    from test_startup import HEAVY, loaded

    for command in ("forms", "collect"):
        assert not loaded(command, "--help") & (set(HEAVY) | {"ruamel.yaml"}), command
