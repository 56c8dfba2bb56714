"""A round's life cycle: autosave, submit, the deadline and overrun, full loops, follow-ups."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evaluator import rounds
from evaluator import transcripts as tx
from evaluator.bank import get_question
from evaluator.models import ROUNDS, Transcript

QID = "design-ads-performance-pipeline"
T0 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
GOOD = (
    "About 100B impressions a day is roughly 1.2M events per second. We partition by event_date and "
    "cluster by campaign_id because advertisers filter on their campaigns. Billing must be exact, so a "
    "batch path reconciles what the streaming path shows on dashboards."
)


def limit(qid: str = QID) -> timedelta:
    return timedelta(minutes=get_question(qid).time_limit_minutes)


def test_start_round_saves_a_draft(tmp_path: Path) -> None:
    t = rounds.start_round(QID, candidate="ana", root=tmp_path, now=T0)
    saved = tx.find(t.id or "", tmp_path)
    assert saved is not None and saved.transcript.status == "draft"
    assert saved.transcript.candidate == "ana"


def test_autosave_keeps_the_latest_text(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    rounds.autosave(t.id or "", "draft one", root=tmp_path, now=T0 + timedelta(minutes=1))
    rounds.autosave(t.id or "", "draft two", root=tmp_path, now=T0 + timedelta(minutes=2))
    saved = tx.find(t.id or "", tmp_path).transcript  # type: ignore[union-attr]
    assert saved.answer == "draft two" and saved.status == "draft"
    assert saved.updated_at == tx.iso(T0 + timedelta(minutes=2))


def test_submit_grades_and_records_elapsed(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    rounds.autosave(t.id or "", GOOD, root=tmp_path, now=T0 + timedelta(minutes=20))
    done = rounds.submit(t.id or "", root=tmp_path, now=T0 + timedelta(minutes=30), offline=True)
    assert done.status == "graded" and done.report is not None
    assert done.report.question_id == QID and done.report.mode == "deterministic"
    assert done.elapsed_seconds == 1800 and done.overrun_seconds == 0 and done.auto_submitted is False
    # idempotent: a second click does not regrade or move the clock
    again = rounds.submit(t.id or "", root=tmp_path, now=T0 + timedelta(minutes=40))
    assert again.submitted_at == done.submitted_at


def test_typing_past_the_deadline_is_overrun_not_graded(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    rounds.autosave(t.id or "", GOOD, root=tmp_path, now=T0 + timedelta(minutes=44))
    late = T0 + limit() + timedelta(seconds=12)
    after = rounds.autosave(t.id or "", GOOD + " Also dedup by impression_id.", root=tmp_path, now=late, offline=True)
    assert after.status == "graded" and after.auto_submitted is True
    assert after.answer == GOOD  # the graded answer is the one saved before time ran out
    assert after.elapsed_seconds == limit().total_seconds()
    assert after.overrun_text == "Also dedup by impression_id."
    assert after.overrun_seconds == 12.0
    # more typing updates the overrun, never the graded answer
    later = rounds.autosave(
        t.id or "", GOOD + " Also dedup by impression_id. And more.", root=tmp_path, now=late + timedelta(seconds=8)
    )
    assert later.answer == GOOD and later.overrun_seconds == 20.0
    assert later.overrun_text == "Also dedup by impression_id. And more."


def test_auto_submit_at_zero_without_overrun(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    rounds.autosave(t.id or "", GOOD, root=tmp_path, now=T0 + timedelta(minutes=1))
    done = rounds.submit(t.id or "", root=tmp_path, now=T0 + limit(), auto=True, offline=True)
    assert done.auto_submitted and done.overrun_text is None and done.status == "graded"


def test_session_start_time_overrides_the_file(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    started = (T0 - limit() - timedelta(minutes=1)).timestamp()  # the session says time is already up
    done = rounds.autosave(t.id or "", "late text", root=tmp_path, now=T0, started=started, offline=True)
    assert done.status == "graded" and done.auto_submitted and done.answer == ""
    assert done.overrun_text == "late text"


def test_manual_submit_after_deadline_counts_as_automatic(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    done = rounds.submit(t.id or "", root=tmp_path, now=T0 + limit() + timedelta(minutes=3), offline=True)
    assert done.auto_submitted and done.elapsed_seconds == limit().total_seconds()


def test_grading_failure_keeps_the_attempt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import evaluator.service

    t = rounds.start_round(QID, root=tmp_path, now=T0)
    rounds.autosave(t.id or "", GOOD, root=tmp_path, now=T0 + timedelta(minutes=1))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("judge exploded")

    monkeypatch.setattr(evaluator.service, "grade_answer", broken)
    failed = rounds.submit(t.id or "", root=tmp_path, now=T0 + timedelta(minutes=2))
    assert failed.status == "submitted" and failed.report is None
    assert "judge exploded" in (failed.grading_error or "")
    assert failed.answer == GOOD
    monkeypatch.undo()
    fixed = rounds.regrade(t.id or "", root=tmp_path, offline=True)
    assert fixed.status == "graded" and fixed.grading_error is None


def test_full_loop_is_one_question_per_round_in_order(tmp_path: Path) -> None:
    plan = rounds.plan_full_loop(tmp_path)
    assert [get_question(q).round for q in plan] == list(ROUNDS)


def test_full_loop_prefers_least_practised_questions(tmp_path: Path) -> None:
    first = rounds.plan_full_loop(tmp_path)
    tx.save(tx.new_attempt(get_question(first[1]), now=T0), tmp_path)
    second = rounds.plan_full_loop(tmp_path)
    assert second[1] != first[1] and get_question(second[1]).round == get_question(first[1]).round


def test_full_loop_advances_and_resumes(tmp_path: Path) -> None:
    t = rounds.start_full_loop(root=tmp_path, now=T0)
    assert t.loop_index == 0 and t.loop_plan and len(t.loop_plan) == 4
    rounds.submit(t.id or "", root=tmp_path, now=T0 + timedelta(minutes=5), offline=True)
    pending = rounds.pending_loop(tmp_path)
    assert pending is not None and pending.id == t.id
    nxt = rounds.start_next_in_loop(t.id or "", root=tmp_path, now=T0 + timedelta(minutes=6))
    assert nxt.loop_index == 1 and nxt.loop_id == t.loop_id and nxt.question_id == t.loop_plan[1]
    assert rounds.start_next_in_loop(t.id or "", root=tmp_path).id == nxt.id  # a double click starts nothing new
    assert rounds.pending_loop(tmp_path) is None
    assert [a.loop_index for a in rounds.loop_attempts(t.loop_id or "", tmp_path)] == [0, 1]
    assert rounds.next_question_id(nxt) == t.loop_plan[2]
    last = nxt.model_copy(update={"loop_index": 3})
    assert rounds.next_question_id(last) is None


def test_follow_up_text_extends_the_answer() -> None:
    t = Transcript(question_id=QID, answer="Main answer.")
    assert rounds.follow_up_text(t, " More detail. ") == "Main answer.\n\nMore detail.\n"


def test_follow_up_for_sql_joins_the_note_never_the_query() -> None:
    t = Transcript(question_id="sql-d1-retention", answer="SELECT 1", sql_note="Partition by date.")
    assert rounds.follow_up_text(t, "Use a DAU table.") == "SELECT 1\n---\nPartition by date.\n\nUse a DAU table.\n"
    bare = Transcript(question_id="sql-d1-retention", answer="SELECT 1", sql_note="")
    assert rounds.follow_up_text(bare, "Use a DAU table.") == "SELECT 1\n---\nUse a DAU table.\n"


def test_answer_follow_up_is_graded_with_the_answer(tmp_path: Path) -> None:
    t = rounds.start_round(QID, root=tmp_path, now=T0)
    rounds.autosave(t.id or "", "We store ad events in a table.", root=tmp_path, now=T0 + timedelta(minutes=1))
    done = rounds.submit(t.id or "", root=tmp_path, now=T0 + timedelta(minutes=2), offline=True)
    after = rounds.answer_follow_up(done.id or "", "Traffic doubles?", GOOD, root=tmp_path, offline=True)
    assert after.follow_up_question == "Traffic doubles?" and after.follow_up_answer == GOOD
    assert after.follow_up_report is not None and after.report is not None
    assert after.follow_up_report.overall.score > after.report.overall.score


def test_run_on_sample_without_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("evaluator.sql")
    monkeypatch.setitem(sys.modules, "evaluator.sql", fake)
    res = rounds.run_on_sample("sql-d1-retention", "SELECT 1")
    assert res.available is False and res.error and "not available" in res.error


def test_run_on_sample_maps_the_runner_result(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("evaluator.sql")
    fake.run_sample = lambda qid, sql: types.SimpleNamespace(  # type: ignore[attr-defined]
        columns=["a"], rows=[(1,), (2,)], error=None, dialect="duckdb", truncated=True
    )
    monkeypatch.setitem(sys.modules, "evaluator.sql", fake)
    res = rounds.run_on_sample("sql-d1-retention", "SELECT a FROM t")
    assert (res.columns, res.rows, res.error, res.dialect, res.truncated) == (["a"], [[1], [2]], None, "duckdb", True)
    fake.run_sample = lambda qid, sql: (_ for _ in ()).throw(RuntimeError("sandbox down"))  # type: ignore[attr-defined]
    assert "sandbox down" in (rounds.run_on_sample("sql-d1-retention", "SELECT 1").error or "")
    assert rounds.run_on_sample("sql-d1-retention", "  ").error == "Write a query first."


def test_elapsed_text() -> None:
    t = Transcript(
        question_id=QID,
        elapsed_seconds=600,
        time_limit_minutes=45,
        auto_submitted=True,
        overrun_text="x",
        overrun_seconds=7,
    )
    assert rounds.elapsed_text(t) == "10:00 of 45:00, submitted automatically at zero, kept typing 0:00:07 past time"
