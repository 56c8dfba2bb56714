"""Median time of one SQL verdict (all datasets), per question, after a warm-up.

Run: ``python benchmarks/bench_sql.py [--runs 20]``. The first verdict in a process starts the
SQL worker process and builds the datasets (in this process and in the worker) and reference
results; the budget (300 ms) applies to the verdicts after it. Also shown: a verdict right after
the worker was replaced (what the next candidate pays after a query was killed). This script
prints figures and asserts nothing: timing belongs here, not in the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time

from evaluator.sql import SQL_QUESTIONS, grade_sql
from evaluator.sql import worker as sql_worker

# Typical candidate answers: one correct, one wrong (the wrong one also pays for diagnosis).
CANDIDATES = {
    "sql-reels-not-feed": (
        """SELECT DISTINCT r.user_id FROM user_events r
WHERE r.surface = 'reels' AND r.event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'
  AND NOT EXISTS (SELECT 1 FROM user_events f WHERE f.user_id = r.user_id AND f.surface = 'feed'
                  AND f.event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22')""",
        """SELECT DISTINCT r.user_id FROM user_events r
WHERE r.surface = 'reels' AND r.event_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'
  AND NOT EXISTS (SELECT 1 FROM user_events f WHERE f.user_id = r.user_id AND f.surface = 'feed')""",
    ),
    "sql-d1-retention": (
        """SELECT u.signup_date, count(DISTINCT u.user_id) AS cohort_size, count(DISTINCT e.user_id) AS retained_users,
  round(CAST(count(DISTINCT e.user_id) AS double) / count(DISTINCT u.user_id), 4) AS retention_rate
FROM dim_users u LEFT JOIN user_events e
  ON e.user_id = u.user_id AND e.event_date = date_add('day', 1, u.signup_date)
GROUP BY u.signup_date""",
        """SELECT u.signup_date, COUNT(DISTINCT u.user_id) AS cohort_size, COUNT(e.user_id) AS retained_users,
  ROUND(COUNT(e.user_id) / COUNT(DISTINCT u.user_id), 4) AS retention_rate
FROM dim_users u JOIN user_events e ON e.user_id = u.user_id AND e.event_date = u.signup_date + 1
GROUP BY u.signup_date""",
    ),
    "sql-top-campaigns-ctr": (
        """WITH daily AS (
  SELECT advertiser_id, campaign_id, count(*) AS impressions, count_if(clicked) AS clicks
  FROM ads_impressions WHERE event_date = date '2026-11-22' GROUP BY 1, 2 HAVING count(*) >= 1000)
SELECT advertiser_id, campaign_id, impressions, clicks, round(CAST(clicks AS double) / impressions, 4) AS ctr,
  row_number() OVER (PARTITION BY advertiser_id ORDER BY CAST(clicks AS double) / impressions DESC, campaign_id)
    AS rank
FROM daily QUALIFY rank <= 3""",
        """WITH daily AS (
  SELECT advertiser_id, campaign_id, count(*) AS impressions, count_if(clicked) AS clicks
  FROM ads_impressions WHERE event_date = date '2026-11-22' GROUP BY 1, 2 HAVING count(*) > 1000)
SELECT advertiser_id, campaign_id, impressions, clicks, round(CAST(clicks AS double) / impressions, 4) AS ctr,
  rank() OVER (PARTITION BY advertiser_id ORDER BY CAST(clicks AS double) / impressions DESC) AS rank
FROM daily QUALIFY rank <= 3""",
    ),
}


def _time(question_id: str, sql: str) -> float:
    started = time.perf_counter()
    grade_sql(question_id, sql)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    firsts = [_time(q, CANDIDATES[q][0]) for q in SQL_QUESTIONS]
    print(
        f"first verdict in the process (worker start, datasets + references built): {firsts[0]:.0f} ms; "
        f"first of each other question: " + ", ".join(f"{t:.0f} ms" for t in firsts[1:])
    )
    restarted = []
    for question_id in SQL_QUESTIONS:
        sql_worker.shutdown()  # as after a killed query: the next verdict meets a cold worker
        restarted.append(_time(question_id, CANDIDATES[question_id][0]))
    print("verdict on a freshly started worker: " + ", ".join(f"{t:.0f} ms" for t in restarted))
    for question_id in SQL_QUESTIONS:
        for label, sql in zip(("correct", "wrong"), CANDIDATES[question_id], strict=True):
            _time(question_id, sql)  # warm-up (diagnosis caches, sqlglot paths)
            times = sorted(_time(question_id, sql) for _ in range(args.runs))
            p90 = times[int(0.9 * (len(times) - 1))]
            print(
                f"{question_id:24s} {label:8s} median {statistics.median(times):6.1f} ms  "
                f"p90 {p90:6.1f} ms  (n={args.runs})"
            )


if __name__ == "__main__":
    main()
