from support import run

JUSTIFIED = (
    "I'd use Flink instead of Spark Streaming because we need per-event state with low latency. "
    "We store Iceberg rather than plain Hive tables since we need time travel for restatements, at the cost of more metadata to compact. "
    "I chose hourly partitions over daily ones because dashboards query the last few hours."
)


def test_justified_choices_counts_arguments_against_alternatives():
    f = run("justified_choices", JUSTIFIED)
    assert f.passed and f.strength >= 0.8
    assert all(e.text in JUSTIFIED for e in f.evidence)


def test_choices_stated_as_facts_are_not_justified():
    f = run(
        "justified_choices",
        "We will use Kafka for ingestion. Spark does the batch processing. Data goes to Hive tables.",
    )
    assert not f.passed and f.strength == 0


def test_reason_in_the_next_sentence_counts():
    f = run(
        "justified_choices",
        "I considered a single streaming path for everything. That would make billing fragile because late clicks arrive hours later.",
    )
    assert "1 choice(s) justified" in f.detail


def test_a_labelled_alternative_is_argued_by_the_next_sentence():
    # "Alternative: X." is too short to be prose; its argument follows, and that is enough.
    text = (
        "We keep SCD2 intervals for edge history. Alternative: daily full snapshots. "
        "They are much simpler to query, but a year of them costs petabytes of storage."
    )
    f = run("justified_choices", text)
    assert "1 choice(s) justified" in f.detail
    bare = run("justified_choices", "We keep SCD2 intervals for edge history. Alternative: daily full snapshots.")
    assert "0 choice(s) justified" in bare.detail


def test_a_choice_between_two_courses_in_plain_words_is_an_alternative():
    text = (
        "We could restart the consumer and reprocess six hours, or we could skip to the latest offset. "
        "We went with the second option because the managers needed current stock more than history."
    )
    assert "2 choice(s) justified" in run("justified_choices", text).detail


def test_saying_when_the_decision_would_flip_adds_credit():
    base = "I'd store both directions instead of a canonical pair because lookups stay one-key, at the cost of twice the rows."
    flip = base + " If storage became the bottleneck I'd switch to the canonical pair and a view."
    plain, flipped = run("justified_choices", base), run("justified_choices", flip)
    assert flipped.strength > plain.strength and "would flip" in flipped.detail
    assert "would flip" not in plain.detail


def test_rejected_options_and_competing_asks_are_alternatives():
    for text in (
        "Iceberg tracks columns by id, so adding one is a metadata change. That's why I'd resist positional Hive schemas here.",
        "The data scientists wanted every metric stored per user, while product wanted results within hours, because launches wait on them.",
    ):
        assert "1 choice(s) justified" in run("justified_choices", text).detail, text


def test_choices_argued_without_because():
    # Blind gold g177 never says "because": its arguments are "easier, but saves nothing" and
    # "at the cost that ...". Plain connectives count as reasons and evaluations.
    text = (
        "Shared table vs a shared library each team runs. The library would have been politically easier, "
        "but it saves nothing on compute. I went for the shared table, at the cost that now one job is a "
        "single point of failure for three teams."
    )
    assert "1 choice(s) justified" in run("justified_choices", text).detail
    assert run("states_costs", text).passed


def test_lists_and_look_alikes_earn_no_trade_off_credit():
    labels = "Kafka vs Kinesis: Kafka cheaper. Flink vs Spark: Flink faster. Iceberg vs Hive: Iceberg better."
    assert "0 choice(s) justified" in run("justified_choices", labels).detail
    for sentence in (
        "The price is shown to the advertiser in the dashboard.",
        "When traffic doubles we add nodes.",
        "The limitations of the dashboard are listed in the docs.",
    ):
        assert not run("states_costs", sentence).passed, sentence
    assert "0 choice(s)" in run("justified_choices", "The ids go with the events and it is better for the joins.").detail


def test_states_costs():
    assert run("states_costs", JUSTIFIED).passed
    assert not run("states_costs", "We use Kafka and Spark and it works well for everyone.").passed


def test_costs_named_in_everyday_words():
    for sentence in (
        "The cost: storage for duplicate data and coordination effort.",
        "That doubles storage, which I accept for simpler queries.",
        "The limitation is that only type widening works in place.",
        "Full snapshots are expensive to keep for a year.",
        "Cost: wider rows and a month of duplicated fields.",
    ):
        assert run("states_costs", sentence).passed, sentence
    assert not run("states_costs", "The cost per click is reported to advertisers every hour.").passed


