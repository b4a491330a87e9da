"""The scenario as an Excel workbook (issue 15): `schedule workbook` writes it, every command
reads it, and every problem in it is named by sheet and cell as Excel shows them."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import get_args, get_origin

import openpyxl
import pytest
from click.testing import CliRunner
from pydantic import BaseModel
from python_calamine import CalamineWorkbook

from scheduler.cli.commands import main
from scheduler.domain.loader import InputError, load_scenario
from scheduler.domain.workbook import SHEETS, _bare
from scheduler.models import (
    Blackout,
    Community,
    DateSpan,
    Department,
    HolidayOverrides,
    Instructor,
    Offering,
    Order,
    Pair,
    PlanSettings,
    Scenario,
    Venue,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TINY = EXAMPLES / "tiny" / "scenario.yaml"
PINGHU = EXAMPLES / "pinghu-2026" / "scenario.yaml"
TITLES = ["说明", "计划", "社区", "部门", "教员", "场地", "课程菜单", "点单", "结对", "停办期", "节假日调整"]
SHEET_OF = {
    PlanSettings: "计划",
    Community: "社区",
    Department: "部门",
    Instructor: "教员",
    Venue: "场地",
    Offering: "课程菜单",
    Order: "点单",
    Pair: "结对",
    Blackout: "停办期",
    HolidayOverrides: "节假日调整",
}


def invoke(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def no_crash(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def make(tmp_path: Path, scenario: Path = TINY, name: str = "scenario.xlsx") -> Path:
    out = tmp_path / name
    result = invoke("workbook", scenario, "--out", out)
    no_crash(result)
    assert result.exit_code == 0, result.output
    return out


def edit(path: Path, change, name: str = "edited.xlsx") -> Path:
    """Open the workbook with openpyxl, change it as a person would, save it under ``name``."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    out = path.with_name(name)
    wb.save(out)
    return out


def problems(path: Path, lang: str = "zh") -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return [p.text(lang) for p in caught.value.problems]


def header_keys(rows: list[list]) -> list[str]:
    return [str(h).split()[-1] for h in rows[0] if h not in (None, "")]


# --------------------------------------------------------------------------- the written workbook


def test_written_workbook_reads_back_in_an_independent_reader_with_every_section_sheet(tmp_path):
    out = make(tmp_path, PINGHU)
    sc = load_scenario(PINGHU)
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == TITLES
    orders = wb.get_sheet_by_name("点单").to_python()
    assert orders[0][:7] == [
        "编号 id",
        "社区 community",
        "课程 offering",
        "参加人数 attendees",
        "参加人员 roles",
        "优先级 priority",
        "希望月份 preferred_months",
    ]
    assert len(orders) == len(sc.orders) + 1 and [r[0] for r in orders[1:]] == [o.id for o in sc.orders]
    teachers = wb.get_sheet_by_name("教员").to_python()
    assert len(teachers) - 1 == sum(len(d.instructors) for d in sc.departments)
    plan = wb.get_sheet_by_name("计划").to_python()
    assert [r[1] for r in plan if r[1] == "sessions.secretary.min"] and plan[0][:3] == ["项目 item", "键 key", "值 value"]
    for title in TITLES[2:]:  # every header: a Chinese name, then the English key
        for cell in wb.get_sheet_by_name(title).to_python()[0]:
            zh, key = str(cell).rsplit(" ", 1)
            assert re.fullmatch(r"[A-Za-z_.]+", key) and not zh.isascii(), (title, cell)
    guide = " ".join(str(r[0]) for r in wb.get_sheet_by_name("说明").to_python())
    assert "3,4,5" in guide and "2026-07-06~2026-07-24" in guide and "教员" in guide  # the layout is documented
    venue = next(r for r in wb.get_sheet_by_name("场地").to_python() if r[0] == "v-hall")
    assert "2026-01-26~2026-01-30（街道年度工作会议）" in venue[-1]  # spans in their documented form


def _leaves(model: type[BaseModel], prefix: str = ""):
    """(model owning a sheet, dotted key) of every field, walked independently of the module:
    nested models flatten into dotted keys, lists of records have sheets of their own."""
    for name, info in model.model_fields.items():
        kind = _bare(info.annotation)
        item = _bare(get_args(kind)[0]) if get_origin(kind) is list else None
        if isinstance(kind, type) and issubclass(kind, BaseModel) and kind in SHEET_OF:
            yield from _leaves(kind)
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from ((model, k) for _, k in _leaves(kind, f"{prefix}{name}."))  # flattened into its owner's sheet
        elif isinstance(item, type) and issubclass(item, BaseModel) and item is not DateSpan:
            yield from _leaves(item)
        else:
            yield model, prefix + name


