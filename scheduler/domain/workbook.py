"""The scenario as an Excel workbook: written from the pydantic models, and read back into
the same data the YAML loader gives, so that every check applies; each problem is named by
sheet and cell as Excel shows them (``点单!D17``).

Layout (the workbook's first sheet, 说明, says the same to planners):

* one sheet per section (``SHEETS``); the columns of a sheet are the fields of its model,
  found by walking ``model_fields``, so a new field is a new column without code here.
  A nested model (``sessions``, ``caps``) is flattened into dotted keys
  (``sessions.secretary.min``); a list of records gets its own sheet (教员 with a column
  for its department, 停办期, 节假日调整 with a column for the kind of correction);
* 计划 is a key/value sheet (one row per plan item), the others one row per record;
* headers read ``优先级 priority``: the English key finds the column, in any order;
* several values in one cell are separated by commas (months ``3,4,5``); date spans read
  ``2026-07-06~2026-07-24（原因）``, a single day ``2026-05-20``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import types
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from scheduler.domain.i18n import TEXT, Message, t
from scheduler.domain.loader import SCENARIO_MAX_BYTES, InputError, InputProblem, _clip, _read_bytes, validate_data
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

UNPACKED_MAX_BYTES = 200 * 2**20  # a workbook's XML unpacked; the Pinghu one is well under 1 MB
GUIDE = "说明"


@dataclass(frozen=True)
class Sheet:
    """One sheet: its title, where its records sit in the scenario, their model, and the form:
    ``rows`` (one record a row), ``keys`` (one field a row) or ``kinds`` (one list item a row,
    the first column naming the list)."""

    title: str
    path: tuple[str, ...]
    model: type[BaseModel]
    form: str = "rows"
    parent: str | None = None  # rows of a nested list: the column naming the record they belong to


SHEETS = (
    Sheet("计划", ("plan",), PlanSettings, "keys"),
    Sheet("社区", ("communities",), Community),
    Sheet("部门", ("departments",), Department),
    Sheet("教员", ("departments", "instructors"), Instructor, parent="department"),
    Sheet("场地", ("venues",), Venue),
    Sheet("课程菜单", ("offerings",), Offering),
    Sheet("点单", ("orders",), Order),
    Sheet("结对", ("pairs",), Pair),
    Sheet("停办期", ("plan", "blackouts"), Blackout),
    Sheet("节假日调整", ("plan", "holidays"), HolidayOverrides, "kinds"),
)
# fields shown on a sheet of their own rather than as columns of their parent
OWN_SHEET = {(PlanSettings, "blackouts"), (PlanSettings, "holidays"), (Department, "instructors")}
# reference fields: a dropdown of the ids on the sheet they name
REFERENCES = {
    (Order, "community"): "社区",
    (Order, "offering"): "课程菜单",
    (Offering, "department"): "部门",
    (Offering, "host"): "社区",
    (Offering, "pair"): "结对",
    (Pair, "mentor"): "部门",
    (Pair, "learner"): "部门",
    (Instructor, "department"): "部门",
}
CODE_LISTS = {(Offering, "instructors"), (Offering, "venues"), (Venue, "owner")}  # ids, not free text
HOLIDAY_COLUMNS = ("start", "end", "reason")  # of a 节假日调整 row, after the kind


@dataclass(frozen=True)
class Column:
    """A column: its dotted key inside the record, the model and field it comes from, its
    kind (``scalar``, ``list`` of scalars, ``spans`` of dates) and the item type."""

    key: str
    model: type[BaseModel]
    name: str
    kind: str
    item: Any
    zh: str = ""  # the Chinese name, each level of a flattened key joined by ·

    @property
    def code(self) -> bool:
        """Ids, enums, numbers and dates are normalised (full-width digits); free text is kept."""
        if (self.model, self.name) in REFERENCES or (self.model, self.name) in CODE_LISTS:
            return True
        info = self.model.model_fields.get(self.name)
        return self.item is not str or any(getattr(m, "pattern", None) for m in (info.metadata if info else []))


def _bare(annotation: Any) -> Any:
    """The type inside ``Optional[...]`` and ``Annotated[...]``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def columns(model: type[BaseModel], prefix: str = "", zh: str = "") -> list[Column]:
    """Every column of ``model``'s sheet, in field order, nested models flattened."""
    out: list[Column] = []
    for name, info in model.model_fields.items():
        if (model, name) in OWN_SHEET:
            continue
        kind, named = _bare(info.annotation), zh + label(model, name)
        if get_origin(kind) is list:
            item = _bare(get_args(kind)[0])
            if _is_model(item) and item is not DateSpan:  # records in a cell would be unreadable
                raise TypeError(f"{model.__name__}.{name}: a list of records needs a sheet of its own (SHEETS, OWN_SHEET)")
            out.append(Column(prefix + name, model, name, "spans" if item is DateSpan else "list", item, named))
        elif _is_model(kind):
            out += columns(kind, f"{prefix}{name}.", named + "·")
        else:
            out.append(Column(prefix + name, model, name, "scalar", kind, named))
    return out


