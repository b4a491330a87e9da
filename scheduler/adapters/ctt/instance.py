"""A CB-CTT instance, read from the competition's ``.ctt`` format.

Every problem in a file is reported with its line and field (``comp01.ctt:12: COURSES:
lectures must be a whole number >= 1, got "x"``) as a ``CttError``; the command turns it
into exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HEADER = ("Name", "Courses", "Rooms", "Days", "Periods_per_day", "Curricula", "Constraints")
SECTIONS = ("COURSES:", "ROOMS:", "CURRICULA:", "UNAVAILABILITY_CONSTRAINTS:")


class CttError(ValueError):
    """A bad instance or solution file; the message names the file, the line and the field."""


@dataclass(frozen=True)
class Course:
    id: str
    teacher: str
    lectures: int
    min_days: int
    students: int


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int


@dataclass
class Instance:
    name: str
    days: int
    periods_per_day: int
    courses: list[Course]
    rooms: list[Room]
    curricula: dict[str, list[str]]  # curriculum id -> course ids
    unavailable: dict[str, set[int]] = field(default_factory=dict)  # course id -> periods

    @property
    def periods(self) -> int:
        return self.days * self.periods_per_day

    def day_of(self, period: int) -> int:
        return period // self.periods_per_day

    def conflicts(self) -> dict[str, set[str]]:
        """Courses that may not share a period with each course: same teacher or same curriculum."""
        out: dict[str, set[str]] = {c.id: set() for c in self.courses}
        by_teacher: dict[str, list[str]] = {}
        for c in self.courses:
            by_teacher.setdefault(c.teacher, []).append(c.id)
        for group in [*by_teacher.values(), *self.curricula.values()]:
            for a in group:
                out[a].update(b for b in group if b != a)
        return out


@dataclass
class _Lines:
    """The file's non-empty lines with their numbers, read one after the other."""

    path: Path
    lines: list[tuple[int, str]]
    at: int = 0

    def next(self, what: str) -> tuple[int, list[str]]:
        if self.at >= len(self.lines):
            raise CttError(f"{self.path.name}: the file ends before {what}")
        number, text = self.lines[self.at]
        self.at += 1
        return number, text.split()

    def fail(self, number: int, message: str) -> CttError:
        return CttError(f"{self.path.name}:{number}: {message}")


def _int(lines: _Lines, number: int, token: str, what: str, least: int = 0) -> int:
    if not re.fullmatch(r"[0-9]+", token) or int(token) < least:
        raise lines.fail(number, f'{what} must be a whole number >= {least}, got "{token}"')
    return int(token)


def _header(lines: _Lines) -> dict[str, str]:
    values = {}
    for key in HEADER:
        number, tokens = lines.next(f"the header line {key}:")
        if not tokens or tokens[0] != f"{key}:" or len(tokens) < 2:
            raise lines.fail(number, f'expected "{key}: <value>", got "{" ".join(tokens)}"')
        values[key] = " ".join(tokens[1:]) if key == "Name" else tokens[1]
        if key != "Name" and len(tokens) != 2:
            raise lines.fail(number, f"{key}: one value expected, got {len(tokens) - 1}")
        if key != "Name":
            values[key] = str(_int(lines, number, tokens[1], key, 0 if key in ("Constraints", "Curricula") else 1))
    return values


def _section(lines: _Lines, title: str) -> None:
    number, tokens = lines.next(title)
    if tokens != [title]:
        raise lines.fail(number, f'expected the section "{title}", got "{" ".join(tokens)}"')


def _records(lines: _Lines, n: int, section: str, fields: str):
    """The section's ``n`` lines as (line number, tokens), each with as many tokens as
    ``fields`` names and a first token (the id) not seen before."""
    seen: set[str] = set()
    for _ in range(n):
        number, t = lines.next(f"the end of {section}")
        if len(t) != len(fields.split()):
            raise lines.fail(number, f"{section}: {len(fields.split())} fields expected ({fields}), got {len(t)}")
        if t[0] in seen:
            raise lines.fail(number, f'{section}: "{t[0]}" is listed twice')
        seen.add(t[0])
        yield number, t


