"""Reading filled-in forms back (``read_form``): whose form it is, checked against the
scenario, and its rows as records, every problem named by file, sheet and cell.

What a form's rows become in the scenario (replacing a community's orders, a
department's offerings and instructors) is ``scheduler.intake.merge``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.domain.i18n import Message
from scheduler.domain.loader import SCENARIO_MAX_BYTES, InputError, InputProblem, _read_bytes, shape_message
from scheduler.domain.workbook import (
    Column,
    Place,
    bounds,
    header_key,
    nfkc,
    open_workbook,
    range_problem,
    read_value,
    sheet_grid,
)
from scheduler.intake.forms import community_menu, offering_labels, owned_offerings
from scheduler.intake.layout import (
    COMMUNITY,
    FORM_VERSION,
    GUIDE,
    HEADER_ROW,
    INFO,
    INPUTS,
    LISTS,
    MENU,
    OFFERINGS,
    ORDERS,
    SHEETS,
    TABLES,
    TEACHERS,
    Table,
    from_label,
    required_sheets,
)
from scheduler.models import DateSpan, Order, Scenario

PLACEHOLDER_ID = "x"  # a row's record is checked before it has an id of its own


@dataclass
class Row:
    """One filled-in row: where it is, its record (scenario keys) and each field's cell."""

    row: int
    record: dict[str, Any]
    places: dict[str, Place]


@dataclass
class Form:
    """One form as read: whose it is and its rows by sheet, or the problems that stop it."""

    path: str
    kind: str = ""
    owner: str = ""
    name: str = ""
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)

    def problem(self, place: Place | None, message: Message) -> None:
        self.problems.append(InputProblem(self.path, place.message() if place else "", "", message))


def read_form(path: str | Path, sc: Scenario) -> Form:
    """Read one form; its problems are in ``Form.problems`` (an unreadable file included)."""
    form = Form(str(path))
    try:
        values, formulas = open_workbook(form.path, _read_bytes(form.path, SCENARIO_MAX_BYTES))
    except InputError as err:
        form.problems += err.problems
        return form
    if not _identify(form, values, sc):
        return form
    for title in INPUTS[form.kind]:
        if title not in values.sheetnames:  # a form older than the sheet (``_identify`` checked the rest)
            continue
        grid, unsaved = sheet_grid(values[title], formulas[title])
        for row, letter in unsaved:
            form.problem(Place(title, row, letter), Message("wb.formula"))
        form.rows[title] = _table_rows(form, TABLES[title], grid)
    menus = _menu(values, sc, form) if form.kind == COMMUNITY else ({}, {})
    for title, rows in form.rows.items():
        for row in rows:
            _resolve(form, title, row, sc, menus)
            _check_record(form, TABLES[title], row)
    _check_rows(form, sc)
    return form


# --------------------------------------------------------------------------- whose form


def _info(values) -> dict[str, str]:
    ws = values[INFO]
    return {nfkc(str(r[0])): r[1] for r in ws.iter_rows(values_only=True) if r and r[0] is not None and len(r) > 1}


def _identify(form: Form, values, sc: Scenario) -> bool:
    """Whose form this is, from its hidden sheet, checked against the scenario; False when it
    cannot be read as a form of this scenario (the problem is noted)."""
    if INFO not in values.sheetnames:
        form.problem(None, Message("fm.not_form", sheet=INFO))
        return False
    info = _info(values)
    form.kind, form.owner, form.name = str(info.get("form", "")), str(info.get("id", "")), str(info.get("name", ""))
    year = _number(info.get("year"))
    version = _number(info.get("version"))
    if form.kind not in SHEETS or version is None or not 1 <= version <= FORM_VERSION:
        form.problem(None, Message("fm.not_form", sheet=INFO))
        return False
    if str(info.get("plan", "")) != sc.plan.name or year != sc.plan.year:
        form.problem(
            None, Message("fm.other_plan", plan=info.get("plan", ""), year=year, ours=sc.plan.name, our_year=sc.plan.year)
        )
        return False
    owners = {c.id for c in sc.communities} if form.kind == COMMUNITY else {d.id for d in sc.departments}
    if form.owner not in owners:
        form.problem(None, Message(f"c.unknown.{form.kind}", id=form.owner))
        return False
    required = required_sheets(form.kind, version)
    missing = [s for s in required if s != GUIDE and s not in values.sheetnames]
    others = "、".join(s for s in values.sheetnames if s not in required and s not in (INFO, LISTS)) or "-"
    for title in missing:
        form.problem(None, Message("fm.missing_sheet", sheet=title, others=others))
    return not missing


