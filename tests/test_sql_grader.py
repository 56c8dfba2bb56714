"""Verdicts on right and wrong queries in several styles and dialects, and the feedback they get."""

from __future__ import annotations

import pytest

from evaluator.sql import SQL_QUESTIONS, grade_sql, run_sample
from evaluator.sql.reference import REFERENCE_SQL
from evaluator.sql.sandbox import Limits

W = "event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'"


def not_exists(reels_where: str = W, feed_where: str = W, select: str = "DISTINCT r.user_id") -> str:
    return f"""SELECT {select} FROM user_events r
WHERE r.surface = 'reels' AND r.user_id IS NOT NULL AND r.{reels_where}
  AND NOT EXISTS (SELECT 1 FROM user_events f WHERE f.user_id = r.user_id AND f.surface = 'feed' AND f.{feed_where})"""


REELS_RIGHT = {
    "not_exists": not_exists(),
    "left_anti_join": f"""WITH reels AS (SELECT DISTINCT user_id FROM user_events WHERE surface = 'reels' AND {W} AND user_id IS NOT NULL),
feed AS (SELECT DISTINCT user_id FROM user_events WHERE surface = 'feed' AND {W})
SELECT r.user_id FROM reels r LEFT JOIN feed f ON f.user_id = r.user_id WHERE f.user_id IS NULL""",
    "except": f"""SELECT user_id FROM user_events WHERE surface = 'reels' AND {W} AND user_id IS NOT NULL
EXCEPT SELECT user_id FROM user_events WHERE surface = 'feed' AND {W}""",
    "group_by_having": f"""SELECT user_id FROM user_events WHERE {W} AND user_id IS NOT NULL GROUP BY user_id
HAVING SUM(CASE WHEN surface = 'reels' THEN 1 ELSE 0 END) > 0 AND SUM(CASE WHEN surface = 'feed' THEN 1 ELSE 0 END) = 0""",
    "presto_count_if_date_add": """SELECT user_id FROM user_events
WHERE event_date BETWEEN date '2026-11-16' AND date_add('day', 6, date '2026-11-16') AND user_id IS NOT NULL
GROUP BY user_id HAVING count_if(surface = 'reels') > 0 AND count_if(surface = 'feed') = 0""",
    "not_in_null_safe": f"""SELECT DISTINCT user_id FROM user_events WHERE surface = 'reels' AND {W} AND user_id IS NOT NULL
AND user_id NOT IN (SELECT user_id FROM user_events WHERE surface = 'feed' AND {W} AND user_id IS NOT NULL)""",
    "window_function": f"""WITH s AS (SELECT user_id, surface,
  MAX(CASE WHEN surface = 'feed' THEN 1 ELSE 0 END) OVER (PARTITION BY user_id) AS has_feed
  FROM user_events WHERE {W} AND user_id IS NOT NULL)
SELECT DISTINCT user_id FROM s WHERE surface = 'reels' AND has_feed = 0""",
    "timestamp_half_open": not_exists(
        "event_ts >= TIMESTAMP '2026-11-16 00:00:00' AND r.event_ts < TIMESTAMP '2026-11-23 00:00:00'",
        "event_ts >= TIMESTAMP '2026-11-16' AND f.event_ts < TIMESTAMP '2026-11-23'",
    ),
    "upper_case_alias_trailing_semicolon": not_exists(select="DISTINCT r.user_id AS USER_ID") + ";",
}

