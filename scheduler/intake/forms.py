"""``schedule forms``: one order form (点单表) per community, or one menu form (菜单表) per
department, as Excel workbooks a person fills in (``layout`` says what is on them).

A community's form shows the menu it may order from (never a 部门带部门 offering, never a
site visit it hosts itself) and an order table with a dropdown of the menu's titles; a
department's form lists what it teaches now and its instructors, to be edited. Only the
input rows are unlocked; the sheets and the workbook's structure are protected (no
password: it guards against slips, not against the planner).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from scheduler import __version__
from scheduler.domain.i18n import t, type_name
from scheduler.domain.workbook import Column, fit_columns, header, save_workbook, set_cell, write_value
from scheduler.intake.layout import (
    ATTEND_AWAY,
    AWAY,
    COMMUNITY,
    DEPARTMENT,
    FILE_PREFIX,
    FORM_VERSION,
    GUIDE,
    HEADER_ROW,
    INFO,
    LISTS,
    MENU,
    OFFERINGS,
    ORDERS,
    TABLES,
    TEACHERS,
    Table,
    choices,
)
from scheduler.models import HEADS, Community, DateSpan, Department, Offering, Order, Scenario, SessionType

SPARE_ROWS = 30  # empty input rows below a department's current offerings and instructors
MOST_ATTENDEES = 300  # the attendees dropdown lists 1..cadres, at most this many
MENU_KEYS = ("title", "type", "deliverer", "format", "duration", "months", "capacity", "max_runs", "id")


# --------------------------------------------------------------------------- what goes on a form


def community_menu(sc: Scenario, community: Community) -> list[Offering]:
    """What ``community`` may order: every offering but 部门带部门 ones and site visits it hosts."""
    return [
        o
        for o in sc.offerings
        if o.type != SessionType.department and not (o.type == SessionType.community and o.host == community.id)
    ]


def deliverer(sc: Scenario, offering: Offering) -> str:
    """Who delivers an offering, by name: its department, its host community, or its teachers."""
    names = {d.id: d.name for d in sc.departments} | {c.id: c.name for c in sc.communities}
    if offering.department or offering.host:
        return names.get(offering.department or offering.host or "", "")
    if offering.pair:
        pair = next((p for p in sc.pairs if p.id == offering.pair), None)
        return names.get(pair.mentor, "") if pair else ""
    teachers = sc.instructors()
    return "、".join(teachers[i][1].name for i in offering.instructors if i in teachers)


def offering_labels(sc: Scenario, offerings: list[Offering]) -> dict[str, str]:
    """The text each offering shows in the dropdown, by id: its title, with who delivers it
    where two share a title, with its id where that is not enough either."""
    titles = Counter(o.title for o in offerings)
    labels = {o.id: o.title if titles[o.title] == 1 else f"{o.title}（{deliverer(sc, o)}）" for o in offerings}
    twice = Counter(labels.values())
    return {i: label if twice[label] == 1 else f"{label}（{i}）" for i, label in labels.items()}


def owned_offerings(sc: Scenario, department: Department) -> list[Offering]:
    """The offerings a department's form replaces: its 同行学同行 ones, the 部门带部门 ones it
    mentors, and the 书记教书记 ones only its own instructors teach."""
    own = {i.id for i in department.instructors}
    mentors = {p.id for p in sc.pairs if p.mentor == department.id}
    return [
        o
        for o in sc.offerings
        if o.department == department.id
        or (o.type == SessionType.department and o.pair in mentors)
        or (o.type == SessionType.secretary and o.instructors and set(o.instructors) <= own)
    ]


def file_name(kind: str, name: str, owner: str, names: Counter) -> str:
    """``点单表-山厦社区.xlsx``; the id is added where two share a name; no character a file system refuses."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or owner
    return f"{FILE_PREFIX[kind]}-{safe if names[name] == 1 else f'{safe}-{owner}'}.xlsx"


# --------------------------------------------------------------------------- sheets


