"""The calendars in a real browser: headless Chromium prints them to PDF and lays them out.

Printed: each month on one landscape A4 page (a month too busy for one continues
between weeks), the year on one page, every page naming itself with the plan's stamp
and 第k页 共n页, every blackout day marked. Laid out (the print CSS applied to a 281 mm
wide page, and on screen, measured with getBoundingClientRect): on each month's busiest
day no chip spills out of its cell or onto another, printed text is never below 7 pt,
and the year page's day cells hold their glyphs. At a phone's 390 x 844 (a frame: the
headless window is never narrower than 500 px): no text over text, nothing wider than
the screen, no id broken, no text under 12 px. Leaves month.png, month-print.pdf,
year-print.png and phone-community.png for a person to look at, in the folder
``$SCHEDULE_TEST_ARTIFACTS`` names, else in ``artifacts/`` of pytest's temporary folder
(never in the checkout; the run prints where).

Needs Debian's ``chromium`` and a CJK font (``.ci/run`` installs both). Without
Chromium the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from calendar_data import crowded_plan, crowded_scenario, packed_plan
from pypdf import PdfReader

from scheduler.domain.i18n import t
from scheduler.publish.render import render_site
from scheduler.publish.views import Stamp, plan_digest, stamp_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MM_PER_PT = 25.4 / 72

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests: install Debian's chromium (.ci/run does)", pytrace=False)
    pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)


def chromium(profile: Path, *args: str, timeout: float = 90) -> str:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def print_pdf(profile: Path, page: Path, pdf: Path) -> PdfReader:
    chromium(profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    return PdfReader(pdf)


def pdf_text(reader: PdfReader) -> str:
    """The first page's text; NFKC folds the Kangxi radicals some CJK fonts map 月 or 日 to."""
    return unicodedata.normalize("NFKC", reader.pages[0].extract_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    render_site(crowded_plan(), out)
    return out


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("chromium-profile")


def busiest_month() -> str:
    per_day = Counter(s.date for s in crowded_plan().sessions)
    day, count = per_day.most_common(1)[0]
    assert count >= 4, "the crowded plan should crowd a day"
    return f"{day:%Y-%m}"


def landscape_a4(reader: PdfReader) -> bool:
    box = reader.pages[0].mediabox
    w, h = float(box.width) * MM_PER_PT, float(box.height) * MM_PER_PT
    return abs(w - 297) < 2 and abs(h - 210) < 2


# --------------------------------------------------------------------------- printing


def test_each_month_prints_on_one_landscape_a4_page(site, profile, tmp_path, artifacts):
    months = sorted((site / "months").glob("*.html"))
    assert len(months) == 2
    for page in months:
        reader = print_pdf(profile, page, tmp_path / f"{page.stem}.pdf")
        assert len(reader.pages) == 1, page.name
        assert landscape_a4(reader), page.name
        assert "图例" in pdf_text(reader)  # the legend made it onto the page
        check_every_page(page_texts(reader), crowded_plan(), f"{int(page.stem[:4])}年{int(page.stem[5:])}月")
    shutil.copy(tmp_path / f"{busiest_month()}.pdf", artifacts / "month-print.pdf")


def test_all_months_print_one_page_per_month(site, profile, tmp_path):
    reader = print_pdf(profile, site / "months.html", tmp_path / "months.pdf")
    assert len(reader.pages) == len(list((site / "months").glob("*.html")))


def test_the_year_prints_on_one_page(site, profile, tmp_path):
    reader = print_pdf(profile, site / "year.html", tmp_path / "year.pdf")
    assert len(reader.pages) == 1 and landscape_a4(reader)
    text = pdf_text(reader)
    assert "2026年12月" in text and "2026年1月" in text
    check_every_page(page_texts(reader), crowded_plan(), t("r.year", "zh"))


def test_the_pdf_carries_chinese_text(site, profile, tmp_path):
    """A CJK font is installed and used: the printed text extracts as Chinese, not boxes."""
    reader = print_pdf(profile, site / "months" / f"{busiest_month()}.html", tmp_path / "m.pdf")
    assert "消防安全与三防应急" in pdf_text(reader).replace("\n", "")


# --------------------------------------------------------------------------- layout measured in the page

MEASURE = """
<script>
window.addEventListener('load', () => {
  const mm = 25.4 / 96, eps = 0.5;
  const inside = (a, b) =>
    a.left >= b.left - eps && a.right <= b.right + eps && a.top >= b.top - eps && a.bottom <= b.bottom + eps;
  const shown = el => el.getClientRects().length > 0;  // display: none has no boxes
  const chips = [...document.querySelectorAll('.chip')].map(chip => {
    const a = chip.getBoundingClientRect();
    const cell = chip.closest('td.day');
    const out = [...chip.querySelectorAll('*')]
      .filter(el => shown(el) && !inside(el.getBoundingClientRect(), a))
      .map(el => el.className || el.tagName);
    return {id: chip.dataset.session, date: cell.dataset.date, top: a.top, bottom: a.bottom,
            inCell: inside(a, cell.getBoundingClientRect()), partsOut: out,
            overflowX: chip.scrollWidth > chip.clientWidth + 1, height_mm: a.height * mm};
  });
  const grid = document.querySelector('.month-grid').getBoundingClientRect();
  const sizes = [];  // the font size of every piece of text shown on the sheet, in pt
  const walk = document.createTreeWalker(document.querySelector('.sheet'), NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode()); ) {
    if (n.textContent.trim() && shown(n.parentElement))
      sizes.push([parseFloat(getComputedStyle(n.parentElement).fontSize) * 0.75, n.textContent.trim().slice(0, 12)]);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  report({chips, width_mm: grid.width * mm, smallest: sizes[0], texts: sizes.length});
});
</script>
"""


# Defines report(result) for the injected scripts: the result goes into <pre id="result">,
# of this page or, when it is framed (phone width), of the frame's parent.
REPORT = """
<script>
function report(result) {
  const text = JSON.stringify(result);
  if (window.parent !== window) { window.parent.postMessage(text, '*'); return; }
  const pre = document.createElement('pre');
  pre.id = 'result';
  pre.textContent = text;
  document.body.appendChild(pre);
}
</script>
"""

# Headless Chromium's window is never narrower than 500 px: a phone's width is a frame's.
PHONE_FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin: 0">
<iframe src="{src}" width="{width}" height="{height}" style="border: 0; display: block"></iframe>
<script>
window.addEventListener('message', e => {{
  const pre = document.createElement('pre');
  pre.id = 'result';
  pre.textContent = e.data;
  document.body.appendChild(pre);
}});
</script>
</body></html>
"""


def site_copy(site: Path, tmp_path: Path, printed: bool, name: str) -> Path:
    """A copy of the site to lay out; ``printed``: with the print rules on a page as wide
    as landscape A4 less its margins."""
    copy = tmp_path / ("print" if printed else "screen") / name
    shutil.copytree(site, copy)
    if printed:
        css = (copy / "calendar.css").read_text(encoding="utf-8").replace("@media print", "@media all")
        css += "\nbody { width: 281mm; max-width: none; margin: 0; padding: 0; }\n"
        (copy / "calendar.css").write_text(css, encoding="utf-8")
    return copy


def phone_frame(copy: Path, page: str, width: int = 390, height: int = 844) -> Path:
    """A page at the copy's root that shows ``page`` in a frame of that size (a phone's by default)."""
    frame = copy / f"phone-{width}.html"
    frame.write_text(PHONE_FRAME.format(src=page, width=width, height=height), encoding="utf-8")
    return frame


def laid_out(profile: Path, site: Path, tmp_path: Path, page: str, script: str, printed: bool, width: int = 0) -> dict:
    """Lay ``page`` (relative to the site) out in Chromium with ``script`` injected (on a
    desktop window, or in a frame ``width`` px wide) and return what the script reported."""
    copy = site_copy(site, tmp_path, printed, f"frame-{width}" if width else "desktop")
    target = copy / page
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("</body>", REPORT + script + "</body>"), encoding="utf-8")
    opened = phone_frame(copy, page, width) if width else target
    dom = chromium(profile, "--window-size=1600,1200", "--virtual-time-budget=5000", "--dump-dom", opened.as_uri())
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(html.unescape(found.group(1)))


def measure(profile: Path, site: Path, tmp_path: Path, month: str, printed: bool) -> dict:
    """The month page's chip boxes, as the injected script measured them."""
    return laid_out(profile, site, tmp_path, f"months/{month}.html", MEASURE, printed)


