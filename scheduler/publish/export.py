"""Exports of a plan: iCalendar feeds for phones, Excel and CSV for the office.

    ics/all.ics, ics/community-<id>.ics, ics/department-<id>.ics   RFC 5545, Asia/Shanghai
    plan.xlsx                                                      sheets: sessions, orders
    sessions.csv, orders.csv                                       UTF-8 with BOM (Excel opens Chinese)

Every VEVENT's UID is made of the session id and the plan (``S-2026-031@2026-<hash>.scheduler``),
never of its date, so a re-plan updates the event on a phone instead of adding a second one.
SEQUENCE says how often the event changed: see ``sequences``.

Every text is written as its format escapes it: iCalendar TEXT values are escaped by
``icalendar.vText`` (backslash, semicolon, comma, newline) and folded at 75 octets; CSV
cells are quoted by the csv module; pages are autoescaped by jinja2. Control characters no
format can carry are dropped first (``views.clean_text``), before the formula check.

A text cell that begins with ``= + - @`` (or a tab, carriage return or newline) cannot run
as a formula: in CSV it gets a leading apostrophe; in xlsx it stays a text cell, shown as
written, with Excel's quote prefix (the hidden apostrophe that also keeps it text when edited).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import icalendar

from scheduler import __version__
from scheduler.domain.i18n import t
from scheduler.domain.workbook import fit_columns
from scheduler.models import Plan
from scheduler.plan.diff import visible
from scheduler.publish import FORMATS
from scheduler.publish.views import TIMEZONE, PlanView, SessionView, clean_text, plan_view

# OWASP's list, and the newline a carriage return becomes in clean_text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


# --------------------------------------------------------------------------- iCalendar


def plan_slug(plan: Plan) -> str:
    """Stable per plan: its year and a short hash of its name (names are usually Chinese).

    Renaming the plan changes every UID, so phones would show the sessions twice: keep
    ``plan.name`` fixed once feeds are out."""
    p = plan.scenario.snapshot.plan
    return f"{p.year}-{hashlib.sha256(p.name.encode('utf-8')).hexdigest()[:10]}"


def event_uid(session_id: str, plan: Plan) -> str:
    return f"{session_id}@{plan_slug(plan)}.scheduler"


def changed_sessions(plan: Plan, previous: Plan) -> set[str]:
    """Ids of sessions that exist in both plans and differ in date, time, venue, teacher, title or attendance."""
    before = {s.id: visible(s) for s in previous.sessions}
    return {s.id for s in plan.sessions if s.id in before and before[s.id] != visible(s)}


def sequences(plan: Plan, previous: Plan | None = None) -> dict[str, int]:
    """SEQUENCE of each session's event (and of each session dropped by a re-plan).

    A plan from the store carries each session's count of changes (``sequence``: 0
    when first planned, one more for every re-plan that changed what people see), and
    a dropped session one more than its last. ``previous``, the plan the last feeds
    were made from, adds one for a session that differs from it, for plans that were
    not re-planned through the store.
    """
    changed = changed_sessions(plan, previous) if previous else set()
    before = {s.id: s.sequence for s in previous.sessions} if previous else {}
    out = {s.id: max(s.sequence, before.get(s.id, 0) + (1 if s.id in changed else 0)) for s in plan.sessions}
    out.update({s.id: s.sequence for s in plan.cancelled})
    return out


def ics_text(text: str) -> icalendar.vText:
    """A TEXT value: icalendar escapes it only when it knows the property is TEXT, and it
    does not know X- properties (a newline in X-WR-CALNAME broke the whole feed), so every
    text goes in as vText, without the control characters RFC 5545 forbids in TEXT."""
    return icalendar.vText(clean_text(text))


def _description(s: SessionView, view: PlanView) -> str:
    lang = view.lang
    lines = [
        f"{t('r.session', lang)}: {s.id}{t('r.paren', lang, x=s.type_name)}",
        f"{t('r.time', lang)}: {s.time_name} {s.clock}",
        f"{t('r.venue', lang)}: {s.venue.name}" + (t("r.paren", lang, x=t("r.online", lang)) if s.online else ""),
        f"{t('r.instructor', lang)}: {s.teacher(lang)}",
    ]
    if s.departments:
        lines.append(f"{t('x.departments', lang)}: {view.join(d.name for d in s.departments)}")
    if s.communities:
        lines.append(f"{t('r.attending', lang)}: {view.join(f'{c.name} {c.attendees}' for c in s.communities)}")
    lines.append(f"{t('r.headcount', lang)}: {s.headcount}")
    lines.append(t("x.cancel_hint", lang, id=s.id))
    return "\n".join(lines)


def ics_feed(
    view: PlanView,
    sessions: Iterable[SessionView],
    title: str,
    seqs: dict[str, int],
    stamp: dt.datetime,
    cancelled: Iterable[SessionView] = (),
) -> bytes:
    """One VCALENDAR with a VTIMEZONE for Asia/Shanghai and a VEVENT per session; a
    session dropped by a re-plan stays as a CANCELLED event, so phones remove it."""
    sc = view.scenario
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//scheduler {__version__}//社区点单-部门送餐//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", ics_text(title))
    cal.add("x-wr-timezone", TIMEZONE)
    first = dt.date(sc.plan.start.year, 1, 1)
    last = dt.date(sc.plan.end.year + 2, 1, 1)
    cal.add_component(icalendar.Timezone.from_tzid(TIMEZONE, first_date=first, last_date=last))
    dropped = {s.id for s in cancelled}
    for s in [*sessions, *cancelled]:
        ev = icalendar.Event()
        ev.add("uid", event_uid(s.id, view.plan))
        ev.add("dtstamp", stamp)
        ev.add("sequence", seqs.get(s.id, 0))
        ev.add("dtstart", s.starts_at)
        ev.add("dtend", s.ends_at)
        ev.add("summary", ics_text(s.title))
        ev.add("location", ics_text(s.venue.name))
        ev.add("description", ics_text(_description(s, view)))
        ev.add("categories", [ics_text(s.type_name)])
        ev.add("status", "CANCELLED" if s.id in dropped else "CONFIRMED")
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal.to_ical()


def write_ics(
    plan: Plan, out_dir: Path, lang: str = "zh", previous: Plan | None = None, now: dt.datetime | None = None
) -> list[Path]:
    """Feeds for everyone, for each community (sessions it attends or hosts) and each department."""
    view = plan_view(plan, lang)
    seqs = sequences(plan, previous)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    name = view.scenario.plan.name
    folder = out_dir / "ics"
    folder.mkdir(parents=True, exist_ok=True)
    gone = view.cancelled
    feeds: list[tuple[str, str, list[SessionView], list[SessionView]]] = [("all", t("x.all", lang), view.sessions, gone)]
    feeds += [
        (f"community-{c.id}", c.name, view.for_community(c.id), [s for s in gone if c.id in s.community_ids()])
        for c in view.scenario.communities
    ]
    feeds += [
        (f"department-{d.id}", d.name, view.for_department(d.id), [s for s in gone if d.id in s.department_ids()])
        for d in view.scenario.departments
    ]
    written = []
    for stem, who, sessions, dropped in feeds:
        path = folder / f"{stem}.ics"
        path.write_bytes(ics_feed(view, sessions, f"{name} · {who}", seqs, stamp, dropped))
        written.append(path)
    return written


# --------------------------------------------------------------------------- tables


def formula_like(value) -> bool:
    """Text a spreadsheet would read as a formula when typed or imported."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if formula_like(value) else value