def test_every_field_of_every_scenario_model_is_a_column_of_its_sheet(tmp_path):
    """A field added to the models appears in the workbook with no change to its code."""
    wb = CalamineWorkbook.from_path(str(make(tmp_path)))
    keys = {t: header_keys(wb.get_sheet_by_name(t).to_python()) for t in TITLES[2:]}
    keys["计划"] = [r[1] for r in wb.get_sheet_by_name("计划").to_python()[1:]]
    found = 0
    for model in (Scenario,):
        for owner, key in _leaves(model):
            if owner is Scenario:
                continue
            sheet = SHEET_OF.get(owner, "计划")
            if owner is HolidayOverrides:  # its lists are the kinds of 节假日调整 rows
                assert key in HolidayOverrides.model_fields and "kind" in keys[sheet]
                continue
            assert key in keys[sheet], (owner.__name__, key, sheet)
            found += 1
    assert found > 60  # the walk did find the fields


def test_workbook_has_dropdowns_bounds_a_frozen_header_and_fitting_widths(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path, PINGHU))
    orders = wb["点单"]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in orders.data_validations.dataValidation}
    assert rules["B2"].type == "list" and rules["B2"].formula1.startswith("'社区'!$A$2")
    assert rules["C2"].formula1.startswith("'课程菜单'!$A$2")
    assert (rules["F2"].type, rules["F2"].operator, rules["F2"].formula1, rules["F2"].formula2) == ("whole", "between", "1", "5")
    menu = {str(dv.sqref).split(":")[0]: dv for dv in wb["课程菜单"].data_validations.dataValidation}
    assert menu["C2"].formula1 == '"secretary,peer,community,department"'  # type
    assert menu["I2"].formula1 == '"half_day,full_day,evening"' and menu["L2"].formula1 == '"offline,online,hybrid"'
    assert menu["D2"].formula1.startswith("'部门'!$A$2")
    for title in TITLES[1:]:
        assert wb[title].freeze_panes == "A2", title
    assert wb["课程菜单"].column_dimensions["B"].width >= 2 * 20  # titles of 20+ Chinese characters fit
    assert wb["点单"].column_dimensions["A"].width < wb["课程菜单"].column_dimensions["B"].width


@pytest.mark.parametrize("example", ["tiny", "pinghu-2026", "pinghu-2027"])
def test_yaml_to_workbook_to_scenario_gives_the_same_scenario(tmp_path, example):
    source = EXAMPLES / example / "scenario.yaml"
    assert load_scenario(make(tmp_path, source)) == load_scenario(source)


def test_a_workbook_written_from_a_workbook_is_the_same_scenario(tmp_path):
    first = make(tmp_path, PINGHU, "a.xlsx")
    assert load_scenario(make(tmp_path, first, "b.xlsx")) == load_scenario(PINGHU)


def test_pinghu_solved_from_the_workbook_gives_the_same_plan_as_from_the_yaml(tmp_path):
    book = make(tmp_path, PINGHU)
    plans = []
    for source, name in ((PINGHU, "yaml"), (book, "xlsx")):
        result = invoke(
            "solve", source, "--out", tmp_path / name, "--db", f"sqlite:///{tmp_path / name}.db", "--deterministic", "--quiet"
        )
        no_crash(result)
        assert result.exit_code == 0, result.output
        plans.append(json.loads((tmp_path / name / "plan.json").read_text(encoding="utf-8")))
    assert plans[0]["sessions"] and plans[0]["sessions"] == plans[1]["sessions"]
    assert plans[0]["unmet"] == plans[1]["unmet"]


# --------------------------------------------------------------------------- what real files contain


def test_dates_typed_as_text_or_stored_as_excel_dates_are_read(tmp_path):
    def change(wb):
        ws = wb["停办期"]
        ws.append(["2026/3/16", "2026年3月18日", "区里检查", None, None])
        ws.append([dt.datetime(2026, 3, 23), dt.datetime(2026, 3, 24, 0, 0), "复核", None, None])
        wb["社区"]["E2"] = "２０２６－０３－２５~2026/3/26（值班）"

    sc = load_scenario(edit(make(tmp_path), change))
    spans = [(b.start, b.end, b.reason) for b in sc.plan.blackouts[-2:]]
    assert spans == [
        (dt.date(2026, 3, 16), dt.date(2026, 3, 18), "区里检查"),
        (dt.date(2026, 3, 23), dt.date(2026, 3, 24), "复核"),
    ]
    assert (sc.communities[0].unavailable[0].start, sc.communities[0].unavailable[0].reason) == (dt.date(2026, 3, 25), "值班")