def test_considers_alternatives_red_flag():
    assert run("considers_alternatives", JUSTIFIED).passed
    assert not run(
        "considers_alternatives", "Kafka feeds Spark. Spark writes Hive tables. Dashboards read them."
    ).passed


def test_consistency_nuance_needs_both_sides():
    both = run(
        "consistency_nuance",
        "Like counts can be eventually consistent for a few seconds, but billing must be exact and reconciled daily.",
    )
    one = run("consistency_nuance", "Dashboards can be eventually consistent and that is fine for the viewers.")
    assert both.passed and both.strength == 1.0
    assert not one.passed and 0 < one.strength < 1


def test_requirements_first():
    first = run(
        "requirements_first",
        "First I'd clarify who consumes this data and what latency they need. Then Kafka feeds Flink.",
    )
    later = run(
        "requirements_first", "Kafka feeds Flink into Iceberg. The consumers are advertisers who need hourly data."
    )
    none = run("requirements_first", "Kafka feeds Flink into Iceberg tables for everything.")
    assert first.passed and first.strength == 1.0
    assert not later.passed and later.strength == 0.4
    assert not none.passed and none.strength == 0


def test_grain_declared():
    assert run("grain_declared", "The fact table has one row per impression, keyed by impression_id.").passed
    assert not run("grain_declared", "The fact table stores impressions and clicks for advertisers.").passed


def test_privacy_handled():
    f = run(
        "privacy_handled",
        "User ids are hashed at ingestion, and advertisers only see aggregates with a minimum of 50 users per breakdown.",
    )
    assert f.passed and f.strength >= 0.8
    assert not run("privacy_handled", "We store everything in the warehouse for analysts to use.").passed


def test_scale_strategies_vs_generic():
    strong = run(
        "scale_strategies",
        "Tables are partitioned by event_date and clustered by campaign_id. We pre-aggregate hourly rollups and salt the hot keys of huge advertisers to avoid skew.",
    )
    assert strong.passed and strong.strength >= 0.65
    assert not run("scale_strategies", "It will be scalable and we can handle the load with the cloud.").passed


def test_modeling_vocabulary():
    assert run(
        "modeling_vocabulary",
        "A fact table of impressions joins dim_campaign, an SCD type 2 dimension, and we build rollups on top.",
    ).passed
    assert not run("modeling_vocabulary", "We keep all the data in one big place for the analysts.").passed


def test_structured_reasoning_and_depth():
    text = (
        "First I'd check whether the drop is real, because a logging change could explain it. "
        "If the server logs are flat, then it's instrumentation. Next I'd segment by platform, since a bad release "
        "usually hits one app version. The most likely cause would point at the Android build."
    )
    assert run("structured_reasoning", text, "product-dau-drop").passed
    assert (
        run("reasoning_depth", text, "product-dau-drop").strength
        > run("reasoning_depth", "Look at the data. Fix it.", "product-dau-drop").strength
    )
    assert not run("structured_reasoning", "Look at the dashboard and fix the bug.", "product-dau-drop").passed


def test_quantifies():
    assert run(
        "quantifies", "A 5% drop is about 100M people, and 90% of it sits in one segment.", "product-dau-drop"
    ).passed
    assert not run("quantifies", "The drop is large and sits in one segment.", "product-dau-drop").passed


def test_preferences_and_comparisons_in_plain_words_are_argued_choices():
    # Missed before by the patterns, found in blind gold answers scored 3-4 on trade-offs.
    for text in (
        "I'd rather run the computation twice than try to make the stream exactly-once, because replaying raw logs settles billing disputes.",
        "Re-running the last 7 days daily is cheaper than a streaming join holding 7 days of click state.",
        "Approximate distinct would be fine for exploratory work but not for anything shown to the advertiser.",
        "Options are cluster randomisation, which is cleaner but has fewer units, or a country rollout, which is cheap but confounded.",
    ):
        assert "0 choice(s) justified" not in run("justified_choices", text).detail, text
    assert "0 choice(s) justified" in run("justified_choices", "The job runs more than once a day on the cluster.").detail


