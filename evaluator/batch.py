"""Batch grading of saved transcripts: one bad file never stops the rest."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evaluator.bank import UnknownQuestion, get_question
from evaluator.models import DIMENSIONS, Report, Transcript


@dataclass
class BatchResult:
    path: Path
    transcript: Transcript | None = None
    report: Report | None = None
    error: str | None = None

    def as_row(self, full: bool = False) -> dict[str, Any]:
        row: dict[str, Any] = {
            "file": str(self.path),
            "question_id": self.transcript.question_id if self.transcript else None,
            "candidate": self.transcript.candidate if self.transcript else None,
            "mode": self.report.mode if self.report else None,
            "overall_score": self.report.overall.score if self.report else None,
            "recommendation": self.report.overall.recommendation if self.report else None,
        }
        for d in DIMENSIONS:
            row[d] = self.report.dimensions[d].score if self.report else None
        row["flags"] = " ".join(self.report.flags) if self.report else None
        row["sql_correct"] = self.report.sql.correct if self.report and self.report.sql else None
        row["error"] = self.error
        if full:
            row["report"] = self.report.contract_dict() if self.report else None
        return row


def transcript_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.rglob("*.json")) if p.is_dir() else [p])
    return out


def read_transcript(path: Path) -> Transcript:
    """Parse one transcript file; errors name the file and the field (or JSON line)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError("no such file") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read ({exc})") from exc
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "file"
        raise ValueError(f"field {field!r}: {err['msg']}") from exc


def answer_text(t: Transcript) -> str:
    """SQL transcripts keep the query and the scaling note apart; graders take them as one text."""
    if t.sql_note and t.sql_note.strip():
        return f"{t.answer.rstrip()}\n---\n{t.sql_note.strip()}\n"
    return t.answer


def grade_transcripts(paths: Iterable[Path], offline: bool = False) -> list[BatchResult]:
    from evaluator.service import grade_answer

    results: list[BatchResult] = []
    for path in transcript_files(paths):
        result = BatchResult(path)
        try:
            result.transcript = read_transcript(path)
            question = get_question(result.transcript.question_id)
            result.report = grade_answer(question, answer_text(result.transcript), offline=offline).report
        except (ValueError, UnknownQuestion) as exc:
            result.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
            result.error = f"grading failed: {type(exc).__name__}: {exc}"
        results.append(result)
    return results


def write_results(results: list[BatchResult], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps(r.as_row(full=True), ensure_ascii=False) + "\n")
        return
    rows = [r.as_row() for r in results]
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["file"])
        writer.writeheader()
        writer.writerows(rows)
