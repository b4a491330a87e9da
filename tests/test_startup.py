"""`schedule --help` answers at once: it loads none of the heavy libraries (OR-Tools,
SQLAlchemy, alembic, pandas, openpyxl, numpy, icalendar, jinja2); each command imports what
it needs when it runs: reading a plan needs no OR-Tools, a store at its schema's head needs
no alembic. The time itself is measured by benchmarks, never here."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("ortools", "sqlalchemy", "alembic", "pandas", "openpyxl", "numpy", "numba", "icalendar", "jinja2")
SOLVER = {"ortools", "pandas"}
PROBE = """
import json, sys
from scheduler.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def loaded(*args: str, cwd=None) -> set[str]:
    """Top-level modules imported by ``schedule ARGS`` in a fresh interpreter."""
    probe = PROBE.format(args=list(args))
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=cwd)
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


def test_reading_a_plan_loads_no_solver_and_no_store(tmp_path):
    """validate and why read plan.json: no OR-Tools, no SQLAlchemy, no alembic."""
    from conftest import ROOT

    from scheduler.cli import main

    out = tmp_path / "out"
    tiny = ROOT / "examples" / "tiny" / "scenario.yaml"
    main(["solve", str(tiny), "--out", str(out), "--quiet", "--db", str(tmp_path / "s.db")], standalone_mode=False)
    plan = str(out / "plan.json")
    for args in (["validate", plan], ["why", "O-001", "--plan", plan]):
        assert not loaded(*args) & {"ortools", "sqlalchemy", "alembic", "pandas"}, args


def test_a_store_at_its_head_opens_without_alembic(tmp_path):
    """The first command on a new store migrates it (alembic); then the plan history is
    read with sqlite3 alone (no SQLAlchemy, SQLModel, alembic or OR-Tools), and a store
    opened for writing reads its revision without alembic."""
    db = str(tmp_path / "s.db")
    assert "alembic" in loaded("plans", "--db", db)  # a new store: migrated
    for args in (["plans"], ["diff", "1", "2"]):
        assert not loaded(*args, "--db", db) & (SOLVER | {"alembic", "sqlalchemy", "sqlmodel"}), args
    assert not loaded("cancel", "S-2026-001", "--db", db) & {"alembic"}  # refused (no plan yet), store opened


FULL_PROBE = """
import json, sys
from scheduler.cli import main
try:
    main({args!r})
except SystemExit as exit:
    code = exit.code
print(json.dumps([code, sorted(sys.modules)]))
"""


def solved_with(tmp_path, *options: str) -> tuple[int, set[str], dict]:
    """``schedule solve`` of the tiny example in a fresh interpreter: the exit code, every
    module it imported and plan.json's solver record."""
    from conftest import ROOT

    tmp_path.mkdir()
    out, tiny = tmp_path / "out", ROOT / "examples" / "tiny" / "scenario.yaml"
    args = ["solve", str(tiny), "--out", str(out), "--quiet", "--db", str(tmp_path / "s.db")]
    probe = FULL_PROBE.format(args=[*args, *options])
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    code, modules = json.loads(run.stdout.strip().splitlines()[-1])
    return code, set(modules), json.loads((out / "plan.json").read_text(encoding="utf-8"))["solver"]


def test_a_solve_with_no_time_for_a_model_writes_the_greedy_plan_without_loading_the_solver(tmp_path):
    """When the time limit leaves no time to build a model, the greedy plan is the answer
    (validated and written, FEASIBLE): then OR-Tools' solver, numpy and pandas are never
    imported. A solve with time does import the solver (the check can fail), still
    without pandas."""
    code, modules, solver = solved_with(tmp_path / "short", "--time-limit", "0.1")
    assert code == 0 and solver["status"] == "FEASIBLE" and solver["method"] == "greedy"
    assert not {m for m in modules if m.startswith(("ortools.sat", "pandas", "numpy"))}
    code, modules, solver = solved_with(tmp_path / "long", "--time-limit", "20")
    assert code == 0 and solver["method"] != "greedy" and "ortools.sat.python.cp_model" in modules
    assert not {m for m in modules if m.startswith("pandas")}  # scheduler.core.cpsat