def test_prices_named_in_plain_words():
    for sentence in (
        "What I'm giving up: two code paths that can drift.",
        "A restart double-counting a minute costs some dashboard accuracy, nothing else.",
        "The rollup trades a bit of freshness for a scan that is thousands of times smaller.",
        "Keeping every daily snapshot forever is too expensive at our size.",
        "If a fresher feature doesn't move engagement, it's not worth the streaming cost.",
        "I'd serve it from the streaming aggregates and accept that late clicks shift the ranking for a while.",
    ):
        assert run("states_costs", sentence).passed, sentence
    for sentence in ("The cost per click is reported hourly.", "We accept events from every region."):
        assert not run("states_costs", sentence).passed, sentence


def test_tolerating_approximate_numbers_in_plain_words_is_consistency_nuance():
    text = (
        "Pacing can live with being slightly off for a minute. Billing must be exact and reconciled against the raw logs."
    )
    f = run("consistency_nuance", text)
    assert f.passed and f.strength == 1.0


def test_trade_offs_told_in_a_story():
    # Ownership stories argue their choices in everyday words (blind gold g259, g261, g307).
    assert "1 choice(s) justified" in run(
        "justified_choices", "For money I'd rather be late than wrong: a wrong invoice is a trust problem, so I paused the export."
    ).detail
    assert run("states_costs", "The parallel runs slowed the migration by about a month.").passed
    assert "1 more with a reason" in run(
        "justified_choices", "I ran the backfill over a weekend at low priority so as not to starve production jobs."
    ).detail


def test_options_listed_under_a_label_are_alternatives():
    # Blind gold g359: three experiment designs as a list, each priced in its own words.
    listed = (
        "Randomising by user leaks. Options:\n"
        "- user-level test. Fast and high power, but it understates the effect.\n"
        "- cluster randomisation on graph communities. Far fewer units, so much less power.\n"
        "- country-level launch. Catches the full effect, but few units and noisy.\n"
    )
    f = run("justified_choices", listed)
    assert f.passed and "3 choice(s) justified" in f.detail
    assert run("states_costs", listed).passed
    # the same items with no label and no prices argue nothing
    bare = "We run a user-level test.\n\nThen a cluster randomisation on graph communities.\n"
    assert "0 choice(s) justified" in run("justified_choices", bare).detail
    # a label ends at its paragraph: the next paragraph's sentences are not options
    later = "Options:\n- a user-level test.\n\nIt is fast but it understates the effect."
    assert "0 choice(s) justified" in run("justified_choices", later).detail


def test_scale_failures_and_summary_tables_in_plain_words():
    # Blind gold g352: a SQL note that finds the join fan-out and answers it with a per-day table.
    f = run(
        "scale_strategies",
        "The join fans out: every retained user drags all their events into the join. "
        "So first I would build daily_active, one row per user and day, and join to that.",
    )
    assert "what breaks first" in f.detail and "caching or pre-aggregation" in f.detail
    assert not run("scale_strategies", "We could do it incrementally and it will be fine.").passed


def test_a_scaling_strategy_named_counts_less_than_one_given_its_number_or_reason():
    named = run("scale_strategies", "We partition by date and shard by user, and cache the results.")
    argued = run(
        "scale_strategies",
        "We partition by date so a daily query reads one of 365 partitions. We shard by user because every "
        "lookup is per user. We cache the results since the dashboard asks the same question all day.",
    )
    assert "only named, not argued" in named.detail
    assert argued.strength > named.strength


def test_an_alternative_accepted_over_another_with_its_consequence():
    # Blind gold g363: "I'd accept that over daily snapshots, which would be 3B rows a day."
    f = run("justified_choices", "The cost is uglier joins, and I'd accept that over daily snapshots, which would be 3B rows a day.")
    assert "1 choice(s) justified" in f.detail
    f = run("justified_choices", "I'd rather build this once than let every analyst compute it, which is how you get three DAU numbers.")
    assert "1 choice(s) justified" in f.detail


def test_exactness_in_plain_words():
    text = (
        "The advertiser's live view can be a little rough, that's fine. Finance bills from it, so the number has "
        "to be exactly right and reproducible if the advertiser disputes it."
    )
    f = run("consistency_nuance", text)
    assert f.passed and "exact where it matters" in f.detail
