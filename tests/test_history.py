"""History aggregation: rows, trend points, comparisons, and the dimension to drill next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from evaluator import history
from evaluator import transcripts as tx
from evaluator.bank import get_question, load_bank, questions, rubric_for
from evaluator.models import ROUNDS, DimensionScore, Overall, Report, Transcript

T0 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
QID = "design-ads-performance-pipeline"


def graded(qid: str, scores: dict[str, int | None], when: datetime, gap: str | None = None) -> Transcript:
    q = get_question(qid)
    t = tx.new_attempt(q, now=when)
    t.status = "graded"
    t.elapsed_seconds = 600
    values = [s for s in scores.values() if s is not None]
    t.report = Report(
        question_id=qid,
        round=q.round,
        mode="deterministic",
        dimensions={
            d: DimensionScore(score=scores.get(d), rationale="")
            for d in ("scale", "product_sense", "ownership", "tradeoffs")  # type: ignore[misc]
        },
        overall=Overall(score=sum(values) / len(values), recommendation="hire"),
        top_gap=gap,
    )
    return t


def save_all(tmp_path: Path, *ts: Transcript) -> list[history.AttemptRow]:
    for t in ts:
        tx.save(t, tmp_path)
    return history.attempt_rows(tx.list_attempts(tmp_path).attempts, load_bank()[1])


def test_rows_cover_drafts_and_graded(tmp_path: Path) -> None:
    draft = tx.new_attempt(get_question("product-dau-drop"), now=T0 + timedelta(days=1))
    rows = save_all(tmp_path, graded(QID, {"scale": 2, "tradeoffs": 3}, T0), draft)
    assert [r.status for r in rows] == ["graded", "draft"]
    assert rows[0].title == get_question(QID).title and rows[0].round == "modeling"
    assert rows[1].overall is None and rows[1].round == "product_sense"
    table = rows[0].as_dict()
    assert table["Scale thinking"] == 2 and table["minutes"] == 10.0 and table["id"] == rows[0].id


def test_trend_points_skip_unscored_dimensions(tmp_path: Path) -> None:
    rows = save_all(
        tmp_path,
        graded(QID, {"scale": 2, "tradeoffs": 3}, T0),
        graded(QID, {"scale": 3, "tradeoffs": 3}, T0 + timedelta(days=1)),
    )
    points = history.trend_points(rows)
    assert len(points) == 4
    assert [(p["attempt"], p["dimension"], p["score"]) for p in points[:2]] == [
        (1, "Scale thinking", 2),
        (1, "Trade-off articulation", 3),
    ]


def test_repeated_questions_and_compare(tmp_path: Path) -> None:
    a = graded(QID, {"scale": 2, "tradeoffs": 3}, T0)
    b = graded(QID, {"scale": 4, "tradeoffs": 3}, T0 + timedelta(days=2))
    rows = save_all(tmp_path, a, b, graded("product-dau-drop", {"product_sense": 2}, T0))
    assert list(history.repeated_questions(rows)) == [QID]
    cmp = history.compare(a, b)
    assert [(c.dimension, c.first, c.second, c.change) for c in cmp] == [("scale", 2, 4, 2), ("tradeoffs", 3, 3, 0)]


def test_drill_next_picks_the_lowest_recent_dimension(tmp_path: Path) -> None:
    rows = save_all(
        tmp_path,
        graded(QID, {"scale": 1, "product_sense": 3, "ownership": 3, "tradeoffs": 3}, T0),
        graded(
            QID,
            {"scale": 3, "product_sense": 3, "ownership": 2, "tradeoffs": 3},
            T0 + timedelta(days=1),
            gap="Operates it (Ownership): name the on-call runbook",
        ),
    )
    weights = {r: dict(rubric_for(r).dimensions) for r in ROUNDS}
    advice = history.drill_next(rows, questions(), weights)
    assert advice is not None
    assert advice.dimension == "scale" or advice.dimension == "ownership"
    # scale averages 2.0 over two attempts, ownership 2.5: scale is drilled
    assert advice.dimension == "scale" and advice.average == 2.0 and advice.samples == 2
    assert "Scale thinking averages 2.0/4" in advice.reason
    assert advice.question_id is not None
    q = get_question(advice.question_id)
    assert weights[q.round].get("scale", 0) == max(w.get("scale", 0) for w in weights.values())


def test_drill_next_uses_recent_form_only(tmp_path: Path) -> None:
    old = [graded(QID, {"scale": 1, "tradeoffs": 4}, T0 + timedelta(hours=i)) for i in range(3)]
    new = [graded(QID, {"scale": 4, "tradeoffs": 2}, T0 + timedelta(days=1, hours=i)) for i in range(history.RECENT)]
    advice = history.drill_next(save_all(tmp_path, *old, *new))
    assert advice is not None and advice.dimension == "tradeoffs"
    assert advice.question_id is None  # no bank or weights given


def test_drill_next_needs_a_graded_attempt(tmp_path: Path) -> None:
    assert history.drill_next([]) is None
    rows = save_all(tmp_path, tx.new_attempt(get_question(QID), now=T0))
    assert history.drill_next(rows) is None
