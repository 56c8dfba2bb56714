"""Mock round page (AppTest): setup, countdown, autosave, resume, expiry, submit, full loop, SQL."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from ui_support import GOOD_ANSWER, app, html, key_starting, texts

from evaluator import rounds
from evaluator import transcripts as tx
from evaluator.bank import get_question

QID = "design-ads-performance-pipeline"


def only_file(folder: Path) -> dict:
    files = list(folder.glob("*.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


def start_single(at, qid: str = QID):  # type: ignore[no-untyped-def]
    q = get_question(qid)
    at.selectbox(key="ml-round").set_value(q.round).run()
    at.selectbox(key="ml-question").set_value(qid).run()
    at.button(key="ml-start").click().run()
    assert not at.exception
    return at


def test_setup_offers_rounds_questions_and_full_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(monkeypatch, tmp_path)
    assert at.title[0].value == "Mock round"
    assert [o for o in at.selectbox(key="ml-round").options] == [
        "SQL",
        "Data modeling / design",
        "Product sense",
        "Ownership / behavioral",
    ]
    assert at.button(key="ml-start").label == "Start the clock"
    at.radio(key="ml-kind").set_value("Full loop (one question from each round)").run()
    plan = "\n".join(m.value for m in at.markdown)
    assert "1. **SQL**" in plan and "4. **Ownership / behavioral**" in plan
    assert list(tmp_path.glob("*.json")) == []  # nothing is written before the clock starts


def test_start_shows_countdown_editor_and_no_model_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_single(app(monkeypatch, tmp_path))
    q = get_question(QID)
    assert at.title[0].value == q.title
    assert 'data-testid="ml-timer"' in html(at)
    assert f">{q.time_limit_minutes - 1}:59<" in html(at) or f">{q.time_limit_minutes}:00<" in html(at)
    assert at.text_area[0].label == "Your answer"
    page = texts(at)
    assert all(line[:40] not in page for line in q.model_answer)
    data = only_file(tmp_path)
    assert data["status"] == "draft" and data["question_id"] == QID and data["time_limit_minutes"] == 45


def test_typing_autosaves_the_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_single(app(monkeypatch, tmp_path))
    at.text_area[0].input("first thoughts").run()
    assert only_file(tmp_path)["answer"] == "first thoughts"
    at.text_area[0].input("first thoughts, then more").run()
    assert only_file(tmp_path)["answer"] == "first thoughts, then more"
    assert "Draft autosaved at" in texts(at)


def test_refresh_resumes_the_draft_with_remaining_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    q = get_question(QID)
    started = tx.utcnow() - timedelta(minutes=10)
    t = rounds.start_round(QID, root=tmp_path, now=started)
    rounds.autosave(t.id or "", "saved before the crash", root=tmp_path, now=started + timedelta(minutes=9))
    at = app(monkeypatch, tmp_path)  # a new session: as after a browser refresh
    assert at.title[0].value == q.title
    assert at.text_area[0].value == "saved before the crash"
    notice = "\n".join(i.value for i in at.info)
    assert "Resumed your unfinished attempt" in notice
    left = re.search(r"(\d+):\d\d left", notice)
    assert left and int(left.group(1)) in (q.time_limit_minutes - 11, q.time_limit_minutes - 10)
    minutes = int(left.group(1))
    assert f">{minutes}:" in html(at) or f">{minutes - 1}:" in html(at)


def test_clock_at_zero_submits_and_records_overrun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_single(app(monkeypatch, tmp_path))
    at.text_area[0].input(GOOD_ANSWER).run()
    at.session_state["ml_started"] = time.time() - 46 * 60  # the 45-minute clock ran out
    at.run()
    assert not at.exception
    data = only_file(tmp_path)
    assert data["status"] == "graded" and data["auto_submitted"] is True and data["answer"] == GOOD_ANSWER
    assert data["elapsed_seconds"] == 45 * 60 and data["report"]["question_id"] == QID
    assert "Time is up" in texts(at) and 'data-testid="ml-timer"' not in html(at)
    # the candidate keeps typing: recorded as overrun, the graded answer does not change
    at.text_area[0].input(GOOD_ANSWER + " One more idea after time.").run()
    data = only_file(tmp_path)
    assert data["answer"] == GOOD_ANSWER and data["overrun_text"] == "One more idea after time."
    assert data["overrun_seconds"] >= 60
    assert "Overrun recorded" in texts(at)
    at.button(key=key_starting(at, "ml-see-")).click().run()
    assert at.metric[0].label == "Recommendation"


def test_draft_that_expired_while_away_is_submitted_on_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = tx.utcnow() - timedelta(hours=2)
    t = rounds.start_round(QID, root=tmp_path, now=started)
    rounds.autosave(t.id or "", GOOD_ANSWER, root=tmp_path, now=started + timedelta(minutes=30))
    at = app(monkeypatch, tmp_path)
    data = only_file(tmp_path)
    assert data["status"] == "graded" and data["auto_submitted"] is True and "overrun_text" not in data
    assert "time ran out while you were away" in texts(at)


def test_submit_shows_feedback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_single(app(monkeypatch, tmp_path))
    at.text_area[0].input(GOOD_ANSWER).run()
    at.button(key=key_starting(at, "ml-submit-")).click().run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["Recommendation", "Overall score"]
    assert at.title[0].value == get_question(QID).title
    data = only_file(tmp_path)
    assert data["status"] == "graded" and data["auto_submitted"] is False and data["elapsed_seconds"] < 60
    # back on the round page the next round can start (no draft is left to resume)
    at.switch_page("views/mock_round.py").run()
    assert at.button(key="ml-start")


def test_discard_deletes_the_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_single(app(monkeypatch, tmp_path))
    at.button(key=key_starting(at, "ml-discard-")).click().run()
    assert list(tmp_path.glob("*.json")) == []
    assert at.button(key="ml-start")


def test_full_loop_runs_the_four_rounds_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(monkeypatch, tmp_path)
    at.radio(key="ml-kind").set_value("Full loop (one question from each round)").run()
    at.button(key="ml-start-loop").click().run()
    assert "Full loop: round 1 of 4" in texts(at)
    first = only_file(tmp_path)
    assert first["mode"] == "full_loop" and get_question(first["question_id"]).round == "sql"
    at.button(key=key_starting(at, "ml-submit-")).click().run()
    assert "Round 1 submitted" in texts(at)
    at.button(key=key_starting(at, "ml-next-")).click().run()
    assert "Full loop: round 2 of 4" in texts(at)
    attempts = [tx.load(p) for p in tmp_path.glob("*.json")]
    second = next(a for a in attempts if a.loop_index == 1)
    assert second.status == "draft" and get_question(second.question_id).round == "modeling"
    # a refresh between questions offers to continue the loop
    at.button(key=key_starting(at, "ml-submit-")).click().run()
    fresh = app(monkeypatch, tmp_path)
    assert fresh.button(key="ml-continue-loop")
    fresh.button(key="ml-continue-loop").click().run()
    assert "Full loop: round 3 of 4" in texts(fresh)


def test_sql_round_has_editor_sample_run_and_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qid = "sql-d1-retention"
    at = start_single(app(monkeypatch, tmp_path), qid)
    labels = [ta.label for ta in at.text_area]
    assert labels == ["Your query", "Scaling discussion: how does this query behave at 100B rows?"]
    query = "SELECT signup_date, COUNT(*) AS cohort_size FROM dim_users GROUP BY signup_date"
    at.text_area(key=key_starting(at, "ml-live-sql-", "text_area")).input(query).run()
    at.button(key=key_starting(at, "ml-run-")).click().run()
    assert not at.exception
    assert at.dataframe or at.error  # the sample result table, or the runner's error message
    at.text_area(key=key_starting(at, "ml-live-sql-", "text_area")).input("SELECT nope FROM").run()
    at.button(key=key_starting(at, "ml-run-")).click().run()
    assert at.error
    at.text_area(key=key_starting(at, "ml-live-note-", "text_area")).input(
        "At 100B rows I filter event_date partitions first."
    ).run()
    data = only_file(tmp_path)
    assert data["answer"] == "SELECT nope FROM" and data["sql_note"].startswith("At 100B rows")
    at.button(key=key_starting(at, "ml-submit-")).click().run()
    assert not at.exception
    assert any("SQL result" in str(e.value) for e in [*at.error, *at.success])