REELS_WRONG = {
    "logged_out_row_kept": (
        f"""SELECT user_id FROM user_events WHERE surface = 'reels' AND {W}
EXCEPT SELECT user_id FROM user_events WHERE surface = 'feed' AND {W}""",
        "NULL user_id",
    ),
    "missing_distinct": (not_exists(select="r.user_id"), "DISTINCT"),
    "end_date_exclusive": (
        not_exists(
            "event_date >= DATE '2026-11-16' AND r.event_date < DATE '2026-11-22'",
            "event_date >= DATE '2026-11-16' AND f.event_date < DATE '2026-11-22'",
        ),
        "includes all of 2026-11-22",
    ),
    "start_date_exclusive": (
        not_exists(
            "event_date > DATE '2026-11-16' AND r.event_date <= DATE '2026-11-22'",
            "event_date > DATE '2026-11-16' AND f.event_date <= DATE '2026-11-22'",
        ),
        "first day",
    ),
    "event_ts_between_dates": (
        not_exists("event_ts BETWEEN '2026-11-16' AND '2026-11-22'", "event_ts BETWEEN '2026-11-16' AND '2026-11-22'"),
        "stops at the start of the last day",
    ),
    "wrong_week": (
        not_exists(
            "event_date BETWEEN DATE '2026-11-15' AND DATE '2026-11-21'",
            "event_date BETWEEN DATE '2026-11-15' AND DATE '2026-11-21'",
        ),
        "Check the dates",
    ),
    "feed_side_not_windowed": (not_exists(feed_where="user_id IS NOT NULL"), "Feed side too"),
    "no_window": (not_exists("user_id IS NOT NULL", "user_id IS NOT NULL"), "Filter both sides"),
    "not_in_with_nulls": (
        f"""SELECT DISTINCT user_id FROM user_events WHERE surface = 'reels' AND {W}
AND user_id NOT IN (SELECT user_id FROM user_events WHERE surface = 'feed' AND {W})""",
        "NOT IN",
    ),
    "views_not_counted": (
        not_exists(f"event_type <> 'view' AND r.{W}", f"event_type <> 'view' AND f.{W}"),
        "views count",
    ),
    "stories_counted_as_reels": (
        not_exists().replace("r.surface = 'reels'", "r.surface <> 'feed'"),
        "Stories",
    ),
    "no_feed_exclusion": (
        f"SELECT DISTINCT user_id FROM user_events WHERE surface = 'reels' AND {W} AND user_id IS NOT NULL",
        "Exclude users with any Feed row",
    ),
    "extra_column": (
        f"SELECT user_id, COUNT(*) AS n FROM user_events WHERE surface = 'reels' AND {W} GROUP BY user_id",
        "unexpected: n",
    ),
}

