from support import run


def test_vague_scaling_without_specifics_fails():
    assert not run("no_vague_scaling", "If it gets slow we can just add more servers to the cluster.").passed


def test_adding_capacity_backed_by_numbers_and_strategies_is_fine():
    text = (
        "At 1.2M events/s and 600 MB/s we partition by event_date and shard by campaign_id. "
        "Beyond that we add more servers to the Flink cluster."
    )
    assert run("no_vague_scaling", text).passed


def test_no_mention_passes():
    assert run("no_vague_scaling", "Partition by event_date because advertisers query by day.").passed


def test_blanket_strong_consistency():
    assert not run(
        "no_blanket_strong_consistency", "Everything must be strongly consistent everywhere in the system."
    ).passed
    assert run("no_blanket_strong_consistency", "Billing needs strong consistency but like counts do not.").passed
