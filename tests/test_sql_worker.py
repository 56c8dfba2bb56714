"""The SQL worker process: memory bombs, runaway queries, crashes, restarts, and the wire format.

DuckDB's memory_limit and interrupt do not stop everything (``repeat('x', 3000000000)``
allocates outside the buffer manager and never checks for an interrupt), so candidate SQL runs
in a separate process with a hard address-space limit that the app kills at a deadline. These
tests check that a hostile query is stopped quickly with a clear message, that the test
process's own memory never grows with it, and that the next verdict is served normally.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from evaluator.sql import grade_sql, run_sample
from evaluator.sql import worker as sql_worker
from evaluator.sql.datasets import Dataset, sample_dataset
from evaluator.sql.reference import REFERENCE_SQL
from evaluator.sql.sandbox import Limits, run_untrusted
from evaluator.sql.schema import TABLES

MEMORY_BOMBS = [
    "SELECT length(repeat('x', 3000000000)) AS user_id",
    "SELECT length(repeat(repeat('x', 1000000000), 4)) AS user_id",
]
# Quadratic work inside one scalar call: DuckDB's interrupt is not checked until it returns
# (~20 s). DuckDB 2.0 made levenshtein interruptible; damerau_levenshtein still is not.
UNINTERRUPTIBLE = "SELECT damerau_levenshtein(repeat('a', 30000), repeat('b', 30000)) AS user_id"


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/self/status")


def worker_pid() -> int:
    """The live worker's pid, starting one if needed."""
    assert run_sample("sql-reels-not-feed", "SELECT 1 AS x").rows == [(1,)]
    pid = sql_worker.worker_pid()
    assert pid is not None
    return pid


def assert_next_verdict_is_correct() -> None:
    result = grade_sql("sql-reels-not-feed", REFERENCE_SQL["sql-reels-not-feed"])
    assert result.correct and result.error is None, result.feedback


@pytest.fixture
def fresh_worker():
    """A worker started under this test's environment, stopped afterwards (the next test starts its own)."""
    sql_worker.shutdown()
    yield
    sql_worker.shutdown()


@pytest.mark.parametrize("sql", MEMORY_BOMBS)
def test_memory_bomb_is_stopped_quickly_outside_this_process(sql: str) -> None:
    worker_pid()  # warm: datasets, references and the worker exist before measuring
    grade_sql("sql-reels-not-feed", "SELECT 1 AS user_id")
    before = peak_rss_kb()
    started = time.perf_counter()
    result = grade_sql("sql-reels-not-feed", sql)
    elapsed = time.perf_counter() - started
    assert not result.correct
    assert result.error is not None and result.error.startswith("Stopped: the query used more memory than allowed")
    assert "memory" in result.feedback
    assert elapsed < 2.0, f"took {elapsed:.1f} s"
    assert peak_rss_kb() - before < 64 * 1024, "the bomb must not touch the app's memory"
    assert_next_verdict_is_correct()


def test_memory_bomb_on_run_sample() -> None:
    worker_pid()
    before = peak_rss_kb()
    started = time.perf_counter()
    run = run_sample("sql-d1-retention", MEMORY_BOMBS[1])
    assert run.error is not None and run.error.startswith("Stopped: the query used more memory than allowed")
    assert not run.rows and time.perf_counter() - started < 2.0
    assert peak_rss_kb() - before < 64 * 1024
    assert run_sample("sql-d1-retention", "SELECT COUNT(*) AS n FROM dim_users").rows == [
        (len(sample_dataset().rows("dim_users")),)
    ]


def test_worker_has_a_hard_address_space_limit(fresh_worker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sql_worker.MEMORY_ENV, "1024")
    pid = worker_pid()
    limits = Path(f"/proc/{pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert line.split()[3:5] == [str(1024 * 2**20)] * 2, line
    # Still enough for every dataset and reference under the tighter limit.
    assert_next_verdict_is_correct()
    assert grade_sql("sql-top-campaigns-ctr", REFERENCE_SQL["sql-top-campaigns-ctr"]).correct


def test_memory_setting_is_validated(fresh_worker, monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("lots", "100"):
        monkeypatch.setenv(sql_worker.MEMORY_ENV, bad)
        with pytest.raises(ValueError, match=sql_worker.MEMORY_ENV):
            sql_worker.memory_limit_mb()
    monkeypatch.delenv(sql_worker.MEMORY_ENV)
    assert sql_worker.memory_limit_mb() == sql_worker.DEFAULT_MEMORY_MB


def test_runaway_query_is_killed_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sql_worker.GRACE_ENV, "0.3")
    old = worker_pid()
    started = time.perf_counter()
    outcome = run_untrusted(UNINTERRUPTIBLE, sample_dataset(), Limits(timeout_s=0.5))
    elapsed = time.perf_counter() - started
    assert outcome.kind == "timeout" and outcome.error == "Stopped: the query ran longer than 0.5 s."
    assert "was stopped" in (outcome.detail or "")
    assert elapsed < 2.5, f"took {elapsed:.1f} s"
    with pytest.raises(ProcessLookupError):
        os.kill(old, 0)  # killed and reaped
    assert worker_pid() != old, "a new worker took its place"
    assert_next_verdict_is_correct()


def test_runaway_verdict_reports_time_and_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sql_worker.GRACE_ENV, "0.3")
    worker_pid()
    result = grade_sql("sql-reels-not-feed", UNINTERRUPTIBLE, Limits(timeout_s=0.5))
    assert not result.correct and result.error == "Stopped: the query ran longer than 0.5 s."
    assert result.feedback.startswith("Stopped: the query ran longer than 0.5 s.")
    assert_next_verdict_is_correct()