RETENTION_RIGHT = {
    "left_join_cte": """WITH cohort AS (SELECT user_id, signup_date FROM dim_users),
retained AS (SELECT DISTINCT c.user_id FROM cohort c JOIN user_events e
  ON e.user_id = c.user_id AND e.event_date = c.signup_date + INTERVAL 1 DAY)
SELECT c.signup_date, COUNT(*) AS cohort_size, COUNT(r.user_id) AS retained_users,
  ROUND(COUNT(r.user_id) * 1.0 / COUNT(*), 4) AS retention_rate
FROM cohort c LEFT JOIN retained r ON r.user_id = c.user_id GROUP BY c.signup_date""",
    "count_distinct_left_join": """SELECT u.signup_date, COUNT(DISTINCT u.user_id) AS cohort_size,
  COUNT(DISTINCT e.user_id) AS retained_users,
  ROUND(CAST(COUNT(DISTINCT e.user_id) AS DOUBLE) / COUNT(DISTINCT u.user_id), 4) AS retention_rate
FROM dim_users u LEFT JOIN user_events e ON e.user_id = u.user_id AND e.event_date = u.signup_date + 1
GROUP BY u.signup_date ORDER BY u.signup_date""",
    "exists_flag": """SELECT signup_date, COUNT(*) AS cohort_size, SUM(flag) AS retained_users,
  ROUND(AVG(flag), 4) AS retention_rate
FROM (SELECT u.signup_date, CASE WHEN EXISTS (SELECT 1 FROM user_events e WHERE e.user_id = u.user_id
      AND e.event_date = u.signup_date + 1) THEN 1 ELSE 0 END AS flag FROM dim_users u) t
GROUP BY signup_date""",
    "presto_date_add_cast_double": """WITH d1 AS (
  SELECT DISTINCT e.user_id FROM user_events e JOIN dim_users u ON u.user_id = e.user_id
  WHERE e.event_date = date_add('day', 1, u.signup_date))
SELECT u.signup_date, count(*) AS cohort_size, count(d1.user_id) AS retained_users,
  round(CAST(count(d1.user_id) AS double) / count(*), 4) AS retention_rate
FROM dim_users u LEFT JOIN d1 ON d1.user_id = u.user_id GROUP BY u.signup_date""",
    "presto_count_if_bool_or": """SELECT signup_date, count(*) AS cohort_size, count_if(ret) AS retained_users,
  round(count_if(ret) * 1.0000 / count(*), 4) AS retention_rate
FROM (SELECT u.signup_date, u.user_id, bool_or(e.event_date = date_add('day', 1, u.signup_date)) AS ret
      FROM dim_users u LEFT JOIN user_events e ON e.user_id = u.user_id GROUP BY 1, 2) t
GROUP BY signup_date""",
    "unrounded_rate_from_timestamp": """SELECT u.signup_date, COUNT(*) AS cohort_size, COUNT(r.user_id) AS retained_users,
  COUNT(r.user_id)::DOUBLE / COUNT(*) AS retention_rate
FROM dim_users u LEFT JOIN (SELECT DISTINCT user_id, CAST(event_ts AS DATE) AS d FROM user_events) r
  ON r.user_id = u.user_id AND r.d = u.signup_date + 1 GROUP BY 1""",
    "window_functions": """WITH flags AS (SELECT u.signup_date, u.user_id,
  MAX(CASE WHEN e.event_date = u.signup_date + 1 THEN 1 ELSE 0 END) AS kept
  FROM dim_users u LEFT JOIN user_events e ON e.user_id = u.user_id GROUP BY u.signup_date, u.user_id),
agg AS (SELECT signup_date, COUNT(*) OVER (PARTITION BY signup_date) AS cohort_size,
  SUM(kept) OVER (PARTITION BY signup_date) AS retained_users,
  ROW_NUMBER() OVER (PARTITION BY signup_date ORDER BY user_id) AS rn FROM flags)
SELECT signup_date, cohort_size, retained_users, ROUND(retained_users / cohort_size, 4) AS retention_rate
FROM agg WHERE rn = 1""",
}


def retention(
    join: str = "e.event_date = u.signup_date + 1",
    kind: str = "LEFT JOIN",
    retained: str = "COUNT(DISTINCT e.user_id)",
    size: str = "COUNT(DISTINCT u.user_id)",
    rate: str | None = None,
) -> str:
    rate = rate or f"ROUND({retained} / {size}, 4)"
    return f"""SELECT u.signup_date, {size} AS cohort_size, {retained} AS retained_users, {rate} AS retention_rate
FROM dim_users u {kind} user_events e ON e.user_id = u.user_id AND {join} GROUP BY 1"""


