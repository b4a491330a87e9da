"""The calendars in a real browser: headless Chromium prints them to PDF and lays them out.

Checks that each month prints on one landscape A4 page, the year on one page, the
all-months page on one page per month, and that on the busiest month no session chip
spills out of its day cell or onto another chip: in the printed layout (the print CSS
applied to a 281 mm wide page, measured with getBoundingClientRect) and on screen.
Leaves month.png (screen) and month-print.pdf for a person to look at, in the
folder ``$SCHEDULE_TEST_ARTIFACTS`` names, else in ``artifacts/`` of pytest's
temporary folder (never in the checkout; the run prints where).

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
from calendar_data import crowded_plan
from pypdf import PdfReader

from scheduler.publish.render import render_site

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
    shutil.copy(tmp_path / f"{busiest_month()}.pdf", artifacts / "month-print.pdf")


def test_all_months_print_one_page_per_month(site, profile, tmp_path):
    reader = print_pdf(profile, site / "months.html", tmp_path / "months.pdf")
    assert len(reader.pages) == len(list((site / "months").glob("*.html")))


def test_the_year_prints_on_one_page(site, profile, tmp_path):
    reader = print_pdf(profile, site / "year.html", tmp_path / "year.pdf")
    assert len(reader.pages) == 1 and landscape_a4(reader)
    text = pdf_text(reader)
    assert "2026年12月" in text and "2026年1月" in text


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
  const pre = document.createElement('pre');
  pre.id = 'result';
  pre.textContent = JSON.stringify({chips, width_mm: grid.width * mm});
  document.body.appendChild(pre);
});
</script>
"""


def measure(profile: Path, site: Path, tmp_path: Path, month: str, printed: bool) -> dict:
    """Lay the month page out in Chromium and return the boxes the injected script measured."""
    copy = tmp_path / ("print" if printed else "screen")
    shutil.copytree(site, copy)
    if printed:  # the print rules, on a page as wide as landscape A4 less its margins
        css = (copy / "calendar.css").read_text(encoding="utf-8").replace("@media print", "@media all")
        css += "\nbody { width: 281mm; max-width: none; margin: 0; padding: 0; }\n"
        (copy / "calendar.css").write_text(css, encoding="utf-8")
    page = copy / "months" / f"{month}.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = chromium(profile, "--window-size=1600,1200", "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("printed", [True, False], ids=["print", "screen"])
def test_no_chip_leaves_its_day_cell_on_the_busiest_month(site, profile, tmp_path, printed):
    month = busiest_month()
    result = measure(profile, site, tmp_path, month, printed)
    chips = result["chips"]
    expected = [s.id for s in crowded_plan().sessions if f"{s.date:%Y-%m}" == month]
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


def test_screenshot_of_the_busiest_month_for_a_person(site, profile, artifacts):
    png = artifacts / "month.png"
    png.unlink(missing_ok=True)
    page = site / "months" / f"{busiest_month()}.html"
    chromium(profile, "--window-size=1600,1200", f"--screenshot={png}", page.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