def sheet_columns(sheet: Sheet) -> list[Column]:
    """The columns of a ``rows`` or ``kinds`` sheet (a ``keys`` sheet lists ``columns`` as rows)."""
    if sheet.form == "kinds":
        kinds = Column("kind", sheet.model, "kind", "scalar", str, label(sheet.model, "kind"))
        spans = [Column(f, DateSpan, f, "scalar", dt.date if f != "reason" else str, label(DateSpan, f)) for f in HOLIDAY_COLUMNS]
        return [kinds, *spans]
    parent = (
        [Column(sheet.parent, sheet.model, sheet.parent, "scalar", str, label(sheet.model, sheet.parent))] if sheet.parent else []
    )
    return parent + columns(sheet.model)


def label(model: type[BaseModel], name: str, lang: str = "zh") -> str:
    """A field's name for planners: ``Model.field`` first, where one name means two things."""
    for key in (f"wb.f.{model.__name__}.{name}", f"wb.f.{name}"):
        if key in TEXT:
            return t(key, lang)
    return name


def bounds(col: Column) -> tuple[int | None, int | None]:
    """The least and greatest value the field of a column allows (None: no bound)."""
    info = col.model.model_fields.get(col.name)
    metadata = info.metadata if info is not None else []
    lo = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    return lo, next((m.le for m in metadata if hasattr(m, "le")), None)


def header(col: Column) -> str:
    """``优先级 priority``; a flattened key names each level, ``场次·书记教书记·至少 sessions.secretary.min``."""
    return f"{col.zh} {col.key}"


# --------------------------------------------------------------------------- cell values


def cell_text(value: Any) -> Any:
    """A scalar as a cell holds it: enums by value, dates as dates, the rest as it is."""
    return value.value if isinstance(value, Enum) else value


def span_text(span: DateSpan) -> str:
    text = span.start.isoformat() if span.start == span.end else f"{span.start.isoformat()}~{span.end.isoformat()}"
    return f"{text}（{span.reason}）" if span.reason else text


def write_value(col: Column, value: Any) -> Any:
    if value is None or value == []:
        return None
    if col.kind == "spans":
        return ", ".join(span_text(s) for s in value)
    if col.kind == "list":
        return ",".join(str(cell_text(v)) for v in value)
    return cell_text(value)


