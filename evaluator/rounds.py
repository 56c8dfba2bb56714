"""A mock round's life cycle: start, autosave, submit (by hand or at zero), follow-up, full loop.

The app's pages only call these functions, so everything that decides what an attempt records
(the answer graded at the deadline, the overrun typed after it, elapsed time) lives here and is
tested without a browser. Grading goes through ``evaluator.service.grade_answer`` only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from evaluator import transcripts as tx
from evaluator.bank import get_question, questions
from evaluator.batch import answer_text
from evaluator.models import ROUNDS, Question, Report, Transcript


def _now(now: datetime | None) -> datetime:
    return now or tx.utcnow()


def _load(attempt_id: str, root: Path | None) -> Transcript:
    found = tx.find(attempt_id, root)
    if found is None:
        raise KeyError(f"no attempt {attempt_id!r} in {tx.root_dir(root)}")
    return found.transcript


# --------------------------------------------------------------------------- starting


def start_round(
    question_id: str, *, candidate: str | None = None, root: Path | None = None, now: datetime | None = None
) -> Transcript:
    """Create and save the draft whose clock starts now."""
    t = tx.new_attempt(get_question(question_id), candidate=candidate, now=_now(now))
    tx.save(t, root)
    return t


def plan_full_loop(root: Path | None = None) -> list[str]:
    """One question per round, in the loop's order; the least-practised one of each round first.

    Practising the question seen least often spreads attempts over the bank; ties go to bank
    order so the plan is reproducible.
    """
    counts: dict[str, int] = {}
    for a in tx.list_attempts(root).attempts:
        counts[a.transcript.question_id] = counts.get(a.transcript.question_id, 0) + 1
    plan: list[str] = []
    for rnd in ROUNDS:
        qs = questions(rnd)
        if qs:
            plan.append(min(qs, key=lambda q: (counts.get(q.id, 0), qs.index(q))).id)
    return plan


def start_full_loop(
    *,
    candidate: str | None = None,
    root: Path | None = None,
    now: datetime | None = None,
    plan: list[str] | None = None,
) -> Transcript:
    plan = plan or plan_full_loop(root)
    if not plan:
        raise ValueError("the question bank is empty")
    t = tx.new_attempt(
        get_question(plan[0]),
        candidate=candidate,
        now=_now(now),
        mode="full_loop",
        loop_id=f"loop-{secrets.token_hex(4)}",
        loop_index=0,
        loop_plan=plan,
    )
    tx.save(t, root)
    return t


def next_question_id(t: Transcript) -> str | None:
    """The next question of this attempt's full loop, or None (single round, or loop finished)."""
    if t.mode != "full_loop" or not t.loop_plan or t.loop_index is None:
        return None
    nxt = t.loop_index + 1
    return t.loop_plan[nxt] if nxt < len(t.loop_plan) else None


def start_next_in_loop(attempt_id: str, *, root: Path | None = None, now: datetime | None = None) -> Transcript:
    prev = _load(attempt_id, root)
    qid = next_question_id(prev)
    if qid is None:
        raise ValueError("this attempt is not followed by another question of a loop")
    existing = loop_attempts(prev.loop_id or "", root)
    for a in existing:
        if a.loop_index == (prev.loop_index or 0) + 1:
            return a  # already started (double click, or a second tab)
    t = tx.new_attempt(
        get_question(qid),
        candidate=prev.candidate,
        now=_now(now),
        mode="full_loop",
        loop_id=prev.loop_id,
        loop_index=(prev.loop_index or 0) + 1,
        loop_plan=prev.loop_plan,
    )
    tx.save(t, root)
    return t


def loop_attempts(loop_id: str, root: Path | None = None) -> list[Transcript]:
    """The attempts of one full loop, in loop order."""
    if not loop_id:
        return []
    found = [a.transcript for a in tx.list_attempts(root).attempts if a.transcript.loop_id == loop_id]
    return sorted(found, key=lambda t: t.loop_index or 0)


