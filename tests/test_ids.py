"""The domain <-> neutral translation (issue 11) lives in ``scheduler.domain.ids`` with its
inverse: what compile and re-plan build, the plan file reads back, and no other module
spells the neutral ids."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from scheduler.domain.ids import options_of, placement, resources_of, unit_of
from scheduler.models import Slot

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"


def test_a_session_round_trips_through_the_neutral_ids():
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=k) for k in range(5)]
    for venue, instructor in (("V-1", "I:7"), ("礼堂", None)):
        assert resources_of(options_of(venue, instructor)) == (venue, instructor)
    for index, day in enumerate(days):
        for slot, length in ((Slot.morning, 2), (Slot.afternoon, 1), (Slot.evening, 1)):
            got_day, slots = placement(days, unit_of(index, slot), length)
            assert got_day == day and slots[0] == slot and len(slots) == length
    assert placement(days, unit_of(1, Slot.morning), 2)[1] == [Slot.morning, Slot.afternoon]


def test_no_other_module_spells_the_neutral_ids():
    spelled = re.compile(r"""f?["'](venue|instructor|department|community):""")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "ids.py" or "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if spelled.search(line) and "rule" not in line:
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert offenders == []
