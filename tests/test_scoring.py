import pytest

from evaluator.bank import rubric_for
from evaluator.scoring import dimension_scores, level_from_strength, overall, recommendation_for


@pytest.mark.parametrize(
    ("strength", "level"), [(0.0, 1), (0.14, 1), (0.15, 2), (0.44, 2), (0.45, 3), (0.75, 4), (1.0, 4)]
)
def test_level_from_strength(strength, level):
    assert level_from_strength(strength) == level


@pytest.mark.parametrize(
    ("score", "rec"),
    [
        (1.0, "strong_no_hire"),
        (1.74, "strong_no_hire"),
        (1.75, "no_hire"),
        (2.49, "no_hire"),
        (2.5, "hire"),
        (3.24, "hire"),
        (3.25, "strong_hire"),
        (4.0, "strong_hire"),
    ],
)
def test_recommendation_thresholds_follow_the_contract(score, rec):
    assert recommendation_for(score) == rec


def test_dimension_scores_are_weighted_means_of_criterion_levels():
    rubric = rubric_for("ownership")
    levels = {c.id: 1 for c in rubric.criteria}
    levels["personal-ownership"] = 4  # weight 1.0 of 2.5 on ownership
    scores = dimension_scores(rubric, levels)
    assert scores["ownership"] == 2  # (4*1 + 1*1 + 1*0.5) / 2.5 = 2.2
    assert scores["scale"] is None  # not assessed in this round


def test_unscored_criteria_leave_a_dimension_unscored():
    rubric = rubric_for("product_sense")
    scores = dimension_scores(rubric, {"justified-choices": 3})
    assert scores["tradeoffs"] == 3 and scores["product_sense"] is None


def test_overall_is_rubric_weighted_and_renormalised():
    rubric = rubric_for("modeling")
    full = overall(rubric, {"scale": 4, "tradeoffs": 2, "product_sense": 3, "ownership": 1})
    assert full.score == pytest.approx(round(0.35 * 4 + 0.30 * 2 + 0.20 * 3 + 0.15 * 1, 2))
    partial = overall(rubric, {"scale": 4, "tradeoffs": 2, "product_sense": None, "ownership": None})
    assert partial.score == pytest.approx(round((0.35 * 4 + 0.30 * 2) / 0.65, 2))
    assert partial.recommendation == recommendation_for(partial.score)


def test_overall_with_nothing_scored_is_the_floor():
    assert overall(rubric_for("sql"), {}).score == 1.0