RETENTION_WRONG = {
    "inner_join_drops_zero_cohorts": (retention(kind="JOIN"), "LEFT JOIN"),
    "counts_events_not_users": (retention(retained="COUNT(e.user_id)"), "DISTINCT user_id"),
    "cohort_size_counts_joined_rows": (retention(size="COUNT(*)"), "cohort_size counts joined rows"),
    "signup_day_instead_of_next": (retention(join="e.event_date = u.signup_date"), "signup day itself"),
    "two_days_after": (retention(join="e.event_date = u.signup_date + 2"), "two days after"),
    "any_later_day": (retention(join="e.event_date >= u.signup_date + 1"), "any later day"),
    "between_day0_and_day1": (
        retention(join="e.event_date BETWEEN u.signup_date AND u.signup_date + 1"),
        "also counts activity on the signup day",
    ),
    "integer_division_presto": (
        """SELECT u.signup_date, count(DISTINCT u.user_id) AS cohort_size, count(DISTINCT e.user_id) AS retained_users,
  round(count(DISTINCT e.user_id) / count(DISTINCT u.user_id), 4) AS retention_rate
FROM dim_users u LEFT JOIN user_events e ON e.user_id = u.user_id
  AND e.event_date = date_add('day', 1, u.signup_date) GROUP BY 1""",
        "integer division",
    ),
    "integer_division_duckdb": (
        retention(rate="COUNT(DISTINCT e.user_id) // COUNT(DISTINCT u.user_id)"),
        "integer division",
    ),
    "percentage": (
        retention(rate="ROUND(100.0 * COUNT(DISTINCT e.user_id) / COUNT(DISTINCT u.user_id), 2)"),
        "not a percentage",
    ),
    "rounded_to_2_decimals": (
        retention(rate="ROUND(COUNT(DISTINCT e.user_id) / COUNT(DISTINCT u.user_id), 2)"),
        "rounded to 4 decimals",
    ),
    "joined_on_date_only": (
        """WITH c AS (SELECT signup_date, COUNT(*) AS cohort_size FROM dim_users GROUP BY 1),
r AS (SELECT u.signup_date, COUNT(DISTINCT e.user_id) AS retained_users
      FROM dim_users u JOIN user_events e ON e.event_date = u.signup_date + 1 GROUP BY 1)
SELECT c.signup_date, c.cohort_size, COALESCE(r.retained_users, 0) AS retained_users,
  ROUND(COALESCE(r.retained_users, 0) / c.cohort_size, 4) AS retention_rate
FROM c LEFT JOIN r USING (signup_date)""",
        "on user_id as well",
    ),
    "missing_rate_column": (
        retention().replace(", ROUND(COUNT(DISTINCT e.user_id) / COUNT(DISTINCT u.user_id), 4) AS retention_rate", ""),
        "missing: retention_rate",
    ),
}


def top3(
    order: str = "ctr_raw DESC, campaign_id ASC",
    fn: str = "ROW_NUMBER()",
    having: str = "COUNT(*) >= 1000",
    where: str = "event_date = DATE '2026-11-22'",
    part: str = "PARTITION BY advertiser_id",
    raw: str = "CAST(clicks AS DOUBLE) / impressions",
    keep: str = "rnk <= 3",
    rank: str = "rnk",
) -> str:
    return f"""WITH daily AS (
  SELECT advertiser_id, campaign_id, COUNT(*) AS impressions, SUM(CASE WHEN clicked THEN 1 ELSE 0 END) AS clicks
  FROM ads_impressions WHERE {where} GROUP BY advertiser_id, campaign_id HAVING {having}),
ranked AS (SELECT advertiser_id, campaign_id, impressions, clicks, {raw} AS ctr_raw,
  {fn} OVER ({part} ORDER BY {order}) AS rnk FROM daily)
SELECT advertiser_id, campaign_id, impressions, clicks, ROUND(ctr_raw, 4) AS ctr, {rank} AS rank
FROM ranked WHERE {keep}"""


