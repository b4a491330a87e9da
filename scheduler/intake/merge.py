"""What collected forms change in a scenario: a community's form replaces that community's
orders and its days away, a department's form its offerings, its instructors and its days away.

A record that is on the form and in the scenario keeps its place (and its id: an order is
the same order when it is the same community ordering the same course); one that is no
longer on the form is removed; a new one goes after the last record of its owner. What
changed is tallied per form (added, changed, removed, unchanged), and every record taken
from a form remembers its cell, so that the loader's verdict on the merged scenario can be
named by file, sheet and cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.domain.i18n import Message
from scheduler.domain.loader import InputError, InputProblem, validate_data
from scheduler.domain.workbook import Place, data_path
from scheduler.intake.collect import Form, Row, read_form
from scheduler.intake.forms import owned_offerings
from scheduler.intake.layout import ATTEND_AWAY, AWAY, COMMUNITY, OFFERING_KEYS, OFFERINGS, ORDERS, TEACHERS
from scheduler.models import DateSpan, Instructor, Offering, Order, Scenario, SessionType

ON_FORM = set(OFFERING_KEYS)  # an offering's fields a department form holds; the others stay as they were
# the days-away sheet of a section's forms, and the name its tally goes by (``fm.what.*``)
DAYS_AWAY = {"departments": (AWAY, "unavailable"), "communities": (ATTEND_AWAY, "attend_unavailable")}


@dataclass
class Tally:
    """What one form did to one list of records, by id."""

    what: str  # orders, offerings, instructors, unavailable (spans, by their days; a community's: attend_unavailable)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)


@dataclass
class Merged:
    data: dict[str, Any]
    tallies: list[tuple[Form, Tally]] = field(default_factory=list)
    origin: dict[tuple, tuple[str, Place]] = field(default_factory=dict)  # data path -> form file and cell
    problems: list[InputProblem] = field(default_factory=list)


def plain(model: type, record: dict[str, Any]) -> dict[str, Any]:
    """A record as the scenario's data holds it: checked by its model, defaults left out."""
    return model.model_validate(record).model_dump(mode="json", exclude_defaults=True)


def merge(sc: Scenario, forms: list[Form]) -> Merged:
    """The scenario's data with every form's rows in place of what the form owns."""
    merged = Merged(sc.model_dump(mode="json", exclude_defaults=True))
    merged.data.setdefault("orders", [])
    sources: dict[int, tuple[Form, Row]] = {}
    departments = {d.id: i for i, d in enumerate(sc.departments)}
    for form in sorted((f for f in forms if f.kind != COMMUNITY), key=lambda f: departments[f.owner]):
        _department(merged, sc, form, sources)
    communities = {c.id: i for i, c in enumerate(sc.communities)}
    for form in sorted((f for f in forms if f.kind == COMMUNITY), key=lambda f: communities[f.owner]):
        _community(merged, form, sources)
    _still_ordered(merged)
    _origins(merged, sources)
    return merged


def _replace(
    items: list[dict], owned: Callable[[dict], bool], new: list[dict], what: str, key: Callable[[dict], str] = lambda r: r["id"]
) -> tuple[list[dict], Tally]:
    """``items`` with the owned ones replaced by ``new`` (matched by ``key``, the id): kept
    in place, removed, or added after the last owned one (at the end when there was none)."""
    tally, fresh, out, at = Tally(what), {key(r): r for r in new}, [], None
    for item in items:
        if not owned(item):
            out.append(item)
            continue
        record = fresh.pop(key(item), None)
        if record is None:
            tally.removed.append(key(item))
        else:
            (tally.same if record == item else tally.changed).append(key(item))
            out.append(record)
        at = len(out)
    at = len(out) if at is None else at
    out[at:at] = list(fresh.values())
    tally.added = list(fresh)
    return out, tally


def _numbered(taken: set[str], prefix: str, width: int, start: int = 1):
    """Fresh ids ``prefix`` + a number, none of them in ``taken`` (each one is added to it)."""
    n = start
    while True:
        candidate = f"{prefix}{n:0{width}d}"
        n += 1
        if candidate not in taken:
            taken.add(candidate)
            yield candidate