def _info(wb, sc: Scenario, kind: str, owner: str, name: str) -> None:
    """The hidden sheet that says whose form this is (``collect`` checks it)."""
    ws = wb.create_sheet(INFO)
    items = [
        ("form", kind),
        ("id", owner),
        ("name", name),
        ("plan", sc.plan.name),
        ("year", sc.plan.year),
        ("version", FORM_VERSION),
        ("made_by", f"scheduler {__version__}"),
    ]
    for r, (key, value) in enumerate(items, 1):
        set_cell(ws, r, 1, key)
        set_cell(ws, r, 2, value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _guide(wb, text: str) -> None:
    ws = wb.active
    ws.title = GUIDE
    for r, line in enumerate(text.split("\n"), 1):
        set_cell(ws, r, 1, line)
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _lists(wb):
    """The hidden sheet of dropdown values; ``add(values)`` gives a formula for a list of them."""
    ws = wb.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    from openpyxl.utils import get_column_letter

    columns = iter(range(1, 16385))  # one column a list

    def add(values: list[Any]) -> str:
        column = next(columns)
        for r, value in enumerate(values, 1):
            set_cell(ws, r, column, value)
        letter = get_column_letter(column)
        return f"'{LISTS}'!${letter}$1:${letter}${max(len(values), 1)}"

    return add


def _dropdown(ws, cells: str, formula: str, lang: str, strict: bool = True) -> None:
    """A list validation on ``cells``; not ``strict``: the list suggests, other text is allowed
    (several months, a role not listed)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=strict)
    rule.error, rule.errorTitle = t("wb.dv.list", lang), t("wb.dv.title", lang)
    rule.prompt = None if strict else t("fm.dv.several", lang)
    rule.showInputMessage = not strict
    rule.add(cells)
    ws.add_data_validation(rule)


def _table(wb, table: Table, title: str, rows: list[list[Any]], n_rows: int, lang: str):
    """An input table: a title line, the header in ``HEADER_ROW``, ``rows`` below and empty
    rows to ``n_rows``; only the input cells are unlocked. Returns the sheet and the last row."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    ws = wb.create_sheet(table.sheet)
    set_cell(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    cols = table.columns()
    for c, col in enumerate(cols, 1):
        set_cell(ws, HEADER_ROW, c, header(col))
        ws.cell(row=HEADER_ROW, column=c).font = Font(bold=True)
        ws.cell(row=HEADER_ROW, column=c).alignment = Alignment(wrap_text=True, vertical="center")
    last = HEADER_ROW + max(n_rows, len(rows), 1)
    fill = PatternFill("solid", fgColor="FFF8E1")  # a pale yellow: where to write
    for r in range(HEADER_ROW + 1, last + 1):
        values = rows[r - HEADER_ROW - 1] if r - HEADER_ROW - 1 < len(rows) else [None] * len(cols)
        for c, value in enumerate(values, 1):
            set_cell(ws, r, c, value)
            cell = ws.cell(row=r, column=c)
            cell.protection, cell.fill = Protection(locked=False), fill
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths may be changed
    fit_columns(ws)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 24)
    return ws, last


def _choice_rules(ws, table: Table, last: int, add, lang: str) -> None:
    """Dropdowns of the choice columns (type, format, duration, tier, yes/no), by label."""
    from openpyxl.utils import get_column_letter

    for c, col in enumerate(table.columns(), 1):
        labels = choices(col.key, lang)
        if labels:
            letter = get_column_letter(c)
            _dropdown(ws, f"{letter}{HEADER_ROW + 1}:{letter}{last}", add(list(labels.values())), lang)


def _cell(col: Column, value: Any, lang: str) -> Any:
    """A value as a form shows it: a choice by its label, the rest as the scenario workbook does."""
    labels = choices(col.key, lang)
    raw = getattr(value, "value", value)
    if labels and raw is not None:
        return labels.get("TRUE" if raw is True else "FALSE" if raw is False else raw, raw)
    return write_value(col, value)


# --------------------------------------------------------------------------- the two forms


def _menu_sheet(wb, sc: Scenario, menu: list[Offering], labels: dict[str, str], lang: str) -> str:
    """The read-only menu; returns the formula of its titles for the order table's dropdown."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(MENU)
    for c, key in enumerate(MENU_KEYS, 1):
        set_cell(ws, 1, c, f"{t(f'fm.menu.{key}', 'zh')} {key}")
        ws.cell(row=1, column=c).font = Font(bold=True)
    for r, o in enumerate(menu, 2):
        values = (
            labels[o.id],
            type_name(o.type.value, lang),
            deliverer(sc, o),
            choices("format", lang)[o.format.value],
            choices("duration", lang)[o.duration.value],
            ",".join(map(str, o.months)) or t("fm.menu.any_month", lang),
            o.capacity,
            o.max_runs,
            o.id,
        )
        for c, value in enumerate(values, 1):
            set_cell(ws, r, c, value)
    ws.freeze_panes = "B2"
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
    ws.auto_filter.ref = f"A1:I{len(menu) + 1}"
    fit_columns(ws)
    return f"'{MENU}'!$A$2:$A${max(len(menu) + 1, 2)}"


def community_form(sc: Scenario, community: Community, lang: str = "zh", orders: bool = False):
    """The order form of one community (an openpyxl workbook); ``orders``: its current orders filled in."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    wb = Workbook()
    _guide(wb, t("fm.guide.community", lang, community=community.name, plan=sc.plan.name))
    menu = community_menu(sc, community)
    labels = offering_labels(sc, menu)
    titles = _menu_sheet(wb, sc, menu, labels, lang)
    table = TABLES[ORDERS]
    mine = [o for o in sc.orders if o.community == community.id and o.offering in labels] if orders else []
    rows = [_order_row(table, o, labels, lang) for o in mine]
    title = t("fm.orders.title", lang, community=community.name, id=community.id, plan=sc.plan.name)
    ws, last = _table(wb, table, title, rows, len(menu), lang)
    add = _lists(wb)
    first = HEADER_ROW + 1
    _dropdown(ws, f"A{first}:A{last}", titles, lang)
    most = min(community.cadres or MOST_ATTENDEES, MOST_ATTENDEES, HEADS)
    _dropdown(ws, f"B{first}:B{last}", add(list(range(1, most + 1))), lang, strict=community.cadres > MOST_ATTENDEES)
    _dropdown(ws, f"C{first}:C{last}", add(_known_roles(sc)), lang, strict=False)
    _dropdown(ws, f"D{first}:D{last}", add([5, 4, 3, 2, 1]), lang)
    _dropdown(ws, f"E{first}:E{last}", add(list(range(1, 13))), lang, strict=False)
    title = t("fm.attend_away.title", lang, community=community.name, id=community.id)
    _away_sheet(wb, ATTEND_AWAY, community.unavailable, title, lang)
    _info(wb, sc, COMMUNITY, community.id, community.name)
    wb.move_sheet(LISTS, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS))  # hidden sheets last
    wb.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed, moved or shown
    return wb


