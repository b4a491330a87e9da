"""ITC-2007 curriculum-based course timetabling: the reader, the UD2 scorer, the solver
and ``schedule ctt``.

The scorer is checked on the official description's toy solution (hard 3 + 2, soft
8 + 15 + 4 + 3 = 30); the solver's timetables on the toy and on comp01 are scored by it,
which must agree with the cost the solver claims.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.adapters.ctt.instance import CttError, parse_ctt, read_ctt
from scheduler.adapters.ctt.neutral import core_timetable, to_problem
from scheduler.adapters.ctt.score import score
from scheduler.adapters.ctt.solution import parse_solution, read_solution, solution_text
from scheduler.adapters.ctt.solve import solve_ctt
from scheduler.cli.commands import main

DATA = Path(__file__).resolve().parent / "data" / "ctt"
TOY = DATA / "toy.ctt"
COMP01 = DATA / "comp01.ctt"
COMP01_BEST = 5  # proven optimal (best_known.tsv): no timetable costs less


def test_the_official_toy_solution_scores_as_the_description_says():
    inst = read_ctt(TOY)
    lectures, warnings = read_solution(DATA / "toy.sol", inst)
    assert not warnings and len(lectures) == 16
    s = score(inst, lectures)
    assert (s.conflicts, s.room_occupancy, s.lectures, s.availability) == (3, 2, 0, 0)
    assert (s.room_capacity, s.min_working_days, s.curriculum_compactness, s.room_stability) == (8, 15, 4, 3)
    assert (s.hard, s.soft) == (5, 30)


def test_an_extra_lecture_in_an_unavailable_period_is_two_hard_violations():
    """TecCos may not be taught on day 2, period 0: a sixth lecture there is one too many
    (Lectures) and unavailable (Availability)."""
    inst = read_ctt(TOY)
    text = (DATA / "toy.sol").read_text(encoding="utf-8") + "TecCos A 2 0\n"
    s = score(inst, parse_solution(text, inst)[0])
    assert (s.lectures, s.availability) == (1, 1)


def test_reading_a_solution_skips_what_the_official_validator_skips():
    inst = read_ctt(TOY)
    text = "SceCosC A 0 0\nSceCosC B 0 0\nNoSuch A 0 1\nSceCosC Z 0 2\nSceCosC A 9 0\n"
    lectures, warnings = parse_solution(text, inst, "t.sol")
    assert [(x.course, x.period, x.room) for x in lectures] == [("SceCosC", 0, "A")]
    assert len(warnings) == 4 and all(w.startswith("t.sol:") for w in warnings)
    with pytest.raises(CttError, match=r"t\.sol:2: expected <course> <room> <day> <period>"):
        parse_solution("SceCosC A 0 0\nSceCosC A zero 1\n", inst, "t.sol")


def test_solution_text_is_the_timetable_in_a_fixed_order_and_reads_back():
    inst = read_ctt(TOY)
    lectures, _ = read_solution(DATA / "toy.sol", inst)
    text = solution_text(lectures, inst)
    assert solution_text(list(reversed(lectures)), inst) == text
    assert sorted(parse_solution(text, inst)[0]) == sorted(lectures)


BAD = [
    (lambda s: s.replace("Courses: 4", "Courses: four"), "toy.ctt:2", "Courses must be a whole number"),
    (lambda s: s.replace("Days: 5", "Weeks: 5"), "toy.ctt:4", 'expected "Days: <value>"'),
    (lambda s: s.replace("SceCosC Ocra 3 3 30", "SceCosC Ocra x 3 30"), "toy.ctt:10", "SceCosC: lectures"),
    (lambda s: s.replace("SceCosC Ocra 3 3 30", "SceCosC Ocra 3 3"), "toy.ctt:10", "5 fields expected"),
    (lambda s: s.replace("A 32", "A -32"), "toy.ctt:16", "ROOMS A: capacity"),
    (lambda s: s.replace("Cur2 2 TecCos Geotec", "Cur2 2 TecCos Nobody"), "toy.ctt:21", 'unknown course "Nobody"'),
    (lambda s: s.replace("Cur1 3 SceCosC", "Cur1 4 SceCosC"), "toy.ctt:20", "4 courses announced, 3 listed"),
    (lambda s: s.replace("TecCos 2 0", "TecCos 7 0"), "toy.ctt:24", "outside 5 x 4"),
    (lambda s: s.replace("END.", "FIN."), "toy.ctt:33", 'expected "END."'),
    (lambda s: s.split("ROOMS:")[0], "toy.ctt", "the file ends before ROOMS:"),
]


@pytest.mark.parametrize(("mutate", "where", "what"), BAD, ids=[b[2][:24] for b in BAD])
def test_a_bad_instance_is_named_by_line_and_field(mutate, where, what):
    with pytest.raises(CttError) as err:
        parse_ctt(mutate(TOY.read_text(encoding="utf-8")), TOY)
    assert str(err.value).startswith(where) and what in str(err.value)


def test_every_bundled_instance_reads_with_its_announced_sizes():
    inst = read_ctt(COMP01)
    assert (len(inst.courses), len(inst.rooms), inst.days, inst.periods_per_day) == (30, 6, 5, 6)
    assert len(inst.curricula) == 14 and sum(len(v) for v in inst.unavailable.values()) == 53
    assert sum(c.lectures for c in inst.courses) == 160


@pytest.mark.parametrize(("path", "seconds"), [(TOY, 3.0), (COMP01, 12.0)], ids=["toy", "comp01"])
def test_the_solver_finds_a_feasible_timetable_the_scorer_agrees_with(path, seconds):
    inst = read_ctt(path)
    result = solve_ctt(inst, seconds, seed=0, workers=2)
    s = score(inst, result.lectures)
    assert s.hard == 0, s
    assert s.soft == result.cost, f"the scorer finds {s}, the solver claims {result.cost}"
    assert 0 <= result.bound <= result.cost
    if path == COMP01:
        assert result.cost >= COMP01_BEST and result.bound <= COMP01_BEST


def test_schedule_ctt_writes_a_solution_that_scores_as_it_says(tmp_path):
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["ctt", str(TOY), "--time-limit", "3", "--out", str(out), "--quiet"])
    assert done.exit_code == 0, done.output
    assert "hard violations: 0" in done.output and "toy.sol" in done.output
    inst = read_ctt(TOY)
    lectures, warnings = read_solution(out / "toy.sol", inst)
    assert not warnings and score(inst, lectures).hard == 0
    checked = CliRunner().invoke(main, ["ctt", str(TOY), "--check", str(out / "toy.sol")])
    assert checked.exit_code == 0 and "hard violations: 0" in checked.output


def test_schedule_ctt_names_a_bad_file_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.ctt"
    bad.write_text(TOY.read_text(encoding="utf-8").replace("B 50", "B fifty"), encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["ctt", str(bad), "--out", str(out)])
    assert done.exit_code == 2 and "bad.ctt:17" in done.output and "ROOMS B: capacity" in done.output
    assert "Traceback" not in done.output and not out.exists()
    missing = CliRunner().invoke(main, ["ctt", str(tmp_path / "none.ctt")])
    assert missing.exit_code == 2 and "none.ctt" in missing.output
    garbled = tmp_path / "g.sol"
    garbled.write_text("SceCosC A 0 0\nSceCosC A ² 1\n", encoding="utf-8")
    checked = CliRunner().invoke(main, ["ctt", str(TOY), "--check", str(garbled)])
    assert checked.exit_code == 2 and "g.sol:2" in checked.output and "Traceback" not in checked.output


def test_an_instance_compiles_into_the_neutral_problem_lecture_by_lecture():
    """Each lecture an event that must run, its course's teacher and curricula its
    resources, every room a choice, the unavailable periods out of its starts."""
    inst = read_ctt(COMP01)
    problem = to_problem(inst)
    assert len(problem.events) == sum(c.lectures for c in inst.courses) and not problem.demands
    assert all(not e.optional and e.length == 1 and e.min_size == 0 for e in problem.events)
    course = inst.courses[0]
    event = next(e for e in problem.events if e.family == course.id)
    curricula = {q for q, cs in inst.curricula.items() if course.id in cs}
    assert set(event.resources) == {f"teacher:{course.teacher}", *(f"curriculum:{q}" for q in curricula)}
    assert [o.resource for o in event.choices[0].options] == [f"room:{r.id}" for r in inst.rooms]
    closed = inst.unavailable[course.id]
    assert closed and set(event.starts) == set(range(inst.periods)) - closed
    assert problem.units_per_day == inst.periods_per_day and not problem.shared_units


@pytest.mark.parametrize("path", [TOY, COMP01], ids=["toy", "comp01"])
def test_the_engines_own_core_finds_a_timetable_the_scorer_finds_no_hard_violation_in(path):
    inst = read_ctt(path)
    lectures, status = core_timetable(inst, 20.0, seed=0, workers=2)
    assert status in ("OPTIMAL", "FEASIBLE")
    assert len(lectures) == sum(c.lectures for c in inst.courses)
    assert score(inst, lectures).hard == 0, score(inst, lectures)


def test_with_no_time_for_cp_sats_periods_the_cores_timetable_is_the_start(monkeypatch):
    """The periods step finding nothing (here: made to) is no empty answer: the core's
    timetable starts the annealing, and the result breaks no hard rule."""
    from scheduler.adapters.ctt import solve as ctt_solve

    monkeypatch.setattr(ctt_solve, "first_timetable", lambda *a, **k: ctt_solve.CttResult([], "UNKNOWN"))
    inst = read_ctt(COMP01)
    result = ctt_solve.solve_ctt(inst, 5.0, seed=0, workers=1)
    assert len(result.lectures) == sum(c.lectures for c in inst.courses)
    assert score(inst, result.lectures).hard == 0 and result.bound == 0


def test_schedule_ctt_via_the_core_writes_a_timetable_the_scorer_agrees_with(tmp_path):
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["ctt", str(TOY), "--via", "core", "--time-limit", "5", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "core: " in done.output and "hard violations: 0" in done.output
    inst = read_ctt(TOY)
    lectures, _ = read_solution(out / "toy.sol", inst)
    assert score(inst, lectures).hard == 0
    odd = CliRunner().invoke(main, ["ctt", str(TOY), "--via", "magic", "--out", str(out)])
    assert odd.exit_code == 2 and "--via" in odd.output and "Traceback" not in odd.output
