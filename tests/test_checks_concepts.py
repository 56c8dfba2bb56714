from support import ctx_for, run

from evaluator.checks.concepts import concept_hits


def test_concepts_count_only_in_prose():
    prose = "Tables are partitioned by event_date and clustered by campaign_id, because advertisers filter by campaign."
    listed = "partition by date, cluster by campaign, rollups, lambda, dedup"
    assert "partition-date-cluster-campaign" in concept_hits(ctx_for(prose))
    assert concept_hits(ctx_for(listed)) == {}


def test_concept_coverage_strength_grows_with_coverage():
    one = run(
        "concept_coverage", "We pre-aggregate hourly rollups per advertiser for the dashboards.", dimension="scale"
    )
    three = run(
        "concept_coverage",
        "About 100B impressions a day reach us. Tables are partitioned by event_date and clustered by campaign_id. "
        "We pre-aggregate hourly rollups per advertiser for the dashboards.",
        dimension="scale",
    )
    assert 0 < one.strength < three.strength
    assert three.passed and not one.passed
    assert "missed" in one.detail


def test_addresses_question():
    specific = "About 100B impressions a day land here. Tables are partitioned by event_date and clustered by campaign_id, and we pre-aggregate hourly rollups for advertisers."
    generic = "We would build a robust pipeline with good monitoring and clear ownership so that teams can trust the data."
    assert run("addresses_question", specific).passed
    f = run("addresses_question", generic)
    assert not f.passed and "0%" in f.detail


def test_scd_written_as_scd2_is_the_scd_concept():
    # Blind gold g363 wrote "dim_user is SCD2" and was credited no SCD at all.
    for text in ("dim_user is SCD2, because tiers change mid-month.", "We keep dim_user as an SCD type 2 table here."):
        assert "scd2" in concept_hits(ctx_for(text, "model-cross-surface-engagement")), text
