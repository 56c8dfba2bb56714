"""The sandbox: one read-only SELECT, no files, no extensions, no settings, bounded time/memory/rows.

Queries run in the SQL worker process (see test_sql_worker.py for its own limits); the settings tests
open a sandbox connection in this process to read DuckDB's options back.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyarrow as pa
import pytest

from evaluator.sql import worker as sql_worker
from evaluator.sql.datasets import sample_dataset
from evaluator.sql.engine import open_sandbox
from evaluator.sql.sandbox import Limits, Refused, run_untrusted, statement_gate
from evaluator.sql.schema import TABLES

FAST = Limits(timeout_s=0.5, memory_limit="256MB", threads=1, max_rows=100)


def run(sql: str, limits: Limits = FAST):
    return run_untrusted(sql, sample_dataset(), limits)


def test_settings_are_really_applied() -> None:
    """Read the options back: a renamed DuckDB option must fail here, not silently do nothing."""
    con = open_sandbox(sample_dataset())
    try:
        settings = dict(con.execute("SELECT name, value FROM duckdb_settings()").fetchall())
    finally:
        con.close()
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert settings["python_enable_replacements"] == "false"
    assert settings["autoload_known_extensions"] == "false"
    assert settings["autoinstall_known_extensions"] == "false"
    assert settings["allow_community_extensions"] == "false"
    assert settings["temp_directory"] == ""
    assert settings["threads"] == "1"
    assert "MiB" in settings["memory_limit"] and float(settings["memory_limit"].split()[0]) < 260


def test_tables_have_the_documented_types() -> None:
    con = open_sandbox(sample_dataset())
    try:
        for table, cols in TABLES.items():
            described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
            assert described == list(cols)
    finally:
        con.close()


def test_a_normal_query_runs() -> None:
    out = run("SELECT surface, COUNT(*) AS n FROM user_events GROUP BY surface ORDER BY surface")
    assert out.ok and out.columns == ["surface", "n"]
    assert [r[0] for r in out.rows] == ["feed", "reels", "stories"]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_csv_auto('/etc/hostname')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM read_parquet('/tmp/x.parquet')",
        "SELECT * FROM read_json('/etc/os-release')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM 'data.csv'",
        "SELECT * FROM sniff_csv('/etc/passwd')",
    ],
)
def test_file_reads_are_refused(sql: str) -> None:
    out = run(sql)
    assert out.kind == "refused", (out.kind, out.error)
    assert out.error and out.error.startswith("Refused")
    assert not out.rows


@pytest.mark.parametrize(
    "sql",
    [
        "COPY user_events TO '{path}/out.csv'",
        "COPY (SELECT 1) TO '{path}/out.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '{path}/export'",
        "ATTACH '{path}/other.db' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET threads = 8",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA threads = 8",
        "PRAGMA version",
        "CALL pragma_version()",
        "CREATE TABLE t AS SELECT 1",
        "INSERT INTO dim_users SELECT * FROM dim_users",
        "DROP VIEW user_events",
        "SELECT 1; SELECT 2",
        "SELECT 1; COPY user_events TO '{path}/x.csv'",
        "DESCRIBE user_events",
        "EXPLAIN SELECT 1",
    ],
)
def test_statements_other_than_one_select_are_refused(sql: str, tmp_path: Path) -> None:
    out = run(sql.format(path=tmp_path))
    assert out.kind == "refused", (out.kind, out.error)
    assert list(tmp_path.iterdir()) == [], "nothing may be written"


def test_gate_rejects_before_running() -> None:
    with pytest.raises(Refused, match="2 SQL statements"):
        statement_gate("SELECT 1; SELECT 2")
    with pytest.raises(Refused, match="not COPY"):
        statement_gate("COPY t TO 'x.csv'")
    statement_gate("WITH a AS (SELECT 1 AS x) SELECT x FROM a;")  # a trailing semicolon is fine
    statement_gate("SELECT 1 UNION ALL SELECT 2")


def test_comment_cannot_smuggle_a_second_statement(tmp_path: Path) -> None:
    out = run(f"SELECT 1 AS x /* ; */ -- ; COPY user_events TO '{tmp_path}/x.csv'")
    assert out.ok and out.rows == [(1,)]
    assert list(tmp_path.iterdir()) == []


def test_python_objects_are_invisible() -> None:
    """Replacement scans are off: a DataFrame-like local variable is not a table."""
    secret_table = pa.table({"token": ["hunter2"]})  # noqa: F841 - the point is that it exists
    out = run("SELECT * FROM secret_table")
    assert out.kind == "bind" and not out.rows


def test_settings_cannot_be_read_to_escape() -> None:
    out = run("SELECT current_setting('lock_configuration') AS locked")
    assert out.ok and out.rows == [(True,)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT COUNT(*) FROM range(1000000000000)",
        "SELECT COUNT(*) FROM range(10000000) a, range(10000000) b",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r",
    ],
)
def test_runaway_queries_are_stopped_in_time(sql: str) -> None:
    started = time.perf_counter()
    out = run(sql)
    elapsed = time.perf_counter() - started
    assert out.kind in ("timeout", "resources"), (out.kind, out.error)
    assert elapsed < FAST.timeout_s + 2.0
    assert run("SELECT 42 AS x").rows == [(42,)], "the process stays healthy"


def test_memory_is_capped_and_nothing_spills_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # DuckDB's default temp directory is relative to the working directory of the worker process,
    # which inherits this one when it starts.
    monkeypatch.chdir(tmp_path)
    sql_worker.shutdown()
    try:
        out = run("SELECT string_agg(repeat('x', 1000), ',') FROM range(10000000)", Limits(timeout_s=5))
        assert out.kind in ("resources", "timeout"), (out.kind, out.error)
        assert os.listdir(tmp_path) == []
    finally:
        sql_worker.shutdown()


def test_huge_results_are_capped() -> None:
    started = time.perf_counter()
    out = run("SELECT * FROM range(1000000000)")
    assert out.ok and out.truncated and len(out.rows) == FAST.max_rows
    assert time.perf_counter() - started < 2.0, "rows are streamed, not materialised"


def test_empty_text() -> None:
    assert run("   ").kind == "empty"


def test_syntax_errors_are_classified() -> None:
    out = run("SELECT user_id\nFORM user_events")
    assert out.kind == "syntax"
    assert out.detail is not None and "LINE 2" in out.detail


def test_healthy_after_everything() -> None:
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", "SET threads = 4", "SELECT COUNT(*) FROM range(1e12::BIGINT)"):
        run(sql)
    assert run("SELECT COUNT(*) AS n FROM dim_users").rows == [(len(sample_dataset().rows("dim_users")),)]
