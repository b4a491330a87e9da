"""The competition's solution format: one line per lecture, ``<course> <room> <day> <period>``.

Reading follows the official validator: a line naming an unknown course or room, or out
of the week, is skipped with a warning, and so is a second lecture of one course in one
period (it counts as one lecture placed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.adapters.ctt.instance import CttError, Instance


@dataclass(frozen=True, order=True)
class Lecture:
    course: str
    period: int
    room: str


def parse_solution(text: str, inst: Instance, name: str = "solution") -> tuple[list[Lecture], list[str]]:
    courses = {c.id for c in inst.courses}
    rooms = {r.id for r in inst.rooms}
    lectures, warnings, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), 1):
        t = line.split()
        if not t:
            continue
        if len(t) != 4 or not all(x.isascii() and x.isdigit() for x in t[2:]):  # "²".isdigit() is True
            raise CttError(f"{name}:{number}: expected <course> <room> <day> <period>, got {line.strip()!r}")
        day, slot = int(t[2]), int(t[3])
        if t[0] not in courses or t[1] not in rooms or day >= inst.days or slot >= inst.periods_per_day:
            warnings.append(f"{name}:{number}: skipped (unknown course or room, or outside the week): {line.strip()}")
            continue
        period = day * inst.periods_per_day + slot
        if (t[0], period) in seen:
            warnings.append(f"{name}:{number}: skipped (a second lecture of {t[0]} in one period)")
            continue
        seen.add((t[0], period))
        lectures.append(Lecture(t[0], period, t[1]))
    return lectures, warnings


def read_solution(path: Path, inst: Instance) -> tuple[list[Lecture], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CttError(f"{path}: cannot be read ({e.__class__.__name__}: {e})") from None
    return parse_solution(text, inst, path.name)


def solution_text(lectures: list[Lecture], inst: Instance) -> str:
    """The lectures in course order, then by period: the same timetable gives the same text."""
    order = {c.id: i for i, c in enumerate(inst.courses)}
    ppd = inst.periods_per_day
    rows = sorted(lectures, key=lambda x: (order[x.course], x.period, x.room))
    return "".join(f"{x.course} {x.room} {x.period // ppd} {x.period % ppd}\n" for x in rows)
