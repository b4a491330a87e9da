"""The calendars as their readers use them: every session is where its people look for it,
unmet orders say why, hostile names stay text, and every link leads somewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from calendar_data import FORMULA, SCRIPT, crowded_plan, crowded_scenario, nasty_plan, packed_plan, shown, tiny_plan
from click.testing import CliRunner

from scheduler.cli.commands import main
from scheduler.plan.planfile import plan_json
from scheduler.publish import fit, render
from scheduler.publish.render import REPO_TEMPLATES, TEMPLATES, build_pages, make_environment, render_site


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    render_site(crowded_plan(), out)
    return out


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    render_site(tiny_plan(), out)
    return out


def _departments(s, plan) -> set[str]:
    teachers = {i.id: d.id for d in plan.scenario.snapshot.departments for i in d.instructors}
    return set(s.departments) | ({teachers[s.instructor]} if s.instructor in teachers else set())


# --------------------------------------------------------------------------- templates


def test_the_loader_finds_every_template():
    env = make_environment()
    for name in TEMPLATES:
        source, _, _ = env.loader.get_source(env, name)
        assert source.strip(), name


def test_every_template_file_is_known_to_the_renderer():
    on_disk = {p.name for p in REPO_TEMPLATES.iterdir() if p.suffix in (".html", ".css")}
    assert on_disk == set(TEMPLATES)


# --------------------------------------------------------------------------- sessions where people look


@pytest.mark.parametrize("which", ["tiny", "crowded"])
def test_every_session_is_on_its_month_page_in_its_day_cell(which, request):
    plan = tiny_plan() if which == "tiny" else crowded_plan()
    site = request.getfixturevalue(f"{which}_site")
    assert plan.sessions
    for s in plan.sessions:
        page = soup(site / "months" / f"{s.date:%Y-%m}.html")
        chip = page.select_one(f'.chip[data-session="{s.id}"]')
        assert chip is not None, s.id
        assert chip.find_parent("td")["data-date"] == s.date.isoformat()
        assert s.id in chip.get_text() and s.title in chip.get_text()


@pytest.mark.parametrize("which", ["tiny", "crowded"])
def test_every_session_is_on_the_pages_of_its_communities_departments_and_venue(which, request):
    plan = tiny_plan() if which == "tiny" else crowded_plan()
    site = request.getfixturevalue(f"{which}_site")
    for s in plan.sessions:
        communities = {a.community for a in s.attendance} | ({s.host} if s.host else set())
        pages = [f"communities/{c}.html" for c in communities]
        pages += [f"departments/{d}.html" for d in _departments(s, plan)]
        pages.append(f"venues/{s.venue}.html")
        assert len(pages) >= 2, s.id
        for name in pages:
            row = soup(site / name).select_one(f'table.sessions tr[data-session="{s.id}"]')
            assert row is not None, f"{s.id} missing from {name}"


def test_a_community_page_lists_only_its_own_sessions_in_date_order(crowded_site):
    plan = crowded_plan()
    for c in plan.scenario.snapshot.communities:
        mine = [s for s in plan.sessions if c.id in {a.community for a in s.attendance} | {s.host}]
        rows = soup(crowded_site / "communities" / f"{c.id}.html").select("table.sessions tr[data-session]")
        assert [r["data-session"] for r in rows] == [s.id for s in sorted(mine, key=lambda s: (s.date, s.id))]


def test_a_community_page_shows_each_order_met_or_not_with_the_reason(crowded_site, tiny_site):
    for plan, site in ((crowded_plan(), crowded_site), (tiny_plan(), tiny_site)):
        assert plan.unmet, "the test plans leave an order unmet on purpose"
        met = {o: s.id for s in plan.sessions for a in s.attendance for o in a.orders}
        for order in plan.scenario.snapshot.orders:
            row = soup(site / "communities" / f"{order.community}.html").select_one(f'tr[data-order="{order.id}"]')
            assert row is not None, order.id
            if order.id in met:
                assert "met" in row["class"] and met[order.id] in row.get_text()
        for u in plan.unmet:
            row = soup(site / "communities" / f"{u.community}.html").select_one(f'tr[data-order="{u.order}"]')
            assert "unmet" in row["class"]
            assert row.select_one(".reason").get_text(strip=True) == u.message


def test_the_index_lists_unmet_orders_with_reasons_and_the_solver_status(crowded_site):
    plan = crowded_plan()
    page = soup(crowded_site / "index.html")
    rows = page.select("#unmet tr[data-order]")
    assert [r["data-order"] for r in rows] == [u.order for u in plan.unmet]
    assert "报名400人" in page.select_one('#unmet tr[data-order="O-NOPE"] .reason').get_text()
    assert plan.solver.status in page.select_one("#solver").get_text()
    assert len(page.select("#types tbody tr")) == 5  # four types and the total
    bars = page.select("#orders-met svg .chart-row")
    assert len(bars) == len({o.community for o in plan.scenario.snapshot.orders})


# --------------------------------------------------------------------------- calendar facts


def test_holidays_make_up_days_and_blackouts_are_marked(crowded_site):
    sep = soup(crowded_site / "months" / "2026-09.html")
    octo = soup(crowded_site / "months" / "2026-10.html")
    cell = lambda page, day: page.select_one(f'td[data-date="{day}"]')  # noqa: E731
    assert "makeup" in cell(sep, "2026-09-20")["class"]  # Sunday 20 Sep: 调休 working day
    assert cell(sep, "2026-09-20").select_one(".makeup-flag").get_text() == "班"
    assert "holiday" in cell(octo, "2026-10-01")["class"]
    assert cell(octo, "2026-10-01").select_one(".holiday-flag").get_text() == "休"
    assert "国庆节" in cell(octo, "2026-10-01").get_text()
    assert "makeup" in cell(octo, "2026-10-10")["class"]  # Saturday 10 Oct works
    assert "blackout" in cell(sep, "2026-09-10")["class"]
    assert "换届选举" in sep.select_one(".legend .blackouts").get_text()
    assert len(sep.select(".legend .chip-key")) == 4


def test_the_year_page_has_twelve_months_with_each_session_day_marked(crowded_site):
    plan = crowded_plan()
    page = soup(crowded_site / "year.html")
    assert len(page.select(".mini-month")) == 12
    for s in plan.sessions:
        day = page.select_one(f'.mini-month td[data-date="{s.date.isoformat()}"]')
        assert day.select_one(f".mark.t-{s.type.value}") is not None, s.id
    assert page.select_one('td[data-date="2026-10-01"]')["class"].count("holiday") == 1
    assert "makeup" in page.select_one('td[data-date="2026-09-20"]')["class"]


def test_chips_show_time_venue_teacher_and_communities(tiny_site):
    plan = tiny_plan()
    sc = plan.scenario.snapshot
    venues = {v.id: v.name for v in sc.venues}
    for s in plan.sessions:
        chip = soup(tiny_site / "months" / f"{s.date:%Y-%m}.html").select_one(f'.chip[data-session="{s.id}"]')
        text = chip.get_text(" ", strip=True)
        assert venues[s.venue] in text
        assert {"morning": "上午", "afternoon": "下午", "evening": "晚上"}[s.slots[0].value] in text or "全天" in text
        assert f"t-{s.type.value}" in chip["class"] and chip.select_one(".mark").get_text()  # glyph for B/W


# --------------------------------------------------------------------------- hostile names, languages, links


def test_hostile_names_are_escaped_everywhere(crowded_site):
    pages = list(crowded_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = soup(path)
        assert page.find("script") is None, path
        assert SCRIPT not in str(page).replace(SCRIPT.replace("<", "&lt;").replace(">", "&gt;"), ""), path
    community = soup(crowded_site / "communities" / "c10.html")
    assert community.select_one("h1").get_text() == SCRIPT  # shown as text, exactly
    # shown as text wherever it appears (a session in September, or an unmet order's title)
    assert any(FORMULA in soup(path).get_text() for path in pages)


def test_names_with_line_breaks_control_characters_and_markup_are_shown_as_text_on_every_page(tmp_path):
    render_site(nasty_plan(), tmp_path)
    pages = list(tmp_path.rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]", raw), path  # CR and controls gone
        page = BeautifulSoup(raw, "html.parser")
        assert page.find("script") is None, path
        assert not [a for tag in page.find_all(True) for a in tag.attrs if a.startswith("on")], path

    def text(name: str, css: str) -> str:
        return soup(tmp_path / name).select_one(css).get_text()

    assert text("index.html", "h1") == shown("plan") and text("index.html", "title").endswith(shown("plan"))
    assert text("communities/shanxia.html", "h1") == shown("shanxia")
    assert shown("secretary") in text("communities/shanxia.html", ".sub")
    assert shown("role") in text("communities/shanxia.html", 'tr[data-order="O-1"]')
    assert text("communities/fenghuang.html", "h1") == shown("fenghuang")
    assert text("departments/yingji.html", "h1") == shown("yingji")
    assert shown("yj-wang") in text("departments/yingji.html", ".sub")
    assert text("venues/hall.html", "h1") == shown("hall")
    month = soup(tmp_path / "months" / "2026-03.html")
    chip = month.select_one('.chip[data-session="S-2026-001"]')
    assert chip.select_one(".title").get_text() == shown("fire")
    for css, key in ((".where", "hall"), (".who", "yj-wang"), (".who", "yingji"), (".comms", "shanxia")):
        assert shown(key) in chip.select_one(css).get_text(), css
    assert month.select_one('td[data-date="2026-03-06"] .bo-num')["title"] == shown("blackout")  # attributes too
    assert shown("blackout") in month.select_one(".legend .blackouts").get_text()
    (mark,) = soup(tmp_path / "year.html").select(".mini-month .marks .mark")  # the plan's one session
    assert mark["title"] == f"S-2026-001 {shown('fire')}"


def test_chinese_by_default_and_english_on_request(tmp_path, tiny_site):
    zh = soup(tiny_site / "index.html")
    assert zh.html["lang"] == "zh-CN" and zh.meta["charset"] == "utf-8"
    assert "未满足的点单" in zh.get_text()
    render_site(tiny_plan(), tmp_path, "en")
    en = soup(tmp_path / "index.html")
    assert en.html["lang"] == "en"
    headings = [h.get_text() for h in en.select("h2")]
    assert any(h.startswith("Unmet orders") for h in headings) and "Orders met per community" in headings
    assert soup(tmp_path / "months" / "2026-03.html").select_one("h1").get_text() == "March 2026"
    reason = en.select_one("#unmet .reason").get_text()
    sc = tiny_plan().scenario.snapshot
    for name in [c.name for c in sc.communities]:  # names are data, in any language
        reason = reason.replace(name, "")
    assert reason and not any("\u4e00" <= ch <= "\u9fff" for ch in reason)  # rebuilt in English
    assert "山厦社区" in soup(tmp_path / "communities" / "shanxia.html").get_text()  # names are data


def test_every_link_of_every_page_leads_to_a_file(crowded_site):
    pages = {path.resolve(): soup(path) for path in crowded_site.rglob("*.html")}
    checked = 0
    for path, page in pages.items():
        for tag in page.select("a[href], link[href]"):
            href = urlsplit(tag["href"])
            assert not href.scheme and not href.netloc, tag["href"]
            target = (path.parent / unquote(href.path)).resolve()
            assert target.is_file(), f"{path.name}: {tag['href']}"
            if href.fragment:
                assert pages[target].find(id=href.fragment) is not None, f"{path.name}: {tag['href']}"
            checked += 1
    assert checked > 100


def test_the_index_links_to_every_page(crowded_site):
    links = {a["href"] for a in soup(crowded_site / "index.html").select("a[href]")}
    pages = {p.path for p in build_pages(crowded_plan())} - {"index.html"}
    assert pages <= links


# --------------------------------------------------------------------------- CLI


def test_schedule_render_writes_the_site(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan_json(tiny_plan()), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(plan_file), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "index.html" in result.output
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "calendar.css").is_file()


@pytest.mark.parametrize("content", [None, "{not json", json.dumps({"sessions": []})])
def test_schedule_render_names_a_bad_plan_file_and_exits_2(tmp_path, content):
    plan_file = tmp_path / "plan.json"
    if content is not None:
        plan_file.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(plan_file), "--out", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert str(plan_file) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["render", "export"])
def test_help_has_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert f"schedule {command} " in result.output.split("xample", 1)[-1]


def test_every_day_of_every_blackout_is_marked_with_its_label_on_month_and_year_pages(crowded_site):
    """Issue 16: a no-session period shows on each of its days, full or partial, as text."""
    import datetime as dt

    plan = crowded_plan()
    year = soup(crowded_site / "year.html")
    blackouts = plan.scenario.snapshot.plan.blackouts
    assert blackouts
    for n, b in enumerate(blackouts, 1):
        day = b.start
        while day <= b.end:
            month = crowded_site / "months" / f"{day:%Y-%m}.html"
            if month.exists():
                cell = soup(month).select_one(f'td[data-date="{day.isoformat()}"]')
                labels = [x.get_text() for x in cell.select(".bo-num")]
                assert any(label.endswith(f"停办{n}") for label in labels), (day, labels)
                assert ("blackout" if not (b.types or b.outdoor_only) else "partial-blackout") in cell["class"]
            mini = year.select_one(f'.mini-month td[data-date="{day.isoformat()}"]')
            if mini is not None:
                assert f"停{n}" in [x.get_text() for x in mini.select(".bo")], day
            day += dt.timedelta(days=1)


def test_every_page_carries_the_plans_stamp_and_no_machine_path(tmp_path):
    plan = tiny_plan()
    render_site(plan, tmp_path)
    for page in tmp_path.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "方案编号" in soup(page).select_one(".stamp").get_text(), page.name
        assert "@bottom-right" in text and "counter(pages)" in text, page.name  # printed page numbers
        assert plan.scenario.path not in text and str(Path.home()) not in text, page.name


def _month_tables(site: Path) -> dict[str, BeautifulSoup]:
    return {p.stem: soup(p).select_one("table.month-grid") for p in sorted((site / "months").glob("*.html"))}


def test_printed_month_text_is_never_below_7_pt_and_quiet_weeks_print_low(crowded_site, tmp_path):
    render_site(packed_plan(), tmp_path)
    for site in (crowded_site, tmp_path):
        for month, table in _month_tables(site).items():
            pt = float(re.search(r"--chip-pt: ([0-9.]+)pt", table["style"]).group(1))
            assert 7.0 <= pt <= 7.5, month
            for row in table.select("tbody tr"):
                has_sessions = bool(row.select(".chip"))
                assert ("quiet" in row["class"]) == (not has_sessions), month


def test_a_month_that_fits_one_page_keeps_its_largest_text_and_no_break(tmp_path):
    render_site(tiny_plan(), tmp_path)
    for month, table in _month_tables(tmp_path).items():
        assert "--chip-pt: 7.5pt" in table["style"] and not table.select("tr.page-break"), month


def test_a_month_too_busy_for_one_page_breaks_between_weeks_within_the_page_budget(tmp_path):
    """The packed September: three weeks of 4 sessions a day do not fit one sheet at 7 pt;
    it breaks before a week so that no page's estimated rows exceed the page."""
    plan = packed_plan()
    grid = next(p.grid for p in build_pages(plan) if getattr(p, "grid", None) and p.grid.key == "2026-09")
    assert grid.fit.chip_pt == 7.0 and grid.fit.breaks
    weeks = [fit.Week([[render._chip_text(s, "zh") for s in d.sessions] for d in w], True) for w in grid.weeks]
    heights = fit.row_heights(weeks, 7.0, grid.narrow_weekend)
    assert sum(heights) > fit.grid_budget_mm(len(grid.blackouts))  # it really does not fit
    starts = [0, *sorted(grid.fit.breaks), len(heights)]
    for a, b in zip(starts, starts[1:]):
        assert sum(heights[a:b]) <= fit.grid_budget_mm(len(grid.blackouts)) or b - a == 1
    render_site(plan, tmp_path)
    rows = soup(tmp_path / "months" / "2026-09.html").select("table.month-grid tbody tr")
    assert {i for i, r in enumerate(rows) if "page-break" in r["class"]} == set(grid.fit.breaks)


