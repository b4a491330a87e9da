"""A snapshot of the checkout, to prove that a test run changed nothing in it.

Every file and folder below the root is recorded with its size and SHA-256, ignored
files included (``out/plan.json``, ``schedule.db``, ``site/``: the files a planner made
are exactly what a careless test would overwrite). Left out: the git database, Python's
byte-code caches and the caches of pytest and the linters (written by the interpreter
and the tools, not by a test), and virtual environments (any folder holding ``pyvenv.cfg``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SKIPPED_DIRS = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}

Entry = tuple[str, int, str]  # kind ("file", "dir" or "link"), size, digest


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _entry(path: Path) -> Entry:
    if path.is_symlink():
        return ("link", 0, os.readlink(path))
    if path.is_dir():
        return ("dir", 0, "")
    return ("file", path.stat().st_size, _digest(path))


def snapshot(root: Path) -> dict[str, Entry]:
    """Every path below ``root`` (relative, POSIX form) with what it holds."""
    found: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not (here / d / "pyvenv.cfg").exists())
        for name in [*dirs, *sorted(files)]:
            path = here / name
            found[path.relative_to(root).as_posix()] = _entry(path)
    return found


def changes(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """One line per path created, removed or changed, sorted."""
    lines = [f"created  {p}" for p in after.keys() - before.keys()]
    lines += [f"removed  {p}" for p in before.keys() - after.keys()]
    lines += [f"changed  {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    return sorted(lines, key=lambda line: line[9:])