_DATE = r"\d{4}\s*[-/.年－／．]\s*\d{1,2}\s*[-/.月－／．]\s*\d{1,2}\s*日?"
_DATE_PARTS = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_SPAN = re.compile(rf"\s*({_DATE})(?:\s*[~～至到]\s*({_DATE}))?\s*(?:[（(]([^（）()]*)[）)])?\s*(?:[,，、;；\n]\s*|$)")
_CODE_SEP = re.compile(r"[\s,、;；]+")  # after NFKC: full-width commas are commas
_TEXT_SEP = re.compile(r"\s*[,，、;；\n]+\s*")
_EXCEL_DAYS = (1, 2958465)  # serial numbers Excel can show as dates (1900-01-01 .. 9999-12-31)
_YES_NO = {"是": True, "否": False, "TRUE": True, "FALSE": False}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _as_date(raw: Any) -> Any:
    """A date from an Excel date, a serial number (a date cell formatted as a number) or text
    such as ``2026/7/6`` or ``2026年7月6日``; anything else is left for pydantic to report."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and _EXCEL_DAYS[0] <= raw <= _EXCEL_DAYS[1]:
        from openpyxl.utils.datetime import from_excel

        return from_excel(raw).date() if float(raw).is_integer() else raw
    if isinstance(raw, str):
        text = nfkc(raw)
        m = _DATE_PARTS.match(text)
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else text
    return raw


def _scalar(col: Column, raw: Any) -> Any:
    """One value of a column as the YAML loader would give it."""
    if isinstance(raw, str):
        raw = nfkc(raw) if col.code else raw.strip()
    if col.item is dt.date:
        return _as_date(raw)
    if col.item is bool and isinstance(raw, str):
        return _YES_NO.get(raw.upper(), raw)
    if col.item is int and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if col.item is int and isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    if col.item is str and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(int(raw)) if float(raw).is_integer() else str(raw)  # an id Excel took for a number
    if isinstance(raw, dt.datetime) and col.item is not dt.datetime:
        return raw.date().isoformat()
    return raw


def _spans(raw: Any) -> list[Any]:
    """``2026-07-06~2026-07-24（原因）, 2026-05-20``; a piece that is no span is passed on as it
    is, so pydantic names what is wrong with it."""
    if not isinstance(raw, str):
        return [_as_date(raw)]
    out: list[Any] = []
    pos = 0
    while pos < len(raw):
        m = _SPAN.match(raw, pos)
        if not m or m.end() == pos:
            rest = raw[pos:].strip()
            return out + ([rest] if rest else [])
        span = {"start": _as_date(m[1]), "end": _as_date(m[2] or m[1])}
        if m[3]:
            span["reason"] = m[3].strip()
        out.append(span)
        pos = m.end()
    return out


def read_value(col: Column, raw: Any) -> Any:
    """A cell's value for the scenario data, or None for an empty cell (the default applies)."""
    if isinstance(raw, str) and not raw.strip():
        return None
    if raw is None:
        return None
    if col.kind == "spans":
        return _spans(raw)
    if col.kind == "list":
        if isinstance(raw, str):
            text = nfkc(raw) if col.code else raw.strip()
            items = [x for x in (_CODE_SEP if col.code else _TEXT_SEP).split(text) if x]
        else:
            items = [raw]
        return [_scalar(col, x) for x in items]
    return _scalar(col, raw)


def _put(record: dict, key: str, value: Any) -> None:
    """``record[a][b] = value`` for the dotted key ``a.b``."""
    *outer, last = key.split(".")
    for part in outer:
        record = record.setdefault(part, {})
    record[last] = value


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


# --------------------------------------------------------------------------- writing


def _rows(sc: Scenario, sheet: Sheet) -> list[list[Any]]:
    """The cell values of a ``rows`` or ``kinds`` sheet, one list a row."""
    cols = sheet_columns(sheet)
    if sheet.form == "kinds":
        holidays, out = _get(sc, ".".join(sheet.path)), []
        for kind in sheet.model.model_fields:
            for item in getattr(holidays, kind):
                span = item if isinstance(item, DateSpan) else DateSpan(start=item, end=item)
                out.append([kind, span.start, span.end if span.end != span.start else None, span.reason or None])
        return out
    if sheet.parent:  # rows of a nested list: each with the id of the record it belongs to
        outer, inner = sheet.path
        pairs = [(parent.id, item) for parent in getattr(sc, outer) for item in getattr(parent, inner)]
        return [[pid] + [write_value(c, _get(item, c.key)) for c in cols[1:]] for pid, item in pairs]
    return [[write_value(c, _get(item, c.key)) for c in cols] for item in _get(sc, ".".join(sheet.path))]