def _order_row(table: Table, order: Order, labels: dict[str, str], lang: str) -> list[Any]:
    values = {"offering": labels[order.offering]}
    return [values.get(c.key, _cell(c, getattr(order, c.key), lang)) for c in table.columns()]


def _known_roles(sc: Scenario) -> list[str]:
    """The roles the scenario's orders name, most named first (a suggestion, not a limit)."""
    counted = Counter(r for o in sc.orders for r in o.roles)
    return [r for r, _ in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))] or ["网格员", "安全员", "两委委员"]


def department_form(sc: Scenario, department: Department, lang: str = "zh"):
    """The menu form of one department: what it teaches now and its instructors, to be edited."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection

    wb = Workbook()
    _guide(wb, t("fm.guide.department", lang, department=department.name, plan=sc.plan.name))
    add = _lists(wb)
    offerings, teachers = TABLES[OFFERINGS], TABLES[TEACHERS]
    mine = owned_offerings(sc, department)
    rows = [[_offering_cell(c, o, lang) for c in offerings.columns()] for o in mine]
    title = t("fm.offerings.title", lang, department=department.name, id=department.id, plan=sc.plan.name)
    ws, last = _table(wb, offerings, title, rows, len(rows) + SPARE_ROWS, lang)
    _choice_rules(ws, offerings, last, add, lang)
    keys = [c.key for c in offerings.columns()]
    for key, values in (("pair", [p.id for p in sc.pairs if p.mentor == department.id]), ("months", list(range(1, 13)))):
        letter = get_column_letter(keys.index(key) + 1)
        _dropdown(ws, f"{letter}{HEADER_ROW + 1}:{letter}{last}", add(values or [""]), lang, strict=key == "pair")
    rows = [[_cell(c, getattr(i, c.key), lang) for c in teachers.columns()] for i in department.instructors]
    title = t("fm.teachers.title", lang, department=department.name, id=department.id)
    ws, last = _table(wb, teachers, title, rows, len(rows) + SPARE_ROWS, lang)
    _choice_rules(ws, teachers, last, add, lang)
    title = t("fm.away.title", lang, department=department.name, id=department.id)
    _away_sheet(wb, AWAY, department.unavailable, title, lang)
    _info(wb, sc, DEPARTMENT, department.id, department.name)
    wb.move_sheet(LISTS, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS))  # hidden sheets last
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _away_sheet(wb, sheet: str, spans: list[DateSpan], title: str, lang: str) -> None:
    """Days away (a department's, or a community's), one span a row, as dates (a date typed
    as text is read too)."""
    away = TABLES[sheet]
    rows = [[_cell(c, getattr(span, c.key), lang) for c in away.columns()] for span in spans]
    ws, last = _table(wb, away, title, rows, len(rows) + SPARE_ROWS, lang)
    for r in range(HEADER_ROW + 1, last + 1):
        for c in (1, 2):
            ws.cell(row=r, column=c).number_format = "yyyy-mm-dd"


def _offering_cell(col: Column, offering: Offering, lang: str) -> Any:
    """An offering's cell on its department's form; the audience tier only where it counts (书记教书记)."""
    if col.key == "audience_tier" and offering.type != SessionType.secretary:
        return None
    return _cell(col, getattr(offering, col.key), lang)


def write_forms(sc: Scenario, out_dir: Path, lang: str = "zh", departments: bool = False, orders: bool = False) -> list[Path]:
    """Write one form per community (or per department) into ``out_dir``; the paths written."""
    owners = sc.departments if departments else sc.communities
    kind = DEPARTMENT if departments else COMMUNITY
    names = Counter(o.name for o in owners)
    written = []
    for owner in owners:
        wb = department_form(sc, owner, lang) if departments else community_form(sc, owner, lang, orders)
        path = out_dir / file_name(kind, owner.name, owner.id, names)
        save_workbook(wb, path)
        written.append(path)
    return written
