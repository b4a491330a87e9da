"""``pip install .`` ships the calendar templates: setup.cfg maps templates/ to the package
``scheduler.templates`` and lists every package explicitly (``find:`` cannot see a folder
that lives outside scheduler/), so a new subpackage must be added there too.

The first checks read setup.cfg's text. The others build a real wheel from a copy of the
checkout (offline: ``pip wheel --no-build-isolation --no-index``), install it into a fresh
virtual environment and run the installed ``schedule`` from a folder outside the checkout.
The fresh environment borrows the running one's site-packages (ortools, pydantic, ...)
through a ``.pth`` file, after its own site-packages, so the ``scheduler`` that runs is
the wheel's. The build needs pyproject.toml's backend (setuptools>=68, wheel) in the
running environment: ``pip install ".[test]"`` brings it. Without it these tests skip,
except under CI (``CI`` set), where they fail. Nothing is written outside tmp folders.
"""

from __future__ import annotations

import configparser
import fnmatch
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "tiny" / "scenario.yaml"
TIMEOUT = 300  # seconds for each subprocess: generous, the whole module takes seconds
# What the build needs when git cannot list the checkout's files.
SOURCES = ("scheduler", "templates", "setup.cfg", "pyproject.toml", "README.md", "MANIFEST.in")


def setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return cfg


def listed(value: str) -> list[str]:
    return [x.strip() for x in value.replace(",", "\n").splitlines() if x.strip()]


def build_requires() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["build-system"]["requires"]


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


def test_the_build_backend_is_a_test_dependency():
    """The wheel below is built without isolation (offline), so the test extra must bring
    pyproject.toml's build requirements: a clean Python 3.11 has setuptools 65 and no wheel."""
    test = {x.replace(" ", "") for x in listed(setup_cfg()["options.extras_require"]["test"])}
    for requirement in build_requires():
        assert requirement.replace(" ", "") in test, f"add {requirement} to setup.cfg [options.extras_require] test"


# --------------------------------------------------------------------------- the real wheel


@dataclass(frozen=True)
class Installed:
    """The wheel built from the copy ``src`` and the fresh environment it is installed in."""

    src: Path
    wheel: Path
    venv: Path
    env: dict[str, str]  # for the installed program: no PYTHONPATH, no SCHEDULE_DB

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def schedule(self) -> Path:
        return self.venv / "bin" / "schedule"


def version_of(text: str) -> tuple[int, ...]:
    """(68, 1) from '68.1.0'; stops at the first part that is not a plain number."""
    parts = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def missing_build_tool() -> str | None:
    """Why the running environment cannot build and install the wheel offline, or None."""
    try:
        setuptools = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return "setuptools is not installed"
    if version_of(setuptools) < (68,):
        return f"setuptools {setuptools} is older than pyproject.toml's setuptools>=68"
    if importlib.util.find_spec("wheel") is None:
        return "wheel is not installed"
    pip = metadata.version("pip")
    if version_of(pip) < (22, 3):
        return f"pip {pip} has no --python option (22.3 and newer)"
    return None


def run(cmd: list, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run cmd and insist on exit code 0, showing its output otherwise."""
    args = [str(c) for c in cmd]
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def build_env(scratch: Path) -> dict[str, str]:
    """For pip: no configuration files (no extra index), no cache, no version check, no
    prompt, no byte-code written into the running environment, temporary files in scratch;
    no PYTHONPATH (the checkout on it, with its scheduler.egg-info, would look installed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "SCHEDULE_", "PYTHONPATH"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PYTHONDONTWRITEBYTECODE="1",
        TMPDIR=str(scratch),
    )
    return env


def program_env(env: dict[str, str], venv: Path) -> dict[str, str]:
    """For the installed program: nothing of the caller's Python setup (PYTHONPATH could
    bring the checkout back), the fresh environment's bin/ first on PATH."""
    clean = {k: v for k, v in env.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA_"))}
    clean.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv), PYTHONDONTWRITEBYTECODE="1")
    return clean


def source_files() -> list[str]:
    """The checkout's files as git knows them (tracked, plus new ones it does not ignore),
    relative to ROOT; without git, everything below SOURCES."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        cmd = [git, "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        done = run(cmd, cwd=ROOT, env=dict(os.environ))
        return [name for name in done.stdout.split("\0") if name]
    found = []
    for name in SOURCES:
        path = ROOT / name
        paths = [path] if path.is_file() else [p for p in path.rglob("*") if "__pycache__" not in p.parts]
        found += [p.relative_to(ROOT).as_posix() for p in paths if p.is_file() and p.suffix != ".pyc"]
    return found


def copy_sources(dest: Path) -> Path:
    """Copy the checkout's files to dest: the build writes build/ and *.egg-info there."""
    for name in source_files():
        path = ROOT / name
        if path.is_file():  # a tracked file may have been deleted in the work tree
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return dest


