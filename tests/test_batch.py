"""Batch grading (evaluator/batch.py): reading transcripts and checking the results file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.batch import check_output, grade_transcripts, read_transcript

GOOD = {"question_id": "product-dau-drop", "answer": "First I'd check logging, then segment by platform."}


@pytest.mark.parametrize(("body", "kind"), [([GOOD], "array"), ("text", "string"), (3, "number"), (None, "null")])
def test_a_json_value_that_is_not_an_object(tmp_path: Path, body: object, kind: str) -> None:
    f = tmp_path / "t.json"
    f.write_text(json.dumps(body))
    with pytest.raises(ValueError, match=f"expected a JSON object with question_id and answer, found a JSON {kind}"):
        read_transcript(f)


def test_an_invalid_embedded_report_is_ignored_with_a_note(tmp_path: Path) -> None:
    f = tmp_path / "t.json"
    f.write_text(json.dumps({**GOOD, "report": {"question_id": 3}, "follow_up_report": "old"}))
    notes: list[str] = []
    t = read_transcript(f, notes)
    assert t.answer == GOOD["answer"] and t.report is None and t.follow_up_report is None
    assert len(notes) == 1 and "'report' and 'follow_up_report'" in notes[0]
    [result] = grade_transcripts([f], offline=True)
    assert result.error is None and result.report is not None and result.notes == notes


def test_other_errors_win_over_report_errors(tmp_path: Path) -> None:
    f = tmp_path / "t.json"
    f.write_text(json.dumps({"answer": "x", "report": {}}))
    with pytest.raises(ValueError, match="field 'question_id': Field required"):
        read_transcript(f)


def test_check_output(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(IsADirectoryError):
        check_output(tmp_path / "d.csv")
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError):
        check_output(tmp_path / "f" / "deeper" / "r.csv")
    fresh = tmp_path / "new" / "r.csv"
    check_output(fresh)
    assert fresh.parent.is_dir() and not fresh.exists()  # checked, not left behind
    kept = tmp_path / "old.csv"
    kept.write_text("previous results")
    check_output(kept)
    assert kept.read_text() == "previous results"  # never truncated by the check
