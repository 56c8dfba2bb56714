"""Attempt files: atomic autosave, listing, resume timing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evaluator import transcripts as tx
from evaluator.bank import get_question
from evaluator.models import Transcript

T0 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


def draft(qid: str = "design-ads-performance-pipeline", now: datetime = T0) -> Transcript:
    return tx.new_attempt(get_question(qid), candidate="ana", now=now)


def test_new_attempt_is_a_timed_draft() -> None:
    t = draft()
    assert t.status == "draft"
    assert t.id and t.id.startswith("20260105-090000-design-ads-performance-pipeline-")
    assert t.started_at == "2026-01-05T09:00:00.000000+00:00"
    assert t.time_limit_minutes == get_question("design-ads-performance-pipeline").time_limit_minutes
    assert t.mode == "single"


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    t = draft()
    t.answer = "first"
    path = tx.save(t, tmp_path)
    t.answer = "second"
    tx.save(t, tmp_path)
    assert path == tmp_path / f"{t.id}.json"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert json.loads(path.read_text())["answer"] == "second"


def test_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = draft()
    t.answer = "kept"
    path = tx.save(t, tmp_path)

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(tx.os, "replace", boom)
    t.answer = "lost"
    with pytest.raises(OSError):
        tx.save(t, tmp_path)
    assert json.loads(path.read_text())["answer"] == "kept"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_file_has_contract_report_and_no_null_clutter(tmp_path: Path) -> None:
    from evaluator.service import grade_answer

    t = draft()
    t.answer = "We partition by date because advertisers query recent days."
    t.report = grade_answer(get_question(t.question_id), t.answer, offline=True).report
    data = json.loads(tx.save(t, tmp_path).read_text())
    assert "sql_note" not in data and "follow_up_report" not in data
    assert list(data["report"]["dimensions"]) == ["scale", "product_sense", "ownership", "tradeoffs"]
    assert tx.load(tmp_path / f"{t.id}.json").report == t.report


def test_load_uses_file_stem_when_id_missing(tmp_path: Path) -> None:
    p = tmp_path / "example.json"
    p.write_text(json.dumps({"question_id": "product-dau-drop", "answer": "x"}))
    assert tx.load(p).id == "example"


def test_listing_sorts_by_start_and_reports_bad_files(tmp_path: Path) -> None:
    late, early = draft(now=T0 + timedelta(hours=1)), draft(now=T0)
    tx.save(late, tmp_path)
    tx.save(early, tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    listing = tx.list_attempts(tmp_path)
    assert [a.id for a in listing.attempts] == [early.id, late.id]
    assert len(listing.errors) == 1 and "broken.json" in str(listing.errors[0][0])
    assert "invalid JSON" in listing.errors[0][1]


def test_latest_draft_ignores_finished_attempts(tmp_path: Path) -> None:
    older, newer = draft(now=T0), draft(now=T0 + timedelta(minutes=5))
    newer.status = "graded"
    tx.save(older, tmp_path)
    tx.save(newer, tmp_path)
    found = tx.latest_draft(tmp_path)
    assert found is not None and found.id == older.id
    assert tx.latest_draft(tmp_path / "missing") is None


def test_find_and_delete(tmp_path: Path) -> None:
    t = draft()
    tx.save(t, tmp_path)
    assert tx.find(t.id or "", tmp_path) is not None
    assert tx.find("../etc/passwd", tmp_path) is None
    assert tx.delete(t.id or "", tmp_path)
    assert tx.find(t.id or "", tmp_path) is None


def test_path_for_rejects_traversal(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        tx.path_for("../x", tmp_path)
    with pytest.raises(ValueError):
        tx.path_for(".hidden", tmp_path)


def test_remaining_time_resumes_from_started_at() -> None:
    t = draft()
    limit = t.time_limit_minutes * 60  # type: ignore[operator]
    assert tx.remaining_seconds(t, T0 + timedelta(minutes=10)) == pytest.approx(limit - 600)
    assert tx.remaining_seconds(t, T0 + timedelta(hours=3)) < 0  # type: ignore[operator]
    # A start time given explicitly (the app's session) wins over the file's.
    assert tx.remaining_seconds(t, T0, started=T0.timestamp() - 60) == pytest.approx(limit - 60)


def test_remaining_time_falls_back_to_the_bank_limit() -> None:
    t = Transcript(question_id="product-dau-drop", started_at="2026-01-05T09:00:00Z")
    limit = get_question("product-dau-drop").time_limit_minutes * 60
    assert tx.remaining_seconds(t, T0) == pytest.approx(limit)
    assert tx.remaining_seconds(Transcript(question_id="product-dau-drop"), T0) is None


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "00:00"), (-5, "00:00"), (59.2, "01:00"), (61, "01:01"), (3600, "1:00:00")]
)
def test_fmt_clock(seconds: float, text: str) -> None:
    assert tx.fmt_clock(seconds) == text


def test_parse_iso_accepts_z_and_naive() -> None:
    assert tx.parse_iso("2026-01-05T09:00:00Z") == T0
    assert tx.parse_iso("2026-01-05T09:00:00") == T0
    assert tx.parse_iso("yesterday") is None


def test_an_attempt_with_a_stale_report_still_lists(tmp_path: Path) -> None:
    t = draft()
    t.answer = "DAU dropped; I check logging first."
    t.status = "graded"
    path = tx.save(t, tmp_path)
    data = json.loads(path.read_text())
    data["report"] = {"mode": "deterministic", "overall": {"score": 2.0}}  # an older, foreign report shape
    path.write_text(json.dumps(data))
    listing = tx.list_attempts(tmp_path)
    assert listing.errors == []
    assert [a.id for a in listing.attempts] == [t.id] and listing.attempts[0].transcript.report is None
    assert listing.attempts[0].transcript.answer == t.answer
