"""The suite's own guard: a test run that writes into the checkout fails (tests/treeguard.py,
hooked in tests/conftest.py), so a planner's out/plan.json and schedule.db survive a test run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from treeguard import changes, snapshot

TESTS = Path(__file__).resolve().parent


def test_snapshot_sees_files_created_changed_and_removed_ignored_ones_included(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "plan.json").write_text("{}", encoding="utf-8")
    (tmp_path / "schedule.db").write_bytes(b"v1")
    before = snapshot(tmp_path)
    (tmp_path / "out" / "plan.json").write_text("[]", encoding="utf-8")  # same size, other bytes
    (tmp_path / "schedule.db").unlink()
    (tmp_path / "site").mkdir()
    assert changes(before, snapshot(tmp_path)) == ["changed  out/plan.json", "removed  schedule.db", "created  site"]


def test_snapshot_leaves_out_caches_and_virtual_environments(tmp_path):
    before = snapshot(tmp_path)
    for folder in ("__pycache__", ".pytest_cache", ".git", ".venv"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x").write_text("x", encoding="utf-8")
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr", encoding="utf-8")
    assert changes(before, snapshot(tmp_path)) == []


def test_a_test_that_writes_into_the_checkout_fails_the_run(tmp_path):
    """A copy of the suite's conftest guards a tiny project; its only test passes but
    overwrites the project's out/plan.json, as the old module-scoped fixture did."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "out").mkdir()
    (project / "out" / "plan.json").write_text('{"sessions": 70}', encoding="utf-8")
    for name in ("conftest.py", "treeguard.py"):
        shutil.copy(TESTS / name, project / "tests" / name)
    (project / "tests" / "test_careless.py").write_text(
        "from pathlib import Path\n\n\n"
        "def test_passes_but_writes_into_the_checkout():\n"
        "    Path(__file__).resolve().parent.parent.joinpath('out', 'plan.json').write_text('{}')\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(project), "tests"]
    run = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout and "changed  out/plan.json" in run.stdout