CPSAT_PROBE = """
import json, sys, types
from scheduler.core.cpsat import cp_model
before = "pandas" in sys.modules
m = cp_model.CpModel()
x = m.new_int_var(0, 3, "x")
m.add(x != 3)
m.maximize(x)
solver = cp_model.CpSolver()
status = solver.status_name(solver.solve(m))
import pandas
real = hasattr(pandas, "DataFrame")
print(json.dumps([before, status, solver.value(x), real]))
"""


def test_cp_sat_is_imported_without_pandas_and_solves():
    """The engine's CP-SAT (``scheduler.core.cpsat``) loads no pandas, still solves, and a
    later ``import pandas`` gets the real library."""
    run = subprocess.run([sys.executable, "-c", CPSAT_PROBE], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [False, "OPTIMAL", 2, True]


FALLBACK_PROBE = """
import json, sys, types
import scheduler.core.cpsat as cpsat
del sys.modules["ortools.sat.python.cp_model"]  # as if not imported yet
cp_model = cpsat._import_cp_model(stand_in=lambda: types.ModuleType("pandas"))  # a stand-in that cannot serve
print(json.dumps([hasattr(cp_model.pd, "DataFrame"), cp_model.pd is sys.modules.get("pandas"), hasattr(cp_model, "CpModel")]))
"""


def test_cp_sat_falls_back_to_pandas_when_the_stand_in_cannot_serve():
    """An OR-Tools release that wants more of pandas at import than the stand-in has is
    imported the ordinary way, with pandas."""
    run = subprocess.run([sys.executable, "-c", FALLBACK_PROBE], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [True, True, True]


def _command(*args: str, cwd) -> subprocess.CompletedProcess:
    """``schedule ARGS`` as its own process (the console script's way: no arguments given
    to ``main``, so it ends with ``cli.common.leave``)."""
    return subprocess.run([sys.executable, "-m", "scheduler.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_a_command_that_ends_at_once_keeps_its_exit_code_its_output_and_its_store(tmp_path):
    """The process skips the interpreter's teardown, not its work: a solve exits 0 with its
    whole summary printed (the last line names the version stored), plan.json complete and
    the store readable by the next command; bad input still exits 2 with its message."""
    from conftest import ROOT

    tiny, out, db = ROOT / "examples" / "tiny" / "scenario.yaml", tmp_path / "out", str(tmp_path / "s.db")
    solved = _command("solve", str(tiny), "--out", str(out), "--db", db, "--quiet", "--lang", "en", cwd=tmp_path)
    assert solved.returncode == 0, solved.stderr
    assert "version 1" in solved.stdout.strip().splitlines()[-1]
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["sessions"]
    listed = _command("plans", "--db", db, "--lang", "en", cwd=tmp_path)
    assert listed.returncode == 0 and "OPTIMAL" in listed.stdout, listed.stderr
    bad = _command("solve", str(tmp_path / "missing.yaml"), "--db", db, cwd=tmp_path)
    assert bad.returncode == 2 and "missing.yaml" in bad.stderr


def test_a_command_ends_without_the_interpreters_teardown(tmp_path):
    """What makes it sooner (about 0.3 s after a Pinghu solve): exit handlers, the last
    step of a normal interpreter exit, never run; a call with arguments (a test, a
    script) returns as before."""
    probe = (
        "import atexit, sys\n"
        "from scheduler.cli import main\n"
        "atexit.register(print, 'teardown')\n"
        "sys.argv = ['schedule', *sys.argv[1:]]\n"
        "main()\n"
    )
    ended = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert ended.returncode == 0 and "Usage" in ended.stdout and "teardown" not in ended.stdout
    called = subprocess.run(
        [sys.executable, "-c", probe.replace("main()", "main(['--help'])")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert called.returncode == 0 and "teardown" in called.stdout
