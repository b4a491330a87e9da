"""Printed calendars: the plan as HTML pages a street office pins on the wall.

One jinja2 Environment (autoescape on, every ``{{ }}`` cleaned of control characters by
``shown``, filters registered in ``make_environment``),
templates from the package's ``templates`` folder, and one typed context per page,
built from the ``Plan`` and its ``WorkCalendar``. ``render_site`` writes them all:

    index.html                 the plan at a glance, links to every page
    year.html                  twelve small months on one landscape A4 page
    months.html                every month grid, one per printed page
    months/2026-03.html        one month grid (landscape A4)
    communities/<id>.html      a community's sessions and what became of its orders
    departments/<id>.html      a department's teaching calendar
    venues/<id>.html           who uses a room when
    calendar.css               screen and print styles
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import jinja2
from chinese_calendar.constants import Holiday
from markupsafe import Markup, escape

from scheduler.domain.i18n import TEXT, TYPE_MARKS, month_title, plan_warnings, slot_name, t, type_name, weekday_name
from scheduler.domain.workdays import WorkCalendar
from scheduler.models import Plan, SessionType
from scheduler.publish.fit import CHIP_PT, ChipText, SheetFit, Week, fit_sheet
from scheduler.publish.report import rhythm_lines
from scheduler.publish.views import (
    SLOT_TIMES,
    Named,
    OrderOutcome,
    PlanView,
    SessionView,
    Stamp,
    clean_text,
    clock_span,
    plan_digest,
    plan_view,
    stamp_text,
    time_key,
)

REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STYLESHEET = "calendar.css"
TEMPLATES = (
    "base.html",
    "_chip.html",
    "_legend.html",
    "_month_grid.html",
    "_month_sheet.html",
    "_sessions_table.html",
    "index.html",
    "year.html",
    "month.html",
    "months.html",
    "community.html",
    "department.html",
    "venue.html",
    STYLESHEET,
)
HTML_LANG = {"zh": "zh-CN", "en": "en"}
HOLIDAY_ZH = {h.value: h.chinese for h in Holiday}


def template_loader() -> jinja2.BaseLoader:
    """Installed: the templates shipped inside the package; in a checkout: the repo's templates/."""
    try:
        return jinja2.PackageLoader("scheduler", "templates")
    except ValueError:  # running from the source tree (editable install or PYTHONPATH)
        return jinja2.FileSystemLoader(REPO_TEMPLATES)


# --------------------------------------------------------------------------- filters


def _day(d: dt.date, lang: str) -> str:
    return f"{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%b}"


def _long_date(d: dt.date, lang: str) -> str:
    wd = weekday_name(d, lang)
    return f"{d.year}年{d.month}月{d.day}日 {wd}" if lang == "zh" else f"{wd} {d.day} {d:%b} {d.year}"


def _names(items, lang: str) -> str:
    return t("r.sep", lang).join(getattr(x, "name", x) for x in items)


def _name_list(items, lang: str) -> Markup:
    """Names joined by the list separator, each kept whole on its line ("白坭坑社区", never
    "白坭/坑社区"): a ``.nm`` span (CSS ``word-break: keep-all``) escaped here, as Markup."""
    return Markup(escape(t("r.sep", lang))).join(
        Markup('<span class="nm">{}</span>').format(clean_text(getattr(x, "name", x))) for x in items
    )


# S-2026-035, O-041; between ASCII bounds (in Python, 弃 is a word character too, so no \b)
ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}-\d{2,4}(?:-\d{2,4})?(?![A-Za-z0-9])")


def _ids_whole(text: str) -> Markup:
    """``text`` escaped, every session or order id in it kept on one line: a browser may
    break after a hyphen before digits ("S-/2026-035")."""
    text, out, at = clean_text(text), [], 0
    for m in ID_IN_TEXT.finditer(text):
        out += [escape(text[at : m.start()]), Markup('<span class="nowrap">{}</span>').format(m.group())]
        at = m.end()
    return Markup("").join([*out, escape(text[at:])])


def _short(name: str) -> str:
    """山厦社区 -> 山厦: month chips list many communities in little room."""
    return name[:-2] if name.endswith("社区") and len(name) > 3 else name


def _percent(x: float) -> str:
    return f"{x:.0%}"


