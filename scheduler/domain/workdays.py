"""Working days of the People's Republic of China for one plan year.

The ``chinesecalendar`` library knows the State Council's holidays and weekend
make-up working days (调休) for the years it covers. The scenario's own overrides
always win, and for a year the library does not cover we fall back to Monday to
Friday plus the overrides, with a warning.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import chinese_calendar

from scheduler.domain.i18n import Message
from scheduler.models import PlanSettings


@dataclass
class WorkCalendar:
    plan: PlanSettings
    warnings: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._off = {d for span in self.plan.holidays.days_off for d in span.days()}
        self._on = set(self.plan.holidays.working_days)
        self.covered = _library_covers(self.plan.year)
        if not self.covered:
            self.warnings.append(Message("w.year_not_covered", year=self.plan.year, off=len(self._off), on=len(self._on)))

    def days(self) -> list[dt.date]:
        """Every calendar day from the plan's first to its last day."""
        n = (self.plan.end - self.plan.start).days
        return [self.plan.start + dt.timedelta(days=i) for i in range(n + 1)]

    def is_working(self, day: dt.date) -> bool:
        if day in self._on:
            return True
        if day in self._off:
            return False
        if _library_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def kind(self, day: dt.date) -> str:
        """'workday', 'makeup' (weekend working day), 'holiday' (weekday off) or 'weekend'."""
        weekend = day.weekday() >= 5
        if self.is_working(day):
            return "makeup" if weekend else "workday"
        return "weekend" if weekend and not self._is_named_holiday(day) else "holiday"

    def holiday_name(self, day: dt.date) -> str | None:
        for span in self.plan.holidays.days_off:
            if span.start <= day <= span.end:
                return span.reason or None
        if _library_covers(day.year):
            _, name = chinese_calendar.get_holiday_detail(day)
            return name
        return None

    def _is_named_holiday(self, day: dt.date) -> bool:
        if day in self._off:
            return True
        return (
            _library_covers(day.year) and chinese_calendar.is_holiday(day) and bool(chinese_calendar.get_holiday_detail(day)[1])
        )


@functools.cache
def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True