def test_names_stay_whole_and_ids_unbroken_in_lists(crowded_site):
    """A community's name is one unbreakable piece (``.nm``) in the session lists and on
    chips; an id inside a reason's sentence is kept on one line; markup stays text."""
    names = {c["name"] for c in crowded_scenario()["communities"]}
    page = soup(crowded_site / "communities" / "c00.html")
    kept = {n.get_text() for n in page.select("table.sessions td[data-label] .nm")}
    assert kept and kept <= names | {v["name"] for v in crowded_scenario()["venues"]} | {n + "（承办）" for n in names}
    chips = {n.get_text() for n in soup(crowded_site / "months" / "2026-09.html").select(".chip .comms .nm")}
    assert chips and all(any(full.startswith(short) for full in names) for short in chips)
    shown_text = render._ids_whole("需放弃O-041（平湖社区）与S-2026-035<b>")
    assert str(shown_text) == (
        '需放弃<span class="nowrap">O-041</span>（平湖社区）与<span class="nowrap">S-2026-035</span>&lt;b&gt;'
    )


def test_a_venue_page_does_not_repeat_its_venue_in_a_column(crowded_site):
    for page in (crowded_site / "venues").glob("*.html"):
        table = soup(page).select_one("table.sessions")
        if table is not None:
            assert not table.select("th.c-venue") and "no-venue" in table["class"], page.name
    community = soup(next((crowded_site / "communities").glob("*.html"))).select_one("table.sessions")
    assert community.select("th.c-venue")


def test_a_month_page_names_each_day_for_the_phone_list(crowded_site):
    """On a phone the month is a list of its days: each day with sessions names its date and weekday."""
    page = soup(crowded_site / "months" / "2026-09.html")
    cells = page.select("td.day.has-sessions")
    assert cells
    for td in cells:
        day = int(td["data-date"][-2:])
        assert td.select_one(".dlabel").get_text().startswith(f"9月{day}日 周")
