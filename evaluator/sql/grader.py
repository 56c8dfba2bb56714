"""The SQL round's verdict: run the candidate's query on every dataset and compare with the reference.

``grade_sql`` never raises for bad candidate SQL (errors become ``SqlResult.error`` and
feedback); it raises only for a question id that is not a SQL question. ``run_sample`` is the
app's "Run" button: the same sandbox and dialect policy on the visible sample dataset.
Candidate SQL runs in the SQL worker process (``worker.py``), never in the caller's process.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from evaluator.models import SqlResult
from evaluator.sql.compare import ResultSet, compare_results
from evaluator.sql.datasets import grading_datasets, sample_dataset
from evaluator.sql.dialect import DialectName, declared_in_note, error_position, run_with_dialect
from evaluator.sql.feedback import DatasetVerdict, error_feedback, result_feedback, scale_notes
from evaluator.sql.reference import expected_result
from evaluator.sql.sandbox import DEFAULT_LIMITS, Limits, Outcome, run_untrusted
from evaluator.sql.signals import QueryFeatures, query_features
from evaluator.sql.spec import get_spec
from evaluator.sql.worker import prestart

SAMPLE_ROW_CAP = 200


def grade_sql(question_id: str, query: str, limits: Limits = DEFAULT_LIMITS, note: str = "") -> SqlResult:
    """Correct iff the result matches the reference on the sample and on every hidden dataset.

    ``note`` is the candidate's prose about the query: if it says the query is Presto, it is run
    as Presto (where integer / integer truncates) even when DuckDB would accept it as written.

    ``expected_rows``/``actual_rows`` are totals over the datasets that were compared (equal
    when correct; a NULL-key row tolerated by ``QuestionSpec.null_key_optional`` is not
    counted); when the query fails to run, ``actual_rows`` is 0.
    """
    spec = get_spec(question_id)
    prestart()  # the SQL worker warms up while the datasets and references are built here
    datasets = grading_datasets(question_id)
    expected = [expected_result(question_id, d) for d in datasets]
    expected_total = sum(len(e.rows) for e in expected)
    query = query or ""
    if not query.strip():
        return SqlResult(
            correct=False,
            dialect="duckdb",
            error="Empty query: write one SELECT statement.",
            expected_rows=expected_total,
            actual_rows=0,
            feedback="No query to run. Write one SELECT statement (WITH ... SELECT is fine).",
        )
    features = _features(query)
    deadline = time.perf_counter() + 2 * limits.timeout_s  # a slow query cannot cost timeout x datasets
    first = run_with_dialect(query, datasets[0], limits, declared=declared_in_note(note))
    outcomes: list[Outcome] = [first.outcome]
    for dataset in datasets[1:]:
        if not outcomes[-1].ok:
            break
        remaining = max(0.2, min(limits.timeout_s, deadline - time.perf_counter()))
        outcomes.append(run_untrusted(first.sql, dataset, _with_timeout(limits, remaining)))
    failed = next((k for k, o in enumerate(outcomes) if not o.ok), None)
    if failed is not None:
        outcome, dataset = outcomes[failed], datasets[failed]
        error, feedback = error_feedback(
            outcome,
            dataset,
            query,
            first.translated_error or (failed > 0 and first.dialect == "presto"),
            spec,
            features,
        )
        return SqlResult(
            correct=False,
            dialect=first.dialect,
            error=error,
            expected_rows=expected_total,
            actual_rows=0,
            feedback=feedback,
        )
    verdicts = [
        DatasetVerdict(d, compare_results(e, ResultSet(o.columns, o.rows, o.truncated), spec))
        for d, e, o in zip(datasets, expected, outcomes, strict=True)
    ]
    correct = all(v.comparison.ok for v in verdicts)
    feedback = result_feedback(spec, verdicts, features, first.dialect)
    if correct and (notes := scale_notes(features)):
        feedback += "\nAt scale: " + " ".join(notes)
    return SqlResult(
        correct=correct,
        dialect=first.dialect,
        error=None,
        expected_rows=expected_total,
        actual_rows=sum(v.comparison.actual_rows for v in verdicts),
        feedback=feedback,
    )


def _features(query: str) -> QueryFeatures:
    """Scale signals for hints; a parser surprise costs the hints, never the verdict."""
    try:
        return query_features(query)
    except Exception:
        return QueryFeatures(parse_ok=False)


def _with_timeout(limits: Limits, timeout_s: float) -> Limits:
    return dataclasses.replace(limits, timeout_s=timeout_s)


@dataclass
class SampleRun:
    """What the app's "Run" button shows: up to ``SAMPLE_ROW_CAP`` rows of the sample dataset."""

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    error: str | None = None
    dialect: DialectName = "duckdb"
    truncated: bool = False
    elapsed_ms: float = 0.0


def run_sample(question_id: str, sql: str, limits: Limits | None = None) -> SampleRun:
    """Run the candidate's query on the visible sample dataset (same sandbox and dialect policy)."""
    get_spec(question_id)
    sql = sql or ""
    if not sql.strip():
        return SampleRun(error="Empty query: write one SELECT statement.")
    prestart()
    lim = limits or dataclasses.replace(DEFAULT_LIMITS, max_rows=SAMPLE_ROW_CAP)
    run = run_with_dialect(sql, sample_dataset(), lim)
    o = run.outcome
    if not o.ok:
        message = o.detail or o.error or ""
        pos = None if run.translated_error else error_position(message, sql)
        error = f"{o.error} (line {pos[0]}, column {pos[1]})" if pos and o.kind in ("syntax", "bind") else o.error
        return SampleRun(error=error, dialect=run.dialect, elapsed_ms=o.elapsed_ms)
    return SampleRun(
        columns=o.columns, rows=o.rows, error=None, dialect=run.dialect, truncated=o.truncated, elapsed_ms=o.elapsed_ms
    )


__all__ = ["QueryFeatures", "SampleRun", "grade_sql", "query_features", "run_sample"]
