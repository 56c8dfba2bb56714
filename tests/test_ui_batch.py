"""Batch page (AppTest): choose transcripts, grade with progress, table, CSV download."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ui_support import app, texts


def test_batch_grades_the_chosen_transcripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.json").write_text(
        json.dumps({"question_id": "product-dau-drop", "answer": "DAU fell 5%; first I check logging changes."})
    )
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "other.json").write_text(json.dumps({"question_id": "product-dau-drop", "answer": "x"}))
    at = app(monkeypatch, tmp_path, "views/batch.py")
    chooser = at.multiselect(key="ml-batch-files")
    assert len(chooser.value) == 3
    chooser.unselect(str(tmp_path / "other.json")).run()
    assert at.button(key="ml-batch-go").label == "Grade 2 transcript(s)"
    at.button(key="ml-batch-go").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["file"]) == ["bad.json", "good.json"]
    assert table.set_index("file").loc["good.json", "mode"] == "deterministic"
    assert "invalid JSON" in table.set_index("file").loc["bad.json", "error"]
    assert "1 file(s) could not be graded" in texts(at)
    assert at.get("download_button")


def test_batch_with_nothing_to_grade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(monkeypatch, tmp_path / "empty", "views/batch.py")
    assert at.button(key="ml-batch-go").disabled
