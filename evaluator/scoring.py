"""Criterion levels -> dimension scores -> overall score and recommendation (CONTRACT.md).

The same arithmetic serves the deterministic grader and the LLM judge, so a dimension score
always follows from criterion levels by the rubric's weights and is never picked freely.
"""

from __future__ import annotations

from collections.abc import Mapping

from evaluator.models import DIMENSIONS, Dimension, Overall, Recommendation, Rubric

# strength (0..1) at which a criterion reaches level 2, 3 and 4
LEVEL_THRESHOLDS: tuple[float, float, float] = (0.15, 0.45, 0.75)


def level_from_strength(strength: float) -> int:
    """Map a check-supported strength in 0..1 to a 1..4 level."""
    return 1 + sum(strength >= t for t in LEVEL_THRESHOLDS)


def round_half_up(x: float) -> int:
    return int(x + 0.5)


def dimension_scores(rubric: Rubric, levels: Mapping[str, int | None]) -> dict[Dimension, int | None]:
    """Weighted mean of the scored criterion levels of each assessed dimension, rounded half up.

    A dimension the rubric does not assess is None; so is an assessed one none of whose
    criteria has a level (e.g. every LLM verdict on it failed).
    """
    out: dict[Dimension, int | None] = {d: None for d in DIMENSIONS}
    for dim in rubric.dimensions:
        pairs = [(c.weight, levels[c.id]) for c in rubric.criteria if c.dimension == dim and levels.get(c.id)]
        if pairs:
            total = sum(w for w, _ in pairs)
            out[dim] = max(1, min(4, round_half_up(sum(w * lvl for w, lvl in pairs) / total)))
    return out


def recommendation_for(score: float) -> Recommendation:
    if score < 1.75:
        return "strong_no_hire"
    if score < 2.5:
        return "no_hire"
    if score < 3.25:
        return "hire"
    return "strong_hire"


def overall(rubric: Rubric, scores: Mapping[str, int | None]) -> Overall:
    """Rubric-weighted mean of the scored dimensions (weights renormalised over those scored).

    The score is rounded to two decimals first and the recommendation taken from the rounded
    figure, so anyone recomputing it from the report gets the same answer.
    """
    pairs = [(w, scores[d]) for d, w in rubric.dimensions.items() if scores.get(d) is not None]
    if not pairs:
        return Overall(score=1.0, recommendation="strong_no_hire")
    value = round(sum(w * s for w, s in pairs) / sum(w for w, _ in pairs), 2)
    value = min(4.0, max(1.0, value))
    return Overall(score=value, recommendation=recommendation_for(value))
