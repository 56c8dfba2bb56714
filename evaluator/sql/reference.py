"""Reference solutions, and their results on every dataset (computed once per process).

The reference queries are the ground truth the candidate's result is compared with. They are
never shown: feedback talks about result rows and common mistakes, not about this text.
"""

from __future__ import annotations

from functools import cache

from evaluator.sql.compare import ResultSet
from evaluator.sql.datasets import Dataset
from evaluator.sql.sandbox import Limits, run_untrusted
from evaluator.sql.spec import get_spec

REFERENCE_SQL: dict[str, str] = {
    # Users with any Reels row and no Feed row in the inclusive window. Logged-out rows have no
    # user, so NULL user_id is excluded on both sides (NOT EXISTS is NULL-safe for the Feed side).
    "sql-reels-not-feed": """
        SELECT DISTINCT r.user_id
        FROM user_events AS r
        WHERE r.surface = 'reels'
          AND r.user_id IS NOT NULL
          AND r.event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'
          AND NOT EXISTS (
                SELECT 1
                FROM user_events AS f
                WHERE f.user_id = r.user_id
                  AND f.surface = 'feed'
                  AND f.event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22')
    """,
    # Every cohort from dim_users (LEFT JOIN keeps cohorts with nobody retained); retained users
    # are counted once however many events they have on the next day.
    "sql-d1-retention": """
        WITH retained AS (
            SELECT DISTINCT u.user_id
            FROM dim_users AS u
            JOIN user_events AS e
              ON e.user_id = u.user_id
             AND e.event_date = u.signup_date + 1
        )
        SELECT u.signup_date,
               COUNT(*) AS cohort_size,
               COUNT(r.user_id) AS retained_users,
               ROUND(CAST(COUNT(r.user_id) AS DOUBLE) / COUNT(*), 4) AS retention_rate
        FROM dim_users AS u
        LEFT JOIN retained AS r ON r.user_id = u.user_id
        GROUP BY u.signup_date
    """,
    # One day, campaigns with >= 1000 impressions, ROW_NUMBER with campaign_id as the tie-break
    # so ties never produce a fourth row or a shared rank.
    "sql-top-campaigns-ctr": """
        WITH daily AS (
            SELECT advertiser_id,
                   campaign_id,
                   COUNT(*) AS impressions,
                   COUNT(*) FILTER (WHERE clicked) AS clicks
            FROM ads_impressions
            WHERE event_date = DATE '2026-11-22'
            GROUP BY advertiser_id, campaign_id
            HAVING COUNT(*) >= 1000
        ),
        ranked AS (
            SELECT *,
                   CAST(clicks AS DOUBLE) / impressions AS raw_ctr,
                   ROW_NUMBER() OVER (
                       PARTITION BY advertiser_id
                       ORDER BY CAST(clicks AS DOUBLE) / impressions DESC, campaign_id ASC
                   ) AS rn
            FROM daily
        )
        SELECT advertiser_id, campaign_id, impressions, clicks, ROUND(raw_ctr, 4) AS ctr, rn AS rank
        FROM ranked
        WHERE rn <= 3
    """,
}

_TRUSTED = Limits(timeout_s=30.0, memory_limit="512MB", threads=1, max_rows=1_000_000)


@cache
def expected_result(question_id: str, dataset: Dataset) -> ResultSet:
    """The reference result on one dataset; a failure here is a bug in this module, so it raises."""
    get_spec(question_id)
    outcome = run_untrusted(REFERENCE_SQL[question_id], dataset, _TRUSTED)
    if not outcome.ok:
        raise RuntimeError(f"reference query for {question_id} failed on {dataset.key}: {outcome.error}")
    return ResultSet(columns=outcome.columns, rows=outcome.rows)