def pending_loop(root: Path | None = None) -> Transcript | None:
    """A finished loop question whose successor was never started (e.g. the tab was closed)."""
    attempts = [a.transcript for a in tx.list_attempts(root).attempts]
    started = {(t.loop_id, t.loop_index) for t in attempts if t.loop_id}
    for t in reversed(attempts):
        if (
            t.loop_id
            and t.status != "draft"
            and next_question_id(t) is not None
            and (t.loop_id, (t.loop_index or 0) + 1) not in started
        ):
            return t
    return None


# --------------------------------------------------------------------------- while typing


def _added_text(before: str, after: str) -> str:
    """What was typed past the deadline: the appended part, or the whole text if it was edited."""
    if after.startswith(before):
        return after[len(before) :].strip()
    return after.strip()


def _deadline(t: Transcript, started: float | None) -> datetime | None:
    start = started if started is not None else tx.started_epoch(t)
    limit = tx.limit_seconds(t)
    if start is None or limit is None:
        return None
    return datetime.fromtimestamp(start + limit, UTC)


def autosave(
    attempt_id: str,
    answer: str,
    sql_note: str | None = None,
    *,
    root: Path | None = None,
    now: datetime | None = None,
    started: float | None = None,
    offline: bool = False,
) -> Transcript:
    """Save what the candidate typed. Past the deadline this never changes the graded answer.

    A draft whose time is up is first submitted with the text saved before the deadline; what
    arrives afterwards is kept as ``overrun_text`` with ``overrun_seconds`` measured from the
    deadline, which is how an interviewer would note "kept writing after time".
    """
    now = _now(now)
    t = _load(attempt_id, root)
    if t.status == "draft":
        left = tx.remaining_seconds(t, now, started)
        if left is None or left > 0:
            t.answer = answer
            t.sql_note = sql_note
            t.updated_at = tx.iso(now)
            tx.save(t, root)
            return t
        t = submit(attempt_id, root=root, now=now, auto=True, started=started, offline=offline)
    if t.auto_submitted:
        overrun = "\n".join(
            part for part in (_added_text(t.answer, answer), _added_text(t.sql_note or "", sql_note or "")) if part
        )
        if overrun and overrun != (t.overrun_text or ""):
            deadline = _deadline(t, started)
            t.overrun_text = overrun
            t.overrun_seconds = round(max(0.0, (now - deadline).total_seconds()), 1) if deadline else None
            t.updated_at = tx.iso(now)
            tx.save(t, root)
    return t


# --------------------------------------------------------------------------- submitting


def grading_text(t: Transcript) -> str:
    """What the grader reads: for SQL, the query, a line ``---``, then the scaling note."""
    return answer_text(t)


def _grade(question: Question, text: str, offline: bool) -> tuple[Report | None, str | None]:
    from evaluator.service import grade_answer

    try:
        outcome = grade_answer(question, text, offline=offline)
    except Exception as exc:  # noqa: BLE001 - the attempt must be kept even if grading breaks
        return None, f"{type(exc).__name__}: {exc}"
    report = outcome.report
    report.notes.extend(d for d in outcome.diagnostics if d not in report.notes)
    return report, None


def submit(
    attempt_id: str,
    *,
    root: Path | None = None,
    now: datetime | None = None,
    auto: bool = False,
    started: float | None = None,
    offline: bool = False,
) -> Transcript:
    """Grade the saved answer and record when and how it was submitted. Idempotent.

    ``auto`` is the submission at zero: elapsed is the full time limit. A manual submit that
    arrives after the deadline (a throttled background tab) is treated the same way.
    """
    now = _now(now)
    t = _load(attempt_id, root)
    if t.status != "draft":
        return t
    start = started if started is not None else tx.started_epoch(t)
    limit = tx.limit_seconds(t)
    elapsed = (now.timestamp() - start) if start is not None else None
    if limit is not None and elapsed is not None and elapsed >= limit:
        auto = True
    if auto and limit is not None:
        elapsed = limit
    t.elapsed_seconds = round(elapsed, 1) if elapsed is not None else None
    t.overrun_seconds = t.overrun_seconds or 0.0
    t.auto_submitted = auto
    t.submitted_at = tx.iso(now)
    t.updated_at = tx.iso(now)
    t.status = "submitted"
    tx.save(t, root)  # the answer is safe before the grader runs
    return regrade(attempt_id, root=root, offline=offline)


