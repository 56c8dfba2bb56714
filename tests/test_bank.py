from evaluator.bank import UnknownQuestion, get_question, questions, rubric_for

REQUIRED = {
    "design-ads-performance-pipeline",
    "design-feed-ranking-features",
    "model-cross-surface-engagement",
    "model-schema-evolution",
    "model-social-graph-analytics",
    "product-dau-drop",
    "product-measure-instagram-feature",
    "product-reels-engagement",
    "ownership-multi-team-system",
    "ownership-pipeline-failure",
    "sql-reels-not-feed",
    "sql-d1-retention",
    "sql-top-campaigns-ctr",
}


def test_every_required_question_is_in_the_bank():
    assert {q.id for q in questions()} >= REQUIRED


def test_every_round_has_a_rubric_and_questions_have_probes_and_outlines():
    for q in questions():
        assert rubric_for(q.round).round == q.round
        assert 2 <= len(q.follow_ups) <= 4 and q.model_answer


def test_non_sql_questions_carry_concepts_on_assessed_dimensions():
    for q in questions():
        if q.round == "sql":
            assert q.sql is not None
            continue
        assessed = set(rubric_for(q.round).dimensions)
        assert q.concepts and {c.dimension for c in q.concepts} <= assessed, q.id


def test_unknown_question():
    try:
        get_question("nope")
    except UnknownQuestion as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("expected UnknownQuestion")