def test_numbers_as_text_full_width_digits_and_commas_and_trailing_spaces_are_read(tmp_path):
    def change(wb):
        ws = wb["点单"]
        ws["D2"] = "25"  # a number stored as text
        ws["D3"] = "２０"  # full-width digits
        ws["G2"] = "３，４"  # full-width digits and comma
        ws["B3"] = "shanxia  "  # trailing spaces
        ws["E3"] = "民政专干，社工 "

    sc = load_scenario(edit(make(tmp_path), change))
    first, second = sc.orders[0], sc.orders[1]
    assert (first.attendees, first.preferred_months) == (25, [3, 4])
    assert (second.attendees, second.community, second.roles) == (20, "shanxia", ["民政专干", "社工"])


def test_empty_and_hidden_rows_keep_every_order_and_the_row_numbers_excel_shows(tmp_path):
    def change(wb):
        ws = wb["点单"]
        ws.insert_rows(4, 2)  # two empty rows
        ws.row_dimensions[7].hidden = True  # a hidden row is read all the same
        ws["F9"] = 9  # the order shown in row 9 (O-006)

    path = edit(make(tmp_path), change)
    assert problems(path) == [f"{path} 点单!F9：优先级应为1–5，实为9"]
    path = edit(path, lambda wb: wb["点单"].__setitem__("F9", 2), "fixed.xlsx")
    expected = [o if o.id != "O-006" else o.model_copy(update={"priority": 2}) for o in load_scenario(TINY).orders]
    assert load_scenario(path).orders == expected


def test_a_merged_cell_counts_for_every_row_it_covers(tmp_path):
    def change(wb):
        ws = wb["点单"]
        ws.merge_cells("B4:B7")  # one community for four orders, as planners lay it out

    sc = load_scenario(edit(make(tmp_path), change))
    assert [o.community for o in sc.orders] == [o.community for o in load_scenario(TINY).orders]