def shown(value):
    """What a ``{{ }}`` prints, before autoescaping: text without the control characters
    HTML cannot show (scenario names may hold them, also inside translated sentences).
    A macro's output is Markup whose parts went through here already: left as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean_text(value)
    return value


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string for a ``<style>`` element: quotes, backslashes and
    line breaks escaped, and ``<`` too, so that no text can close the element (a style
    element's text is not HTML-unescaped: autoescaping would print ``&amp;``)."""
    out = []
    for ch in clean_text(str(text)):
        out.append(f"\\{ord(ch):x} " if ch in '"\\<>&\n\r' else ch)
    return Markup('"' + "".join(out) + '"')


def make_environment(lang: str = "zh") -> jinja2.Environment:
    """The one Environment: autoescape on, every filter and global registered here."""
    env = jinja2.Environment(
        loader=template_loader(),
        autoescape=True,
        finalize=shown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=partial(_day, lang=lang),
        long_date=partial(_long_date, lang=lang),
        names=partial(_names, lang=lang),
        name_list=partial(_name_list, lang=lang),
        ids_whole=_ids_whole,
        short=_short,
        percent=_percent,
        css_string=css_string,
    )
    env.globals.update(
        _=partial(_tr, lang=lang),
        lang=lang,
        html_lang=HTML_LANG[lang],
        types=_type_legend(lang),
        slot_times=_slot_times(lang),
        page_counter=_page_counter(lang),
    )
    return env


def _page_counter(lang: str) -> Markup:
    """The CSS ``content`` of a printed page's number: ``"第" counter(page) "页 共" counter(pages) "页"``."""
    before, middle, after = (css_string(t(f"r.page.{k}", lang)) for k in ("before", "middle", "after"))
    return Markup(f"{before} counter(page) {middle} counter(pages) {after}")


def _slot_times(lang: str) -> list[tuple[str, str]]:
    spans = [[k] for k in SLOT_TIMES] + [["morning", "afternoon"]]
    out = []
    for slots in spans:
        start, end = clock_span(slots)
        out.append((slot_name(time_key(slots), lang), f"{start:%H:%M}–{end:%H:%M}"))
    return out


def _tr(key: str, lang: str, **kw) -> str:
    return t(key, lang, **kw)


@dataclass(frozen=True)
class TypeKey:
    key: str
    name: str
    mark: str


def _type_legend(lang: str) -> list[TypeKey]:
    return [TypeKey(ty.value, type_name(ty.value, lang), TYPE_MARKS[ty.value]) for ty in SessionType]


# --------------------------------------------------------------------------- page contexts


@dataclass(frozen=True)
class Link:
    href: str  # relative to the site root
    text: str


@dataclass
class Site:
    """What every page shares: the plan's name, its stamp and the links of the navigation bar."""

    plan_name: str
    year: int
    stamp: str
    session_count: int
    months: list[Link]
    communities: list[Link]
    departments: list[Link]
    venues: list[Link]


@dataclass
class Page:
    path: str  # relative to the site root, e.g. "months/2026-03.html"
    title: str
    site: Site

    template = "base.html"
    landscape = False

    @property
    def root(self) -> str:
        """Prefix from this page back to the site root."""
        return "../" * self.path.count("/")


@dataclass(frozen=True)
class BlackoutNote:
    number: int
    start: dt.date
    end: dt.date
    reason: str
    scope: str  # empty when it stops every session
    full: bool


@dataclass
class DayCell:
    date: dt.date
    in_month: bool
    in_plan: bool
    kind: str  # workday | makeup | holiday | weekend
    holiday: str  # holiday name, also on its make-up days
    blackouts: list[BlackoutNote]
    sessions: list[SessionView]

    @property
    def css(self) -> str:
        if not self.in_month:
            return "day other-month"
        parts = ["day", self.kind]
        if not self.in_plan:
            parts.append("outside")
        if any(b.full for b in self.blackouts):
            parts.append("blackout")
        elif self.blackouts:
            parts.append("partial-blackout")
        return " ".join(parts)


@dataclass
class MonthGrid:
    year: int
    month: int
    title: str
    weekdays: list[str]
    weeks: list[list[DayCell]]
    blackouts: list[BlackoutNote]
    sessions: list[SessionView]
    fit: SheetFit = SheetFit(CHIP_PT[0], frozenset(), frozenset())  # print: chip text size, page breaks
    narrow_weekend: bool = True  # weekend columns narrow unless a make-up Saturday or Sunday holds sessions
    has_page: bool = True  # the year page links only months of the plan, which have a page

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def href(self) -> str:
        return f"months/{self.key}.html"

    def type_counts(self) -> Counter:
        return Counter(s.type for s in self.sessions)