@pytest.fixture(scope="module")
def site_en(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site-en")
    render_site(crowded_plan(), out, lang="en")
    return out


@pytest.fixture(scope="module")
def packed_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("packed")
    render_site(packed_plan(), out)
    return out


@pytest.mark.parametrize("printed", [True, False], ids=["print", "screen"])
@pytest.mark.parametrize("which", ["crowded-2026-09", "crowded-2026-10", "packed-2026-10", "english-2026-09"])
def test_no_chip_leaves_its_day_cell(site, site_en, packed_site, profile, tmp_path, printed, which):
    """Every month's busiest day (the crowded plan's 4 a day, in Chinese and in English; 10
    on one day of the packed plan) keeps each chip whole inside its cell, printed and on screen."""
    name, month = which.split("-", 1)
    plan, where = {
        "crowded": (crowded_plan(), site),
        "english": (crowded_plan(), site_en),
        "packed": (packed_plan(), packed_site),
    }[name]
    result = measure(profile, where, tmp_path, month, printed)
    chips = result["chips"]
    expected = [s.id for s in plan.sessions if f"{s.date:%Y-%m}" == month]
    assert sorted(c["id"] for c in chips) == sorted(expected)
    for c in chips:
        assert c["inCell"], f"{c['id']} spills out of its day cell"
        assert not c["partsOut"], f"{c['id']}: text runs out of its chip: {c['partsOut']}"
        assert not c["overflowX"], f"{c['id']}: a word is wider than the chip"
    by_day: dict[str, list[dict]] = {}
    for c in chips:
        by_day.setdefault(c["date"], []).append(c)
    for day, same in by_day.items():
        same.sort(key=lambda c: c["top"])
        for upper, lower in zip(same, same[1:]):
            assert upper["bottom"] <= lower["top"] + 0.5, f"{upper['id']} overlaps {lower['id']} on {day}"
    if printed:
        assert abs(result["width_mm"] - 281) < 2
        assert result["texts"] > 10 * len(chips)
        assert result["smallest"][0] >= 7 - 0.01, f"printed text below 7 pt: {result['smallest']}"


def test_screenshot_of_the_busiest_month_for_a_person(site, profile, artifacts):
    png = artifacts / "month.png"
    png.unlink(missing_ok=True)
    page = site / "months" / f"{busiest_month()}.html"
    chromium(profile, "--window-size=1600,1200", f"--screenshot={png}", page.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000


# --------------------------------------------------------------------------- printed pages: stamp, numbers, breaks


def page_texts(reader: PdfReader) -> list[str]:
    """Each printed page's text, as ``squeeze`` leaves it."""
    return [squeeze(p.extract_text()) for p in reader.pages]


# CJK radical-supplement forms a font maps some characters to; NFKC does not fold them.
RADICALS = str.maketrans({"\u2eda": "页", "\u2ed4": "门", "\u2ea0": "民", "\u2edb": "风"})


def squeeze(text: str) -> str:
    """``text`` NFKC-folded, radical forms folded, without white space (PDF text breaks lines anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(RADICALS))


def check_every_page(texts: list[str], plan, title: str) -> None:
    """The page's title, the plan's stamp and "第k页 共n页" on each printed page."""
    stamp = squeeze(stamp_text(plan, Stamp(digest=plan_digest(plan)), "zh"))
    for k, text in enumerate(texts, 1):
        assert squeeze(title) in text, f"page {k} does not name {title}"
        assert stamp in text, f"page {k} lacks the stamp {stamp}"
        assert f"第{k}页共{len(texts)}页" in text, f"page {k} is not numbered"


def test_a_long_community_page_names_itself_stamps_and_numbers_every_page(site, profile, tmp_path):
    plan = crowded_plan()
    busiest = Counter(a.community for s in plan.sessions for a in s.attendance).most_common(1)[0][0]
    name = next(c["name"] for c in crowded_scenario()["communities"] if c["id"] == busiest)
    reader = print_pdf(profile, site / "communities" / f"{busiest}.html", tmp_path / "c.pdf")
    texts = page_texts(reader)
    assert len(texts) >= 2, "the test wants a community page that runs over pages"
    check_every_page(texts, plan, name)
    ids = [s.id for s in plan.sessions]
    for k, text in enumerate(texts, 1):
        if any(i in text for i in ids):  # a page of the session list repeats the table's header
            assert t("r.others", "zh") in text or t("r.outcome", "zh") in text, f"page {k}: rows without their header"


def test_a_month_too_busy_for_one_page_continues_between_weeks(packed_site, profile, tmp_path):
    """The packed September at 7 pt cannot fit one sheet: it breaks between weeks, each page
    with the weekday row, the stamp and its number, each session on exactly one page."""
    plan = packed_plan()
    page = packed_site / "months" / "2026-09.html"
    breaks = page.read_text(encoding="utf-8").count('class="busy page-break"')
    assert breaks >= 1
    reader = print_pdf(profile, page, tmp_path / "sep.pdf")
    texts = page_texts(reader)
    assert len(texts) == breaks + 1 and landscape_a4(reader)
    check_every_page(texts, plan, "2026年9月")
    for k, text in enumerate(texts, 1):
        assert "周一" in text and "周五" in text, f"page {k} lacks the weekday row"
    for s in plan.sessions:
        if s.date.month == 9:
            assert sum(s.id in text for text in texts) == 1, f"{s.id} is not on exactly one page"


def test_every_blackout_day_is_marked_in_print(site, profile, tmp_path):
    """停办1 runs 4–30 September: each of its 27 days carries the label in print (plus the
    legend's line); the partial one of 12–16 October likewise as 部分停办2."""
    sep = page_texts(print_pdf(profile, site / "months" / "2026-09.html", tmp_path / "sep.pdf"))[0]
    assert sep.count("停办1") == 27 + 1
    oct_ = page_texts(print_pdf(profile, site / "months" / "2026-10.html", tmp_path / "oct.pdf"))[0]
    assert oct_.count("部分停办2") == 5 + 1
    year = page_texts(print_pdf(profile, site / "year.html", tmp_path / "year.pdf"))[0]
    assert year.count("停1") >= 27 and year.count("停2") >= 5


YEAR_CELLS = """
<script>
window.addEventListener('load', () => {
  const eps = 0.5, out = [];
  const inside = (a, b) =>
    a.left >= b.left - eps && a.right <= b.right + eps && a.top >= b.top - eps && a.bottom <= b.bottom + eps;
  let most = 0;
  for (const td of document.querySelectorAll('.mini-month td[data-date]')) {
    const cell = td.getBoundingClientRect();
    most = Math.max(most, td.querySelectorAll('.mark').length);
    for (const el of td.querySelectorAll('*'))
      if (el.getClientRects().length && !inside(el.getBoundingClientRect(), cell))
        out.push([td.dataset.date, el.className]);
  }
  const more = [...document.querySelectorAll('.mini-month .more')].map(e => [e.closest('td').dataset.date, e.textContent]);
  report({out, most, more});
});
</script>
"""


@pytest.mark.parametrize("printed", [True, False], ids=["print", "screen"])
def test_year_page_cells_hold_their_busiest_day(packed_site, profile, tmp_path, artifacts, printed):
    """5 and 10 sessions on a day: the type glyphs wrap inside the day's cell (past 8, the
    first 7 and "+3"), and the year still prints on one page."""
    result = laid_out(profile, packed_site, tmp_path, "year.html", YEAR_CELLS, printed)
    assert result["most"] == 7 and result["more"] == [["2026-10-07", "+3"]]
    assert not result["out"], f"glyphs out of their day cell: {result['out'][:5]}"
    if printed:
        reader = print_pdf(profile, packed_site / "year.html", tmp_path / "year.pdf")
        assert len(reader.pages) == 1 and landscape_a4(reader)
        # The printed year page as a picture: the print rules at A4 landscape (297 x 210 mm at 96 dpi).
        png = artifacts / "year-print.png"
        png.unlink(missing_ok=True)
        copy = site_copy(packed_site, tmp_path, True, "picture")
        chromium(profile, "--window-size=1123,794", f"--screenshot={png}", (copy / "year.html").as_uri())
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- phone width

PHONE = """
<script>
window.addEventListener('load', () => {
  const ids = /\\b[A-Z]{1,3}-\\d{2,4}(?:-\\d{2,4})?\\b/g;
  const texts = [], small = [], broken = [], overlaps = [], wide = [];
  const lines = range => [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode()); ) {
    const el = n.parentElement, text = n.textContent.trim();
    if (!text) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const rects = lines(range);
    if (!rects.length) continue;  // not shown
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 12) small.push([el.className || el.tagName, text.slice(0, 16), size]);
    if (rects.some(r => r.right > innerWidth + 1 || r.left < -1)) wide.push(text.slice(0, 16));
    for (const m of n.textContent.matchAll(ids)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      if (new Set(lines(r).map(x => Math.round(x.top))).size > 1) broken.push(m[0]);
    }
    texts.push({text: text.slice(0, 16), rects});
  }
  // Two pieces of text overlap when their line boxes share more than half a line's height
  // and 2 px of width (glyph boxes of adjacent lines may touch; text drawn over text does more).
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5 * Math.min(a.height, b.height);
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++)
      if (texts[i].rects.some(a => texts[j].rects.some(b => hit(a, b))))
        overlaps.push([texts[i].text, texts[j].text]);
  const cards = document.querySelectorAll('.chip, table.sessions tbody tr, table.orders tbody tr');
  const boxes = [...cards].map(e => e.getBoundingClientRect());
  const boxHit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  let boxOverlaps = 0;
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => { if (boxHit(a, b)) boxOverlaps++; }));
  const days = [...document.querySelectorAll('.month-grid td.day')].filter(td => td.getClientRects().length)
    .map(td => [td.dataset.date, Math.round(td.getBoundingClientRect().width)]);
  report({texts: texts.length, small, broken, overlaps, wide, boxOverlaps, boxes: boxes.length,
    days, scrollWidth: document.documentElement.scrollWidth, width: innerWidth});
});
</script>
"""


def most_used(items) -> str:
    return Counter(items).most_common(1)[0][0]


# The phone pages to check: the busiest of each kind in the crowded plan.
PHONE_PAGES = {
    "community": lambda plan: f"communities/{most_used(a.community for s in plan.sessions for a in s.attendance)}.html",
    "department": lambda plan: f"departments/{most_used(d for s in plan.sessions for d in s.departments)}.html",
    "venue": lambda plan: f"venues/{most_used(s.venue for s in plan.sessions)}.html",
    "month": lambda plan: f"months/{busiest_month()}.html",
    "year": lambda plan: "year.html",
    "index": lambda plan: "index.html",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", list(PHONE_PAGES))
def test_pages_work_on_a_phone(site, site_en, profile, tmp_path, kind, lang):
    """At 390 x 844 (a phone): no text drawn over other text, no card over another, nothing
    wider than the screen, no session or order id broken over lines, no text under 12 px;
    a month is the list of its days with sessions, each as wide as the screen."""
    plan = crowded_plan()
    page = PHONE_PAGES[kind](plan)
    result = laid_out(profile, site if lang == "zh" else site_en, tmp_path, page, PHONE, False, width=390)
    assert result["width"] == 390 and result["texts"] > 50, result
    assert result["boxes"] >= 3 or kind in ("year", "index"), result
    assert result["scrollWidth"] <= 390, f"{page} is wider than the phone"
    assert not result["wide"], f"{page}: text runs off the screen: {result['wide'][:5]}"
    assert not result["overlaps"], f"{page}: text over text: {result['overlaps'][:5]}"
    assert result["boxOverlaps"] == 0, f"{page}: cards overlap"
    assert not result["broken"], f"{page}: ids broken over lines: {result['broken'][:5]}"
    assert not result["small"], f"{page}: text under 12 px: {result['small'][:5]}"
    if kind == "month":
        days = {s.date.isoformat() for s in plan.sessions if f"{s.date:%Y-%m}" == busiest_month()}
        assert sorted(d for d, _ in result["days"]) == sorted(days)
        assert all(w >= 300 for _, w in result["days"])


@pytest.mark.parametrize("width", [660, 820])
@pytest.mark.parametrize("kind", ["community", "venue", "month"])
def test_pages_between_phone_and_desktop_widths_do_not_overlap(site_en, profile, tmp_path, kind, width):
    """A tablet or a narrow window (cards below 800 px, the month grid from 640 px up):
    still no text over text, nothing wider than the window, no id broken (English: the
    longer words)."""
    result = laid_out(profile, site_en, tmp_path, PHONE_PAGES[kind](crowded_plan()), PHONE, False, width=width)
    assert result["width"] == width and result["texts"] > 50, result
    assert result["scrollWidth"] <= width and not result["wide"], result["wide"][:5]
    assert not result["overlaps"] and result["boxOverlaps"] == 0, result["overlaps"][:5]
    assert not result["broken"], result["broken"][:5]


def test_screenshot_of_a_community_page_on_a_phone(site, profile, tmp_path, artifacts):
    """The phone's screen, 390 x 844: the window is wider (500 px at least), the picture is cut to the frame."""
    png = artifacts / "phone-community.png"
    png.unlink(missing_ok=True)
    frame = phone_frame(site_copy(site, tmp_path, False, "picture"), PHONE_PAGES["community"](crowded_plan()))
    chromium(profile, "--window-size=390,844", f"--screenshot={png}", frame.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