def _with_cached_result(path: Path, cell: str, formula: str, result: str) -> Path:
    """A formula with the result Excel saved beside it (openpyxl writes formulas without one)."""
    out = path.with_name("cached.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet8.xml":  # 点单, the eighth sheet
                text = data.decode()
                text = re.sub(rf'<c r="{cell}"[^>]*>.*?</c>', f'<c r="{cell}"><f>{formula}</f><v>{result}</v></c>', text, count=1)
                data = text.encode()
            dst.writestr(item, data)
    return out


def test_a_formula_gives_its_saved_result_and_one_without_a_result_is_reported(tmp_path):
    book = make(tmp_path)
    assert openpyxl.load_workbook(book).sheetnames[7] == "点单"
    cached = _with_cached_result(book, "D2", "10+15", "25")
    assert load_scenario(cached).orders[0].attendees == 25
    bare = edit(book, lambda wb: wb["点单"].__setitem__("D2", "=10+15"))
    assert problems(bare) == [f"{bare} 点单!D2：公式没有保存的计算结果：请在 Excel 中打开并保存一次，或直接填写数值"]


def test_extra_sheets_and_note_columns_are_ignored_but_a_renamed_section_is_reported(tmp_path):
    def extra(wb):
        wb.create_sheet("备注").append(["随便写点什么", 1, 2])
        wb["点单"]["H1"] = "备注"  # a column without an English key: notes
        wb["点单"]["H2"] = "请尽量安排在上午"

    assert load_scenario(edit(make(tmp_path), extra)) == load_scenario(TINY)
    renamed = edit(make(tmp_path), lambda wb: setattr(wb["点单"], "title", "点单表"), "renamed.xlsx")
    assert problems(renamed) == [f"{renamed} 工作表“点单表”：这张表像是“点单”表，但名称不符，未读取：请改名为“点单”"]
    typo = edit(make(tmp_path), lambda wb: wb["点单"].__setitem__("F1", "优先级 priorty"), "typo.xlsx")
    assert f"{typo} 点单!F1（优先级 priorty）：没有“priorty”这一列（是否拼写有误？）" in problems(typo)


# --------------------------------------------------------------------------- problems by sheet and cell


def _broken(wb) -> None:
    wb["点单"]["F3"] = 7  # priority out of range
    wb["点单"]["B4"] = "nowhere"  # an unknown community
    wb["课程菜单"]["I2"] = "two_days"  # not a duration
    wb["教员"]["A3"] = "no-such-department"


def test_every_problem_is_named_by_sheet_and_cell_in_chinese_and_english(tmp_path):
    path = edit(make(tmp_path), _broken)
    zh = problems(path)
    assert f"{path} 点单!F3：优先级应为1–5，实为7" in zh
    assert any(p.startswith(f"{path} 课程菜单!I2（时长）：应为以下取值之一") for p in zh), zh
    assert f"{path} 教员!A3（所属部门）：部门 no-such-department 不存在" in zh
    assert f"{path} 点单!B4（社区）：社区 nowhere 不存在" in zh
    assert len(zh) == 4  # all at once: shape problems, the reader's and the whole-scenario checks together
    en = problems(path, "en")
    assert f"{path}: 点单!F3: priority should be 1–5, got 7" in en
    assert f"{path}: 教员!A3 (department): unknown department 'no-such-department'" in en


def test_a_bad_workbook_exits_2_with_every_problem_and_writes_nothing(tmp_path):
    path = edit(make(tmp_path), _broken)
    out, db = tmp_path / "out", tmp_path / "store.db"
    for lang, where in (("zh", "点单!F3：优先级应为1–5，实为7"), ("en", "点单!F3: priority should be 1–5, got 7")):
        result = invoke("solve", path, "--out", out, "--db", f"sqlite:///{db}", "--lang", lang)
        no_crash(result)
        assert result.exit_code == 2 and where in result.output and "教员!A3" in result.output, result.output
    assert not out.exists() and not db.exists()
    result = invoke("workbook", path, "--out", tmp_path / "again.xlsx", "--lang", "en")
    assert result.exit_code == 2 and "课程菜单!I2 (duration)" in result.output and not (tmp_path / "again.xlsx").exists()


def test_a_file_that_is_no_workbook_exits_2_naming_it(tmp_path):
    fake = tmp_path / "scenario.xlsx"
    fake.write_text("plan: {}\n", encoding="utf-8")
    result = invoke("solve", fake, "--out", tmp_path / "out", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--lang", "en")
    no_crash(result)
    assert result.exit_code == 2 and f"{fake}: not a readable Excel workbook" in result.output
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    result = invoke("solve", folder, "--out", tmp_path / "out", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2 and "这是文件夹" in result.output and not (tmp_path / "out").exists()


def test_workbook_command_refuses_an_output_it_cannot_write_and_writes_nothing(tmp_path):
    for out, text in ((tmp_path / "plan.txt", "应以 .xlsx 结尾"), (tmp_path / "missing" / "a.xlsx", "不存在")):
        result = invoke("workbook", TINY, "--out", out)
        no_crash(result)
        assert result.exit_code == 2 and text in result.output and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_every_section_sheet_of_the_design_is_in_the_module():
    assert [s.title for s in SHEETS] == TITLES[1:]


def test_a_missing_sheet_and_a_misspelt_plan_item_are_named(tmp_path):
    def change(wb):
        del wb["社区"]
        wb["计划"]["B3"] = "yaer"

    path = edit(make(tmp_path), change)
    found = problems(path)
    assert f"{path} 计划!B3（键）：计划中没有“yaer”这一项（是否拼写有误？）" in found
    assert f"{path} 工作表“社区”：缺少必填字段" in found
    assert f"{path} 计划!C3（年份）：缺少必填字段" not in found  # the misspelt row is the one problem there
    assert any(p.startswith(f"{path} 工作表“计划”") and "year" in p for p in found), found


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    import scheduler.domain.workbook as workbook

    path = make(tmp_path)
    monkeypatch.setattr(workbook, "UNPACKED_MAX_BYTES", 4096)  # the tiny workbook unpacks to more
    result = invoke("solve", path, "--out", tmp_path / "out", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--lang", "en")
    assert result.exit_code == 2 and "unpacks to more than 0 MB" in result.output and not (tmp_path / "out").exists()


def test_workbook_help_loads_no_heavy_library():
    from test_startup import HEAVY, loaded

    assert not loaded("workbook", "--help") & set(HEAVY)


def test_a_sheet_of_headers_only_is_an_empty_section_not_a_missing_one(tmp_path):
    path = edit(make(tmp_path), lambda wb: wb["社区"].delete_rows(2, 100))
    found = problems(path)
    assert f"{path} 工作表“社区”：缺少必填字段" not in found
    assert f"{path} 点单!B2（社区）：社区 shanxia 不存在" in found  # the orders now name no known community