@dataclass
class TypeRow:
    key: str
    name: str
    mark: str
    count: int
    min: int
    max: int

    @property
    def ok(self) -> bool:
        return self.min <= self.count <= self.max

    def bar(self, total: int) -> float:
        """Width of the bar in % of the type's maximum (of the year's total when unlimited)."""
        top = self.max if self.max < 1000 else total
        return round(100 * min(self.count, top) / max(top, 1), 1)


@dataclass
class ChartBar:
    """One community's bar in the orders-met chart (inline SVG, coordinates in px)."""

    name: str
    href: str
    met: int
    ordered: int
    y: int
    width: float  # of the met part
    full: float  # of the ordered part


@dataclass
class LevelRow:
    name: str
    value: int
    bound: int

    @property
    def proven(self) -> bool:
        return self.value == self.bound


@dataclass
class IndexPage(Page):
    types: list[TypeRow] = field(default_factory=list)
    total: TypeRow | None = None
    chart: list[ChartBar] = field(default_factory=list)
    chart_height: int = 0
    unmet: list[OrderOutcome] = field(default_factory=list)
    status: str = ""
    gap: float = 0.0
    seconds: float = 0.0
    seed: int = 0
    levels: list[LevelRow] = field(default_factory=list)
    rhythm: list[str] = field(default_factory=list)  # the rhythm figures, one line each
    warnings: list[str] = field(default_factory=list)
    example_id: str = "S-0000-001"

    template = "index.html"


@dataclass
class YearPage(Page):
    grids: list[MonthGrid] = field(default_factory=list)
    blackouts: list[BlackoutNote] = field(default_factory=list)

    template = "year.html"
    landscape = True


@dataclass
class MonthPage(Page):
    grid: MonthGrid | None = None
    prev: Link | None = None
    next: Link | None = None

    template = "month.html"
    landscape = True


@dataclass
class MonthsPage(Page):
    grids: list[MonthGrid] = field(default_factory=list)

    template = "months.html"
    landscape = True


@dataclass
class SessionRow:
    """A session on somebody's list: what they do there and who else comes."""

    session: SessionView
    role: str
    others: list[str]  # shown with ``name_list``, each name kept whole


@dataclass
class CommunityPage(Page):
    community: Named | None = None
    secretary: str = ""
    cadres: int = 0
    rows: list[SessionRow] = field(default_factory=list)
    orders: list[OrderOutcome] = field(default_factory=list)

    template = "community.html"

    @property
    def met(self) -> int:
        return sum(o.met for o in self.orders)


@dataclass
class DepartmentPage(Page):
    department: Named | None = None
    instructors: str = ""
    rows: list[SessionRow] = field(default_factory=list)

    template = "department.html"


@dataclass
class VenuePage(Page):
    venue: Named | None = None
    about: str = ""
    rows: list[SessionRow] = field(default_factory=list)

    template = "venue.html"


# --------------------------------------------------------------------------- builders


def _blackout_notes(view: PlanView) -> list[BlackoutNote]:
    lang = view.lang
    notes = []
    for n, b in enumerate(view.scenario.plan.blackouts, 1):
        if b.outdoor_only:
            scope = t("r.blackout_outdoor", lang)
        elif b.types:
            scope = t("r.blackout_types", lang, types=_names([type_name(x.value, lang) for x in b.types], lang))
        else:
            scope = ""
        notes.append(BlackoutNote(n, b.start, b.end, b.reason, scope, full=not scope))
    return notes


def _holiday_label(cal: WorkCalendar, day: dt.date, lang: str) -> str:
    name = cal.holiday_name(day) or ""
    return HOLIDAY_ZH.get(name, name) if lang == "zh" else name


def _chip_text(s: SessionView, lang: str) -> ChipText:
    """What ``s``'s chip prints, for the page fit (``fit.py``); the order of ``_chip.html``."""
    communities = _names([_short(c.name) for c in s.communities], lang)
    return ChipText(s.title, (s.pair(lang), s.venue.name, s.teacher(lang), communities))


def _sheet_fit(weeks: list[list[DayCell]], blackouts: int, lang: str, narrow_weekend: bool) -> SheetFit:
    rows = [
        Week([[_chip_text(s, lang) for s in d.sessions] for d in week], any(d.blackouts or d.holiday for d in week))
        for week in weeks
    ]
    return fit_sheet(rows, blackouts, narrow_weekend)


