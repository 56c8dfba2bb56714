from support import ctx_for, run

from evaluator.checks.numbers import quantities

CHAIN = (
    "We have about 3B daily users and each generates 200 events per user, so 600B events/day, "
    "which is about 7M events/s. At 500 bytes each that's 3.5 GB/s raw, roughly 50 TB/day after "
    "compression and 18 PB/year."
)


def test_quantities_parse_units_and_magnitudes():
    found = {(q.kind, q.per): q.value for q in quantities(ctx_for(CHAIN))}
    assert found[("users", None)] == 3e9
    assert found[("events", "day")] == 600e9
    assert found[("events", "s")] == 7e6
    assert found[("bytes", "s")] == 3.5e9
    assert found[("bytes", "year")] == 18e15


def test_per_user_ratios_and_years_are_not_volumes():
    found = quantities(ctx_for("Each user sends 200 events per user. In 2025 we launched it."))
    assert found == []


def test_states_scale_numbers_positive_and_negative():
    strong = run("states_scale_numbers", CHAIN)
    assert strong.passed and strong.strength >= 0.9
    assert all(e.text in CHAIN for e in strong.evidence)
    weak = run("states_scale_numbers", "It will handle a lot of data and many users at scale.")
    assert not weak.passed and weak.strength == 0


def test_derivation_consistent_chain_passes():
    f = run("derivation_consistent", CHAIN)
    assert f.passed and f.strength == 1.0 and "consistent" in f.detail


def test_order_of_magnitude_slip_is_caught():
    f = run("derivation_consistent", "That is 600B events/day. So roughly 70M events per second at peak average.")
    assert not f.passed and "off by about 10x" in f.detail


def test_users_times_rate_slip_is_caught():
    f = run("derivation_consistent", "With 3B users at 200 events per user we get 6B events/day.")
    assert not f.passed


def test_nothing_to_cross_check_is_neutral_not_a_failure():
    f = run("derivation_consistent", "We have 3B users.")
    assert f.passed and f.strength < 1


def test_scale_up_front():
    early = run("scale_up_front", CHAIN + " Then we design the tables. " * 10)
    late = run("scale_up_front", "We design the tables carefully. " * 20 + CHAIN)
    assert early.passed and not late.passed


def test_numbers_said_in_words_are_read():
    # Blind gold g413 sized everything in words and was credited no figure at all.
    from evaluator.checks.numbers import spell_digits

    assert spell_digits("a hundred billion ads shown per day") == "100 billion ads shown per day"
    assert spell_digits("roughly half a gigabyte a second, fifty-ish terabytes a day") == (
        "roughly 0.5 GB a second, 50 TB a day"
    )
    assert spell_digits("one of the few giant advertisers") == "one of the few giant advertisers"
    text = (
        "Something like a hundred billion ads shown per day means a bit over a million a second on average. "
        "We're writing roughly half a gigabyte a second, fifty-ish terabytes a day before we squeeze it down."
    )
    f = run("states_scale_numbers", text)
    assert f.passed and "50 TB" in f.detail
