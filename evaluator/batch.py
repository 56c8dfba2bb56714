"""Batch grading of saved transcripts: one bad file never stops the rest."""

from __future__ import annotations

import contextlib
import csv
import errno
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    notes: list[str] = field(default_factory=list)  # e.g. an embedded report that was ignored

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


_REPORT_FIELDS = ("report", "follow_up_report")


def _describe(err: Any) -> str:
    field_name = ".".join(str(p) for p in err["loc"]) or "file"
    return f"field {field_name!r}: {err['msg']}"


def read_transcript(path: Path, notes: list[str] | None = None) -> Transcript:
    """Parse one transcript file; errors name the file and the field (or JSON line).

    Grading needs only the question id and the answer, so an embedded ``report`` that no longer
    validates (written by an older version, or by another tool) is dropped rather than making the
    whole attempt unreadable; what was dropped is appended to ``notes``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError("no such file") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object with question_id and answer, found a JSON {_json_kind(data)}")
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        others = [e for e in errors if not e["loc"] or str(e["loc"][0]) not in _REPORT_FIELDS]
        if others:
            raise ValueError(_describe(others[0])) from exc
        dropped = [k for k in _REPORT_FIELDS if any(str(e["loc"][0]) == k for e in errors)]
        reason = _describe(errors[0])
    try:
        transcript = Transcript.model_validate({k: v for k, v in data.items() if k not in dropped})
    except ValidationError as exc:  # pragma: no cover - only the optional report fields were invalid
        raise ValueError(_describe(exc.errors()[0])) from exc
    if notes is not None:
        which = " and ".join(f"'{k}'" for k in dropped)
        notes.append(f"ignored the embedded {which}, which does not validate ({reason}); only the answer is graded")
    return transcript


def _json_kind(data: Any) -> str:
    if isinstance(data, list):
        return "array"
    if isinstance(data, str):
        return "string"
    if isinstance(data, bool):
        return "boolean"
    if isinstance(data, int | float):
        return "number"
    return "null" if data is None else type(data).__name__


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
            result.transcript = read_transcript(path, result.notes)
            question = get_question(result.transcript.question_id)
            result.report = grade_answer(question, answer_text(result.transcript), offline=offline).report
        except (ValueError, UnknownQuestion) as exc:
            result.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
            result.error = f"grading failed: {type(exc).__name__}: {exc}"
        results.append(result)
    return results


def check_output(out: Path) -> None:
    """Raise ``OSError`` now if ``out`` cannot be written, so a batch never grades for nothing.

    Missing parent folders are created (as ``write_results`` would); the file itself is opened for
    appending (never truncated) and removed again if this check created it.
    """
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{parent} is not a directory")
            break
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    existed = out.exists()
    with out.open("a", encoding="utf-8"):
        pass
    if not existed:
        with contextlib.suppress(OSError):
            out.unlink()


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