CTR_RIGHT = {
    "row_number_ctes": top3(),
    "qualify_count_filter": """SELECT advertiser_id, campaign_id, COUNT(*) AS impressions,
  COUNT(*) FILTER (WHERE clicked) AS clicks, ROUND(COUNT(*) FILTER (WHERE clicked) / COUNT(*), 4) AS ctr,
  ROW_NUMBER() OVER (PARTITION BY advertiser_id ORDER BY COUNT(*) FILTER (WHERE clicked) / COUNT(*) DESC,
                     campaign_id) AS rank
FROM ads_impressions WHERE event_date = '2026-11-22' GROUP BY 1, 2 HAVING COUNT(*) >= 1000 QUALIFY rank <= 3""",
    "presto_count_if_cast_double": """WITH daily AS (
  SELECT advertiser_id, campaign_id, count(*) AS impressions, count_if(clicked) AS clicks
  FROM ads_impressions WHERE event_date = date '2026-11-22' GROUP BY 1, 2 HAVING count(*) >= 1000),
ranked AS (SELECT advertiser_id, campaign_id, impressions, clicks, CAST(clicks AS double) / impressions AS ctr,
  row_number() OVER (PARTITION BY advertiser_id ORDER BY CAST(clicks AS double) / impressions DESC, campaign_id) AS rn
  FROM daily)
SELECT advertiser_id, campaign_id, impressions, clicks, round(ctr, 4) AS ctr, rn AS "rank" FROM ranked WHERE rn <= 3""",
    "presto_date_add": """WITH daily AS (
  SELECT advertiser_id, campaign_id, count(*) AS impressions, count_if(clicked) AS clicks
  FROM ads_impressions WHERE event_date = date_add('day', 6, date '2026-11-16') GROUP BY 1, 2 HAVING count(*) >= 1000)
SELECT * FROM (SELECT advertiser_id, campaign_id, impressions, clicks, round(clicks * 1e0 / impressions, 4) AS ctr,
  row_number() OVER (PARTITION BY advertiser_id ORDER BY clicks * 1e0 / impressions DESC, campaign_id ASC) AS rank
  FROM daily) t WHERE rank <= 3""",
    "correlated_subquery_rank": """WITH daily AS (
  SELECT advertiser_id, campaign_id, COUNT(*) AS impressions, SUM(CAST(clicked AS INT)) AS clicks
  FROM ads_impressions WHERE event_date = DATE '2026-11-22' GROUP BY 1, 2 HAVING COUNT(*) >= 1000),
r AS (SELECT a.*, 1 + (SELECT COUNT(*) FROM daily b WHERE b.advertiser_id = a.advertiser_id
  AND (b.clicks * a.impressions > a.clicks * b.impressions
       OR (b.clicks * a.impressions = a.clicks * b.impressions AND b.campaign_id < a.campaign_id))) AS rnk FROM daily a)
SELECT advertiser_id, campaign_id, impressions, clicks, ROUND(clicks::DOUBLE / impressions, 4) AS ctr, rnk AS rank
FROM r WHERE rnk <= 3""",
    "ordered_output": top3() + " ORDER BY advertiser_id, rank",
    "decimal_ctr": top3(raw="CAST(clicks AS DECIMAL(18, 6)) / impressions"),
}

CTR_WRONG = {
    "greater_than_threshold": (top3(having="COUNT(*) > 1000"), ">= 1000"),
    "rank_shares_ties": (top3(fn="RANK()", order="ctr_raw DESC"), "RANK()"),
    "dense_rank_shares_ties": (top3(fn="DENSE_RANK()", order="ctr_raw DESC"), "DENSE_RANK()"),
    "ties_to_higher_campaign": (top3(order="ctr_raw DESC, campaign_id DESC"), "lower campaign_id"),
    "global_top3": (top3(part=""), "PARTITION BY advertiser_id"),
    "no_date_filter": (top3(where="TRUE"), "Count only 2026-11-22"),
    "wrong_day": (top3(where="event_date = DATE '2026-11-21'"), "no rows"),
    "no_threshold": (top3(having="TRUE"), "fewer than 1000 impressions"),
    "integer_division_duckdb": (top3(raw="clicks // impressions"), "integer division"),
    "integer_division_presto": (
        """WITH daily AS (
  SELECT advertiser_id, campaign_id, count(*) AS impressions, count_if(clicked) AS clicks
  FROM ads_impressions WHERE event_date = date_add('day', 6, date '2026-11-16') GROUP BY 1, 2 HAVING count(*) >= 1000)
SELECT * FROM (SELECT advertiser_id, campaign_id, impressions, clicks, round(clicks / impressions, 4) AS ctr,
  row_number() OVER (PARTITION BY advertiser_id ORDER BY clicks / impressions DESC, campaign_id ASC) AS rank
  FROM daily) t WHERE rank <= 3""",
        "integer division",
    ),
    "impressions_as_distinct_users": (
        top3().replace("COUNT(*) AS impressions", "COUNT(DISTINCT user_id) AS impressions"),
        "distinct users",
    ),
    "top_four": (top3(keep="rnk <= 4"), "1 to 3"),
    # from the blind gold set (g118): 12/1001 and 12/1000 both round to 0.0120
    "ranks_on_rounded_ctr": (top3(order="ROUND(ctr_raw, 4) DESC, campaign_id ASC"), "round only the ctr you return"),
    "rank_from_zero": (top3(rank="rnk - 1"), "1 to 3"),
}

