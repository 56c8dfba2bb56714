"""Across attempts: the table of every attempt, score trends, comparisons, what to drill next.

Learning from each attempt means seeing the trend per dimension and being told which one to
work on, so the aggregation lives here (plain rows, no pandas) and the History page only draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from evaluator.models import DIMENSION_TITLES, DIMENSIONS, Dimension, Question, Transcript
from evaluator.transcripts import AttemptFile

RECENT = 5  # attempts per dimension that count for "drill next": recent form, not lifetime average


@dataclass
class AttemptRow:
    """One attempt as the History table shows it."""

    id: str
    path: str
    question_id: str
    round: str | None
    title: str
    status: str
    started: datetime | None
    candidate: str | None
    overall: float | None
    recommendation: str | None
    scores: dict[str, int | None] = field(default_factory=dict)
    elapsed_seconds: float | None = None
    overrun_seconds: float | None = None
    mode: str | None = None
    top_gap: str | None = None

    def as_dict(self) -> dict[str, object]:
        row: dict[str, object] = {
            "when": self.started,
            "question": self.title,
            "round": self.round,
            "status": self.status,
            "overall": self.overall,
            "recommendation": self.recommendation,
        }
        for d in DIMENSIONS:
            row[DIMENSION_TITLES[d]] = self.scores.get(d)
        row["minutes"] = round(self.elapsed_seconds / 60, 1) if self.elapsed_seconds is not None else None
        row["overrun s"] = self.overrun_seconds or None
        row["id"] = self.id
        return row


def attempt_rows(files: Sequence[AttemptFile], bank: Mapping[str, Question] | None = None) -> list[AttemptRow]:
    """Rows for every attempt, oldest first (the listing's order)."""
    bank = bank or {}
    rows = []
    for a in files:
        t = a.transcript
        q = bank.get(t.question_id)
        r = t.report
        rows.append(
            AttemptRow(
                id=a.id,
                path=str(a.path),
                question_id=t.question_id,
                round=r.round if r else (q.round if q else None),
                title=q.title if q else t.question_id,
                status=t.status,
                started=a.started,
                candidate=t.candidate,
                overall=r.overall.score if r else None,
                recommendation=r.overall.recommendation if r else None,
                scores={d: r.dimensions[d].score for d in DIMENSIONS} if r else {},
                elapsed_seconds=t.elapsed_seconds,
                overrun_seconds=t.overrun_seconds,
                mode=t.mode,
                top_gap=r.top_gap if r else None,
            )
        )
    return rows


def graded(rows: Sequence[AttemptRow]) -> list[AttemptRow]:
    return [r for r in rows if r.overall is not None]


def trend_points(rows: Sequence[AttemptRow]) -> list[dict[str, object]]:
    """Long-form points (one per graded attempt and scored dimension) for a trend chart."""
    points: list[dict[str, object]] = []
    for n, r in enumerate(graded(rows), start=1):
        for d in DIMENSIONS:
            score = r.scores.get(d)
            if score is not None:
                points.append(
                    {
                        "attempt": n,
                        "when": r.started,
                        "dimension": DIMENSION_TITLES[d],
                        "score": score,
                        "question": r.title,
                        "id": r.id,
                    }
                )
    return points


def repeated_questions(rows: Sequence[AttemptRow]) -> dict[str, list[AttemptRow]]:
    """Questions attempted (and graded) at least twice: the ones worth a side-by-side view."""
    by_q: dict[str, list[AttemptRow]] = {}
    for r in graded(rows):
        by_q.setdefault(r.question_id, []).append(r)
    return {q: rs for q, rs in by_q.items() if len(rs) >= 2}


@dataclass(frozen=True)
class Comparison:
    dimension: str
    title: str
    first: int | None
    second: int | None

    @property
    def change(self) -> int | None:
        return None if self.first is None or self.second is None else self.second - self.first


def compare(first: Transcript, second: Transcript) -> list[Comparison]:
    """Per-dimension scores of two attempts (ordered as given), for the side-by-side view."""
    out = []
    for d in DIMENSIONS:
        a = first.report.dimensions[d].score if first.report else None
        b = second.report.dimensions[d].score if second.report else None
        if a is not None or b is not None:
            out.append(Comparison(d, DIMENSION_TITLES[d], a, b))
    return out


@dataclass
class DrillAdvice:
    """Which dimension to practise next, why, and a question that exercises it."""

    dimension: Dimension
    title: str
    average: float
    samples: int
    reason: str
    question_id: str | None = None
    question_title: str | None = None
    last_gap: str | None = None
    averages: dict[str, float] = field(default_factory=dict)


def drill_next(
    rows: Sequence[AttemptRow],
    questions: Sequence[Question] = (),
    weights: Mapping[str, Mapping[str, float]] | None = None,
) -> DrillAdvice | None:
    """The dimension with the lowest recent average score (ties: fewer samples, then contract order).

    ``weights`` maps a round to its rubric's dimension weights; the suggested question is the
    one whose round weighs that dimension most, least practised first.
    """
    done = graded(rows)
    if not done:
        return None
    recent: dict[str, list[int]] = {}
    for d in DIMENSIONS:
        scores = [r.scores[d] for r in done if r.scores.get(d) is not None]
        if scores:
            recent[d] = scores[-RECENT:]  # type: ignore[assignment]
    if not recent:
        return None
    averages = {d: sum(s) / len(s) for d, s in recent.items()}
    dim: Dimension = min(recent, key=lambda d: (averages[d], len(recent[d]), DIMENSIONS.index(d)))  # type: ignore[arg-type,assignment]
    others = sorted(v for d, v in averages.items() if d != dim)
    n = len(recent[dim])
    reason = f"{DIMENSION_TITLES[dim]} averages {averages[dim]:.1f}/4 over your last {n} scored attempt(s)"
    reason += f", the lowest of your dimensions (next: {others[0]:.1f})." if others else "."
    last_gap = next(
        (r.top_gap for r in reversed(done) if r.top_gap and DIMENSION_TITLES[dim] in r.top_gap),
        None,
    )
    advice = DrillAdvice(dim, DIMENSION_TITLES[dim], averages[dim], n, reason, last_gap=last_gap, averages=averages)
    if questions and weights:
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.question_id] = counts.get(r.question_id, 0) + 1
        candidates = [q for q in questions if weights.get(q.round, {}).get(dim, 0) > 0]
        if candidates:
            best = min(
                candidates,
                key=lambda q: (-weights[q.round][dim], counts.get(q.id, 0), list(questions).index(q)),
            )
            advice.question_id, advice.question_title = best.id, best.title
    return advice
