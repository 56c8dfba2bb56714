from support import run

STORY = (
    "At my previous company I owned the daily revenue pipeline that finance used for the board deck. "
    "My task was to make it trustworthy after three bad numbers in a quarter. "
    "I traced the failures to an upstream schema change, I added accepted-values checks that fail the job, "
    "and I negotiated a data contract with the payments team. "
    "As a result we cut SLA misses from 6 a month to 0 and reduced time to detect from 2 days to 20 minutes. "
    "I learned to monitor the business output, not only the job. "
    "After the incident I wrote the postmortem and we added an alert on day-over-day revenue moves."
)
WE_STORY = (
    "Our team had a pipeline that broke. We looked into it and we fixed the problem. "
    "The team then made it better and we moved on to other projects after that."
)
Q = "ownership-pipeline-failure"


def test_first_person_ownership():
    mine = run("first_person_ownership", STORY, Q)
    ours = run("first_person_ownership", WE_STORY, Q)
    assert mine.passed and mine.strength > 0.6
    assert not ours.passed and ours.strength == 0


def test_measurable_results():
    assert run("measurable_results", STORY, Q).strength >= 0.8
    assert not run("measurable_results", "It went well and everyone was happy with the result in the end.", Q).passed


def test_star_structure():
    assert run("star_structure", STORY, Q).passed
    assert not run("star_structure", WE_STORY, Q).passed


def test_incident_follow_through():
    assert run("incident_follow_through", STORY, Q).passed
    assert not run("incident_follow_through", WE_STORY, Q).passed


def test_cross_team_reach():
    text = (
        "Three teams needed the same metrics but computed them differently. I wrote a design doc to align them on "
        "shared definitions with an SLA, and drove adoption with documentation and office hours."
    )
    assert run("cross_team_reach", text, "ownership-multi-team-system").passed
    assert not run("cross_team_reach", WE_STORY, "ownership-multi-team-system").passed


def test_names_impact():
    assert run(
        "names_impact", "The wrong numbers affected billing for advertisers. The revenue impact was about $400k.", Q
    ).passed
    assert not run("names_impact", WE_STORY, Q).passed


def test_impact_levels_follow_the_rubric_not_how_often_users_are_mentioned():
    # Saying "users" in every sentence is naming consumers in passing: the weak level.
    passing = run(
        "names_impact",
        "Users open the dashboard. Users like the dashboard. Users asked for more charts. Users were happy.",
        Q,
    )
    stated = run("names_impact", "The outage affected advertisers, and the wrong spend numbers hit billing.", Q)
    sized = run(
        "names_impact",
        "The outage affected 1,200 advertisers, and the wrong spend numbers hit billing for $400k. "
        "I prioritised the billing fix first because invoices went out that night.",
        Q,
    )
    assert passing.strength < stated.strength < sized.strength
    assert passing.strength <= 0.25 and not passing.passed
    assert stated.passed and sized.strength == 1.0


def test_operating_means_thresholds_deadlines_and_consequences_not_a_checklist():
    # Same practices named; only one says what the numbers are and what happens when a check fires.
    checklist = run(
        "operations_coverage",
        "We will have data-quality checks and monitoring. There will be alerting and SLAs. Backfills are supported.",
    )
    operated = run(
        "operations_coverage",
        "Data-quality checks block the publish if row counts drop more than 20% against last week. "
        "Monitoring pages the on-call when the 6am SLA is missed. Backfills replay the raw partitions by hour.",
    )
    assert checklist.passed and operated.passed
    assert operated.strength - checklist.strength >= 0.3
    assert "3 stated with a threshold" in operated.detail and "0 stated with" in checklist.detail


def test_operations_coverage():
    text = (
        "Each output has an SLA: dashboards under five minutes. Data-quality checks on row counts block publishing, "
        "alerts page the on-call engineer with a runbook, and backfills rerun partitions idempotently."
    )
    f = run("operations_coverage", text)
    assert f.passed and f.strength >= 0.7
    assert not run(
        "operations_coverage", "Kafka sends the data to Spark and Spark writes the tables for the dashboards."
    ).passed


def test_operating_the_system_told_in_plain_words():
    # Blind gold g379: no "monitoring" or "data quality", yet a check that runs, compares and messages.
    text = (
        "I also wrote a check that runs every morning and compares the fields that arrived yesterday with the "
        "ones we expect, and it messages me if there's something new or something missing. "
        "For old data, I'd leave the new field empty unless someone needs it, because filling it in for the past "
        "is a lot of work."
    )
    f = run("operations_coverage", text)
    assert f.passed
    for family in ("monitoring and alerting", "data-quality checks", "backfills and reprocessing"):
        assert family in f.detail.split("; not seen")[0], family
    assert "0 stated" not in f.detail
    assert not run("operations_coverage", "I checked the numbers and told my manager it looked fine.").passed


def test_operating_practices_named_by_tool_count_less_than_practices_stated():
    # Blind gold g360: "data quality with Great Expectations, observability with Datadog" names the
    # practices; stating the threshold, the consequence or the reason is operating the system.
    named = "Data quality with Great Expectations, observability with Datadog, and a data catalog for lineage."
    stated = (
        "A row-count check fails the job if today's volume is 30% below last week's, so bad data never reaches "
        "the dashboards. An alert pages the on-call if the table has not landed by 6am. "
        "Lineage is recorded because a broken upstream table must tell us which reports to restate."
    )
    f_named, f_stated = run("operations_coverage", named), run("operations_coverage", stated)
    assert "only named, not argued" in f_named.detail
    assert f_stated.strength > f_named.strength + 0.3