CASES = [
    *[("sql-reels-not-feed", name, sql, True, None) for name, sql in REELS_RIGHT.items()],
    *[("sql-reels-not-feed", name, sql, False, hint) for name, (sql, hint) in REELS_WRONG.items()],
    *[("sql-d1-retention", name, sql, True, None) for name, sql in RETENTION_RIGHT.items()],
    *[("sql-d1-retention", name, sql, False, hint) for name, (sql, hint) in RETENTION_WRONG.items()],
    *[("sql-top-campaigns-ctr", name, sql, True, None) for name, sql in CTR_RIGHT.items()],
    *[("sql-top-campaigns-ctr", name, sql, False, hint) for name, (sql, hint) in CTR_WRONG.items()],
]


@pytest.mark.parametrize(
    ("question_id", "name", "sql", "correct", "hint"),
    CASES,
    ids=[f"{c[0].removeprefix('sql-')}-{'right' if c[3] else 'wrong'}-{c[1]}" for c in CASES],
)
def test_verdicts(question_id: str, name: str, sql: str, correct: bool, hint: str | None) -> None:
    result = grade_sql(question_id, sql)
    assert result.correct is correct, result.feedback
    assert result.error is None, result.error
    if correct:
        assert result.feedback.startswith("Correct") and result.expected_rows == result.actual_rows
    else:
        assert result.feedback.startswith("Incorrect")
        assert hint is not None and hint in result.feedback, result.feedback


@pytest.mark.parametrize("question_id", SQL_QUESTIONS)
def test_reference_passes_and_is_never_quoted(question_id: str) -> None:
    assert grade_sql(question_id, REFERENCE_SQL[question_id]).correct
    reference_lines = [ln.strip() for ln in REFERENCE_SQL[question_id].splitlines() if len(ln.strip()) > 30]
    wrong = {"sql-reels-not-feed": REELS_WRONG, "sql-d1-retention": RETENTION_WRONG, "sql-top-campaigns-ctr": CTR_WRONG}
    for sql, _ in wrong[question_id].values():
        feedback = grade_sql(question_id, sql).feedback
        assert not any(line in feedback for line in reference_lines)


def test_dialect_is_reported() -> None:
    assert grade_sql("sql-reels-not-feed", REELS_RIGHT["not_exists"]).dialect == "duckdb"
    presto = grade_sql("sql-reels-not-feed", REELS_RIGHT["presto_count_if_date_add"])
    assert presto.dialect == "presto" and "Presto" in presto.feedback


def test_feedback_names_hidden_tests_and_shows_few_rows() -> None:
    result = grade_sql("sql-reels-not-feed", REELS_WRONG["views_not_counted"][0])
    assert "hidden test" in result.feedback
    shown = [ln for ln in result.feedback.splitlines() if ln.strip().startswith(("Missing rows", "Unexpected rows"))]
    assert shown and all(ln.count("(user_id=") <= 3 for ln in shown)


def test_logged_out_row_is_a_wrong_answer_with_a_hint() -> None:
    result = grade_sql("sql-reels-not-feed", REELS_WRONG["logged_out_row_kept"][0])
    assert not result.correct and "NULL user_id" in result.feedback


def test_presto_portability_note_for_integer_division() -> None:
    result = grade_sql("sql-d1-retention", RETENTION_RIGHT["window_functions"])
    assert result.correct and "integer / integer truncates" in result.feedback