def _courses(lines: _Lines, n: int) -> list[Course]:
    courses = []
    for number, t in _records(lines, n, "COURSES", "course teacher lectures min_days students"):
        lectures = _int(lines, number, t[2], f"COURSES {t[0]}: lectures", 1)
        min_days = _int(lines, number, t[3], f"COURSES {t[0]}: min_days", 0)
        courses.append(Course(t[0], t[1], lectures, min_days, _int(lines, number, t[4], f"COURSES {t[0]}: students")))
    return courses


def _rooms(lines: _Lines, n: int) -> list[Room]:
    return [
        Room(t[0], _int(lines, number, t[1], f"ROOMS {t[0]}: capacity"))
        for number, t in _records(lines, n, "ROOMS", "room capacity")
    ]


def _curricula(lines: _Lines, n: int, known: set[str]) -> dict[str, list[str]]:
    curricula: dict[str, list[str]] = {}
    for _ in range(n):
        number, t = lines.next("the end of CURRICULA")
        if len(t) < 2:
            raise lines.fail(number, "CURRICULA: expected <curriculum> <#courses> <course> ...")
        size = _int(lines, number, t[1], f"CURRICULA {t[0]}: number of courses", 1)
        if len(t) != 2 + size:
            raise lines.fail(number, f"CURRICULA {t[0]}: {size} courses announced, {len(t) - 2} listed")
        if t[0] in curricula:
            raise lines.fail(number, f'CURRICULA: curriculum "{t[0]}" is listed twice')
        unknown = [c for c in t[2:] if c not in known]
        if unknown:
            raise lines.fail(number, f'CURRICULA {t[0]}: unknown course "{unknown[0]}"')
        curricula[t[0]] = list(dict.fromkeys(t[2:]))
    return curricula


def _unavailable(lines: _Lines, n: int, days: int, ppd: int, known: set[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for _ in range(n):
        number, t = lines.next("the end of UNAVAILABILITY_CONSTRAINTS")
        if len(t) != 3:
            raise lines.fail(number, f"UNAVAILABILITY_CONSTRAINTS: 3 fields expected (course day period), got {len(t)}")
        if t[0] not in known:
            raise lines.fail(number, f'UNAVAILABILITY_CONSTRAINTS: unknown course "{t[0]}"')
        day = _int(lines, number, t[1], f"UNAVAILABILITY_CONSTRAINTS {t[0]}: day")
        period = _int(lines, number, t[2], f"UNAVAILABILITY_CONSTRAINTS {t[0]}: period")
        if day >= days or period >= ppd:
            raise lines.fail(number, f"UNAVAILABILITY_CONSTRAINTS {t[0]}: day {day} period {period} is outside {days} x {ppd}")
        out.setdefault(t[0], set()).add(day * ppd + period)
    return out


def parse_ctt(text: str, path: Path) -> Instance:
    lines = _Lines(path, [(i, s) for i, s in enumerate(text.splitlines(), 1) if s.strip()])
    head = _header(lines)
    days, ppd = int(head["Days"]), int(head["Periods_per_day"])
    _section(lines, "COURSES:")
    courses = _courses(lines, int(head["Courses"]))
    known = {c.id for c in courses}
    _section(lines, "ROOMS:")
    rooms = _rooms(lines, int(head["Rooms"]))
    _section(lines, "CURRICULA:")
    curricula = _curricula(lines, int(head["Curricula"]), known)
    _section(lines, "UNAVAILABILITY_CONSTRAINTS:")
    unavailable = _unavailable(lines, int(head["Constraints"]), days, ppd, known)
    number, tokens = lines.next("END.")
    if tokens != ["END."]:
        raise lines.fail(number, f'expected "END.", got "{" ".join(tokens)}"')
    if not rooms:
        raise CttError(f"{path.name}: ROOMS: at least one room is needed")
    return Instance(head["Name"], days, ppd, courses, rooms, curricula, unavailable)


def read_ctt(path: Path) -> Instance:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CttError(f"{path}: cannot be read ({e.__class__.__name__}: {e})") from None
    return parse_ctt(text, path)
