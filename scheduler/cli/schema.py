"""``schedule schema``: the scenario's JSON Schema, so that a YAML or JSON editor explains,
completes and checks a scenario file while it is typed.

The schema comes from the pydantic models (``Scenario.model_json_schema()``), whose field
descriptions are written "中文 / English". A few things the loader accepts are not visible
in the models' schema; ``scenario_schema`` adds them (see each helper). The repository
keeps the output as ``scenario.schema.json`` at its root, and the bundled examples point
to it on their first line (tests/test_schema.py checks it is up to date).
Exit codes: 0 written; 2 the file cannot be written (nothing is written).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scheduler.cli.common import PlannerCommand, fail, lang_option
from scheduler.domain.i18n import LANGS, slot_name, t, type_name
from scheduler.models import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic writes ($defs, $ref with siblings)

# Each enum's values in every language, from the texts planners read elsewhere.
ENUM_NAMES: dict[str, Callable[[str, str], str]] = {
    "SessionType": type_name,
    "Slot": slot_name,
    "Duration": lambda value, lang: t(f"v.duration.{value}", lang),
    "Format": lambda value, lang: t(f"v.format.{value}", lang),
    "Tier": lambda value, lang: t(f"v.tier.{value}", lang),
}


def both(text: Callable[[str], str]) -> str:
    """A text in every language, as the models' descriptions are written: "中文 / English"."""
    return " / ".join(text(lang) for lang in LANGS)


def both_text(key: str) -> str:
    """The ``TEXT`` entry ``key`` in every language (see ``both``)."""
    return both(lambda lang: t(key, lang))


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, as the loader reads it."""
    schema = Scenario.model_json_schema()
    defs = schema["$defs"]
    _plain_dates(defs)
    _empty_sections(schema)
    for name, named in ENUM_NAMES.items():
        if name in defs:
            defs[name]["enumDescriptions"] = [both(lambda lang, v=v, named=named: named(v, lang)) for v in defs[name]["enum"]]
    return {"$schema": DIALECT, **schema, "title": both_text("sc.title"), "description": both_text("sc.description")}


def _plain_dates(defs: dict[str, Any]) -> None:
    """``DateSpan`` reads a plain date as a one-day span and a span without ``end`` as ending
    on its first day (its ``_from_date`` validator, which pydantic's schema cannot see)."""
    span = defs["DateSpan"]
    record = {**span, "required": [k for k in span.get("required", []) if k != "end"]}
    record.pop("description", None)
    day = {"type": "string", "format": "date", "description": both_text("sc.single_day")}
    defs["DateSpan"] = {"title": span["title"], "description": span.get("description", ""), "anyOf": [day, record]}


def _empty_sections(schema: dict[str, Any]) -> None:
    """The loader reads a list section left empty (``pairs:`` with nothing under it, i.e.
    null) as an empty list: every list section of the scenario may be null."""
    for prop in schema["properties"].values():
        if prop.get("type") == "array":
            prop["type"] = ["array", "null"]


def schema_text() -> str:
    """The schema as written to the file: UTF-8 JSON, Chinese kept readable, fields in model order."""
    return json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a new file beside it and a rename: a failed write
    leaves no half file and the old one as it was. Folders that are missing are made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@click.command("schema", cls=PlannerCommand)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File for the JSON Schema (default: print it).",
)
@lang_option
def schema(out_file: Path | None, lang: str) -> None:
    """Write the scenario file's JSON Schema, for editors that check YAML or JSON as it is typed.

    Put `# yaml-language-server: $schema=scenario.schema.json` (the path from the YAML file to
    the schema) on the first line of a scenario file, as the bundled scenarios have it.

    Example: schedule schema --out scenario.schema.json
    """
    text = schema_text()
    if out_file is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomically(out_file, text)
    except OSError as err:
        fail(t("sc.cannot_write", lang, path=out_file, why=err.strerror or err))
    click.echo(t("sc.written", lang, path=out_file))


COMMANDS = [schema]
