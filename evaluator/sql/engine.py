"""The DuckDB side of the sandbox: one query on one dataset in a fresh, locked-down database.

This module imports DuckDB and runs only inside the SQL worker process (``worker.py``); the app
and the CLI never import it. It is the first line of defence: a new in-memory database with no
file system, no extensions, no Python replacement scans, DuckDB's ``memory_limit``, one thread,
a wall-clock limit enforced by ``interrupt()`` from a timer, and a cap on fetched rows. Some
work escapes those limits (a scalar function such as ``repeat`` allocates outside DuckDB's
buffer manager and never checks for an interrupt), so the worker process adds a hard
address-space limit and the parent kills it at a deadline.

The four tables are registered from Arrow *before* the configuration is locked and replacement
scans are off, so the query sees those tables and no other Python object.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time

import duckdb

from evaluator.sql.datasets import Dataset
from evaluator.sql.sandbox import CONNECT_CONFIG, DEFAULT_LIMITS, Limits, Outcome, OutcomeKind, Refused

# With external access off DuckDB does not open ``FROM '/etc/passwd'``; it reports a missing table.
_FILE_AS_TABLE = re.compile(
    r"Table with name \S*[/\\]\S* does not exist"
    r"|Table with name \S+\.(?:csv|tsv|parquet|json|ndjson|txt|db|duckdb)\b",
    re.I,
)


def _duckdb_gate(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
    """DuckDB's own parser decides what executes: exactly one SELECT (sqlglot's gate ran first)."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise Refused(f"Refused: the answer contains {len(statements)} SQL statements; submit exactly one query.")
    stmt = statements[0]
    if stmt.type != duckdb.StatementType.SELECT:
        raise Refused(f"Refused: only a SELECT query (optionally starting with WITH) is allowed, not {stmt.type.name}.")
    return stmt


def open_sandbox(dataset: Dataset, limits: Limits = DEFAULT_LIMITS) -> duckdb.DuckDBPyConnection:
    """A new in-memory database holding the dataset, with external access off and config locked."""
    con = duckdb.connect(":memory:", config={**CONNECT_CONFIG, "threads": limits.threads})
    try:
        con.execute(f"SET memory_limit = '{limits.memory_limit}'")
        # Set at run time, not in the connect config: DuckDB applies config keys in its own
        # order and rejects temp_directory once external access is already off.
        con.execute("SET enable_external_access = false")
        for table, arrow_table in dataset.arrow().items():
            # A registered Arrow table is a zero-copy view with the documented column types;
            # copying into DuckDB tables would double the per-run cost for no isolation gain
            # (the query is read-only anyway).
            con.register(table, arrow_table)
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def run_in_process(sql: str, dataset: Dataset, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Run one query (already through ``statement_gate``) here; failures come back classified.

    Only the worker calls this with candidate text: a query can take this process's memory
    and time past the limits above, which is what the worker's own limits are for.
    """
    started = time.perf_counter()
    con = open_sandbox(dataset, limits)
    timer = threading.Timer(limits.timeout_s, _interrupt, args=(con,))
    timer.daemon = True
    try:
        try:
            stmt = _duckdb_gate(con, sql)
        except Refused as exc:
            return Outcome("refused", error=str(exc), elapsed_ms=_ms(started))
        timer.start()
        result = con.execute(stmt)
        columns = [d[0] for d in (result.description or [])]
        rows = result.fetchmany(limits.max_rows + 1)
        truncated = len(rows) > limits.max_rows
        return Outcome(
            "ok",
            columns=columns,
            rows=[tuple(r) for r in rows[: limits.max_rows]],
            truncated=truncated,
            elapsed_ms=_ms(started),
        )
    except duckdb.Error as exc:
        return _classify(exc, limits, started)
    except MemoryError:  # the worker's address-space limit, hit while Python converts values
        return Outcome("resources", error=memory_message(limits), detail="MemoryError", elapsed_ms=_ms(started))
    except Exception as exc:  # e.g. a value the Python client cannot convert: still the query's problem
        return Outcome("runtime", error=f"The result could not be read: {exc}", elapsed_ms=_ms(started))
    finally:
        timer.cancel()
        con.close()


def memory_message(limits: Limits) -> str:
    return f"Stopped: the query used more memory than allowed ({limits.memory_limit})."


def _interrupt(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(Exception):  # the query may have finished and the connection closed
        con.interrupt()


def _classify(exc: duckdb.Error, limits: Limits, started: float) -> Outcome:
    message = str(exc)
    first = message.split("\n", 1)[0].strip()
    elapsed = _ms(started)
    if isinstance(exc, duckdb.InterruptException):
        return Outcome(
            "timeout",
            error=f"Stopped: the query ran longer than {limits.timeout_s:g} s.",
            detail=message,
            elapsed_ms=elapsed,
        )
    if isinstance(exc, duckdb.PermissionException):
        return Outcome(
            "refused",
            error="Refused: the query tried to read or write files or load extensions, which is not allowed here.",
            detail=first,
            elapsed_ms=elapsed,
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        # DuckDB's memory_limit, or the worker's address-space limit seen as a failed allocation.
        return Outcome("resources", error=memory_message(limits), detail=first, elapsed_ms=elapsed)
    if _FILE_AS_TABLE.search(first):
        return Outcome(
            "refused",
            error="Refused: the query tried to read a file as a table, which is not allowed here.",
            detail=first,
            elapsed_ms=elapsed,
        )
    if isinstance(exc, duckdb.ParserException):
        kind: OutcomeKind = "syntax"
    elif isinstance(exc, duckdb.BinderException | duckdb.CatalogException):
        kind = "bind"
    elif "configuration has been locked" in message or "disabled by configuration" in message:
        kind = "refused"
    else:
        kind = "runtime"
    return Outcome(kind, error=first, detail=message, elapsed_ms=elapsed)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
