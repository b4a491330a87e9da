"""`schedule --help` answers at once: it loads none of the heavy libraries (OR-Tools,
SQLAlchemy, alembic, pandas); each command imports what it needs when it runs.
The time itself is measured by benchmarks, never here."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("ortools", "sqlalchemy", "alembic", "pandas")
PROBE = """
import json, sys
from scheduler.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def loaded(*args: str) -> set[str]:
    """Top-level modules imported by ``schedule ARGS`` in a fresh interpreter."""
    run = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args))], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


def test_help_loads_no_heavy_library():
    assert not loaded("--help") & set(HEAVY)


def test_every_commands_help_loads_no_heavy_library():
    for name in ("solve", "validate", "render", "export", "plans", "cancel", "resolve", "diff"):
        assert not loaded(name, "--help") & set(HEAVY), name


def test_the_probe_sees_a_heavy_library_when_one_is_imported():
    """The check can fail: importing the solver module does load OR-Tools."""
    probe = "import json, sys; import scheduler.core.solve; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "ortools" in {name.split(".")[0] for name in json.loads(run.stdout)}
