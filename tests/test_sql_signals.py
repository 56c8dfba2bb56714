"""Scale signals read from the parsed query."""

from __future__ import annotations

from evaluator.sql import query_features


def test_partition_filter_in_where_and_in_join() -> None:
    f = query_features(
        "SELECT user_id FROM user_events WHERE event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'"
    )
    assert f.parse_ok and f.partition_filter and not f.partition_join
    f = query_features(
        "SELECT u.signup_date FROM dim_users u LEFT JOIN user_events e "
        "ON e.user_id = u.user_id AND e.event_date = u.signup_date + 1"
    )
    assert f.partition_join and not f.partition_filter
    f = query_features("SELECT event_date, COUNT(*) FROM user_events GROUP BY event_date")
    assert not f.partition_filter and f.scans_partitioned_table


def test_select_star_only_over_tables() -> None:
    assert query_features("SELECT * FROM user_events").select_star
    assert query_features("SELECT e.* FROM user_events e JOIN dim_users u ON u.user_id = e.user_id").select_star
    assert not query_features("WITH d AS (SELECT user_id FROM user_events) SELECT * FROM d").select_star
    assert not query_features("SELECT COUNT(*) FROM user_events").select_star


def test_cross_joins() -> None:
    assert query_features("SELECT 1 FROM user_events CROSS JOIN dim_users").cross_join
    assert query_features("SELECT 1 FROM user_events, dim_users").cross_join
    assert not query_features("SELECT 1 FROM user_events e, dim_users u WHERE e.user_id = u.user_id").cross_join
    assert not query_features("SELECT x FROM user_events CROSS JOIN UNNEST([1, 2]) AS t(x)").cross_join


def test_windows_ctes_distinct_counts() -> None:
    f = query_features(
        "WITH c AS (SELECT advertiser_id, campaign_id, COUNT(DISTINCT user_id) AS u FROM ads_impressions GROUP BY 1, 2) "
        "SELECT *, ROW_NUMBER() OVER (PARTITION BY advertiser_id ORDER BY u DESC) AS rn FROM c"
    )
    assert f.ctes and f.window_functions and f.count_distinct and not f.approx_distinct
    assert f.tables == ("ads_impressions",)
    assert query_features("SELECT approx_distinct(user_id) FROM user_events").approx_distinct


def test_not_in_and_integer_division() -> None:
    f = query_features("SELECT user_id FROM user_events WHERE user_id NOT IN (SELECT user_id FROM dim_users)")
    assert f.not_in_subquery
    assert query_features("SELECT COUNT_IF(clicked) / COUNT(*) FROM ads_impressions").integer_division
    assert not query_features("SELECT COUNT_IF(clicked) * 1.0 / COUNT(*) FROM ads_impressions").integer_division


def test_presto_text_parses_and_garbage_does_not() -> None:
    assert query_features("SELECT date_add('day', 1, signup_date) FROM dim_users").parse_ok
    assert not query_features("SELECT FROM WHERE (").parse_ok
    assert not query_features("").parse_ok