def regrade(attempt_id: str, *, root: Path | None = None, offline: bool = False) -> Transcript:
    """Grade (again) a submitted attempt; a failure is recorded instead of losing the attempt."""
    t = _load(attempt_id, root)
    try:
        question = get_question(t.question_id)
    except KeyError as exc:
        t.grading_error = str(exc)
        tx.save(t, root)
        return t
    report, error = _grade(question, grading_text(t), offline)
    t.report, t.grading_error = report, error
    t.status = "graded" if report is not None else "submitted"
    tx.save(t, root)
    return t


# --------------------------------------------------------------------------- follow-up probe


def follow_up_text(t: Transcript, follow_up: str) -> str:
    """The original answer plus the follow-up, graded together so the delta shows what it added.

    For SQL the follow-up joins the scaling note, after the ``---`` line, so it never becomes
    part of the query that is executed.
    """
    follow_up = follow_up.strip()
    if t.sql_note is not None or (t.report is not None and t.report.round == "sql"):
        note = "\n\n".join(p for p in ((t.sql_note or "").strip(), follow_up) if p)
        return answer_text(t.model_copy(update={"sql_note": note}))
    return f"{t.answer.rstrip()}\n\n{follow_up}\n"


def answer_follow_up(
    attempt_id: str, question_text: str, follow_up: str, *, root: Path | None = None, offline: bool = False
) -> Transcript:
    t = _load(attempt_id, root)
    report, error = _grade(get_question(t.question_id), follow_up_text(t, follow_up), offline)
    t.follow_up_question = question_text
    t.follow_up_answer = follow_up
    t.follow_up_report = report
    if error:
        t.grading_error = f"follow-up: {error}"
    tx.save(t, root)
    return t


# --------------------------------------------------------------------------- SQL sample run


@dataclass
class SampleRun:
    """What "Run on sample data" shows: a result table or an error."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    error: str | None = None
    dialect: str | None = None
    truncated: bool = False
    available: bool = True


def run_on_sample(question_id: str, sql: str) -> SampleRun:
    """Run the candidate's query on the question's small sample tables (never the hidden ones)."""
    if not sql.strip():
        return SampleRun(error="Write a query first.")
    try:
        from evaluator.sql import run_sample  # type: ignore[attr-defined]
    except ImportError:
        return SampleRun(
            error="Running queries is not available in this build (the SQL runner is missing).", available=False
        )
    try:
        res = run_sample(question_id, sql)
    except Exception as exc:  # noqa: BLE001 - a runner failure is shown like a query error
        return SampleRun(error=f"{type(exc).__name__}: {exc}")
    return SampleRun(
        columns=[str(c) for c in (getattr(res, "columns", None) or [])],
        rows=[list(r) for r in (getattr(res, "rows", None) or [])],
        error=getattr(res, "error", None),
        dialect=getattr(res, "dialect", None),
        truncated=bool(getattr(res, "truncated", False)),
    )


def elapsed_text(t: Transcript) -> str:
    """ "23:10 of 45:00", plus the overrun when there was one."""
    limit = tx.limit_seconds(t)
    parts = []
    if t.elapsed_seconds is not None:
        parts.append(tx.fmt_clock(t.elapsed_seconds) + (f" of {tx.fmt_clock(limit)}" if limit else ""))
    if t.auto_submitted:
        parts.append("submitted automatically at zero")
    if t.overrun_text:
        parts.append(f"kept typing {timedelta(seconds=round(t.overrun_seconds or 0))} past time")
    return ", ".join(parts)
