"""The follow-up probe targets the main gap; deltas say what the follow-up added."""

from __future__ import annotations

from evaluator.bank import get_question
from evaluator.feedback import follow_up_verdict, gap_dimension, pick_follow_up, score_deltas, weakest_dimension
from evaluator.models import DimensionScore, Overall, Report

QID = "design-ads-performance-pipeline"


def report(
    scores: dict[str, int | None], top_gap: str = "", missed: list[str] | None = None, overall: float = 2.0
) -> Report:
    return Report(
        question_id=QID,
        round="modeling",
        mode="deterministic",
        dimensions={d: DimensionScore(score=s, rationale="") for d, s in scores.items()},  # type: ignore[misc]
        overall=Overall(score=overall, recommendation="no_hire"),
        top_gap=top_gap,
        missed_concepts=missed or [],
    )


BASE = {"scale": 2, "product_sense": 3, "ownership": 3, "tradeoffs": 3}


def test_weakest_dimension_ties_go_to_contract_order() -> None:
    assert weakest_dimension(report(BASE)) == "scale"
    assert weakest_dimension(report({**BASE, "scale": 3})) == "scale"
    assert weakest_dimension(report(dict.fromkeys(BASE))) is None  # type: ignore[arg-type]


def test_probe_follows_the_gap() -> None:
    q = get_question(QID)
    scale_gap = report(BASE, top_gap="Quantifies the scale (Scale thinking): what breaks first when traffic doubles")
    assert "doubles" in pick_follow_up(q, scale_gap)
    investigate = report(
        {**BASE, "scale": 3, "ownership": 1},
        top_gap="Operates the system (Ownership): investigate discrepancies with advertiser tracking",
    )
    assert "investigate" in pick_follow_up(q, investigate)


def test_probe_prefers_the_gap_over_incidental_concept_words() -> None:
    q = get_question(QID)
    r = report(
        {**BASE, "ownership": 2, "tradeoffs": 2},
        top_gap="Concrete scaling strategies (Scale thinking): to reach level 4, says what breaks first as volume grows",
        missed=["pre-aggregated rollups per advertiser/campaign/hour", "privacy (aggregate-only reporting)"],
    )
    assert gap_dimension(r) == "scale"
    assert "doubles" in pick_follow_up(q, r)


def test_probe_is_deterministic_and_from_the_bank() -> None:
    q = get_question(QID)
    r = report(BASE)
    assert pick_follow_up(q, r) == pick_follow_up(q, r)
    assert pick_follow_up(q, r) in q.follow_ups


def test_deltas_and_verdict() -> None:
    before = report({**BASE, "ownership": None}, overall=2.5)
    after = report({**BASE, "ownership": None, "scale": 3}, overall=2.9)
    deltas = score_deltas(before, after)
    assert [d.dimension for d in deltas] == ["scale", "product_sense", "tradeoffs"]
    assert deltas[0].change == 1 and deltas[1].change == 0
    assert "Scale thinking 2→3" in follow_up_verdict(before, after)
    assert follow_up_verdict(before, before).startswith("No new signal")
    assert "lowered" in follow_up_verdict(after, before)