def test_worker_dying_mid_query_is_reported_and_replaced() -> None:
    """What the kernel's OOM killer would do: the query gets a memory refusal, the next run works."""
    old = worker_pid()
    killer = threading.Timer(0.3, os.kill, args=(old, signal.SIGKILL))
    killer.start()
    try:
        outcome = run_untrusted(UNINTERRUPTIBLE, sample_dataset(), Limits(timeout_s=10))
    finally:
        killer.cancel()
    assert outcome.kind == "resources", (outcome.kind, outcome.error)
    assert outcome.error is not None and outcome.error.startswith("Stopped: the query used more memory than allowed")
    assert "SIGKILL" in (outcome.detail or "")
    assert worker_pid() != old
    assert_next_verdict_is_correct()


def test_worker_that_died_while_idle_is_restarted_transparently() -> None:
    old = worker_pid()
    os.kill(old, signal.SIGKILL)
    time.sleep(0.05)
    assert_next_verdict_is_correct()
    assert worker_pid() != old


def test_huge_result_values_are_refused() -> None:
    outcome = run_untrusted("SELECT repeat('x', 20000000) AS user_id", sample_dataset())
    assert outcome.kind == "resources" and outcome.error is not None
    assert outcome.error.startswith("Stopped: the result is larger than")


def test_sandbox_settings_hold_inside_the_worker() -> None:
    sql = (
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('enable_external_access', 'lock_configuration', 'threads', 'memory_limit', 'temp_directory')"
    )
    outcome = run_untrusted(sql, sample_dataset())
    assert outcome.ok, outcome.error
    settings = dict(outcome.rows)
    assert settings["enable_external_access"] == "false" and settings["lock_configuration"] == "true"
    assert settings["threads"] == "1" and settings["temp_directory"] == ""
    assert "MiB" in settings["memory_limit"] and float(settings["memory_limit"].split()[0]) < 260


def test_ad_hoc_dataset_is_sent_as_rows() -> None:
    tables: dict[str, list[tuple]] = {t: [] for t in TABLES}
    tables["dim_users"] = [(7, "US", date(2026, 11, 1), "free", True), (8, "IN", date(2026, 11, 2), "plus", False)]
    adhoc = Dataset(key="sample", label="ad hoc", tables=tables)  # same key as the sample, other rows
    outcome = run_untrusted("SELECT user_id, signup_date FROM dim_users ORDER BY user_id", adhoc)
    assert outcome.ok and outcome.rows == [(7, date(2026, 11, 1)), (8, date(2026, 11, 2))]


def test_concurrent_runs_are_served_one_at_a_time() -> None:
    worker_pid()
    results: list[object] = []

    def run() -> None:
        results.append(run_sample("sql-reels-not-feed", "SELECT COUNT(*) AS n FROM user_events").rows)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [[(len(sample_dataset().rows("user_events")),)]] * 4


def test_app_process_never_imports_duckdb() -> None:
    code = (
        "import sys\n"
        "from evaluator.sql import grade_sql, run_sample\n"
        "from evaluator.sql.reference import REFERENCE_SQL\n"
        "assert grade_sql('sql-d1-retention', REFERENCE_SQL['sql-d1-retention']).correct\n"
        "assert run_sample('sql-d1-retention', 'SELECT 1 AS x').rows == [(1,)]\n"
        "assert 'duckdb' not in sys.modules, 'DuckDB loaded in the app process'\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, timeout=60)


def test_values_survive_the_wire() -> None:
    values = [
        None,
        True,
        3,
        2**100,
        1.5,
        float("inf"),
        "é\x00",
        Decimal("1.2500"),
        date(2026, 11, 22),
        datetime(2026, 11, 22, 10, 30, 0, 123456),
        dtime(10, 30),
        timedelta(days=3, seconds=5, microseconds=7),
        b"\x00\xff",
        UUID("12345678-1234-5678-1234-567812345678"),
        [1, [2, None]],
        {"a": 1, "b": [date(2026, 1, 1)]},
        {1: "x", 2: "y"},
    ]
    wire = json.dumps([sql_worker.encode_value(v) for v in values])
    assert json.loads(wire, object_hook=sql_worker.decode_tag) == values
    nan = json.loads(json.dumps(sql_worker.encode_value(float("nan"))))
    assert nan != nan


def test_worker_environment_holds_no_app_secrets(fresh_worker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    pid = worker_pid()
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert not any(e.startswith(b"OPENAI_API_KEY=") for e in environ)
    assert b"ARROW_DEFAULT_MEMORY_POOL=system" in environ
