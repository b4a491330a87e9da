"""Read a scenario file (YAML or JSON) and report every problem in it at once.

Each problem names the file, the record (e.g. ``offerings[3] (fire-safety)``) and
the field, or the line and column where the file does not parse, so a planner can
go straight to the place to fix.

Reading is safe against hostile files: only regular files are opened (never a FIFO,
a device or a folder), at most ``SCENARIO_MAX_BYTES`` / ``PLAN_MAX_BYTES`` are read,
nesting is capped at ``MAX_DEPTH`` levels, YAML aliases may add at most
``ALIAS_BUDGET`` values, and numbers at most ``MAX_NUMBER_CHARS`` characters. No
message renders more than a few dozen characters of a value.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import reprlib
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scheduler.domain.i18n import Message, say, t
from scheduler.models import Scenario

# The bundled Pinghu scenario is 55 kB, the generated 10x benchmark 0.34 MB and a plan.json
# of it a few MB: these caps are far above any real file and only stop runaway reads.
SCENARIO_MAX_BYTES = 20 * 2**20
PLAN_MAX_BYTES = 50 * 2**20
MAX_DEPTH = 100  # levels of lists and mappings; a scenario has about 5
ALIAS_BUDGET = 10_000  # values YAML aliases may add to a document; a real one has few or none
MAX_NUMBER_CHARS = 100  # longer numbers cost quadratic time (YAML's base 60) or hit Python's int limit


@dataclass(frozen=True)
class InputProblem:
    """One problem: the file, where in it, and what is wrong. ``message`` is a ``Message``
    (either language) or text already in the planner's language; ``line`` and ``column``
    (from 1) say where a file does not parse."""

    file: str
    record: str | Message
    field: str
    message: str | Message
    line: int | None = None
    column: int | None = None

    def text(self, lang: str = "en") -> str:
        """The problem as one line in ``lang``, e.g. ``a.yaml 第3行第5列：…`` / ``a.yaml: line 3, column 5: …``."""
        where = [x for x in (self.file, self._place(lang), say(self.record, lang), self.field) if x]
        if lang == "zh":
            return " ".join(where) + "：" + say(self.message, lang)
        return ": ".join([*where, say(self.message, lang)])

    def _place(self, lang: str) -> str:
        if self.line is None:
            return ""
        if self.column is None:
            return t("l.line", lang, line=self.line)
        return t("l.line_column", lang, line=self.line, column=self.column)

    def __str__(self) -> str:
        return self.text("en")


class InputError(Exception):
    """Bad input; ``problems`` lists every problem found."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Refused(Exception):
    """A rule of ours broken while parsing: ``message`` and, for YAML, the ``mark`` where."""

    def __init__(self, message: Message, mark=None):
        super().__init__(str(message))
        self.message = message
        self.mark = mark


# --------------------------------------------------------------------------- values in messages


class _ShortRepr(reprlib.Repr):
    """``repr()`` that looks at a few dozen characters of a value at most, whatever its size."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother, self.maxlong = 3, 60, 60, 60
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 6

    repr_bytes = reprlib.Repr.repr_str  # cut like text; reprlib would render all of a !!binary value


_REPR = _ShortRepr()


def short_repr(value: Any) -> str:
    """A bounded ``repr`` of a value read from a file, for messages."""
    return _REPR.repr(value)


def _clip(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _line_column(text: str, index: int) -> tuple[int, int]:
    """Line and column (from 1) of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _located(name: str, message: Message, text: str, index: int | None) -> InputProblem:
    if index is None:
        return InputProblem(name, "", "", message)
    return InputProblem(name, "", "", message, *_line_column(text, index))


def _at_mark(name: str, message: Message, mark) -> InputProblem:
    if mark is None:
        return InputProblem(name, "", "", message)
    return InputProblem(name, "", "", message, mark.line + 1, mark.column + 1)


# --------------------------------------------------------------------------- reading the bytes


def read_text(path: str | Path, limit: int = SCENARIO_MAX_BYTES) -> str:
    """The text of a regular file of at most ``limit`` bytes, UTF-8 with or without a BOM
    (as Windows editors write it); anything else raises ``InputError``."""
    name = str(path)
    raw = _read_bytes(name, limit)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        raise InputError([_located(name, Message("l.not_utf8"), before, len(before))]) from None