def set_cell(ws, row: int, column: int, value: Any) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a name that starts with "=" is text, never a formula
        cell.quotePrefix = True
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def text_width(value: Any) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    longest = max(text.split("\n"), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fit_columns(ws, least: int = 8, most: int = 60, wrap: bool = False) -> None:
    """Column widths that fit the longest value (CJK characters are two wide), from ``least``
    to ``most``; ``wrap``: the cells below the header of a column held to ``most`` wrap,
    top-aligned."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), text_width(cell.value))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, least), most)
        if wrap and width + 2 > most:
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _rule(col: Column, lang: str):
    """The data validation of a column: ids of the sheet it refers to, an enum's values,
    TRUE/FALSE, or whole numbers within the field's bounds; None for free text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def listed(formula: str) -> DataValidation:
        return DataValidation(type="list", formula1=formula, error=t("wb.dv.list", lang), errorTitle=t("wb.dv.title", lang))

    if col.kind != "scalar":
        return None
    target = REFERENCES.get((col.model, col.name))
    if target:
        sheet = next(s for s in SHEETS if s.title == target)
        from openpyxl.utils import get_column_letter

        letter = get_column_letter([c.key for c in sheet_columns(sheet)].index("id") + 1)
        return listed(f"'{target}'!${letter}$2:${letter}$2000")
    if col.key == "kind":
        return listed('"' + ",".join(col.model.model_fields) + '"')
    if isinstance(col.item, type) and issubclass(col.item, Enum):
        return listed('"' + ",".join(m.value for m in col.item) + '"')
    if col.item is bool:
        return listed('"TRUE,FALSE"')
    if col.item is int:
        lo, hi = bounds(col)
        if lo is None:
            return None
        kw = {"error": t("wb.dv.at_least", lang, lo=lo), "errorTitle": t("wb.dv.title", lang)}
        if hi is None:
            return DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lo), **kw)
        kw["error"] = t("wb.dv.whole", lang, lo=lo, hi=hi)
        return DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), **kw)
    return None


def _validate(ws, col: Column, cells: str, lang: str) -> None:
    rule = _rule(col, lang)
    if rule is not None:
        rule.add(cells)
        ws.add_data_validation(rule)


def _write_keys(ws, sheet: Sheet, sc: Scenario, lang: str) -> None:
    for c, text in enumerate((t("wb.item", "zh") + " item", t("wb.key", "zh") + " key", t("wb.value", "zh") + " value"), 1):
        set_cell(ws, 1, c, text)
    for r, col in enumerate(columns(sheet.model), 2):
        for c, value in enumerate((col.zh, col.key, write_value(col, _get(_get(sc, ".".join(sheet.path)), col.key))), 1):
            set_cell(ws, r, c, value)
        _validate(ws, col, f"C{r}", lang)


def _write_rows(ws, sheet: Sheet, sc: Scenario, lang: str) -> None:
    from openpyxl.utils import get_column_letter

    cols = sheet_columns(sheet)
    for c, col in enumerate(cols, 1):
        set_cell(ws, 1, c, header(col))
    rows = _rows(sc, sheet)
    for r, values in enumerate(rows, 2):
        for c, value in enumerate(values, 1):
            set_cell(ws, r, c, value)
    last = max(len(rows) + 1, 1000)  # room for rows a planner adds
    for c, col in enumerate(cols, 1):
        letter = get_column_letter(c)
        _validate(ws, col, f"{letter}2:{letter}{last}", lang)


