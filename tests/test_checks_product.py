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


def test_ideas_only_named_count_half_of_ideas_argued():
    # Same four ideas (metric, segmentation, guardrail, experiment); only the second text says why.
    named = (
        "I would look at the retention metric for the feature. I would break it down by country and platform. "
        "I would also keep an eye on the guardrail of time spent in Feed. Then I would run an A/B test on it."
    )
    argued = (
        "I would look at the retention metric, because a feature people try once and drop is not a success. "
        "I would break it down by country and platform, since adoption is uneven across markets. "
        "Time spent in Feed is the guardrail, so that we see whether the feature only moves minutes around. "
        "Then an A/B test, because launch week traffic would otherwise hide the novelty effect."
    )
    weak, strong = run("product_reasoning", named, Q), run("product_reasoning", argued, Q)
    assert strong.strength > weak.strength
    assert "only named, not argued" in weak.detail
    assert "only named" not in strong.detail


def test_guardrails_and_misleading_metrics_in_plain_words():
    # Blind gold answers name these without the textbook words "guardrail" or "mislead".
    for text, family in (
        ("If Reels time goes up, are we just taking it from Feed and Stories?", "guardrail or counter-metric"),
        ("And are people hitting not interested more often than before?", "guardrail or counter-metric"),
        ("Time spent is easy to inflate by ranking long, passive videos.", "how it can mislead"),
        ("Completion rate sounds good but short videos win it automatically.", "how it can mislead"),
        ("An interaction count undercounts people who enjoy watching quietly.", "how it can mislead"),
    ):
        assert family in run("product_reasoning", text, Q).detail.split("not seen")[0], text
    plain = run("product_reasoning", "We take the events from Kafka and load them into the warehouse.", Q)
    assert "guardrail" not in plain.detail.split("not seen")[0]


def test_measuring_a_feature_without_saying_which_caps_product_sense():
    generic = (
        "I'd use the HEART framework: happiness, engagement, adoption, retention and task success. "
        "Adoption is the percentage of users who try the feature; retention at D7 and D30. Guardrails: app "
        "time spent and crash rate. We'd run an A/B test for two weeks and ship if the metrics go up."
    )
    concrete = "Let me pick one: a shared collection for saved posts. " + generic
    q = "product-measure-instagram-feature"
    assert not run("names_the_case", generic, q, questions=[q]).passed
    assert run("names_the_case", concrete, q, questions=[q]).passed
    assert run("names_the_case", "Which feature is it? It matters, because the goal decides the metric.", q).passed
    # other questions are not about one unnamed case
    assert run("names_the_case", generic, "product-dau-drop", questions=[q]).passed

    from evaluator.bank import get_question
    from evaluator.grade import grade_deterministic

    report = grade_deterministic(get_question(q), generic).report
    assert report.dimensions["product_sense"].score <= 2


def test_product_ideas_in_plain_words():
    # Blind gold g433 said all of it without one product-analytics term and found 0 of 7 ideas.
    text = (
        "So I'd look at how many people try it at least once, and how many use it again the next week, because "
        "trying once is curiosity and coming back means they like it. I'd test it on a random group of users and "
        "compare with a group that doesn't have it. I'd also keep an eye on whether people post fewer Stories. "
        "Then I'd look at it for different groups, like teenagers versus older users, since teens use it more. "
        "If it looks good after a few weeks, roll it out."
    )
    f = run("product_reasoning", text, "product-measure-instagram-feature")
    for idea in ("decision driven", "success metric", "guardrail", "segmentation", "mislead", "experiment"):
        assert idea in f.detail.split("; not seen")[0], idea