def cell_value(value):
    """A cell's value without the characters no spreadsheet can hold (openpyxl refuses them)."""
    return clean_text(value) if isinstance(value, str) else value


def session_table(view: PlanView) -> tuple[list[str], list[list]]:
    lang = view.lang
    header = [
        t("r.session", lang),
        t("r.date", lang),
        t("r.weekday", lang),
        t("r.time", lang),
        t("x.start", lang),
        t("x.end", lang),
        t("r.type", lang),
        t("r.title", lang),
        t("x.offering", lang),
        t("r.venue", lang),
        t("r.instructor", lang),
        t("x.departments", lang),
        t("r.host", lang),
        t("r.attending", lang),
        t("r.headcount", lang),
    ]
    rows = []
    for s in view.sessions:
        rows.append(
            [
                s.id,
                s.date,
                s.weekday,
                s.time_name,
                f"{s.start:%H:%M}",
                f"{s.end:%H:%M}",
                s.type_name,
                s.title,
                s.offering,
                s.venue.name,
                s.teacher(lang),
                view.join(d.name for d in s.departments),
                s.host.name if s.host else "",
                view.join(f"{c.name} {c.attendees}" for c in s.communities),
                s.headcount,
            ]
        )
    return header, rows


def order_table(view: PlanView) -> tuple[list[str], list[list]]:
    lang = view.lang
    header = [
        t("r.order", lang),
        t("r.community", lang),
        t("r.title", lang),
        t("r.type", lang),
        t("r.attendees", lang),
        t("r.roles", lang),
        t("r.priority", lang),
        t("x.preferred", lang),
        t("r.outcome", lang),
        t("r.session", lang),
        t("r.date", lang),
        t("x.reason_code", lang),
        t("r.reason", lang),
    ]
    rows = []
    for o in view.outcomes:
        s = o.session
        rows.append(
            [
                o.order.id,
                o.community.name,
                o.offering_title,
                o.type_name,
                o.order.attendees,
                view.join(o.order.roles),
                o.order.priority,
                view.join(str(m) for m in o.order.preferred_months),
                t("r.status_met" if o.met else "r.status_unmet", lang),
                s.id if s else "",
                s.date if s else "",
                o.reason,
                o.message,
            ]
        )
    return header, rows


