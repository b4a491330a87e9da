"""What a form looks like, shared by the writer (``forms``) and the reader (``collect``):
its sheets, the columns of each input table, the labels a choice shows, and the hidden
sheet that says whose form it is.

A form is a workbook made by ``schedule forms``:

* 说明: what to do, in the planner's language;
* community forms: 课程菜单 (read-only: what the community may order), 点单 (input) and
  不能参训日期 (input: the days the community cannot attend; added in layout version 3,
  so an older community form has none, and the community's dates stay as they are);
* department forms: 送课菜单 (input: what the department can teach), 教员 (input) and
  不能送课日期 (input: the days the department as a whole cannot deliver; a form of
  layout version 1, made before this sheet existed, has none, and then the
  department's dates stay as they are);
* 表单信息 (hidden): which form this is: the kind, the community's or department's id,
  the plan's name and year. ``collect`` refuses a form of another plan, of an id the
  scenario does not have, or the same form twice.

Each input table has its header in ``HEADER_ROW`` ("参加人数 attendees": the English key
finds the column, as in the scenario workbook) and its rows below; everything else is
locked.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain.i18n import t, type_name
from scheduler.domain.workbook import Column, columns
from scheduler.models import DateSpan, Duration, Format, Instructor, Offering, Order, SessionType, Tier

INFO = "表单信息"
GUIDE = "说明"
MENU = "课程菜单"
ORDERS = "点单"
OFFERINGS = "送课菜单"
TEACHERS = "教员"
AWAY = "不能送课日期"
ATTEND_AWAY = "不能参训日期"  # a community's days away (AWAY is a department's)
LISTS = "选项"  # hidden: the values of the dropdowns
HEADER_ROW = 3
FORM_VERSION = 3  # of the layout, in the hidden sheet; collect reads every version up to it
COMMUNITY, DEPARTMENT = "community", "department"
SHEETS = {COMMUNITY: (GUIDE, MENU, ORDERS), DEPARTMENT: (GUIDE, OFFERINGS, TEACHERS)}  # every form has these
INPUTS = {COMMUNITY: (ORDERS, ATTEND_AWAY), DEPARTMENT: (OFFERINGS, TEACHERS, AWAY)}
# a sheet added to the layout, by the version that added it: a form of that version or later
# must have it (one renamed is reported, never taken for an old form); an older form has none
ADDED_IN = {AWAY: 2, ATTEND_AWAY: 3}


def required_sheets(kind: str, version: int) -> tuple[str, ...]:
    """The sheets a form of ``kind`` made with layout ``version`` has."""
    return SHEETS[kind] + tuple(s for s in INPUTS[kind] if ADDED_IN.get(s, 1) <= version and s not in SHEETS[kind])


FILE_PREFIX = {COMMUNITY: "点单表", DEPARTMENT: "菜单表"}

# the input columns of each table, by model field, in the order a person fills them in
ORDER_KEYS = ("offering", "attendees", "roles", "priority", "preferred_months")
OFFERING_KEYS = (
    "id",
    "title",
    "type",
    "format",
    "duration",
    "capacity",
    "min_attendees",
    "max_runs",
    "months",
    "instructors",
    "outdoor",
    "audience_tier",
    "pair",
)
INSTRUCTOR_KEYS = ("id", "name", "tier", "unavailable")
AWAY_KEYS = ("start", "end", "reason")
# types a department may list: 社区帮社区 is a host community's, never a department's
DEPARTMENT_TYPES = (SessionType.peer, SessionType.secretary, SessionType.department)


@dataclass(frozen=True)
class Table:
    """An input table: the sheet, the model of its rows and their columns."""

    sheet: str
    model: type
    keys: tuple[str, ...]

    def columns(self) -> list[Column]:
        by_key = {c.key: c for c in columns(self.model)}
        return [by_key[k] for k in self.keys]


TABLES = {
    ORDERS: Table(ORDERS, Order, ORDER_KEYS),
    OFFERINGS: Table(OFFERINGS, Offering, OFFERING_KEYS),
    TEACHERS: Table(TEACHERS, Instructor, INSTRUCTOR_KEYS),
    AWAY: Table(AWAY, DateSpan, AWAY_KEYS),
    ATTEND_AWAY: Table(ATTEND_AWAY, DateSpan, AWAY_KEYS),
}


def choices(key: str, lang: str = "zh") -> dict[str, str] | None:
    """The labels a choice column shows, by value (``peer`` -> 同行学同行); None for other columns."""
    if key == "type":
        return {v.value: type_name(v.value, lang) for v in DEPARTMENT_TYPES}
    if key in ("format", "duration"):
        kind = Format if key == "format" else Duration
        return {v.value: t(f"v.{key}.{v.value}", lang) for v in kind}
    if key in ("tier", "audience_tier"):
        return {v.value: t(f"v.tier.{v.value}", lang) for v in Tier}
    if key == "outdoor":
        return {"TRUE": t("fm.yes", lang), "FALSE": t("fm.no", lang)}
    return None


def from_label(key: str, text: str) -> str:
    """The value of a choice cell: its label in either language, or the value itself."""
    for lang in ("zh", "en"):
        for value, label in (choices(key, lang) or {}).items():
            if text == label:
                return value
    return text
