from support import run

Q = "product-measure-instagram-feature"


def test_product_reasoning_counts_distinct_ideas():
    text = (
        "The goal is to help creators reach new viewers, so the PM needs to decide whether to ship. "
        "The primary metric is the share of creators who post weekly, with time spent on Feed as a guardrail "
        "against cannibalization. I'd segment new versus existing users because the novelty effect can mislead "
        "early reads, and run an A/B test with a holdout."
    )
    f = run("product_reasoning", text, Q)
    assert f.passed and f.strength >= 0.85


def test_tables_and_tools_have_no_product_sense():
    f = run(
        "product_reasoning",
        "Kafka will ingest the events into Hive tables and Spark jobs will process them nightly.",
        Q,
    )
    assert not f.passed and f.strength == 0