def month_grid(year: int, month: int, view: PlanView, cal: WorkCalendar, notes: list[BlackoutNote]) -> MonthGrid:
    lang = view.lang
    settings = view.scenario.plan
    by_day: dict[dt.date, list[SessionView]] = {}
    for s in view.sessions:
        by_day.setdefault(s.date, []).append(s)
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for d in week:
            kind = cal.kind(d)
            row.append(
                DayCell(
                    date=d,
                    in_month=d.month == month,
                    in_plan=settings.start <= d <= settings.end,
                    kind=kind,
                    holiday=_holiday_label(cal, d, lang) if kind in ("holiday", "makeup") else "",
                    blackouts=[b for b in notes if b.start <= d <= b.end],  # every day of its span
                    sessions=by_day.get(d, []) if d.month == month else [],
                )
            )
        weeks.append(row)
    grid = MonthGrid(
        year=year,
        month=month,
        title=month_title(year, month, lang),
        weekdays=[weekday_name(dt.date(2024, 1, i), lang) for i in range(1, 8)],  # 2024-01-01 is a Monday
        weeks=weeks,
        blackouts=[b for b in notes if b.start <= last and b.end >= first],
        sessions=[s for s in view.sessions if s.date.year == year and s.date.month == month],
    )
    grid.narrow_weekend = not any(d.sessions for week in weeks for d in week[5:])
    grid.fit = _sheet_fit(weeks, len(grid.blackouts), lang, grid.narrow_weekend)
    return grid


def _plan_months(view: PlanView) -> list[tuple[int, int]]:
    """Months from the plan's first to its last day, plus any month a session falls in."""
    p = view.scenario.plan
    months = set()
    d = dt.date(p.start.year, p.start.month, 1)
    while d <= p.end:
        months.add((d.year, d.month))
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    months.update((s.date.year, s.date.month) for s in view.sessions)
    return sorted(months)


def _others(s: SessionView, me: str, lang: str) -> list[str]:
    names = [c.name for c in s.communities if c.id != me]
    if s.host and s.host.id != me:
        names.insert(0, s.host.name + t("r.paren", lang, x=t("r.role.host", lang)))
    if s.type == SessionType.department.value and len(s.departments) > 1:
        names.append(t("r.learners", lang, name=s.departments[1].name, n=s.learners))
    return names


def _community_role(s: SessionView, cid: str, lang: str) -> str:
    if s.host and s.host.id == cid:
        return t("r.role.host", lang)
    n = next((c.attendees for c in s.communities if c.id == cid), 0)
    return f"{t('r.role.attend', lang)} {n}"


def _department_role(s: SessionView, did: str, lang: str) -> str:
    roles = []
    if s.type == SessionType.department.value and s.departments:
        roles.append(t("r.role.mentor" if s.departments[0].id == did else "r.role.learner", lang))
    elif s.type == SessionType.peer.value and any(d.id == did for d in s.departments):
        roles.append(t("r.role.deliver", lang))
    if s.instructor_department and s.instructor_department.id == did and not roles:
        roles.append(t("r.role.teach", lang))
    return _names(roles, lang)


def _site(view: PlanView, months: list[tuple[int, int]], stamp: Stamp) -> Site:
    sc = view.scenario
    lang = view.lang
    return Site(
        plan_name=sc.plan.name,
        year=sc.plan.year,
        stamp=stamp_text(view.plan, stamp, lang),
        session_count=len(view.sessions),
        months=[Link(f"months/{y}-{m:02d}.html", month_title(y, m, lang)) for y, m in months],
        communities=[Link(f"communities/{c.id}.html", c.name) for c in sc.communities],
        departments=[Link(f"departments/{d.id}.html", d.name) for d in sc.departments],
        venues=[Link(f"venues/{v.id}.html", v.name) for v in sc.venues],
    )


