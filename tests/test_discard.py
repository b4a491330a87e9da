"""`schedule discard`: a change recorded by mistake is taken back before any re-plan applies
it; a later change that needs it keeps it; a change already applied stays in the history."""

from __future__ import annotations

import json

from test_history_cli import copied, run, solved_store  # noqa: F401 (fixtures)

from scheduler.models import ChangeKind
from scheduler.store.plan_store import Store


def resolve(db: str, out) -> object:
    return run(db, "resolve", "--today", "2026-03-02", "--out", out, "--quiet", "--workers", "1")


def test_a_discarded_change_is_gone_and_the_re_plan_applies_the_others(copied, tmp_path):  # noqa: F811
    sid = Store(copied).plan(1).sessions[0].id
    recorded = run(copied, "cancel", sid, "--reason", "录错了")
    assert recorded.exit_code == 0 and "录错了可用 schedule discard 1 撤销" in recorded.output, recorded.output
    assert run(copied, "withdraw", "--order", "O-001").exit_code == 0
    [(first, _), (second, _)] = Store(copied).pending(1)
    r = run(copied, "discard", f"#{first}")
    assert r.exit_code == 0 and f"已撤销变更 #{first}：cancel {sid} (录错了)。还有1项待处理的变更。" in r.output, r.output
    assert [(cid, c.kind) for cid, c in Store(copied).pending(1)] == [(second, ChangeKind.withdraw)]
    listed = run(copied, "plans").output
    assert f"#{second} withdraw O-001" in listed and f"#{first}" not in listed, listed
    assert resolve(copied, tmp_path / "v2").exit_code == 0
    new = json.loads((tmp_path / "v2" / "plan.json").read_text(encoding="utf-8"))
    assert [c["kind"] for c in new["replan"]["changes"]] == ["withdraw"]
    assert sid in {s["id"] for s in new["sessions"]}, "the session whose cancel was discarded still runs"


def test_a_change_a_later_one_needs_is_kept_until_that_one_goes(copied):  # noqa: F811
    r = run(copied, "add-order", "--community", "xinmu", "--offering", "p-elderly-care", "--attendees", "5", "--id", "O-100")
    assert r.exit_code == 0, r.output
    assert run(copied, "withdraw", "--order", "O-100").exit_code == 0
    [(added, _), (withdrawn, _)] = Store(copied).pending(1)
    r = run(copied, "discard", str(added))
    assert r.exit_code == 2, r.output
    assert f"后面的变更 #{withdrawn}（withdraw O-100）需要 #{added}" in r.output and "O-100" in r.output, r.output
    assert f"请先撤销 #{withdrawn}" in r.output
    r = run(copied, "discard", str(added), "--lang", "en")
    assert r.exit_code == 2 and f"the later change #{withdrawn} (withdraw O-100) needs #{added}" in r.output, r.output
    assert len(Store(copied).pending(1)) == 2, "nothing discarded"
    assert run(copied, "discard", str(withdrawn)).exit_code == 0
    assert run(copied, "discard", str(added)).exit_code == 0
    assert Store(copied).pending(1) == []


def test_an_unknown_an_applied_and_a_mistyped_change_are_refused(copied, tmp_path):  # noqa: F811
    assert run(copied, "withdraw", "--order", "O-001").exit_code == 0
    [(cid, _)] = Store(copied).pending(1)
    r = run(copied, "discard", "99")
    assert r.exit_code == 2 and "变更 #99 不是「" in r.output and f"待处理：#{cid}" in r.output, r.output
    assert "change #99 is not a pending change" in run(copied, "discard", "99", "--lang", "en").output
    r = run(copied, "discard", "three")
    assert r.exit_code == 2 and "不是变更编号" in r.output and "Traceback" not in r.output, r.output
    assert "is not a change number" in run(copied, "discard", "#0", "--lang", "en").output
    assert resolve(copied, tmp_path / "v2").exit_code == 0
    r = run(copied, "discard", str(cid))
    assert r.exit_code == 2 and "已生效的变更不能撤销" in r.output and "待处理：-" in r.output, r.output
    assert len(Store(copied).versions()) == 2


def test_a_change_applied_while_it_was_being_discarded_says_so(copied, monkeypatch):  # noqa: F811
    assert run(copied, "withdraw", "--order", "O-001").exit_code == 0
    [(cid, _)] = Store(copied).pending(1)
    monkeypatch.setattr(Store, "discard_change", lambda self, line, change: False)  # a resolve won the race
    r = run(copied, "discard", str(cid))
    assert r.exit_code == 4 and f"变更 #{cid} 刚刚已被另一次 schedule resolve 应用" in r.output, r.output