def _read_bytes(name: str, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes. The path is looked at before it is opened: opening a FIFO
    blocks until someone writes to it, and a device (/dev/zero) never ends."""

    def refused(key: str, **params) -> InputError:
        return InputError([InputProblem(name, "", "", Message(key, **params))])

    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise refused("l.is_folder")
        if not stat.S_ISREG(info.st_mode):
            raise refused("l.not_regular")
        if info.st_size > limit:
            raise refused("l.too_large", limit=limit // 2**20)
        # O_NONBLOCK: should the path become a FIFO after the stat, opening it still returns at once
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise refused("l.not_regular")
            raw = f.read(limit + 1)  # the file may have grown since the stat
    except FileNotFoundError:
        raise refused("l.not_found") from None
    except PermissionError:
        raise refused("l.no_permission") from None
    except OSError as exc:
        raise refused("l.cannot_read", why=exc.strerror or type(exc).__name__) from None
    if len(raw) > limit:
        raise refused("l.too_large", limit=limit // 2**20)
    return raw


def read_data(path: str | Path, limit: int = SCENARIO_MAX_BYTES) -> Any:
    """Read and parse a scenario file (JSON when its name ends in .json, else YAML);
    every problem becomes an ``InputError`` with line and column where there is one."""
    path = Path(path)
    return parse_text(str(path), read_text(path, limit), as_json=path.suffix.lower() == ".json")


def parse_text(name: str, text: str, as_json: bool) -> Any:
    """Parse ``text`` (from the file ``name``) as JSON or YAML, within the caps of this module."""
    return _parse_json(name, text) if as_json else _parse_yaml(name, text)


# --------------------------------------------------------------------------- YAML


class _Guarded:
    """What every scenario YAML loader adds to PyYAML's safe loader (mixed in before it)."""

    _levels = 0

    def construct_document(self, node: yaml.Node) -> Any:
        _check_graph(node)  # before anything is built: an alias bomb is refused while it is still small
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Any value PyYAML cannot build (``!!int abc``, ``!!bool maybe``, ``!!timestamp 2026-02-30``)
        becomes a problem at its line and column instead of a bare ValueError or KeyError."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise _Refused(Message("l.bad_value", what=_clip(str(exc), 120)), node.start_mark) from None

    def compose_node(self, parent, index):
        """Only PyYAML's pure-Python composer calls this (libyaml composes in C and stops at
        1000 levels itself): without a cap, deep nesting ends in a RecursionError."""
        self._levels += 1
        try:
            if self._levels > MAX_DEPTH:
                raise _Refused(Message("l.too_deep", limit=MAX_DEPTH), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._levels -= 1


def _kids(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: yaml.Node) -> None:
    """Refuse a document nested too deeply or blown up by aliases, before it is built.

    An alias shares its anchor's node, so the node graph stays small when its expansion does
    not ("billion laughs": nine anchors of nine aliases each expand to 9**9 values). One
    depth-first walk over the lists and mappings: a node met again once finished is an alias
    use and adds its whole expansion (sized once per node); one met again while still open is
    an alias loop. Scalars are handled with their parent: a file has a million of them."""
    size: dict[int, int] = {}  # finished collections: values in the expansion
    height: dict[int, int] = {}  # finished collections: levels of lists and mappings in the expansion
    scalars: set[int] = set()
    open_nodes: set[int] = set()
    added = 0

    def alias(adds: int, mark) -> None:
        nonlocal added
        added += adds
        if added > ALIAS_BUDGET:
            raise _Refused(Message("l.alias_budget", limit=ALIAS_BUDGET), mark)

    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, level, leaving = stack.pop()
        key = id(node)
        if leaving:
            open_nodes.discard(key)
            kids = _kids(node)
            size[key] = 1 + sum(size.get(id(k), 1) for k in kids)
            height[key] = 1 + max((height.get(id(k), 0) for k in kids), default=0)
        elif key in open_nodes:
            raise _Refused(Message("l.alias_loop"), node.start_mark)
        elif key in size:
            alias(size[key], node.start_mark)
            if level - 1 + height[key] > MAX_DEPTH:
                raise _Refused(Message("l.too_deep", limit=MAX_DEPTH), node.start_mark)
        elif isinstance(node, yaml.CollectionNode):
            if level > MAX_DEPTH:
                raise _Refused(Message("l.too_deep", limit=MAX_DEPTH), node.start_mark)
            open_nodes.add(key)
            stack.append((node, level, True))
            for kid in reversed(_kids(node)):
                if isinstance(kid, yaml.CollectionNode):
                    stack.append((kid, level + 1, False))
                elif id(kid) in scalars:
                    alias(1, kid.start_mark)
                else:
                    scalars.add(id(kid))


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A key written twice would silently drop the first block: make it an error. A list or
    mapping as a key (``? [a, b]``) cannot be a key of a Python dict."""
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise _Refused(Message("l.key_not_plain"), key_node.start_mark) from None
        if key in seen:
            raise _Refused(Message("l.duplicate", name=_clip(str(key)), first=seen[key] + 1), key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


def _bounded_number(construct):
    """A number longer than ``MAX_NUMBER_CHARS`` is refused before it is converted."""

    def guarded(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise _Refused(Message("l.number_too_long", chars=len(node.value), limit=MAX_NUMBER_CHARS), node.start_mark)
        return construct(loader, node)

    return guarded


def loader_class(base: type) -> type:
    """A safe YAML loader on ``base`` (libyaml's ``CSafeLoader`` or PyYAML's ``SafeLoader``)
    with this module's rules, and without implicit timestamps: dates stay strings, so that an
    impossible date (2026-02-30) is reported by field instead of failing inside the parser."""
    loader = type(f"Scenario{base.__name__}", (_Guarded, base), {})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
    for tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        loader.add_constructor(tag, _bounded_number(base.yaml_constructors[tag]))
    loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"] for k, v in base.yaml_implicit_resolvers.items()
    }
    return loader


_Loader = loader_class(getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when PyYAML has it: ~5x faster


def _parse_yaml(name: str, text: str) -> Any:
    loader = None
    try:
        loader = _Loader(text)  # PyYAML's own reader already checks the characters here
        return loader.get_single_data()
    except _Refused as exc:
        raise InputError([_at_mark(name, exc.message, exc.mark)]) from None
    except yaml.reader.ReaderError as exc:  # its position counts bytes (libyaml) or characters: find the character
        found = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        message = Message("l.control", char=f"U+{exc.character:04X}" if isinstance(exc.character, int) else "?")
        raise InputError([_located(name, message, text, found if found >= 0 else None)]) from None
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or exc.context or "?"
        message = Message("l.too_deep", limit=MAX_DEPTH) if "nesting depth" in what else Message("l.yaml", what=what)
        raise InputError([_at_mark(name, message, exc.problem_mark or exc.context_mark)]) from None
    except yaml.YAMLError as exc:
        raise InputError([InputProblem(name, "", "", Message("l.yaml", what=_clip(str(exc), 120)))]) from None
    finally:
        if loader is not None:
            loader.dispose()


# --------------------------------------------------------------------------- JSON


def _unique_json_object(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(Message("l.json", what=f"key {_clip(key)!r} appears twice"))  # where: _json_trouble
        seen[key] = value
    return seen


def _json_number(convert):
    def bounded(text: str):
        if len(text) > MAX_NUMBER_CHARS:
            raise _Refused(Message("l.json", what="a number is too long"))  # where: _json_trouble
        return convert(text)

    return bounded


def _parse_json(name: str, text: str) -> Any:
    hooks = {"object_pairs_hook": _unique_json_object, "parse_int": _json_number(int), "parse_float": _json_number(float)}
    try:
        data = json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        raise InputError([InputProblem(name, "", "", Message("l.json", what=exc.msg), exc.lineno, exc.colno)]) from None
    except (_Refused, RecursionError) as exc:  # Python's parser says no place: find it
        raise InputError([_json_trouble(name, text, exc)]) from None
    if _deeper_than(data, MAX_DEPTH):
        raise InputError([_json_trouble(name, text, None)])
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and mappings nest more than ``limit`` levels (level by level, no recursion)."""
    level = [data] if isinstance(data, (dict, list)) else []
    for _ in range(limit):
        level = [v for x in level for v in (x.values() if isinstance(x, dict) else x) if isinstance(v, (dict, list))]
        if not level:
            return False
    return True


# A string (a key when a colon follows), a bracket, or a number; whatever else there is is skipped.
_JSON_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|[\[\]{}]|-?[0-9][0-9.eE+-]*')


def _json_trouble(name: str, text: str, exc: Exception | None) -> InputProblem:
    """The first place, in file order, where the JSON text nests too deeply, repeats a key in
    one object, or has a too long number: what Python's parser refuses (``exc``) without a place."""
    keys: list[dict | None] = []  # for each open object its keys and their offsets; None for a list
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in ("[", "{"):
            keys.append({} if token == "{" else None)
            if len(keys) > MAX_DEPTH:
                return _located(name, Message("l.too_deep", limit=MAX_DEPTH), text, m.start())
        elif token in ("]", "}"):
            if keys:
                keys.pop()
        elif m.group(2) and keys and keys[-1] is not None:
            key = _json_string(m.group(1))
            if key in keys[-1]:
                first = _line_column(text, keys[-1][key])[0]
                return _located(name, Message("l.duplicate", name=_clip(key), first=first), text, m.start())
            keys[-1][key] = m.start()
        elif not m.group(1) and len(token) > MAX_NUMBER_CHARS:
            message = Message("l.number_too_long", chars=len(token), limit=MAX_NUMBER_CHARS)
            return _located(name, message, text, m.start())
    # not expected (the scan knows every reason): what the parser said, without a place
    return InputProblem(name, "", "", exc.message if isinstance(exc, _Refused) else Message("l.too_deep", limit=MAX_DEPTH))


def _json_string(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return token


# --------------------------------------------------------------------------- the scenario


TOP_LEVEL = Message("sh.top_level")  # the record of a problem with a whole section, or the whole file


def record_label(data: Any, loc: tuple) -> tuple[str | Message, str]:
    """Turn a pydantic error location into (record, field) a planner can find."""
    if not loc:
        return "", ""
    head, rest = str(loc[0]), loc[1:]
    if rest and isinstance(rest[0], int):
        idx = rest[0]
        label = f"{head}[{idx}]"
        try:
            rid = data[head][idx].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            rid = None
        if rid is not None:  # as written in the file: it may be anything, of any size
            label += f" ({_clip(rid) if isinstance(rid, str) else short_repr(rid)})"
        return label, ".".join(str(x) for x in rest[1:])
    if head == "plan":
        return "plan", ".".join(str(x) for x in rest)
    return TOP_LEVEL, ".".join(str(x) for x in loc)


def load_scenario(path: str | Path) -> Scenario:
    """Load, validate shape, then check the scenario as a whole; raise ``InputError``."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":  # the scenario as a workbook: problems named by sheet and cell
        from scheduler.domain.workbook import load_workbook_scenario

        return load_workbook_scenario(path)
    return validate_data(str(path), read_data(path))


def validate_data(name: str, data: Any) -> Scenario:
    """Validate the shape of ``data`` (read from the file ``name``), then check the scenario as
    a whole; raise ``InputError`` with every problem, each named by record and field."""
    from scheduler.domain.checks import check_scenario

    if not isinstance(data, dict):
        raise InputError([InputProblem(name, TOP_LEVEL, "", Message("l.not_mapping"))])
    for section in ("communities", "departments", "venues", "offerings", "orders", "pairs"):
        if section in data and data[section] is None:  # `pairs:` with nothing under it
            data[section] = []
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_shape_problem(name, data, err) for err in exc.errors()]
        problems += _check_the_rest(name, data, exc)
        raise InputError(problems) from None
    problems = [InputProblem(name, r, f, m) for r, f, m in check_scenario(scenario)]
    if problems:
        raise InputError(problems)
    return scenario


def _shape_problem(name: str, data: dict, err) -> InputProblem:
    record, field = record_label(data, tuple(err["loc"]))
    return InputProblem(name, record, field, shape_message(err))


# pydantic error types with a text of their own ("sh." + type), and the context values it names
_SHAPE_PARAMS = {
    "missing": (),
    "extra_forbidden": (),
    "int_type": (),
    "int_parsing": (),
    "int_from_float": (),
    "finite_number": (),
    "greater_than_equal": ("ge",),
    "less_than_equal": ("le",),
    "string_type": (),
    "string_pattern_mismatch": ("pattern",),
    "string_too_short": ("min_length",),
    "string_too_long": ("max_length",),
    "bool_type": (),
    "bool_parsing": (),
    "list_type": (),
    "dict_type": (),
    "model_type": ("class_name",),
    "date_type": (),
    "date_parsing": ("error",),
    "date_from_datetime_parsing": ("error",),
    "date_from_datetime_inexact": (),
}
# pydantic gives the allowed values only as English ("'a', 'b' or 'c'"): the quoted values are
# taken out of it and listed the way each language lists them
_CHOICES = ("enum", "literal_error")
_DATE_ERRORS = {  # why a date does not parse, as pydantic (speedate) says it
    "day value is outside expected range": "sh.date.day",
    "month value is outside expected range of 1-12": "sh.date.month",
    "input is too short": "sh.date.short",
    "invalid date separator, expected `-`": "sh.date.separator",
    "invalid character in year": "sh.date.year_char",
    "invalid character in month": "sh.date.month_char",
    "invalid character in day": "sh.date.day_char",
    "year 0 is out of range": "sh.date.year_zero",
}


def shape_message(err: dict) -> Message:
    """A pydantic error (one of ``ValidationError.errors()``) in the planner's language, with
    the value that was given when it is short. A type without a text of its own keeps
    pydantic's English inside a Chinese frame."""
    kind, ctx = err["type"], err.get("ctx") or {}
    choices = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) if kind in _CHOICES else []
    if choices:
        message = Message("sh.enum", expected=[f"'{c}'" for c in choices])
    elif kind in _SHAPE_PARAMS and all(k in ctx for k in _SHAPE_PARAMS[kind]):
        params = {k: ctx[k] for k in _SHAPE_PARAMS[kind]}
        if "error" in params:
            params["error"] = Message(_DATE_ERRORS[params["error"]]) if params["error"] in _DATE_ERRORS else params["error"]
        message = Message(f"sh.{kind}", **params)
    else:
        message = Message("sh.other", what=err["msg"])
    if kind not in ("missing", "extra_forbidden") and "input" in err:
        shown = short_repr(err["input"])  # bounded before it is rendered: the input may be huge
        if len(shown) <= 60:
            message = Message("sh.got", message=message, got=shown)
    return message


def _check_the_rest(name: str, data: dict, exc: ValidationError) -> list[InputProblem]:
    """Run the whole-scenario checks on the records whose shape is right, so that one
    round of fixing is enough. Records with shape errors are left out and their ids
    are not reported again as unknown. Nothing of the raw data is trusted to have a shape."""
    from scheduler.domain.checks import check_scenario

    bad: dict[str, set[int]] = {}
    for err in exc.errors():
        loc = err["loc"]
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data.get(loc[0]), list):
            bad.setdefault(loc[0], set()).add(loc[1])
        elif loc and loc[0] != "plan" and len(loc) == 1:
            return []  # a whole section is missing or of the wrong kind
        elif loc and loc[0] == "plan":
            return []  # the plan itself is needed for every other check
    hidden: set[str] = set()
    rest = dict(data)
    for section, idxs in bad.items():
        for i in idxs:
            hidden.update(_ids_in(data[section][i]))
        rest[section] = [x for i, x in enumerate(data[section]) if i not in idxs]
    try:
        partial = Scenario.model_validate(rest)
    except ValidationError:
        return []
    found = check_scenario(partial, frozenset(hidden))
    # record indices refer to the reduced lists: map them back to the file's positions
    return [InputProblem(name, _renumber(r, bad, data), f, m) for r, f, m in found]


def _ids_in(item: Any) -> list[str]:
    """The ids a record left out declares: its own and its instructors' (text or numbers)."""
    if not isinstance(item, dict):
        return []
    instructors = item.get("instructors")
    records = [item, *(instructors if isinstance(instructors, list) else [])]
    return [str(x["id"]) for x in records if isinstance(x, dict) and isinstance(x.get("id"), (str, int))]


def _renumber(record: str, bad: dict[str, set[int]], data: dict) -> str:
    if "[" not in record or record.split("[")[0] not in bad:
        return record
    section, rest = record.split("[", 1)
    idx = int(rest.split("]")[0])
    kept = [i for i in range(len(data[section])) if i not in bad[section]]
    return record.replace(f"{section}[{idx}]", f"{section}[{kept[idx]}]", 1)


def scenario_hash(path: str | Path) -> str:
    return hashlib.sha256(_read_bytes(str(path), SCENARIO_MAX_BYTES)).hexdigest()