def write_workbook(sc: Scenario, out: Path, lang: str = "zh") -> int:
    """Write ``sc`` as one workbook at ``out`` (beside it first, then renamed in); the number of sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    for r, line in enumerate(t("wb.guide", lang).split("\n"), 1):
        set_cell(guide, r, 1, line)
    guide.column_dimensions["A"].width = 120
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title)
        (_write_keys if sheet.form == "keys" else _write_rows)(ws, sheet, sc, lang)
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center")
        fit_columns(ws)
    save_workbook(wb, out)
    return len(wb.sheetnames)


def save_workbook(wb, out: Path) -> None:
    """Save beside ``out`` first, then rename it in: a reader never sees half a workbook."""
    staged = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        wb.save(staged)
        os.replace(staged, out)
    finally:
        staged.unlink(missing_ok=True)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Place:
    """Where a value sits in the workbook: a sheet, a row of it, or one cell."""

    sheet: str
    row: int | None = None
    column: str | None = None
    zh: str = ""
    key: str = ""
    bounds: tuple = (None, None)  # of a cell's field: out of range reads "优先级应为1–5，实为7"

    @property
    def spot(self) -> tuple:
        return self.sheet, self.row, self.column

    def message(self) -> Message:
        if self.column and not self.key:
            return Message("wb.at", sheet=self.sheet, cell=f"{self.column}{self.row}")
        if self.column:
            field = Message("wb.both", zh=self.zh, en=self.key)
            return Message("wb.cell", sheet=self.sheet, cell=f"{self.column}{self.row}", field=field)
        if self.row:
            return Message("wb.row", sheet=self.sheet, row=self.row)
        return Message("wb.sheet", sheet=self.sheet)


def header_key(value: Any) -> str | None:
    """The English key of a header (its last word), or None for a column of notes."""
    words = nfkc(str(value)).split() if value is not None else []
    return words[-1] if words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", words[-1]) else None


def data_path(record: Any, field: str) -> tuple:
    """``orders[3] (O-004)`` + ``months[0]`` as a path into the data: ``("orders", 3, "months", 0)``."""
    text = "" if isinstance(record, Message) else str(record).split(" (")[0]
    tokens = re.finditer(r"\[(\d+)\]|([A-Za-z_][A-Za-z0-9_]*)", f"{text}.{field}")
    return tuple(int(m[1]) if m[1] else m[2] for m in tokens)


class _Reader:
    """Reads the sheets of one workbook into scenario data, noting where each value came from."""

    def __init__(self, name: str, values, formulas) -> None:
        self.name, self.values, self.formulas = name, values, formulas
        self.data: dict[str, Any] = {}
        self.places: dict[tuple, Place] = {}
        self.problems: list[InputProblem] = []
        self.reported: set[tuple] = set()  # cells (sheet, row, column) already named by a problem

    def problem(self, place: Place, message: Message) -> None:
        self.reported.add(place.spot)
        self.problems.append(InputProblem(self.name, place.message(), "", message))

    def note(self, path: tuple, place: Place) -> None:
        """``path`` is at ``place``; so is every shorter path not placed yet (``plan.sessions``)."""
        self.places[path] = place
        for n in range(1, len(path)):
            self.places.setdefault(path[:n], Place(place.sheet, place.row, place.column, place.zh, place.key))

    def grid(self, title: str) -> dict[tuple[int, int], Any]:
        """Cell values by (row, column): a merged range's value in each of its cells, a formula's
        saved result (a formula without one is reported)."""
        grid, unsaved = sheet_grid(self.values[title], self.formulas[title])
        for row, letter in unsaved:
            self.problem(Place(title, row, letter, "", ""), Message("wb.formula"))
        return grid

    def read(self) -> None:
        self.data["plan"] = {}
        for sheet in SHEETS:
            self.note(sheet.path, Place(sheet.title))
            if sheet.title not in self.values.sheetnames:
                continue
            grid = self.grid(sheet.title)
            if sheet.form == "keys":
                self.read_keys(sheet, grid)
            else:
                self.read_rows(sheet, grid)
        if not self.data["plan"] and "计划" not in self.values.sheetnames:
            del self.data["plan"]
        self.misnamed()

    def read_keys(self, sheet: Sheet, grid: dict) -> None:
        known, seen = {c.key: c for c in columns(sheet.model)}, {}
        record = _section(self.data, sheet.path)
        for r in sorted({r for r, _ in grid if r > 1}):
            key = nfkc(str(grid.get((r, 2), "")))
            if not key:
                continue
            if key not in known or key in seen:
                msg = (
                    Message("wb.duplicate_key", name=key, first=seen[key]) if key in seen else Message("wb.unknown_key", name=key)
                )
                self.problem(Place(sheet.title, r, "B", t("wb.key", "zh"), "key"), msg)
                continue
            seen[key], col = r, known[key]
            self.note((*sheet.path, *key.split(".")), Place(sheet.title, r, "C", col.zh, col.key, bounds(col)))
            value = read_value(col, grid.get((r, 3)))
            if value is not None:
                _put(record, key, value)

    def header(self, sheet: Sheet, grid: dict) -> dict[int, Column]:
        """The columns of a sheet by position, found by the English key of each header."""
        from openpyxl.utils import get_column_letter

        known, found, first = {c.key: c for c in sheet_columns(sheet)}, {}, {}
        for (r, c), value in sorted(grid.items()):
            key = header_key(value) if r == 1 else None
            if key is None:
                continue
            place = Place(sheet.title, 1, get_column_letter(c), str(value), key)
            if key not in known:
                self.problem(place, Message("wb.unknown_column", name=key))
            elif key in first:
                self.problem(place, Message("wb.duplicate_column", name=key, first=first[key]))
            else:
                found[c], first[key] = known[key], get_column_letter(c)
        return found

    def read_rows(self, sheet: Sheet, grid: dict) -> None:
        from openpyxl.utils import get_column_letter

        cols = self.header(sheet, grid)
        if not sheet.parent and sheet.form == "rows":  # a sheet of headers only is an empty list, as in YAML
            _section(self.data, sheet.path[:-1]).setdefault(sheet.path[-1], [])
        for r in sorted({r for r, _ in grid if r > 1}):
            record, places = {}, {}
            for c, col in cols.items():
                places[col.key] = Place(sheet.title, r, get_column_letter(c), col.zh, col.key, bounds(col))
                value = read_value(col, grid.get((r, c)))
                if value is not None:
                    _put(record, col.key, value)
            if record:  # an empty row is skipped
                self.add(sheet, r, record, places)

    def add(self, sheet: Sheet, row: int, record: dict, places: dict[str, Place]) -> None:
        """Put one row's record into the data, where its sheet's path says."""
        path = sheet.path
        if sheet.parent:  # a row of a nested list: into the record its first column names
            path = self.parent_path(sheet, record.pop(sheet.parent, None), places.get(sheet.parent, Place(sheet.title, row)))
            if path is None:
                return
        if sheet.form == "kinds":
            self.add_kind(sheet, row, record, places)
            return
        items = _section(self.data, path[:-1]).setdefault(path[-1], [])
        at = (*path, len(items))
        items.append(record)
        self.note(at, Place(sheet.title, row))
        for key, place in places.items():
            self.note((*at, *key.split(".")), place)

    def parent_path(self, sheet: Sheet, pid: Any, place: Place) -> tuple | None:
        outer, inner = sheet.path
        parents = self.data.get(outer, [])
        at = next((i for i, p in enumerate(parents) if str(p.get("id")) == str(pid)), None)
        if at is None:
            self.problem(place, Message("sh.missing") if pid is None else Message("c.unknown.department", id=pid))
            return None
        return (outer, at, inner)

    def add_kind(self, sheet: Sheet, row: int, record: dict, places: dict[str, Place]) -> None:
        """A 节假日调整 row: ``kind`` names the list; a span list takes the span, a date list the start."""
        kind, fields = record.pop("kind", None), sheet.model.model_fields
        if kind not in fields:
            message = Message("sh.missing") if kind is None else Message("sh.enum", expected=[f"'{k}'" for k in fields])
            self.problem(places.get("kind", Place(sheet.title, row)), message)
            return
        items = _section(self.data, sheet.path).setdefault(kind, [])
        at = (*sheet.path, kind, len(items))
        spans = _bare(get_args(_bare(fields[kind].annotation))[0]) is DateSpan
        items.append(record if spans else record.get("start"))
        self.note(at, places.get("start", Place(sheet.title, row)) if not spans else Place(sheet.title, row))
        for key, place in places.items():
            self.note((*at, key), place)

    def misnamed(self) -> None:
        """A sheet of another name that looks like a missing section is reported; others are ignored."""
        known = {s.title for s in SHEETS} | {GUIDE}
        missing = [s for s in SHEETS if s.title not in self.values.sheetnames]
        for title in self.values.sheetnames:
            if title in known:
                continue
            norm = nfkc(title).lower().replace(" ", "")
            for s in missing:
                if s.title in norm or (len(norm) >= 2 and norm in s.title) or s.path[-1] in norm:
                    self.problem(Place(title), Message("wb.misnamed", section=s.title))
                    break

    def placed(self, p: InputProblem) -> InputProblem | None:
        """A problem of the loader (named by record and field) named by sheet and cell instead;
        None when the reader already reported that cell."""
        path = data_path(p.record, p.field)
        for n in range(len(path), 0, -1):
            place = self.places.get(path[:n])
            if place is not None:
                if place.spot in self.reported:
                    return None
                if len(path) == n and (ranged := range_problem(self.name, place, p.message)) is not None:
                    return ranged
                rest = "" if place.column else ".".join(str(x) for x in path[n:])
                return InputProblem(self.name, place.message(), rest, p.message)
        return p


def sheet_grid(ws, fws) -> tuple[dict[tuple[int, int], Any], list[tuple[int, str]]]:
    """A sheet's values by (row, column), a merged range's value in each of its cells, and the
    cells (row, column letter) of formulas saved without a result (``ws`` read with
    ``data_only``, ``fws`` without)."""
    grid = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    for rng in ws.merged_cells.ranges:
        top = grid.get((rng.min_row, rng.min_col))
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if top is not None:
                    grid[(r, c)] = top
    unsaved = [
        (c.row, c.column_letter) for row in fws.iter_rows() for c in row if c.data_type == "f" and (c.row, c.column) not in grid
    ]
    return grid, unsaved


def range_problem(name: str, place: Place, message: Any) -> InputProblem | None:
    """A cell's number out of its field's bounds, said as a planner reads it
    (``点单!D17：优先级应为1–5，实为7``); None for any other problem."""
    if not place.column or None in place.bounds or not _out_of_range(message):
        return None
    field = Message("wb.both", zh=place.zh, en=place.key)
    lo, hi = place.bounds
    ranged = Message("wb.range", field=field, lo=lo, hi=hi, got=message.params["got"])
    return InputProblem(name, Place(place.sheet, place.row, place.column).message(), "", ranged)


def _out_of_range(message: Any) -> bool:
    """A loader's "should be at most / at least N (got V)"."""
    inner = message.params.get("message") if isinstance(message, Message) and message.key == "sh.got" else None
    return isinstance(inner, Message) and inner.key in ("sh.less_than_equal", "sh.greater_than_equal")


