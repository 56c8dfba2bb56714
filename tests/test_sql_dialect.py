"""Dialects: DuckDB as written first, Presto/Trino by transpiling, errors located for the learner."""

from __future__ import annotations

from evaluator.sql.datasets import sample_dataset
from evaluator.sql.dialect import (
    duckdb_portable,
    error_position,
    presto_to_duckdb,
    run_with_dialect,
    snippet,
)


def test_presto_constructs_are_translated() -> None:
    sql = (
        "SELECT date_add('day', 1, signup_date) AS d, CAST(user_id AS double) AS x "
        "FROM dim_users WHERE signup_date >= date '2026-11-16'"
    )
    out = presto_to_duckdb(sql)
    assert out is not None
    assert "INTERVAL" in out and "DOUBLE" in out and "CAST('2026-11-16' AS DATE)" in out


def test_presto_integer_division_is_kept() -> None:
    out = presto_to_duckdb("SELECT count_if(clicked) / count(*) AS ctr FROM ads_impressions")
    assert out is not None and "//" in out
    out = presto_to_duckdb("SELECT CAST(count_if(clicked) AS double) / count(*) AS ctr FROM ads_impressions")
    assert out is not None and "//" not in out
    # integer types flow through CTE columns
    cte = (
        "WITH c AS (SELECT campaign_id, count(*) AS n, count_if(clicked) AS k FROM ads_impressions GROUP BY 1) "
        "SELECT k / n AS ctr, k * 1.0 / n AS ok FROM c"
    )
    out = presto_to_duckdb(cte)
    assert out is not None and out.count("//") == 1


def test_count_if_is_a_count_on_empty_groups() -> None:
    """Presto's count_if returns 0 for no true rows; DuckDB's returns NULL for an all-NULL group."""
    sql = "SELECT count_if(clicked) AS n FROM ads_impressions WHERE FALSE"
    assert "COUNT(CASE WHEN" in duckdb_portable(sql)
    run = run_with_dialect(sql, sample_dataset())
    assert run.outcome.ok and run.outcome.rows == [(0,)] and run.dialect == "duckdb"
    assert duckdb_portable("SELECT 1") == "SELECT 1"


def test_duckdb_first() -> None:
    run = run_with_dialect(
        "SELECT COUNT(*) AS n FROM dim_users WHERE signup_date + 1 > DATE '2026-11-01'", sample_dataset()
    )
    assert run.outcome.ok and run.dialect == "duckdb"


def test_a_query_declared_presto_is_read_as_presto() -> None:
    # Both engines accept this text; they disagree on integer / integer. A blind gold answer
    # (g159) said "-- Presto" and was graded as DuckDB, so its truncated CTR passed.
    body = "SELECT sum(CASE WHEN clicked THEN 1 ELSE 0 END) / count(*) AS ctr FROM ads_impressions"
    for header in ("-- Presto\n", "/* trino */ ", "-- dialect: Presto, written for the interview\n"):
        run = run_with_dialect(header + body, sample_dataset())
        assert run.dialect == "presto" and "//" in run.sql, header
        assert all(r[0] == 0 for r in run.outcome.rows)
    plain = run_with_dialect(body, sample_dataset())
    assert plain.dialect == "duckdb" and 0 < plain.outcome.rows[0][0] < 1
    # a mention further down, or a remark that only mentions Presto, is not a declaration
    later = run_with_dialect(body + "\n-- on Presto this would differ", sample_dataset())
    assert later.dialect == "duckdb"
    for remark in ("-- Presto-style functions avoided; this runs on DuckDB\n", "-- presto would truncate, so I cast\n"):
        assert run_with_dialect(remark + body, sample_dataset()).dialect == "duckdb", remark


def test_a_presto_declaration_in_the_note_counts() -> None:
    from evaluator.sql.dialect import declared_in_note

    for note in ("This is for Presto.", "Written for Trino; the inner query...", "Presto SQL, tested on a sample."):
        assert declared_in_note(note), note
    for note in ("On Presto this would truncate, so I cast to double.", "Presto/Trino and DuckDB both accept this.", ""):
        assert not declared_in_note(note), note
    body = "SELECT sum(CASE WHEN clicked THEN 1 ELSE 0 END) / count(*) AS ctr FROM ads_impressions"
    run = run_with_dialect(body, sample_dataset(), declared=True)
    assert run.dialect == "presto" and all(r[0] == 0 for r in run.outcome.rows)


def test_banner_comments_before_the_declaration() -> None:
    # A regex version of this scan backtracked exponentially: two 20-dash banners took a minute.
    from evaluator.sql.dialect import declared_presto

    banner = ("-- " + "-" * 40 + "\n") * 50
    assert not declared_presto(banner + "SELECT 1")
    assert declared_presto(banner + "-- Presto\n" + "/* top 3 per advertiser */\nSELECT 1")


def test_presto_reported_when_the_translation_ran() -> None:
    run = run_with_dialect("SELECT date_add('day', 1, signup_date) AS d FROM dim_users LIMIT 1", sample_dataset())
    assert run.outcome.ok and run.dialect == "presto"
    assert run.sql != "SELECT date_add('day', 1, signup_date) AS d FROM dim_users LIMIT 1"


def test_both_fail_reports_duckdb_error_with_position() -> None:
    sql = "SELECT user_id\nFORM user_events"
    run = run_with_dialect(sql, sample_dataset())
    assert not run.outcome.ok and run.dialect == "duckdb" and run.outcome.kind == "syntax"
    assert error_position(run.outcome.detail or "", sql) == (2, 6)


def test_translated_error_preferred_when_duckdb_only_missed_a_presto_function() -> None:
    sql = "SELECT date_add('day', 1, signup_date) AS d, no_such_column FROM dim_users"
    run = run_with_dialect(sql, sample_dataset())
    assert not run.outcome.ok and run.translated_error and run.dialect == "presto"
    assert "no_such_column" in (run.outcome.error or "")


def test_error_position_with_shortened_line() -> None:
    sql = (
        "select a from t where a = 1 and event_date between date '2026-11-16' and date '2026-11-22' and xx = 1 "
        "and a in (select a from t where a > 3 and yy = 1) and event_date > date '2026-01-01' group by a"
    )
    message = (
        'Binder Error: Referenced column "yy" not found in FROM clause!\n\n'
        "LINE 1: ...-11-22' and xx = 1 and a in (select a from t where a > 3 and yy = 1) and event_date > "
        "date '2026-01-01' group by a\n" + " " * 72 + "^^"
    )
    line, col = error_position(message, sql) or (0, 0)
    assert line == 1 and sql[col - 1 : col + 1] == "yy"
    assert snippet(message) is not None
    assert error_position("no location here", sql) is None
