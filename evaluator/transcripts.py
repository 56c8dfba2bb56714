"""Attempt files: one JSON transcript per attempt under ``transcripts_dir()``.

The app writes the draft on every change so that a browser refresh or a crash loses nothing,
and the round resumes from the file with the time that is left. Files are written atomically
(temp file in the same folder, then ``os.replace``) because a half-written draft would be worse
than an old one. The same files are what ``mockloop batch transcripts/`` grades.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evaluator.models import Question, Transcript
from evaluator.paths import transcripts_dir


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """ISO-8601 in UTC with microseconds: precise enough to resume a countdown."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str | None) -> datetime | None:
    """Parse a timestamp written by the app or by hand; naive times are taken as UTC."""
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def new_id(question_id: str, now: datetime) -> str:
    """Sortable, unique and readable in a folder listing: time, question, random suffix."""
    return f"{now.astimezone(UTC):%Y%m%d-%H%M%S}-{question_id}-{secrets.token_hex(3)}"


def new_attempt(
    question: Question,
    *,
    candidate: str | None = None,
    now: datetime | None = None,
    mode: str = "single",
    loop_id: str | None = None,
    loop_index: int | None = None,
    loop_plan: list[str] | None = None,
) -> Transcript:
    """A fresh draft whose clock starts ``now``."""
    now = now or utcnow()
    return Transcript(
        id=new_id(question.id, now),
        question_id=question.id,
        candidate=candidate or None,
        started_at=iso(now),
        updated_at=iso(now),
        status="draft",
        time_limit_minutes=question.time_limit_minutes,
        mode=mode,  # type: ignore[arg-type]
        loop_id=loop_id,
        loop_index=loop_index,
        loop_plan=loop_plan,
    )


# --------------------------------------------------------------------------- files


def root_dir(root: Path | None = None) -> Path:
    return Path(root) if root is not None else transcripts_dir()


def path_for(attempt_id: str, root: Path | None = None) -> Path:
    if not attempt_id or "/" in attempt_id or "\\" in attempt_id or attempt_id.startswith("."):
        raise ValueError(f"invalid attempt id {attempt_id!r}")
    return root_dir(root) / f"{attempt_id}.json"


def to_json(t: Transcript) -> str:
    """The file body: contract-shaped reports, and no clutter from unset app fields."""
    data = t.model_dump(mode="json")
    for key in ("report", "follow_up_report"):
        report = getattr(t, key)
        if report is not None:
            data[key] = report.contract_dict()
    data = {k: v for k, v in data.items() if v is not None}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and ``os.replace``: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(t: Transcript, root: Path | None = None) -> Path:
    """Persist an attempt (it must have an id) and return its path."""
    if not t.id:
        raise ValueError("cannot save a transcript without an id")
    path = path_for(t.id, root)
    write_atomic(path, to_json(t))
    return path


def load(path: Path) -> Transcript:
    """Read one transcript; errors are ``ValueError`` naming the field, as in ``mockloop batch``."""
    from evaluator.batch import read_transcript

    t = read_transcript(path)
    if not t.id:
        t.id = path.stem
    return t


@dataclass
class AttemptFile:
    path: Path
    transcript: Transcript

    @property
    def id(self) -> str:
        return self.transcript.id or self.path.stem

    @property
    def started(self) -> datetime | None:
        return parse_iso(self.transcript.started_at) or parse_iso(self.transcript.submitted_at)


@dataclass
class Listing:
    """Every readable attempt, oldest first, and the files that could not be read."""

    attempts: list[AttemptFile]
    errors: list[tuple[Path, str]]


def _sort_key(a: AttemptFile) -> tuple[datetime, str]:
    return (a.started or datetime.fromtimestamp(a.path.stat().st_mtime, UTC), a.id)


def list_attempts(root: Path | None = None) -> Listing:
    folder = root_dir(root)
    attempts: list[AttemptFile] = []
    errors: list[tuple[Path, str]] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*.json")):
            try:
                attempts.append(AttemptFile(path, load(path)))
            except ValueError as exc:
                errors.append((path, str(exc)))
    attempts.sort(key=_sort_key)
    return Listing(attempts, errors)


def find(attempt_id: str, root: Path | None = None) -> AttemptFile | None:
    """The attempt with this id: its own file first, else any file that carries the id."""
    try:
        path = path_for(attempt_id, root)
    except ValueError:
        return None
    if path.is_file():
        try:
            return AttemptFile(path, load(path))
        except ValueError:
            return None
    return next((a for a in list_attempts(root).attempts if a.id == attempt_id), None)


def latest_draft(root: Path | None = None) -> AttemptFile | None:
    """The most recently started unfinished attempt, which the app resumes after a refresh."""
    drafts = [a for a in list_attempts(root).attempts if a.transcript.status == "draft"]
    return drafts[-1] if drafts else None


def delete(attempt_id: str, root: Path | None = None) -> bool:
    """Remove an attempt file (the app only offers this for drafts, after confirmation)."""
    path = path_for(attempt_id, root)
    if path.is_file():
        path.unlink()
        return True
    return False


# --------------------------------------------------------------------------- time


def limit_seconds(t: Transcript) -> float | None:
    if t.time_limit_minutes:
        return t.time_limit_minutes * 60.0
    from evaluator.bank import get_question
    from evaluator.loader import LoadError

    try:
        return get_question(t.question_id).time_limit_minutes * 60.0
    except (KeyError, LoadError):  # an unknown question (or a broken bank) just has no clock
        return None


def started_epoch(t: Transcript) -> float | None:
    dt = parse_iso(t.started_at)
    return dt.timestamp() if dt else None


def remaining_seconds(t: Transcript, now: datetime | None = None, started: float | None = None) -> float | None:
    """Seconds left on the clock (negative once past), from ``started`` or the file's started_at."""
    start = started if started is not None else started_epoch(t)
    limit = limit_seconds(t)
    if start is None or limit is None:
        return None
    return start + limit - (now or utcnow()).timestamp()


def fmt_clock(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss``), never negative."""
    s = max(0, math.ceil(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