def _section(data: dict, path: tuple) -> dict:
    """The mapping at ``path`` in the data (made when missing); a number indexes a list."""
    for part in path:
        data = data[part] if isinstance(part, int) else data.setdefault(part, {})
    return data


def open_workbook(name: str, raw: bytes):
    """The workbook twice: with formulas' saved results, and with the formulas themselves."""
    import warnings

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            if sum(i.file_size for i in z.infolist()) > UNPACKED_MAX_BYTES:  # a zip bomb unpacks to gigabytes
                raise InputError([InputProblem(name, "", "", Message("wb.too_large", limit=UNPACKED_MAX_BYTES // 2**20))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of Excel extensions it drops (slicers, styles)
            return load_workbook(io.BytesIO(raw), data_only=True), load_workbook(io.BytesIO(raw))
    except InputError:
        raise
    except Exception as exc:  # a damaged file fails in openpyxl or zipfile in many ways: all mean "cannot read"
        why = _clip(str(exc) or type(exc).__name__, 120)
        raise InputError([InputProblem(name, "", "", Message("wb.not_xlsx", why=why))]) from None


def read_workbook(path: str | Path) -> _Reader:
    """Read a workbook (a regular file within the loader's size limit) into scenario data."""
    name = str(path)
    values, formulas = open_workbook(name, _read_bytes(name, SCENARIO_MAX_BYTES))
    reader = _Reader(name, values, formulas)
    reader.read()
    return reader


def load_workbook_scenario(path: str | Path) -> Scenario:
    """The scenario of a workbook, through the loader's own validation; every problem at once,
    each named by sheet and cell, raised as ``InputError``."""
    reader = read_workbook(path)
    scenario = None
    try:
        scenario = validate_data(reader.name, reader.data)
    except InputError as err:
        reader.problems += [q for q in (reader.placed(p) for p in err.problems) if q is not None]
    if reader.problems:
        raise InputError(reader.problems)
    return scenario