def _order_ids(orders: list[dict]):
    """New order ids continuing the scenario's numbering (``O-171`` after ``O-170``)."""
    found = [m for o in orders if (m := re.fullmatch(r"(.*?)(\d+)", o["id"]))]
    if not found:
        return _numbered({o["id"] for o in orders}, "O-", 3)
    prefix = max({m[1] for m in found}, key=lambda p: sum(m[1] == p for m in found))
    numbers = [m for m in found if m[1] == prefix]
    last = max(numbers, key=lambda m: int(m[2]))
    return _numbered({o["id"] for o in orders}, prefix, len(last[2]), int(last[2]) + 1)


def _community(merged: Merged, form: Form, sources: dict) -> None:
    orders = merged.data["orders"]
    known = {(o["community"], o["offering"]): o["id"] for o in orders}
    fresh, new = _order_ids(orders), []
    for row in form.rows.get(ORDERS, []):
        oid = known.get((form.owner, row.record["offering"])) or next(fresh)
        record = plain(Order, {"id": oid, "community": form.owner, **row.record})
        sources[id(record)] = (form, row)
        new.append(record)
    merged.data["orders"], tally = _replace(orders, lambda o: o["community"] == form.owner, new, "orders")
    merged.tallies.append((form, tally))
    if ATTEND_AWAY in form.rows:  # a form made before the sheet existed leaves the days as they were
        community = next(c for c in merged.data["communities"] if c["id"] == form.owner)
        _away(merged, community, form, "communities", sources)


def _department(merged: Merged, sc: Scenario, form: Form, sources: dict) -> None:
    """A department's instructors, then its offerings (which may name the new instructors)."""
    data = merged.data
    at = next(i for i, d in enumerate(data["departments"]) if d["id"] == form.owner)
    taken = set(sc.instructors()) | {o["id"] for o in data["offerings"]}  # ids a new one may not take
    fresh, new, named = _numbered(taken, f"{form.owner}-", 1), [], {}
    for row in form.rows.get(TEACHERS, []):
        record = plain(Instructor, {**row.record, "id": row.record.get("id") or next(fresh)})
        named[record["name"]] = record["id"]
        sources[id(record)] = (form, row)
        new.append(record)
    teachers, tally = _replace(data["departments"][at].get("instructors", []), lambda _: True, new, "instructors")
    data["departments"][at]["instructors"] = teachers
    merged.tallies.append((form, tally))
    department = next(d for d in sc.departments if d.id == form.owner)
    owned = {o.id for o in owned_offerings(sc, department)}
    base = {o["id"]: o for o in data["offerings"]}
    ids: dict[str, Any] = {}  # a new offering's id by its type's letter: p-yingji-1, s-dangjian-1
    new = []
    for row in form.rows.get(OFFERINGS, []):
        record = _offering(row.record, base, form.owner, named)
        if "id" not in record:
            prefix = f"{record['type'][0]}-{form.owner}-"
            record["id"] = next(ids.setdefault(prefix, _numbered(taken, prefix, 1)))
        record = plain(Offering, record)
        sources[id(record)] = (form, row)
        new.append(record)
    data["offerings"], tally = _replace(data["offerings"], lambda o: o["id"] in owned, new, "offerings")
    merged.tallies.append((form, tally))
    if AWAY in form.rows:  # a form made before the sheet existed leaves the days as they were
        _away(merged, data["departments"][at], form, "departments", sources)


def _away(merged: Merged, owner: dict[str, Any], form: Form, section: str, sources: dict) -> None:
    """The days away of ``owner`` (a record of ``section``: a department or a community) as
    its form's days-away sheet lists them; a span is known by its days (its reason may change)."""
    sheet, what = DAYS_AWAY[section]
    new = []
    for row in form.rows[sheet]:
        record = plain(DateSpan, row.record)
        sources[id(record)] = (form, row)
        new.append(record)
    spans, tally = _replace(owner.get("unavailable", []), lambda _: True, new, what, key=_days)
    if spans:
        owner["unavailable"] = spans
    else:
        owner.pop("unavailable", None)
    merged.tallies.append((form, tally))


def _days(span: dict) -> str:
    return f"{span['start']}~{span['end']}"


