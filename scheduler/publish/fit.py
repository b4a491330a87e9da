"""How a month grid fits its printed A4 landscape page: the chip text size and page breaks.

The renderer cannot measure text (no browser at run time), so it estimates each week
row as tall as its busiest day and each chip by counting the lines of its text. The
estimate runs a little high (measured in Chromium: 111 mm estimated 121, 42 mm estimated
43), so a month it says fits does fit; tests/test_browser.py measures every month.

The order of means, as a planner would want it (issue 16): weeks without sessions
print low (they are room for the busy ones), then the chip text shrinks from 7.5 pt to
no less than 7 pt, and a month that is still too busy continues on a second page,
broken between weeks, the weekday row repeated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_MM = 196.0  # A4 landscape, 210 mm, less the 7 mm top and bottom margins
SHEET_FIXED_MM = 31.0  # title, weekday row, legend, safety margin (28.8 mm measured in Chromium)
BLACKOUT_LINE_MM = 5.0  # each no-session period the legend lists may take a line (4.8 mm)
GRID_WIDTH_MM = 281.0
WEEKDAY_SHARE = (0.164, 1 / 7)  # width of a Monday–Friday column: narrow weekends, or all equal
CHIP_INSET_MM = 6.0  # cell padding, chip borders and padding
ROW_MIN_MM = 12.0  # a week with sessions: room for the day number and a note by hand
QUIET_ROW_MM = 8.0  # a week without sessions prints lower (print CSS ``tr.quiet``)
MARKED_ROW_MM = 11.0  # ... unless its day heads carry labels (holiday, 停办), which wrap (10.6 mm)
DAY_HEAD_MM = 6.5  # the day number, cell padding and the gap under the last chip
LINE_FACTOR = 1.3  # line height per character height, with room for the label boxes
CHIP_EXTRA_MM = 2.4  # padding, borders and the gap under a chip
LABEL_CHARS = 2.6  # the small label box in front of venue, teacher and communities
PT_MM = 25.4 / 72
CHIP_PT = (7.5, 7.4, 7.3, 7.2, 7.1, 7.0)  # largest first; never below 7 pt (issue 16)


@dataclass(frozen=True)
class ChipText:
    """What a chip prints, line by line: the title, then each labelled line."""

    title: str
    labelled: tuple[str, ...]


@dataclass(frozen=True)
class SheetFit:
    chip_pt: float
    breaks: frozenset[int]  # indexes of the weeks that start a new printed page
    quiet: frozenset[int]  # indexes of the weeks without sessions


def text_lines(text: str, per_line: float, lead: float = 0.0) -> int:
    """Lines ``text`` takes at ``per_line`` CJK characters a line (Latin counts 0.56)."""
    width = lead + sum(1.0 if ord(c) > 0x2E80 else 0.56 for c in text)
    return max(1, math.ceil(width / per_line))


def chip_mm(chip: ChipText, pt: float, text_mm: float) -> float:
    char_mm = pt * PT_MM
    per_line = text_mm / char_mm
    lines = 1 + text_lines(chip.title, per_line)  # the header line (mark, id, time), the title
    lines += sum(text_lines(x, per_line, LABEL_CHARS) for x in chip.labelled if x)
    return lines * char_mm * LINE_FACTOR + CHIP_EXTRA_MM


@dataclass(frozen=True)
class Week:
    days: Sequence[Sequence[ChipText]]  # each day's chips, Monday first
    marked: bool = False  # a day head carries a label (holiday name, 停办N)


def row_heights(weeks: Sequence[Week], pt: float, narrow_weekend: bool) -> list[float]:
    """Estimated printed height of each week row."""
    text_mm = GRID_WIDTH_MM * WEEKDAY_SHARE[0 if narrow_weekend else 1] - CHIP_INSET_MM
    heights = []
    for week in weeks:
        busiest = max((sum(chip_mm(c, pt, text_mm) for c in day) for day in week.days), default=0.0)
        if busiest:
            heights.append(max(ROW_MIN_MM, DAY_HEAD_MM + busiest))
        else:
            heights.append(MARKED_ROW_MM if week.marked else QUIET_ROW_MM)
    return heights


def grid_budget_mm(blackouts: int) -> float:
    return PAGE_MM - SHEET_FIXED_MM - BLACKOUT_LINE_MM * blackouts


def _page_breaks(heights: list[float], budget: float) -> frozenset[int]:
    """Greedy: a week goes onto the next page when it would overflow this one."""
    breaks, used = set(), 0.0
    for i, h in enumerate(heights):
        if used and used + h > budget:
            breaks.add(i)
            used = 0.0
        used += h
    return frozenset(breaks)


def fit_sheet(weeks: Sequence[Week], blackouts: int, narrow_weekend: bool) -> SheetFit:
    """The largest chip text at which the month fits one page, else 7 pt over two or more."""
    budget = grid_budget_mm(blackouts)
    quiet = frozenset(i for i, week in enumerate(weeks) if not any(week.days))
    for pt in CHIP_PT:
        heights = row_heights(weeks, pt, narrow_weekend)
        if sum(heights) <= budget:
            return SheetFit(pt, frozenset(), quiet)
    return SheetFit(CHIP_PT[-1], _page_breaks(heights, budget), quiet)
