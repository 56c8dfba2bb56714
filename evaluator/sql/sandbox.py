"""Run untrusted SQL against one dataset: gate it here, execute it in the SQL worker process.

The candidate's text is hostile until proven otherwise. Here (in the app's process) it must be
non-empty, not huge and exactly one SELECT per sqlglot; then it runs in a separate worker
process (``worker.py``) that has a hard address-space limit and is killed by this process when
a wall-clock deadline passes. Inside the worker, ``engine.py`` runs it in a new in-memory DuckDB
with no file system, no extensions, no Python replacement scans, DuckDB's memory cap, one
thread, an ``interrupt()`` timer and a cap on fetched rows; DuckDB's own parser re-checks that
the text is one SELECT. This module never imports DuckDB.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from evaluator.sql.datasets import Dataset

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
    exact text that will run (``engine._duckdb_gate``, in the worker), because the two parsers
    could disagree on where a string or comment ends and only DuckDB's view decides what executes.
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


def run_untrusted(sql: str, dataset: Dataset, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Run one candidate query on one dataset; every failure comes back as a classified Outcome.

    Raises only when the SQL worker itself cannot be started (an installation problem, not
    the query's): a query that exhausts the worker's memory or time gets a "Stopped" outcome
    and the worker is replaced for the next call.
    """
    started = time.perf_counter()
    if not sql.strip():
        return Outcome("empty", error="Empty query: write a SELECT statement.")
    if len(sql) > MAX_QUERY_CHARS:
        return Outcome("refused", error=f"Refused: the query is longer than {MAX_QUERY_CHARS:,} characters.")
    try:
        statement_gate(sql)
    except Refused as exc:
        return Outcome("refused", error=str(exc), elapsed_ms=_ms(started))
    from evaluator.sql.worker import execute

    outcome = execute(sql, dataset, limits)
    outcome.elapsed_ms = _ms(started)
    return outcome


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