def _offering(row: dict[str, Any], base: dict[str, dict], owner: str, named: dict[str, str]) -> dict[str, Any]:
    """An offering from a form's row: what the form holds, the rest (venues) as it was; the
    delivering department or the pair as its type needs."""
    kept = {k: v for k, v in base.get(row.get("id", ""), {}).items() if k not in ON_FORM}
    record = {**kept, **row, "type": row.get("type", SessionType.peer.value)}
    record["instructors"] = [named.get(i, i) for i in row.get("instructors", [])]
    record.pop("host", None)
    if record["type"] == SessionType.peer.value:
        record["department"] = owner
    else:
        record.pop("department", None)
    if record["type"] != SessionType.department.value:
        record.pop("pair", None)
    return record


def _still_ordered(merged: Merged) -> None:
    """An offering a department's form removed that orders still ask for is reported on that form."""
    offered = {o["id"] for o in merged.data["offerings"]}
    for form, tally in merged.tallies:
        if tally.what != "offerings":
            continue
        for oid in tally.removed:
            asking = [o["id"] for o in merged.data["orders"] if o["offering"] == oid and oid not in offered]
            if asking:
                message = Message("fm.still_ordered", offering=oid, orders=", ".join(asking))
                merged.problems.append(InputProblem(form.path, Place(OFFERINGS).message(), "", message))


def _origins(merged: Merged, sources: dict) -> None:
    """Where each record that came from a form sits in the data, and its row and cells."""
    lists = [(("orders",), merged.data["orders"]), (("offerings",), merged.data["offerings"])]
    for i, d in enumerate(merged.data["departments"]):
        lists += [(("departments", i, key), d.get(key, [])) for key in ("instructors", "unavailable")]
    lists += [(("communities", i, "unavailable"), c.get("unavailable", [])) for i, c in enumerate(merged.data["communities"])]
    for path, items in lists:
        for n, record in enumerate(items):
            if id(record) not in sources:
                continue
            form, row = sources[id(record)]
            away = DAYS_AWAY.get(path[0], ("", ""))[0]
            sheet = {"orders": ORDERS, "offerings": OFFERINGS, "unavailable": away}.get(path[-1], TEACHERS)
            merged.origin[(*path, n)] = (form.path, Place(sheet, row.row))
            for key, place in row.places.items():
                merged.origin[(*path, n, key)] = (form.path, place)


def placed(merged: Merged, problem: InputProblem) -> InputProblem:
    """A loader's problem with the merged scenario, named by form and cell where it came from a form."""
    path = data_path(problem.record, problem.field)
    for n in range(len(path), 0, -1):
        if path[:n] in merged.origin:
            name, place = merged.origin[path[:n]]
            rest = "" if place.column else ".".join(str(x) for x in path[n:])
            return InputProblem(name, place.message(), rest, problem.message)
    return problem


# --------------------------------------------------------------------------- the whole collection


@dataclass
class Collected:
    """The merged scenario (checked by the loader), what each form did, the forms left out."""

    scenario: Scenario
    merged: Merged
    skipped: list[Form]


def collect_forms(sc: Scenario, name: str, paths: list[Path], skip_bad: bool = False) -> Collected:
    """Read every form, merge the good ones into ``sc`` (read from the file ``name``) and check
    the result; raise ``InputError`` with every problem when a form has one (unless
    ``skip_bad``: such forms are left out) or the merged scenario does."""
    forms = [read_form(p, sc) for p in paths]
    _twice(forms)
    if not skip_bad and any(f.problems for f in forms):
        raise InputError([p for f in forms for p in f.problems])
    good = [f for f in forms if not f.problems]
    merged = merge(sc, good)
    if merged.problems and skip_bad:  # a form that breaks the merge is a bad form too
        for form in good:
            form.problems += [p for p in merged.problems if p.file == form.path]
        good = [f for f in good if not f.problems]
        merged = merge(sc, good)
    if merged.problems:
        raise InputError(merged.problems)
    try:
        scenario = validate_data(name, merged.data)
    except InputError as err:
        raise InputError([placed(merged, p) for p in err.problems]) from None
    return Collected(scenario, merged, [f for f in forms if f.problems])


def _twice(forms: list[Form]) -> None:
    """The same community's (or department's) form twice: each copy is reported, neither merged."""
    seen: dict[tuple[str, str], list[Form]] = {}
    for form in forms:
        if form.kind:
            seen.setdefault((form.kind, form.owner), []).append(form)
    for copies in seen.values():
        for form in copies if len(copies) > 1 else []:
            others = ", ".join(f.path for f in copies if f is not form) or form.path
            form.problem(None, Message("fm.same_form", other=others, name=f"{form.name}（{form.owner}）"))
