"""Calibration page and the coach override on the feedback page (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_feedback import graded_attempt
from ui_support import app

from evaluator.calibration import load_gold


def test_calibration_page_runs_and_shows_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evaluator.calibration import gold_dir

    # a small gold set in two parts (so the per-part table shows), graded in a few seconds
    gold = tmp_path / "gold"
    gold.mkdir()
    for i, f in enumerate(sorted(gold_dir().glob("g0[0-4]*.yaml"))):
        text = f.read_text(encoding="utf-8")
        if i % 3 == 0:
            text = text.replace("\nsplit: development", "\nsplit: holdout", 1)
            text = text if "split: holdout" in text else text.replace("grader: expert-panel\n", "grader: expert-panel\nsplit: holdout\n", 1)
        (gold / f.name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOCKLOOP_GOLD_DIR", str(gold))
    at = app(monkeypatch, tmp_path, "views/calibration.py")
    assert "Run calibration" in at.info[-1].value
    at.button[0].click().run(timeout=120)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Gold answers"]) == len(list(gold.glob("*.yaml")))
    table = at.dataframe[0].value
    assert set(table["dimension"]) == {"Scale thinking", "Product sense", "Ownership", "Trade-off articulation"}
    assert len(at.get("vega_lite_chart")) == 4, "one confusion matrix per dimension"
    assert "human-human QWK" in table.columns, "the human ceiling beside the grader's figure"
    assert any("Human-human" in c.value for c in at.caption)
    parts = at.dataframe[1].value
    assert {"development", "holdout"} <= set(parts["part"])


def test_coach_override_from_feedback_page_joins_gold_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = tmp_path / "gold"
    monkeypatch.setenv("MOCKLOOP_GOLD_DIR", str(gold))
    graded_attempt(tmp_path)
    at = app(monkeypatch, tmp_path, "views/feedback.py")
    assert not any(b.label == "Save to gold set" for b in at.button), "the form stays hidden for candidates"
    next(t for t in at.toggle if t.label.startswith("Coach: record")).set_value(True).run()
    next(b for b in at.button if b.label == "Save to gold set").click().run()
    assert any("Enter your name" in e.value for e in at.error)
    next(t for t in at.text_input if t.label == "Coach name or id").input("Coach Kim")
    next(b for b in at.button if b.label == "Save to gold set").click().run()
    assert any("Saved as coach-coach-kim-" in s.value for s in at.success)
    entries, problems = load_gold(gold)
    assert not problems and entries[0].grader == "coach:Coach Kim"
    assert set(entries[0].scores) == {"scale", "product_sense", "ownership", "tradeoffs"}
    # Saving the same answer again does not add a second copy; ticking "replace" updates it.
    next(b for b in at.button if b.label == "Save to gold set").click().run()
    assert any("already scored this answer" in e.value for e in at.error)
    assert len(load_gold(gold)[0]) == 1
    next(c for c in at.checkbox if c.label.startswith("Replace my earlier")).check()
    next(b for b in at.button if b.label == "Save to gold set").click().run()
    assert any("Saved as" in s.value for s in at.success)
    assert len(load_gold(gold)[0]) == 1