def _csv_cell(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(neutralise(cell_value(value)))  # cleaned first: "\x01=1+1" must not reach a cell as "=1+1"


def write_csv(plan: Plan, out_dir: Path, lang: str = "zh") -> list[Path]:
    view = plan_view(plan, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (header, rows) in (("sessions", session_table(view)), ("orders", order_table(view))):
        path = out_dir / f"{stem}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow([_csv_cell(h) for h in header])
            w.writerows([_csv_cell(v) for v in row] for row in rows)
        written.append(path)
    return written


WRAP_AT = 40  # columns wider than this many half-width characters wrap their text instead


def _sheet(wb, title: str, table: tuple[Sequence[str], Sequence[Sequence]], lang: str, stamp: str = "") -> None:
    """One sheet of ``wb`` (an openpyxl ``Workbook``): a bold, frozen header with filters,
    columns that fit their text (long ones wrap), and a print set-up."""
    from openpyxl.styles import Alignment, Font

    header, rows = table
    ws = wb.create_sheet(title)
    for row in [header, *rows]:
        ws.append([cell_value(v) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in ws.iter_rows():
        for cell in r:
            if isinstance(cell.value, str):
                # openpyxl took "=..." for a formula: make it a text cell, and mark it with
                # the quote prefix so that editing it in Excel keeps it text too.
                cell.data_type = "s"
                cell.quotePrefix = formula_like(cell.value)
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    fit_columns(ws, least=6, most=WRAP_AT, wrap=True)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    _print_setup(ws, stamp, lang)


def _print_setup(ws, stamp: str, lang: str) -> None:
    """A4 landscape, fitted to the page's width, the header row on every page, the plan's
    stamp above and the page number below (``&P``/``&N``; a literal ``&`` is ``&&``)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    if stamp:
        ws.oddHeader.left.text = clean_text(stamp).replace("&", "&&")
        ws.oddHeader.left.size = 8
    ws.oddFooter.right.text = t("x.page", lang)
    ws.oddFooter.right.size = 8


def write_xlsx(plan: Plan, out_dir: Path, lang: str = "zh", stamp: str = "") -> Path:
    """plan.xlsx: the sessions and the orders, each on a sheet ready to print."""
    from openpyxl import Workbook  # imported when used (with numpy): keeps every other command fast

    view = plan_view(plan, lang)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, t("x.sessions", lang), session_table(view), lang, stamp)
    _sheet(wb, t("x.orders", lang), order_table(view), lang, stamp)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "plan.xlsx"
    wb.save(path)
    return path


def export(
    plan: Plan,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    lang: str = "zh",
    previous: Plan | None = None,
    now: dt.datetime | None = None,
    stamp: str = "",
) -> list[Path]:
    """Write the chosen formats under ``out_dir``; return the files written. ``stamp``:
    which plan this is, printed atop every page of plan.xlsx."""
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):
        if fmt == "ics":
            written += write_ics(plan, out_dir, lang, previous, now)
        elif fmt == "xlsx":
            written.append(write_xlsx(plan, out_dir, lang, stamp))
        elif fmt == "csv":
            written += write_csv(plan, out_dir, lang)
        else:
            raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return written
