"""Exports as phones and spreadsheets read them: iCalendar parsed back with an independent
parser (vobject; icalendar writes), Excel and CSV content, no formula injection, and names
of every kind (line breaks, control characters, separators, markup, emoji) kept as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import icalendar
import openpyxl
import pytest
import vobject
from calendar_data import FORMULA, crowded_plan, nasty_plan, shown, tiny_plan
from click.testing import CliRunner

from scheduler.cli.commands import main
from scheduler.domain.i18n import t, type_name
from scheduler.models import Plan
from scheduler.plan.planfile import plan_json
from scheduler.publish.export import event_uid, export, neutralise, sequences, write_csv, write_ics, write_xlsx
from scheduler.publish.views import clean_text

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def read_ics(path: Path):
    return vobject.readOne(path.read_text(encoding="utf-8"))


def events(path: Path) -> dict:
    cal = read_ics(path)
    return {e.uid.value: e for e in getattr(cal, "vevent_list", [])}


def moved(plan: Plan, session_id: str, days: int) -> Plan:
    """The same plan with one session moved: a re-plan that keeps the session ids."""
    other = plan.model_copy(deep=True)
    s = next(x for x in other.sessions if x.id == session_id)
    s.date = s.date + dt.timedelta(days=days)
    return other


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    write_ics(crowded_plan(), out, now=NOW)
    return out / "ics"


# --------------------------------------------------------------------------- iCalendar


def test_the_all_feed_has_one_event_per_session_in_shanghai_time(feeds):
    plan = crowded_plan()
    text = (feeds / "all.ics").read_text(encoding="utf-8")
    assert text.count("DTSTART;TZID=Asia/Shanghai:") == len(plan.sessions)
    cal = read_ics(feeds / "all.ics")
    assert cal.vtimezone.tzid.value == "Asia/Shanghai"
    evs = cal.vevent_list
    assert len(evs) == len(plan.sessions)
    by_uid = {e.uid.value: e for e in evs}
    for s in plan.sessions:
        e = by_uid[event_uid(s.id, plan)]
        assert "'Asia/Shanghai'" in repr(e.dtstart.value.tzinfo)  # vobject resolved TZID to the VTIMEZONE
        start, end = e.dtstart.value, e.dtend.value
        assert start.date() == s.date and start.utcoffset() == dt.timedelta(hours=8)
        expected = {
            ("morning",): ("09:00", "12:00"),
            ("afternoon",): ("14:30", "17:30"),
            ("evening",): ("19:00", "21:00"),
            ("morning", "afternoon"): ("09:00", "17:30"),
        }[tuple(x.value for x in s.slots)]
        assert (f"{start:%H:%M}", f"{end:%H:%M}") == expected
        assert e.summary.value == s.title
        assert s.id in e.description.value
        assert int(e.sequence.value) == 0
        assert e.dtstamp.value == NOW


def test_the_plan_has_a_full_day_session_to_check_times():
    assert any(len(s.slots) == 2 for s in crowded_plan().sessions)


def test_each_community_and_department_has_a_feed_of_its_own_sessions(feeds):
    plan = crowded_plan()
    sc = plan.scenario.snapshot
    teachers = {i.id: d.id for d in sc.departments for i in d.instructors}
    for c in sc.communities:
        mine = {event_uid(s.id, plan) for s in plan.sessions if c.id in {a.community for a in s.attendance} | {s.host}}
        assert set(events(feeds / f"community-{c.id}.ics")) == mine, c.id
    for d in sc.departments:
        mine = {event_uid(s.id, plan) for s in plan.sessions if d.id in s.departments or teachers.get(s.instructor) == d.id}
        assert set(events(feeds / f"department-{d.id}.ics")) == mine, d.id


def test_uids_stay_the_same_across_re_plans_and_differ_between_plans(tmp_path):
    plan = tiny_plan()
    sid = plan.sessions[0].id
    write_ics(plan, tmp_path / "a", now=NOW)
    write_ics(moved(plan, sid, 1), tmp_path / "b", now=NOW)
    a, b = events(tmp_path / "a" / "ics" / "all.ics"), events(tmp_path / "b" / "ics" / "all.ics")
    assert set(a) == set(b) and len(a) == len(plan.sessions)
    uid = event_uid(sid, plan)
    assert a[uid].dtstart.value.date() != b[uid].dtstart.value.date()
    assert uid.startswith(f"{sid}@") and "@" in uid and " " not in uid
    other = crowded_plan()  # another plan also has an S-2026-001: its UID must differ
    assert event_uid("S-2026-001", other) != event_uid("S-2026-001", plan)


def test_sequence_grows_for_a_session_that_changed_since_the_previous_plan(tmp_path):
    before = tiny_plan()
    sid = before.sessions[-1].id
    after = moved(before, sid, 2)
    assert sequences(after) == {s.id: 0 for s in after.sessions}
    assert sequences(after, before) == {s.id: int(s.id == sid) for s in after.sessions}
    earlier = before.model_copy(deep=True)
    next(s for s in earlier.sessions if s.id == sid).sequence = 4  # changed four times already
    assert sequences(after, earlier)[sid] == 5
    write_ics(after, tmp_path, previous=before, now=NOW)
    got = {e.uid.value: int(e.sequence.value) for e in events(tmp_path / "ics" / "all.ics").values()}
    assert got == {event_uid(s.id, after): int(s.id == sid) for s in after.sessions}


def test_an_unchanged_re_export_keeps_sequence_0():
    plan = tiny_plan()
    assert set(sequences(plan, plan.model_copy(deep=True)).values()) == {0}


# --------------------------------------------------------------------------- spreadsheets


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@evil", "'@evil"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("\n=cmd", "'\n=cmd"),  # what a carriage return becomes in clean_text
        ("山厦社区", "山厦社区"),
        ("S-2026-001", "S-2026-001"),
        (-2, -2),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_xlsx_holds_every_session_and_order_and_no_formula(tmp_path):
    plan = crowded_plan()
    path = write_xlsx(plan, tmp_path)
    wb = openpyxl.load_workbook(path)
    sessions, orders = wb.worksheets
    assert sessions.title == "场次" and orders.title == "点单"
    assert sessions.max_row == len(plan.sessions) + 1
    assert orders.max_row == len(plan.scenario.snapshot.orders) + 1
    assert [c.value for c in sessions["A"][1:]] == [s.id for s in plan.sessions]  # in date order
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = [c for c in cells if isinstance(c.value, str)]
    hostile = [c for c in texts if c.value in (FORMULA, "@evil")]  # shown as written, no visible apostrophe
    assert {c.value for c in hostile} == {FORMULA, "@evil"}
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)  # text, and still text when edited in Excel
    assert not any(c.value.startswith("'") for c in texts)
    assert not any(c.quotePrefix for c in texts if not c.value.startswith(("=", "+", "-", "@")))
    assert any(isinstance(c.value, dt.datetime) for c in sessions["B"][1:])  # real dates, not text
    header = [c.value for c in orders[1]]
    reason = header.index("原因")
    nope = next(r for r in orders.iter_rows(values_only=True) if r[0] == "O-NOPE")
    assert nope[header.index("结果")] == "未满足" and "400" in nope[reason]


def test_csv_has_a_bom_every_row_and_no_formula(tmp_path):
    plan = crowded_plan()
    sessions_csv, orders_csv = write_csv(plan, tmp_path)
    raw = sessions_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "场次编号" and len(rows) == len(plan.sessions) + 1
    assert {r[0] for r in rows[1:]} == {s.id for s in plan.sessions}
    text_cells = [v for r in rows for v in r]
    assert "'" + FORMULA in text_cells
    assert not any(v.startswith(("=", "+", "-", "@")) for v in text_cells)
    orders = list(csv.reader(io.StringIO(orders_csv.read_text(encoding="utf-8-sig"))))
    assert len(orders) == len(plan.scenario.snapshot.orders) + 1
    assert "'@evil" in {r[1] for r in orders}  # the community column


# --------------------------------------------------------------------------- names of every kind


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a\x00b", "ab"),
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("\x01\x1b[2J\x7f\x85x", "[2Jx"),
        ("a\ud800b\ufffe\uffffc", "abc"),
        ("\t平湖 😀👨\u200d👩\u200d👧 \u2028;,\\\"'<b>", "\t平湖 😀👨\u200d👩\u200d👧 \u2028;,\\\"'<b>"),
    ],
)
def test_clean_text_turns_cr_into_newlines_and_drops_only_what_no_format_can_carry(text, expected):
    assert clean_text(text) == expected


def assert_valid_content_lines(raw: bytes) -> None:
    """RFC 5545 3.1: lines end in CRLF, hold at most 75 octets, are folded between whole UTF-8
    characters, and hold no control character but tab (a newline in a text is escaped)."""
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    for line in lines:
        assert len(line) <= 75, line
        assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line.decode("utf-8")), line


def test_every_name_round_trips_through_the_ics_feeds_with_icalendar_and_vobject(tmp_path):
    write_ics(nasty_plan(), tmp_path, now=NOW)
    feeds = {
        "all": (t("x.all", "zh"), 1),
        "community-shanxia": (shown("shanxia"), 1),
        "community-fenghuang": (shown("fenghuang"), 0),  # its only order is unmet
        "department-yingji": (shown("yingji"), 1),
    }
    assert sorted(p.stem for p in (tmp_path / "ics").iterdir()) == sorted(feeds)
    for stem, (who, n) in feeds.items():
        raw = (tmp_path / "ics" / f"{stem}.ics").read_bytes()
        assert_valid_content_lines(raw)
        by_vobject = vobject.readOne(raw.decode("utf-8"))
        by_icalendar = icalendar.Calendar.from_ical(raw)
        calname = f"{shown('plan')} · {who}"
        assert by_vobject.contents["x-wr-calname"][0].value == calname, stem
        # icalendar keeps a property it does not know verbatim: that is calname escaped as TEXT
        assert by_icalendar["X-WR-CALNAME"] == icalendar.vText(calname).to_ical().decode(), stem
        vevents, ievents = getattr(by_vobject, "vevent_list", []), by_icalendar.walk("VEVENT")
        assert len(vevents) == len(ievents) == n, stem
        for v, i in zip(vevents, ievents):
            for got in (
                (v.summary.value, v.location.value, v.categories.value, v.description.value),
                (str(i["SUMMARY"]), str(i["LOCATION"]), [str(c) for c in i["CATEGORIES"].cats], str(i["DESCRIPTION"])),
            ):
                assert got[:3] == (shown("fire"), shown("hall"), [type_name("peer", "zh")]), stem
                assert all(shown(key) in got[3] for key in ("hall", "yj-wang", "yingji", "shanxia")), stem


def test_every_name_stays_text_in_xlsx_and_formula_like_names_get_the_quote_prefix(tmp_path):
    sessions, orders = openpyxl.load_workbook(write_xlsx(nasty_plan(), tmp_path)).worksheets
    assert (sessions.max_row, orders.max_row) == (2, 3)  # a header and one row per session, per order
    session = {h.value: c for h, c in zip(sessions[1], sessions[2])}
    first, second = ({h.value: c for h, c in zip(orders[1], row)} for row in (orders[2], orders[3]))
    formula_like = {
        "课程": (session, shown("fire")),
        "场地": (session, shown("hall")),
        "授课": (session, f"{shown('yj-wang')}（{shown('yingji')}）"),
        "部门": (session, shown("yingji")),  # began with a control character, then "=SUM(A1)"
        "参加社区": (session, f"{shown('shanxia')} 20"),
        "社区": (first, shown("shanxia")),
        "参加人员": (first, shown("role")),
    }
    for column, (row, text) in formula_like.items():
        assert (row[column].value, row[column].data_type, row[column].quotePrefix) == (text, "s", True), column
    assert (second["社区"].value, second["社区"].quotePrefix) == (shown("fenghuang"), False)
    assert session["场次编号"].quotePrefix is False


def test_every_name_survives_a_csv_round_trip_and_formula_like_names_get_an_apostrophe(tmp_path):
    def read(path: Path) -> list[dict[str, str]]:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    sessions_csv, orders_csv = write_csv(nasty_plan(), tmp_path)
    sessions, orders = read(sessions_csv), read(orders_csv)
    assert len(sessions) == 1 and [o["点单"] for o in orders] == ["O-1", "O-2"]  # newlines did not split rows
    s = sessions[0]
    assert s["课程"] == "'" + shown("fire") and s["场地"] == "'" + shown("hall")
    assert s["授课"] == f"'{shown('yj-wang')}（{shown('yingji')}）"
    assert s["部门"] == "'" + shown("yingji")  # began with a control character, then "=SUM(A1)"
    assert s["参加社区"] == f"'{shown('shanxia')} 20"
    assert orders[0]["社区"] == "'" + shown("shanxia") and orders[0]["参加人员"] == "'" + shown("role")
    assert orders[1]["社区"] == shown("fenghuang")


def test_schedule_export_writes_every_format_for_names_with_line_breaks_and_control_characters(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan_json(nasty_plan()), encoding="utf-8")
    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["export", str(plan_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (event,) = events(out / "ics" / "all.ics").values()
    assert event.summary.value == shown("fire")
    assert openpyxl.load_workbook(out / "plan.xlsx").worksheets[0]["J2"].value == shown("hall")


def test_english_exports(tmp_path):
    write_csv(tiny_plan(), tmp_path, "en")
    header = (tmp_path / "sessions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Session,Date,Day,Time")


# --------------------------------------------------------------------------- CLI


def test_schedule_export_writes_every_format_and_uses_previous(tmp_path):
    before = tiny_plan()
    sid = before.sessions[0].id
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(plan_json(before), encoding="utf-8")
    new.write_text(plan_json(moved(before, sid, 1)), encoding="utf-8")
    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["export", str(new), "--out", str(out), "--previous", str(old)])
    assert result.exit_code == 0, result.output
    for name in ("ics/all.ics", "plan.xlsx", "sessions.csv", "orders.csv", "ics/community-shanxia.ics"):
        assert (out / name).is_file(), name
    seq = {e.uid.value: int(e.sequence.value) for e in events(out / "ics" / "all.ics").values()}
    assert seq[event_uid(sid, before)] == 1
    only = CliRunner().invoke(main, ["export", str(new), "--out", str(tmp_path / "x"), "--format", "csv"])
    assert only.exit_code == 0 and sorted(p.name for p in (tmp_path / "x").iterdir()) == ["orders.csv", "sessions.csv"]


def test_schedule_export_names_a_missing_previous_plan_and_exits_2(tmp_path):
    new = tmp_path / "new.json"
    new.write_text(plan_json(tiny_plan()), encoding="utf-8")
    missing = tmp_path / "nope.json"
    result = CliRunner().invoke(main, ["export", str(new), "--out", str(tmp_path / "x"), "--previous", str(missing)])
    assert result.exit_code == 2 and str(missing) in result.output
    assert not (tmp_path / "x").exists()


def test_export_rejects_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="pdf"):
        export(tiny_plan(), tmp_path, ["pdf"])