def build_wheel(src: Path, dist: Path, env: dict[str, str]) -> Path:
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir"]
    run([*cmd, "-w", dist, src], cwd=src, env=env)
    wheels = sorted(dist.glob("scheduler-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def install_wheel(wheel: Path, venv: Path, env: dict[str, str]) -> None:
    """A fresh venv without pip; the running pip installs the wheel into it, and a .pth
    file lets it import the running environment's packages (the dependencies)."""
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent, env=env)
    python = venv / "bin" / "python"
    cmd = [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", "--no-cache-dir"]
    run([*cmd, wheel], cwd=venv.parent, env=env)
    probe = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run([python, "-c", probe], cwd=venv.parent, env=program_env(env, venv)).stdout.strip())
    assert site.is_relative_to(venv), site
    paths = sysconfig.get_paths()
    borrowed = dict.fromkeys([paths["purelib"], paths["platlib"]])  # in order, once each
    (site / "zz_running_environment.pth").write_text("".join(f"{p}\n" for p in borrowed), encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """Build the wheel and install it once for the whole module."""
    why = missing_build_tool()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must build the wheel: {why} (pip install '.[test]')", pytrace=False)
        pytest.skip(f"cannot build the wheel offline: {why} (pip install '.[test]')")
    base = tmp_path_factory.mktemp("packaging")
    scratch = base / "tmp"
    scratch.mkdir()
    env = build_env(scratch)
    src = copy_sources(base / "src")
    wheel = build_wheel(src, base / "dist", env)
    venv = base / "venv"
    install_wheel(wheel, venv, env)
    return Installed(src=src, wheel=wheel, venv=venv, env=program_env(env, venv))


def test_the_wheel_holds_every_module_template_and_migration(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    package = installed.src / "scheduler"
    expected = {f"scheduler/{p.relative_to(package).as_posix()}" for p in package.rglob("*") if p.is_file()}
    expected |= {f"scheduler/templates/{p.name}" for p in (installed.src / "templates").iterdir() if p.is_file()}
    assert "scheduler/store/migrations/script.py.mako" in expected
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(installed.wheel).read(entry_points).decode()
    assert "schedule = scheduler.cli:main" in text


def test_the_installed_program_runs_the_wheels_scheduler(installed, tmp_path):
    assert installed.schedule.is_file()
    shebang = installed.schedule.read_text(encoding="utf-8").splitlines()[0]
    assert shebang == f"#!{installed.python}", shebang
    probe = "import scheduler, scheduler.cli.commands; print(scheduler.__file__); print(scheduler.cli.commands.__file__)"
    done = run([installed.python, "-c", probe], cwd=tmp_path, env=installed.env)
    for line in done.stdout.splitlines():
        path = Path(line)
        assert path.is_relative_to(installed.venv), f"scheduler came from {path}, not from the fresh environment"
        assert not path.resolve().is_relative_to(ROOT.resolve()), path
    version = run([installed.schedule, "--version"], cwd=tmp_path, env=installed.env).stdout
    assert installed.wheel.name.split("-")[1] in version


def plan_versions(db: Path) -> int:
    """How many plan versions the SQLite store db holds (it must exist)."""
    assert db.is_file(), f"no store at {db}"
    with closing(sqlite3.connect(db)) as con:
        return con.execute("select count(*) from plan_version").fetchone()[0]


def test_solve_render_and_db_upgrade_with_the_installed_program(installed, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(SCENARIO, work / "scenario.yaml")
    assert "SCHEDULE_DB" not in installed.env  # the default store: schedule.db in the working directory

    run([installed.schedule, "solve", "scenario.yaml", "--out", "out", "--workers", "1", "--quiet"], cwd=work, env=installed.env)
    plan = json.loads((work / "out" / "plan.json").read_text(encoding="utf-8"))
    assert plan["sessions"], "the tiny scenario has a plan with sessions"
    assert plan_versions(work / "schedule.db") == 1

    run([installed.schedule, "render", "out/plan.json", "--out", "site"], cwd=work, env=installed.env)
    index = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert plan["scenario"]["snapshot"]["plan"]["name"] in index
    assert (work / "site" / "calendar.css").is_file()  # a template file shipped in the wheel

    db = tmp_path / "x.db"
    run([installed.schedule, "db", "upgrade", "--db", f"sqlite:///{db}"], cwd=work, env=installed.env)
    assert plan_versions(db) == 0  # the tables exist, still empty
