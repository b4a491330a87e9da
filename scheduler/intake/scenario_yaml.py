"""The merged scenario as YAML text. When the scenario came from a YAML file, that file is
the template: it is read with ``ruamel.yaml``'s round-trip loader, only the records that
changed are rewritten, removed ones are taken out and new ones put in their place, so the
reference example's comments, key order and layout stay wherever their record stays.

Only the sections forms change (orders, offerings, departments, communities: their days
away) are touched. A record is matched by its id; a key the new record leaves out keeps
its old value when that value is the field's default (the example writes ``max_runs: 1``
on purpose) and goes otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from scheduler.models import Community, Department, Instructor, Offering, Order

SECTIONS = {"orders": Order, "offerings": Offering, "departments": Department, "communities": Community}
NESTED = {(Department, "instructors"): Instructor}
DATE_KEYS = {"start", "end"}
DATE_LISTS = {"unavailable", "working_days", "days_off"}


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, key order and flow style are kept
    yaml.width = 4096  # never fold a long Chinese title onto two lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def scenario_text(data: dict[str, Any], template: Path | None = None) -> str:
    """YAML of the scenario ``data`` (plain values, as ``model_dump(mode="json")`` gives);
    ``template``: a YAML file whose comments and layout are kept where its records stay."""
    yaml = _yaml()
    if template is None or template.suffix.lower() not in (".yaml", ".yml"):
        return _dump(yaml, _fresh(data))
    original = template.read_text(encoding="utf-8")
    doc = yaml.load(original)
    changed = set()
    for key, model in SECTIONS.items():
        if key in data and not _same_list(doc.get(key), data[key], model):
            changed.add(key)
            doc[key] = _records(doc.get(key), data[key], model) if key in doc else _fresh(data[key], key=key)
    dumped = _dump(yaml, doc)
    spliced = _splice(original, dumped, changed)
    return spliced if _plain(yaml.load(spliced)) == _plain(yaml.load(dumped)) else dumped


def _dump(yaml, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:\s|$)", re.M)


def _blocks(text: str) -> tuple[str, dict[str, str]]:
    """The text before the first top-level key, and each top-level key's lines (with the
    comments that follow them, up to the next key)."""
    starts = [(m.start(), m[1]) for m in TOP_KEY.finditer(text)]
    ends = [s for s, _ in starts[1:]] + [len(text)]
    return text[: starts[0][0]] if starts else text, {k: text[s:e] for (s, k), e in zip(starts, ends)}


def _splice(original: str, dumped: str, changed: set[str]) -> str:
    """The original text, with the top-level sections in ``changed`` as ruamel wrote them:
    ruamel re-spaces what it rewrites (aligned flow maps), so untouched sections keep the
    planner's own layout only when they are left as text."""
    head, kept = _blocks(original)
    _, new = _blocks(dumped)
    if not kept.keys() <= new.keys():
        return dumped
    body = "".join(new[k] if k in changed or k not in kept else kept[k] for k in new)
    last = list(new)[-1] if new else ""
    return head + body + ("" if body.endswith("\n") or not last else "\n")


def _same_list(node: Any, new: list[dict], model: type) -> bool:
    return isinstance(node, list) and len(node) == len(new) and all(_same(a, b, model) for a, b in zip(node, new))


def _flow(node: Any) -> bool:
    return bool(getattr(getattr(node, "fa", None), "flow_style", lambda: False)())


def _fresh(value: Any, flow: bool = False, key: str = "") -> Any:
    """A new YAML node for ``value``: dates as dates, short lists of scalars on one line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap((k, _fresh(v, key=k)) for k, v in value.items())
    elif isinstance(value, list):
        node = CommentedSeq(_fresh(v, key=key if key in DATE_LISTS else "") for v in value)
        flow = flow or all(not isinstance(v, (dict, list)) for v in value)
    else:
        return _date(value) if key in DATE_KEYS or key in DATE_LISTS else value
    if flow:
        node.fa.set_flow_style()
    return node


def _date(value: Any) -> Any:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def _records(node: Any, new: list[dict], model: type) -> Any:
    """A list of records by id, changed in place: removed ones out (a comment they carried
    moves to the record before), kept ones updated, new ones inserted where they belong."""
    if not hasattr(node, "ca") or not all(isinstance(r, dict) and "id" in r for r in node):
        return _fresh(new)
    wanted = [r["id"] for r in new]
    for i in reversed(range(len(node))):
        if node[i]["id"] not in wanted:
            _drop(node, i)
    flow = _flow(node[0]) if len(node) else False
    for j, record in enumerate(new):
        if j < len(node) and node[j]["id"] == record["id"]:
            if not _same(node[j], record, model):
                node[j] = _record(node[j], record, model)
        else:
            node.insert(j, _fresh(record, flow=flow))
    if [r["id"] for r in node] != wanted:  # not in the same order after all: write the list anew
        return _fresh(new)
    return node


def _same(node: Any, record: dict, model: type) -> bool:
    """The node stands for the record (``- 2026-05-20`` and ``{start: 2026-05-20, end: 2026-05-20}`` alike)."""
    try:
        return model.model_validate(_plain(node)).model_dump(mode="json", exclude_defaults=True) == record
    except ValueError:  # pydantic's ValidationError: an old record the loader would refuse
        return False


def _drop(node, i: int) -> None:
    """Delete item ``i``; a comment after it (often the next group's heading) stays, on the item before."""
    comment = node.ca.items.get(i)
    del node[i]
    if comment is not None and i > 0 and (i - 1) not in node.ca.items:
        node.ca.items[i - 1] = comment


def _record(node: Any, new: dict, model: type) -> Any:
    """One record updated in place: equal values keep their old form (a date, quotes, flow)."""
    fields = model.model_fields
    for key in list(node):
        if key not in new and not _is_default(model, key, node[key]):
            del node[key]
    for key, value in new.items():
        inner = NESTED.get((model, key))
        if key not in node:
            node[key] = _fresh(value, flow=_flow(node), key=key)
        elif inner is not None:
            node[key] = _records(node[key], value, inner)
        elif _plain(node[key]) != value and key in fields:
            node[key] = _fresh(value, flow=_flow(node[key]), key=key)
    return node


def _is_default(model: type, key: str, value: Any) -> bool:
    info = model.model_fields.get(key)
    if info is None:
        return False
    default = info.get_default(call_default_factory=True)
    return _plain(value) == (getattr(default, "value", default) if not isinstance(default, list) else default)


def _plain(value: Any) -> Any:
    """A YAML node as the plain value it stands for (dates as ISO text, as the data has them)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
