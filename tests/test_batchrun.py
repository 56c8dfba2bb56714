"""Batch grading for the app: per-file progress and the same CSV as ``mockloop batch``."""

from __future__ import annotations

import json
from pathlib import Path

from evaluator.batch import grade_transcripts, write_results
from evaluator.batchrun import grade_iter, results_csv


def test_grade_iter_yields_one_result_per_file_and_survives_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        json.dumps({"question_id": "product-dau-drop", "answer": "DAU fell 5%; I first check logging changes."})
    )
    (tmp_path / "b.json").write_text("{broken")
    (tmp_path / "c.json").write_text(json.dumps({"question_id": "no-such-question", "answer": "x"}))
    results = list(grade_iter([tmp_path], offline=True))
    assert [r.path.name for r in results] == ["a.json", "b.json", "c.json"]
    assert results[0].report is not None and results[0].error is None
    assert results[1].error and "invalid JSON" in results[1].error
    assert results[2].error and "unknown question" in results[2].error


def test_results_csv_matches_the_cli_writer(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"question_id": "product-dau-drop", "answer": "DAU fell."}))
    results = grade_transcripts([tmp_path], offline=True)
    out = tmp_path / "cli.csv"
    write_results(results, out)
    assert results_csv(results) == out.read_bytes()
    assert results_csv(results).decode().splitlines()[0].startswith("file,question_id,candidate,mode,overall_score")