def test_syntax_error_has_line_and_column() -> None:
    result = grade_sql("sql-reels-not-feed", "SELECT DISTINCT user_id\nFORM user_events\nWHERE surface = 'reels'")
    assert not result.correct and result.actual_rows == 0
    assert result.error is not None and "line 2, column 6" in result.error
    assert "^" in result.feedback and result.dialect == "duckdb"


def test_unknown_column_lists_tables() -> None:
    result = grade_sql("sql-d1-retention", "SELECT signup_day FROM dim_users")
    assert result.error is not None and "signup_day" in result.error
    assert "dim_users(user_id, country, signup_date" in result.feedback


def test_empty_query() -> None:
    for text in ("", "   \n"):
        result = grade_sql("sql-d1-retention", text)
        assert not result.correct and result.error is not None and "Empty" in result.error
        assert result.expected_rows > 0 and result.actual_rows == 0


def test_unknown_question_raises() -> None:
    with pytest.raises(KeyError):
        grade_sql("design-ads-performance-pipeline", "SELECT 1")
    with pytest.raises(KeyError):
        run_sample("nope", "SELECT 1")


def test_hostile_queries_are_refused_not_raised(tmp_path) -> None:
    for sql in (
        f"COPY user_events TO '{tmp_path}/x.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT 1; SELECT 2",
    ):
        result = grade_sql("sql-reels-not-feed", sql)
        assert not result.correct and result.error is not None and result.error.startswith("Refused")
    assert list(tmp_path.iterdir()) == []


def test_runaway_query_is_stopped() -> None:
    result = grade_sql(
        "sql-reels-not-feed",
        "SELECT a.range AS user_id FROM range(100000000) a, range(100000000) b",
        Limits(timeout_s=0.5),
    )
    assert not result.correct and result.error is not None and result.error.startswith("Stopped")
    assert "join without a condition" in result.feedback


def test_run_sample_returns_rows() -> None:
    run = run_sample("sql-reels-not-feed", REELS_RIGHT["not_exists"])
    assert run.error is None and run.columns == ["user_id"] and run.rows and not run.truncated
    big = run_sample("sql-reels-not-feed", "SELECT * FROM user_events")
    assert big.truncated and len(big.rows) == 200 and len(big.columns) == 7


def test_run_sample_errors_and_dialect() -> None:
    bad = run_sample("sql-d1-retention", "SELECT signup_date\nFROM dim_users\nWHERE")
    assert bad.error is not None and "line 3" in bad.error and not bad.rows
    presto = run_sample("sql-d1-retention", "SELECT date_add('day', 1, signup_date) AS d1 FROM dim_users")
    assert presto.error is None and presto.dialect == "presto"
    assert run_sample("sql-d1-retention", "").error is not None
    refused = run_sample("sql-d1-retention", "SELECT * FROM read_csv('/etc/passwd')")
    assert refused.error is not None and refused.error.startswith("Refused")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT [1, 2] AS user_id",
        "SELECT {'a': 1} AS user_id",
        "SELECT INTERVAL 1 DAY AS user_id",
        "SELECT 'x'::BLOB AS user_id, 1 AS user_id",
        "SELECT 'a' AS signup_date, [1] AS cohort_size, {'k': 2} AS retained_users, 'NaN'::DOUBLE AS retention_rate",
        "SELECT NULL AS advertiser_id, NULL AS campaign_id, NULL AS impressions, NULL AS clicks, NULL AS ctr, NULL AS rank",
        "(" * 3000 + "SELECT 1" + ")" * 3000,
        "SELECT 1" + " " * 200_000,
    ],
)
def test_odd_results_never_raise(sql: str) -> None:
    for question_id in SQL_QUESTIONS:
        result = grade_sql(question_id, sql)
        assert not result.correct and result.feedback


def test_too_many_rows_is_reported() -> None:
    result = grade_sql("sql-reels-not-feed", "SELECT range AS user_id FROM range(50000)")
    assert not result.correct and "reading stopped there" in result.feedback
