"""``pip install .`` ships the calendar templates: setup.cfg maps templates/ to the package
``scheduler.templates`` and lists every package explicitly (``find:`` cannot see a folder
that lives outside scheduler/), so a new subpackage must be added there too."""

from __future__ import annotations

import configparser
import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return cfg


def listed(value: str) -> list[str]:
    return [x.strip() for x in value.replace(",", "\n").splitlines() if x.strip()]


def test_every_python_package_is_listed():
    inits = (ROOT / "scheduler").rglob("__init__.py")
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in inits}
    packages = set(listed(setup_cfg()["options"]["packages"]))
    assert found <= packages, f"add to setup.cfg [options] packages: {sorted(found - packages)}"


def test_templates_ship_as_scheduler_templates():
    cfg = setup_cfg()
    assert "scheduler.templates" in listed(cfg["options"]["packages"])
    mapping = dict(line.split("=", 1) for line in listed(cfg["options"]["package_dir"]))
    assert {k.strip(): v.strip() for k, v in mapping.items()}["scheduler.templates"] == "templates"
    patterns = listed(cfg["options.package_data"]["scheduler.templates"])
    files = [p.name for p in (ROOT / "templates").iterdir() if p.is_file()]
    assert files
    for name in files:
        assert any(fnmatch.fnmatch(name, pat) for pat in patterns), f"{name} would not ship: setup.cfg package_data"


def test_the_calendar_libraries_are_dependencies():
    cfg = setup_cfg()
    needs = " ".join(listed(cfg["options"]["install_requires"]))
    for name in ("jinja2", "icalendar", "openpyxl"):
        assert name in needs
    test = " ".join(listed(cfg["options.extras_require"]["test"]))
    for name in ("beautifulsoup4", "vobject", "pypdf"):
        assert name in test
