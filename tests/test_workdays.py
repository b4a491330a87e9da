"""China's working days: the library's holidays and 调休, the scenario's overrides, uncovered years."""

from __future__ import annotations

import datetime as dt

from conftest import build, scenario_dict

from scheduler.domain.workdays import WorkCalendar


def calendar(**plan) -> WorkCalendar:
    d = scenario_dict()
    d["plan"].update(plan)
    return WorkCalendar(build(d).plan)


def test_2026_spring_festival_and_make_up_days():
    cal = calendar(start="2026-02-01", end="2026-03-01")
    assert cal.kind(dt.date(2026, 2, 14)) == "makeup"  # Saturday, working
    assert cal.kind(dt.date(2026, 2, 28)) == "makeup"
    assert cal.kind(dt.date(2026, 2, 16)) == "holiday"
    assert cal.holiday_name(dt.date(2026, 2, 16)) == "Spring Festival"
    assert cal.kind(dt.date(2026, 2, 7)) == "weekend"
    assert not cal.warnings


def test_overrides_win_over_the_library():
    cal = calendar(
        holidays={
            "days_off": [{"start": "2026-03-03", "end": "2026-03-03", "reason": "街道大会"}],
            "working_days": ["2026-03-07"],
        }
    )
    assert not cal.is_working(dt.date(2026, 3, 3))
    assert cal.holiday_name(dt.date(2026, 3, 3)) == "街道大会"
    assert cal.kind(dt.date(2026, 3, 7)) == "makeup"


def test_uncovered_year_warns_and_uses_weekdays_plus_overrides():
    d = scenario_dict()
    d["plan"].update(year=2031, start="2031-01-06", end="2031-01-31", holidays={"days_off": ["2031-01-06"]})
    cal = WorkCalendar(build(d).plan)
    assert cal.warnings and "2031" in str(cal.warnings[0])
    assert "节假日库未收录2031年" in cal.warnings[0].text("zh")
    assert not cal.is_working(dt.date(2031, 1, 6))  # stated by hand
    assert cal.is_working(dt.date(2031, 1, 7)) and not cal.is_working(dt.date(2031, 1, 11))


def test_days_of_a_neighbouring_uncovered_year_do_not_fail():
    cal = calendar()  # 2026, but a December grid shows early January 2031-style days of a later year
    assert cal.kind(dt.date(2031, 1, 4)) == "weekend"
    assert cal.holiday_name(dt.date(2031, 1, 6)) is None