def _number(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- rows


def _table_rows(form: Form, table: Table, grid: dict) -> list[Row]:
    """The filled-in rows below the header; the header found by its English keys."""
    from openpyxl.utils import get_column_letter

    known = {c.key: c for c in table.columns()}
    cols: dict[int, Column] = {c: known[k] for (r, c), v in grid.items() if r == HEADER_ROW and (k := header_key(v)) in known}
    for key, col in known.items():
        if col not in cols.values():
            form.problem(Place(table.sheet, HEADER_ROW), Message("fm.missing_column", name=f"{col.zh} {key}"))
    rows = []
    for r in sorted({r for r, _ in grid if r > HEADER_ROW}):
        record, places = {}, {}
        for c, col in cols.items():
            places[col.key] = Place(table.sheet, r, get_column_letter(c), col.zh, col.key, bounds(col))
            raw = grid.get((r, c))
            value = read_value(col, from_label(col.key, nfkc(raw)) if isinstance(raw, str) and col.code else raw)
            if value is not None:
                record[col.key] = value
        if record:
            rows.append(Row(r, record, places))
    return rows


def _menu(values, sc: Scenario, form: Form) -> tuple[dict[str, str], dict[str, str]]:
    """The offering of each label: the form's own menu first (what the person picked from),
    then the labels today's menu gives, then the ids themselves; and the labels of the
    form's menu whose offering the scenario no longer offers this community."""
    community = next(c for c in sc.communities if c.id == form.owner)
    allowed = community_menu(sc, community)
    ids = {o.id for o in allowed}
    picked, gone = {}, {}
    grid, _ = sheet_grid(values[MENU], values[MENU])
    keys = {header_key(v): c for (r, c), v in grid.items() if r == 1}
    for r in sorted({r for r, _ in grid if r > 1}) if "title" in keys and "id" in keys else []:
        label, oid = grid.get((r, keys["title"])), str(grid.get((r, keys["id"])))
        if label is not None:
            (picked if oid in ids else gone)[nfkc(str(label))] = oid
    for oid, label in offering_labels(sc, allowed).items():
        picked.setdefault(nfkc(label), oid)  # as the cell is read: NFKC
    return picked | {i: i for i in ids}, gone


def _resolve(form: Form, title: str, row: Row, sc: Scenario, menus: tuple[dict, dict]) -> None:
    """Names a person writes, as the scenario's ids: the offering ordered, the instructors."""
    if title == ORDERS and "offering" in row.record:
        label = nfkc(str(row.record["offering"]))
        menu, gone = menus
        if label in menu:
            row.record["offering"] = menu[label]
        elif label in gone:
            form.problem(row.places["offering"], Message("fm.withdrawn", title=label, id=gone[label]))
        else:
            form.problem(row.places["offering"], Message("fm.unknown_offering", title=label))
    if title == OFFERINGS and "instructors" in row.record:
        row.record["instructors"] = [_teacher(form, sc, row, n) for n in row.record["instructors"]]


def _teacher(form: Form, sc: Scenario, row: Row, name: str) -> str:
    """An instructor of the form's department by name or id (the form's 教员 table first)."""
    listed = [r.record for r in form.rows.get(TEACHERS, [])]
    department = next(d for d in sc.departments if d.id == form.owner)
    known = listed + [i.model_dump() for i in department.instructors]
    for person in known:
        if name in (person.get("id"), person.get("name")) and person.get("id"):
            return person["id"]
    if any(name == person.get("name") for person in listed):
        return name  # a new instructor of this form: ``merge`` gives the id
    form.problem(row.places["instructors"], Message("fm.unknown_teacher", name=name))
    return name


def _check_record(form: Form, table: Table, row: Row) -> None:
    """A row's fields checked by the scenario's own model, each problem at its cell."""
    model = table.model
    data = {"id": PLACEHOLDER_ID, **row.record} if "id" in model.model_fields else dict(row.record)
    if model is Order:
        data["community"] = form.owner
    try:
        model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            if key == "end" and "end" not in row.record and model is DateSpan:
                continue  # an empty last day is the first day's copy: its problem is told at the first day
            place = row.places.get(key, Place(table.sheet, row.row))
            message = shape_message(err)
            ranged = range_problem(form.path, place, message) if len(err["loc"]) == 1 else None
            form.problems.append(ranged or InputProblem(form.path, place.message(), "", message))


def _check_rows(form: Form, sc: Scenario) -> None:
    """What a row can get wrong with respect to others: a course ordered twice, an id used
    twice on the form, an id that is another department's course."""
    for title, rows in form.rows.items():
        key = "offering" if title == ORDERS else "id"
        first: dict[str, int] = {}
        for row in rows:
            value = row.record.get(key)
            if value is None:
                continue
            if value in first:
                form.problem(row.places[key], Message(f"fm.twice.{key}", value=value, row=first[value]))
            first.setdefault(value, row.row)
    if form.kind == COMMUNITY:
        return
    department = next(d for d in sc.departments if d.id == form.owner)
    own = {o.id for o in owned_offerings(sc, department)}
    teachers = {i.id for i in department.instructors}
    others = {o.id for o in sc.offerings} - own
    other_teachers = set(sc.instructors()) - teachers
    for title, taken in ((OFFERINGS, others), (TEACHERS, other_teachers)):
        for row in form.rows.get(title, []):
            if row.record.get("id") in taken:
                form.problem(row.places["id"], Message("fm.id_taken", id=row.record["id"]))
