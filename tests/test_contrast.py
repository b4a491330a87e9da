"""Every label of the calendars can be read: its colour against its background has a
contrast of at least 4.5:1 (WCAG 2 AA for normal text), computed from calendar.css itself
(issue 16). The colours are read from the stylesheet's rules and custom properties, so a
changed colour is checked as it is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "templates" / "calendar.css").read_text(encoding="utf-8")
TYPES = ("secretary", "peer", "community", "department")
WHITE = "#ffffff"
LEAST = 4.5


def rules() -> dict[str, dict[str, str]]:
    """Declarations by selector (screen rules: the first block of a selector wins), comments dropped."""
    text = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = dict((k.strip(), v.strip()) for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d))
        for sel in selectors.split(","):
            found.setdefault(" ".join(sel.split()), decls)
    return found


RULES = rules()


def resolve(value: str, scope: dict[str, str] | None = None) -> str:
    """A colour as #rrggbb: custom properties of ``scope`` (a type's) first, then of :root."""
    names = {**RULES[":root"], **(scope or {})}
    while (m := re.search(r"var\((--[\w-]+)(?:,\s*([^)]+))?\)", value)) is not None:
        value = value.replace(m.group(0), names.get(m.group(1), m.group(2) or ""))
    hexes = re.findall(r"#[0-9a-fA-F]{3,6}\b", value)
    assert hexes, f"no colour in {value!r}"
    h = hexes[0].lstrip("#")
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h).lower()


def color(selector: str, prop: str = "color", scope: dict[str, str] | None = None) -> str:
    decls = RULES[selector]
    value = decls.get(prop) or (decls.get("background", "") if prop == "background-color" else "")
    return resolve(value, scope)


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def type_scope(kind: str) -> dict[str, str]:
    return RULES[f".t-{kind}"]


def pairs() -> list[tuple[str, str, str]]:
    """(what, text colour, background colour) for every label of the pages."""
    body = resolve(RULES["body"]["background"])
    out = []
    for kind in TYPES:
        scope = type_scope(kind)
        bg = resolve("var(--bg)", scope)
        out.append((f"{kind}: chip label (地点/授课/参加)", color(".chip .k", scope=scope), bg))
        out.append((f"{kind}: type glyph on a page", color(".mark", scope=scope), body))
        out.append(
            (
                f"{kind}: glyph on a weekend of the year page",
                color(".mark", scope=scope),
                color(".mini-month td.weekend", "background"),
            )
        )
        out.append((f"{kind}: legend key", resolve("var(--ink)"), bg))
        for part in (".chip .title", ".chip .when", ".chip .comms"):
            out.append((f"{kind}: {part}", color(part), bg))
    out.append(("holiday flag 休", color(".holiday-flag"), color(".holiday-flag", "background")))
    out.append(("weekday header", color(".month-grid th"), color(".month-grid th", "background")))
    out.append(("weekend header", color(".month-grid th"), color(".month-grid th.we", "background")))
    out.append(("holiday name on a holiday", color(".hname"), color(".month-grid td.day.holiday", "background")))
    out.append(("make-up day name", color(".hname"), color(".month-grid td.day.makeup", "background")))
    out.append(
        (
            "holiday date on a holiday",
            color(".day.holiday .num"),
            color(".month-grid td.day.holiday", "background"),
        )
    )
    out.append(("blackout label", color(".bo-num"), color(".bo-num", "background")))
    out.append(("stamp and notes", color(".stamp"), body))
    out.append(("links", color("a"), body))
    out.append(("reason of an unmet order", color(".reason"), body))
    return out


@pytest.mark.parametrize("what, fg, bg", pairs(), ids=[p[0] for p in pairs()])
def test_every_label_has_a_contrast_of_at_least_4_5(what, fg, bg):
    assert contrast(fg, bg) >= LEAST, f"{what}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"


def test_the_check_computes_known_contrasts():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert contrast("#b35c00", "#fff1de") < LEAST  # the old 部门带部门 label (4.25:1) would fail
