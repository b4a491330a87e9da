"""The README is executable documentation: its commands run as a newcomer runs them.

Every ``bash`` block after the set-up runs in order, one command at a time, in one
folder that holds a copy of ``examples/`` (what a fresh clone has), with the installed
``schedule`` command and no ``SCHEDULE_DB``: each must exit 0. Each ``console`` block is
a transcript pasted from a real run: it runs in a scratch folder of its own, and the
lines it shows must come out, in order. In a transcript a line ``…`` stands for any
number of lines and ``…`` inside a line for any text. The set-up block itself is what
``.ci/run`` runs (``.ci/readme_setup.py``); here it is only checked for its shape.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import icalendar
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
ELLIPSIS = "…"


@dataclass
class Ran:
    command: str
    code: int
    output: str


@dataclass
class Block:
    section: str
    lang: str
    body: str
    ran: list[Ran] = field(default_factory=list)
    folder: Path | None = None


def readme_blocks() -> list[Block]:
    """The fenced blocks of the README with the ``##`` section each stands in."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        heads = re.findall(r"^## (.+)$", text[: match.start()], re.M)
        blocks.append(Block(heads[-1] if heads else "", match.group(1), match.group(2)))
    return blocks


def commands(block: Block) -> list[str]:
    if block.lang == "console":
        return [line[2:] for line in block.body.splitlines() if line.startswith("$ ")]
    return [line for line in block.body.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def schedule_bin() -> Path:
    """The ``schedule`` the package installed beside this interpreter (README command 2)."""
    here = Path(sys.executable).parent / "schedule"
    found = here if here.exists() else shutil.which("schedule")
    if not found:
        pytest.fail("the `schedule` command is not installed: run README command 2 (pip install '.[test]')")
    return Path(found)


def fresh_clone(folder: Path) -> Path:
    folder.mkdir()
    shutil.copytree(ROOT / "examples", folder / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run_in(folder: Path, command: str) -> Ran:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEDULE_")}
    env["PATH"] = f"{schedule_bin().parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
    )
    return Ran(command, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory) -> tuple[Path, list[Block]]:
    """Every block after the set-up, run as the README says; returns the shared folder."""
    base = tmp_path_factory.mktemp("readme")
    shared = fresh_clone(base / "clone")
    blocks = [b for b in readme_blocks() if b.lang in ("bash", "console") and not b.section.startswith("Set-up")]
    for k, block in enumerate(blocks):
        block.folder = fresh_clone(base / f"scratch-{k}") if block.lang == "console" else shared
        block.ran = [run_in(block.folder, cmd) for cmd in commands(block)]
    return shared, blocks


def test_the_set_up_is_two_commands_that_make_and_activate_a_virtual_environment():
    setup = [b for b in readme_blocks() if b.section.startswith("Set-up") and b.lang == "bash"]
    assert len(setup) == 1
    first, second = commands(setup[0])
    for line in (first, second):
        assert line.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert first.endswith("schedule solve examples/pinghu-2026/scenario.yaml --out out/")
    assert second.endswith("python -m pytest -q")
    printed = subprocess.run([sys.executable, str(ROOT / ".ci" / "readme_setup.py")], capture_output=True, text=True)
    assert printed.stdout.splitlines() == [first, second]  # .ci/run runs exactly these


def test_every_readme_command_succeeds(readme_run):
    _, blocks = readme_run
    ran = [r for b in blocks for r in b.ran]
    assert len(ran) >= 20  # the walkthroughs are all there
    failed = [f"$ {r.command}\n(exit {r.code})\n{r.output[-1500:]}" for r in ran if r.code != 0]
    assert not failed, "\n\n".join(failed)


def matches(expected: str, actual: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split(ELLIPSIS))
    return re.fullmatch(pattern, actual) is not None


def expected_lines(block: Block) -> list[list[str]]:
    """For each command of a transcript, the lines shown after it."""
    shown: list[list[str]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            shown.append([])
        else:
            shown[-1].append(line.rstrip())
    return shown


def missing_lines(expected: list[str], actual: list[str]) -> list[str]:
    """Expected lines not found in order; an ``…`` line lets any lines pass before the next."""
    at, gap, missing = 0, False, []
    for want in expected:
        if want == ELLIPSIS:
            gap = True
            continue
        hits = [i for i in range(at, len(actual)) if matches(want, actual[i])]
        if not hits or (not gap and hits[0] != at):
            missing.append(want)
            continue
        at, gap = hits[0] + 1, False
    if not gap and at != len(actual) and not missing:
        missing.append(f"(no more lines, but the run printed {actual[at]!r})")
    return missing


def test_console_transcripts_are_what_a_real_run_prints(readme_run):
    _, blocks = readme_run
    transcripts = [b for b in blocks if b.lang == "console"]
    assert transcripts
    for block in transcripts:
        for ran, shown in zip(block.ran, expected_lines(block)):
            actual = [line.rstrip() for line in ran.output.splitlines()]
            assert ran.code == 0, ran.output
            assert not missing_lines(shown, actual), f"$ {ran.command}\nprinted:\n{ran.output}"


def test_the_files_the_readme_names_are_written(readme_run):
    shared, _ = readme_run
    text = README.read_text(encoding="utf-8")
    named = ["out/plan.json", "schedule.db", "site/index.html", "year.html", "months/2026-03.html", "months.html"]
    named += ["ics/all.ics", "plan.xlsx", "sessions.csv", "orders.csv"]
    for path in named:
        assert path in text, f"the README no longer names {path}: update this test"
    for path in ("out/plan.json", "schedule.db", "out-v2/plan.json", "site/index.html", "site/year.html"):
        assert (shared / path).is_file(), path
    assert (shared / "site" / "months" / "2026-03.html").is_file() and (shared / "site" / "months.html").is_file()
    for path in ("ics/all.ics", "plan.xlsx", "sessions.csv", "orders.csv"):
        assert (shared / "exports" / path).is_file(), path
    assert json.loads((shared / "out-v2" / "plan.json").read_text(encoding="utf-8"))["replan"]["parent"] == 1


def test_the_walkthrough_feed_moves_the_event(readme_run):
    """The transcript's promise: the re-placed session's event carries SEQUENCE 1."""
    _, blocks = readme_run
    transcript = next(b for b in blocks if b.lang == "console" and "schedule cancel" in b.body)
    assert all(r.code == 0 for r in transcript.ran)
    feed = icalendar.Calendar.from_ical((transcript.folder / "feeds" / "ics" / "all.ics").read_bytes())
    sequence = {str(e["UID"]).split("@")[0]: int(e.get("SEQUENCE", 0)) for e in feed.walk("VEVENT")}
    cancelled = re.search(r"schedule cancel (\S+)", transcript.body).group(1)
    assert sequence.pop(cancelled) == 1
    assert set(sequence.values()) == {0}


def scenario_ids() -> dict[str, set[str]]:
    """Every id of the bundled examples, by the option that names it."""
    ids: dict[str, set[str]] = {k: set() for k in ("community", "department", "venue", "offering", "order", "instructor")}
    for path in sorted((ROOT / "examples").glob("*/scenario.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, section in (("community", "communities"), ("department", "departments"), ("venue", "venues")):
            ids[key] |= {x["id"] for x in data[section]}
        ids["offering"] |= {x["id"] for x in data["offerings"]}
        ids["order"] |= {x["id"] for x in data["orders"]}
        ids["instructor"] |= {i["id"] for d in data["departments"] for i in d.get("instructors", [])}
    return ids


def example_lines() -> list[str]:
    """Command lines of the README's blocks and of every command's --help example."""
    from click.testing import CliRunner

    from scheduler.cli.commands import main

    lines = [c for b in readme_blocks() for c in commands(b) if "schedule " in c]
    names = [[]] + [[name] for name in main.commands] + [["db", "upgrade"]]
    for name in names:
        help_text = CliRunner().invoke(main, [*name, "--help"]).output
        examples = " ".join(help_text.split("xample", 1)[-1].split("Options:", 1)[0].split())
        lines += [x.strip() for x in re.findall(r"schedule .+?(?=;|\s+or\s+|$)", examples)]
    return lines


def test_every_id_in_the_readme_and_help_examples_exists_in_the_bundled_examples(readme_run):
    shared, _ = readme_run
    ids = scenario_ids()
    sessions = {s["id"] for s in json.loads((shared / "out" / "plan.json").read_text(encoding="utf-8"))["sessions"]}
    unknown = []
    for line in example_lines():
        for option, value in re.findall(r"--(community|department|venue|offering|order|instructor) (\S+)", line):
            if value not in ids[option]:
                unknown.append(f"--{option} {value}: {line}")
        unknown += [f"{sid}: {line}" for sid in re.findall(r"\bS-\d{4}-\d{3}\b", line) if sid not in sessions]
    assert not unknown, "\n".join(unknown)