def _index_page(view: PlanView, site: Site) -> IndexPage:
    lang = view.lang
    plan = view.plan
    q = view.scenario.plan.sessions
    counts = Counter(s.type for s in view.sessions)
    types = []
    for ty in SessionType:
        r = q.for_type(ty)
        types.append(TypeRow(ty.value, type_name(ty.value, lang), TYPE_MARKS[ty.value], counts[ty.value], r.min, r.max))
    low = q.total if q.total_min is None else q.total_min
    total = TypeRow("total", t("total", lang), "", len(view.sessions), low, q.total)
    chart, y = [], 0
    for c in view.scenario.communities:
        outs = view.outcomes_of(c.id)
        if not outs:
            continue
        met = sum(o.met for o in outs)
        chart.append(ChartBar(c.name, f"communities/{c.id}.html", met, len(outs), y, 360 * met / len(outs), 360.0))
        y += 26
    s = plan.solver
    levels = [LevelRow(_level_name(name, lang), v, b) for name, v, b in zip(s.levels, s.objective, s.bound)]
    return IndexPage(
        path="index.html",
        title=t("r.index", lang),
        site=site,
        types=types,
        total=total,
        chart=chart,
        chart_height=max(y, 26),
        unmet=[o for o in view.outcomes if not o.met],
        status=s.status,
        gap=s.gap,
        seconds=s.time_seconds,
        seed=s.seed,
        levels=levels,
        rhythm=rhythm_lines(plan, lang),
        warnings=plan_warnings(plan, lang),
        example_id=view.sessions[0].id if view.sessions else f"S-{site.year}-001",
    )


def _level_name(level: str, lang: str) -> str:
    key = f"level.{level}"
    return t(key, lang) if key in TEXT else level


def build_pages(plan: Plan, lang: str = "zh", stamp: Stamp | None = None) -> list[Page]:
    """Every page's context, in the order the index lists them; ``stamp``: which plan this
    is (by default its digest, without a date)."""
    view = plan_view(plan, lang)
    sc = view.scenario
    cal = WorkCalendar(sc.plan)
    notes = _blackout_notes(view)
    months = _plan_months(view)
    site = _site(view, months, stamp or Stamp(digest=plan_digest(plan)))
    grids = [month_grid(y, m, view, cal, notes) for y, m in months]
    pages: list[Page] = [_index_page(view, site)]
    year_grids = [month_grid(sc.plan.year, m, view, cal, notes) for m in range(1, 13)]
    for g in year_grids:
        g.has_page = (g.year, g.month) in months
    pages.append(YearPage("year.html", t("r.year", lang), site, grids=year_grids, blackouts=notes))
    pages.append(MonthsPage("months.html", t("r.all_months", lang), site, grids=grids))
    for i, g in enumerate(grids):
        prev = Link(grids[i - 1].href, grids[i - 1].title) if i else None
        nxt = Link(grids[i + 1].href, grids[i + 1].title) if i + 1 < len(grids) else None
        pages.append(MonthPage(g.href, g.title, site, grid=g, prev=prev, next=nxt))
    for c in sc.communities:
        rows = [SessionRow(s, _community_role(s, c.id, lang), _others(s, c.id, lang)) for s in view.for_community(c.id)]
        pages.append(
            CommunityPage(
                f"communities/{c.id}.html",
                c.name,
                site,
                community=Named(c.id, c.name),
                secretary=c.secretary,
                cadres=c.cadres,
                rows=rows,
                orders=view.outcomes_of(c.id),
            )
        )
    for d in sc.departments:
        rows = [SessionRow(s, _department_role(s, d.id, lang), _others(s, "", lang)) for s in view.for_department(d.id)]
        pages.append(
            DepartmentPage(
                f"departments/{d.id}.html",
                d.name,
                site,
                department=Named(d.id, d.name),
                instructors=_names([i.name for i in d.instructors], lang),
                rows=rows,
            )
        )
    community_names = {c.id: c.name for c in sc.communities}
    for v in sc.venues:
        if v.online:
            about = t("r.online", lang)
        elif v.owner == "street":
            about = t("r.owner_street", lang)
        else:
            about = t("r.owner_community", lang, name=community_names.get(v.owner, v.owner))
        about += t("r.sep", lang) + t("r.capacity", lang, n=v.capacity)
        rows = [SessionRow(s, "", _others(s, "", lang)) for s in view.for_venue(v.id)]
        pages.append(VenuePage(f"venues/{v.id}.html", v.name, site, venue=Named(v.id, v.name), about=about, rows=rows))
    return pages


def render_site(plan: Plan, out_dir: Path, lang: str = "zh", stamp: Stamp | None = None) -> list[Path]:
    """Write every page and the stylesheet under ``out_dir``; return the files written."""
    env = make_environment(lang)
    written = []
    for page in build_pages(plan, lang, stamp):
        target = out_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(page.template).render(page=page, site=page.site), encoding="utf-8")
        written.append(target)
    css, _, _ = env.loader.get_source(env, STYLESHEET)
    (out_dir / STYLESHEET).write_text(css, encoding="utf-8")
    written.append(out_dir / STYLESHEET)
    return written
