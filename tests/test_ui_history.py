"""History page (AppTest): every attempt, trend chart, side-by-side, drill next."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from ui_support import GOOD_ANSWER, app, texts

from evaluator import rounds
from evaluator import transcripts as tx
from evaluator.bank import get_question

QID = "design-ads-performance-pipeline"


def attempt(root: Path, answer: str, minutes_ago: int, qid: str = QID) -> None:
    start = tx.utcnow() - timedelta(minutes=minutes_ago)
    t = rounds.start_round(qid, root=root, now=start)
    rounds.autosave(t.id or "", answer, root=root, now=start + timedelta(minutes=5))
    rounds.submit(t.id or "", root=root, now=start + timedelta(minutes=10), offline=True)


def test_empty_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(monkeypatch, tmp_path, "views/history.py")
    assert "No attempts" in at.info[-1].value


def test_history_table_trend_compare_and_drill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempt(tmp_path, "We put ad events in a table and build a dashboard.", 300)
    attempt(tmp_path, GOOD_ANSWER, 100)
    attempt(
        tmp_path, "DAU dropped; I would check logging first and then segment by platform.", 50, qid="product-dau-drop"
    )
    draft = rounds.start_round("product-dau-drop", root=tmp_path)  # an unfinished draft is listed too
    (tmp_path / "broken.json").write_text("{")
    at = app(monkeypatch, tmp_path, "views/history.py")
    page = texts(at)
    assert "Every attempt (4)" in page
    assert "Skipped broken.json" in page
    assert at.dataframe[0].value.shape[0] == 4
    assert set(at.dataframe[0].value["status"]) == {"graded", "draft"}
    assert "Trend per dimension" in page and at.get("vega_lite_chart")
    assert at.subheader[0].value.startswith("Drill next: ")
    assert at.selectbox(key="ml-cmp-q").value == QID
    cmp = at.dataframe[1].value
    assert list(cmp["dimension"])[:1] == ["Scale thinking"]
    assert len(at.metric) == 2  # the two attempts side by side
    tx.delete(draft.id or "", tmp_path)  # otherwise the round page resumes that draft first
    suggested = next(m.value for m in at.markdown if str(m.value).startswith("A question that exercises it"))
    at.button(key="ml-drill").click().run()
    assert at.title[0].value == "Mock round"
    picked = at.selectbox(key="ml-question").value
    assert f"**{get_question(picked).title}**" in suggested


def test_open_feedback_from_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempt(tmp_path, GOOD_ANSWER, 10)
    at = app(monkeypatch, tmp_path, "views/history.py")
    at.button(key="ml-hist-go").click().run()
    assert [m.label for m in at.metric] == ["Recommendation", "Overall score"]
