"""Run untrusted SQL against one dataset in a fresh, locked-down DuckDB.

The candidate's text is hostile until proven otherwise: it must be exactly one SELECT, it runs in
a new in-memory database with no file system, no extensions, no Python replacement scans, a
memory cap, one thread, a wall-clock limit enforced by ``interrupt()`` from a timer, and a cap
on fetched rows. The four tables are registered from Arrow *before* the configuration is locked and
replacement scans are off, so the query sees those tables and no other Python object.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import duckdb

from evaluator.sql.datasets import Dataset

# With external access off DuckDB does not open ``FROM '/etc/passwd'``; it reports a missing table.
_FILE_AS_TABLE = re.compile(
    r"Table with name \S*[/\\]\S* does not exist"
    r"|Table with name \S+\.(?:csv|tsv|parquet|json|ndjson|txt|db|duckdb)\b",
    re.I,
)

OutcomeKind = Literal["ok", "empty", "syntax", "refused", "bind", "timeout", "resources", "runtime"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one untrusted run."""

    timeout_s: float = 3.0
    memory_limit: str = "256MB"
    threads: int = 1
    max_rows: int = 10_000


DEFAULT_LIMITS = Limits()
MAX_QUERY_CHARS = 100_000  # a real answer is a few thousand characters; parsing megabytes is a DoS

# Options set when the database is created. Each one is read back in tests (duckdb_settings),
# so a renamed option in a future DuckDB fails loudly instead of silently doing nothing.
CONNECT_CONFIG: dict[str, Any] = {
    "python_enable_replacements": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "temp_directory": "",  # never spill to disk: nothing is written anywhere
}


@dataclass
class Outcome:
    """What one run produced: rows or a classified error (never an exception)."""

    kind: OutcomeKind
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None
    detail: str | None = None  # DuckDB's full message, with its LINE/caret snippet
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


class Refused(Exception):
    """The text is not a single read-only query; carries the learner-facing reason."""


def statement_gate(sql: str) -> None:
    """Reject multi-statement text and anything that is not a SELECT/WITH query, before running it.

    sqlglot parses the text in the dialects candidates use; DuckDB's own parser then checks the
    exact text that will run (see ``_duckdb_gate``), because the two parsers could disagree on
    where a string or comment ends and only DuckDB's view decides what executes.
    """
    reason = _gate_reason(sql)
    if reason is not None:
        raise Refused(reason)


@lru_cache(maxsize=256)
def _gate_reason(sql: str) -> str | None:
    """Why the text is refused, or None; cached because a verdict runs the same text per dataset."""
    import sqlglot
    from sqlglot import exp

    parsed: list[Any] | None = None
    for dialect in ("duckdb", "presto", "trino"):
        try:
            parsed = [e for e in sqlglot.parse(sql, read=dialect) if e is not None]
            break
        except Exception:  # any parse failure: try the next dialect, DuckDB reports syntax
            continue
    if parsed is None:
        return None  # unparseable by sqlglot: DuckDB's parser decides and reports the syntax error
    if len(parsed) > 1:
        return f"Refused: the answer contains {len(parsed)} SQL statements; submit exactly one query."
    if parsed and not isinstance(parsed[0], exp.Query):
        return f"Refused: only a SELECT query (optionally starting with WITH) is allowed, not {_kind(parsed[0])}."
    return None


def _kind(node: Any) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Command):
        return f"{str(node.this).upper()}"
    return type(node).__name__.upper()


def _duckdb_gate(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
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


def run_untrusted(sql: str, dataset: Dataset, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Run one candidate query on one dataset; every failure comes back as a classified Outcome."""
    started = time.perf_counter()
    if not sql.strip():
        return Outcome("empty", error="Empty query: write a SELECT statement.")
    if len(sql) > MAX_QUERY_CHARS:
        return Outcome("refused", error=f"Refused: the query is longer than {MAX_QUERY_CHARS:,} characters.")
    try:
        statement_gate(sql)
    except Refused as exc:
        return Outcome("refused", error=str(exc), elapsed_ms=_ms(started))
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
    except Exception as exc:  # e.g. a value the Python client cannot convert: still the query's problem
        return Outcome("runtime", error=f"The result could not be read: {exc}", elapsed_ms=_ms(started))
    finally:
        timer.cancel()
        con.close()


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
        return Outcome(
            "resources",
            error=f"Stopped: the query needed more than {limits.memory_limit} of memory.",
            detail=first,
            elapsed_ms=elapsed,
        )
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
