"""Feedback page (AppTest): scores, gap, evidence in the answer, follow-up probe, model answer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from ui_support import GOOD_ANSWER, app, html, texts

from evaluator import rounds
from evaluator import transcripts as tx
from evaluator.bank import get_question
from evaluator.models import Transcript

QID = "design-ads-performance-pipeline"


def graded_attempt(root: Path, answer: str = GOOD_ANSWER, qid: str = QID) -> Transcript:
    start = tx.utcnow() - timedelta(minutes=30)
    t = rounds.start_round(qid, root=root, now=start)
    rounds.autosave(t.id or "", answer, root=root, now=start + timedelta(minutes=20))
    return rounds.submit(t.id or "", root=root, now=start + timedelta(minutes=25), offline=True)


def test_no_attempts_yet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(monkeypatch, tmp_path, "views/feedback.py")
    assert "No submitted attempts yet" in at.info[-1].value


def test_feedback_shows_every_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = graded_attempt(tmp_path)
    assert t.report is not None
    at = app(monkeypatch, tmp_path, "views/feedback.py")
    q = get_question(QID)
    assert at.title[0].value == q.title
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Overall score"] == f"{t.report.overall.score:.2f} / 4"
    assert at.get("vega_lite_chart"), "the per-dimension score chart"
    page = texts(at)
    assert t.report.top_gap and t.report.top_gap in page
    for c in t.report.criteria:
        assert any(e.label.startswith(c.title) for e in at.expander)
    marked = html(at)
    assert "<mark" in marked and 'class="ml-answer"' in marked
    quote = next(q for c in t.report.criteria for q in c.evidence)
    assert quote.split()[0] in marked
    for concept in t.report.missed_concepts:
        assert concept in page
    assert any(e.label.startswith("Model answer outline") for e in at.expander)
    assert q.model_answer[0][:30] in page
    assert "20:00 of 45:00" in page or "25:00 of 45:00" in page


def test_follow_up_probe_is_graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = graded_attempt(tmp_path, answer="We store the ad events in one big table and query it.")
    at = app(monkeypatch, tmp_path, "views/feedback.py")
    probe = next(m.value for m in at.markdown if str(m.value).startswith("**Interviewer:**"))
    assert probe.removeprefix("**Interviewer:** ") in get_question(QID).follow_ups
    at.text_area(key=f"ml-live-followup-{t.id}").input(GOOD_ANSWER).run()
    at.button(key=f"ml-fu-{t.id}").click().run()
    assert not at.exception
    assert "Your follow-up added signal" in texts(at)
    assert at.dataframe, "before/after table"
    saved = tx.find(t.id or "", tmp_path).transcript  # type: ignore[union-attr]
    assert saved.follow_up_answer == GOOD_ANSWER and saved.follow_up_report is not None


def test_draft_shows_no_feedback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graded_attempt(tmp_path)
    draft = rounds.start_round("product-dau-drop", root=tmp_path)
    at = app(monkeypatch, tmp_path)  # the round page resumes the draft
    at.session_state["ml_feedback"] = draft.id
    at.switch_page("views/feedback.py").run()
    # drafts are not offered: the graded attempt is shown instead, never the draft's model answer
    assert at.selectbox(key="ml-fb-attempt").value != draft.id
    assert get_question("product-dau-drop").model_answer[0][:30] not in texts(at)


def test_ungraded_attempt_can_be_graded_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = rounds.start_round(QID, root=tmp_path)
    t = tx.find(t.id or "", tmp_path).transcript  # type: ignore[union-attr]
    t.answer, t.status, t.grading_error = GOOD_ANSWER, "submitted", "RuntimeError: judge down"
    tx.save(t, tmp_path)
    at = app(monkeypatch, tmp_path, "views/feedback.py")
    assert "judge down" in at.error[0].value
    at.button[0].click().run()
    assert [m.label for m in at.metric] == ["Recommendation", "Overall score"]
