"""Compare a candidate's result set with the reference's.

Results are multisets: row order counts only when the question asks for it, duplicates count
(a missing DISTINCT is a wrong answer), column names are matched case-insensitively and in
any order. Values are normalised so that representation differences that the question does
not care about (BIGINT vs DECIMAL vs DOUBLE, a DATE vs a midnight TIMESTAMP) never fail a
correct query, while rounded columns get a tolerance of one unit in the last stated decimal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from evaluator.sql.spec import QuestionSpec

Row = tuple[Any, ...]


@dataclass
class ResultSet:
    columns: list[str]
    rows: list[Row]
    truncated: bool = False


@dataclass
class Comparison:
    """The verdict on one dataset, with what a learner needs to see why it differs."""

    ok: bool
    columns: tuple[str, ...]
    expected_rows: int
    actual_rows: int
    column_problem: str | None = None
    missing: list[Row] = field(default_factory=list)  # expected rows not produced (spec column order)
    unexpected: list[Row] = field(default_factory=list)  # produced rows not expected
    order_problem: bool = False
    truncated: bool = False  # the candidate returned more rows than the grader reads
    ignored_null_row: bool = False  # a tolerated NULL-key row was set aside (QuestionSpec.null_key_optional)
    actual: list[Row] = field(default_factory=list)  # normalised, projected to spec columns
    expected: list[Row] = field(default_factory=list)


def normalise(value: Any, approx: bool = False) -> Any:
    """One canonical Python value per meaning, so only real differences remain."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, list | tuple):  # LIST/ARRAY values: hashable, compared element-wise
        return tuple(normalise(v, approx) for v in value)
    if isinstance(value, dict):  # STRUCT/MAP values
        return tuple(sorted(((str(k), normalise(v, approx)) for k, v in value.items()), key=lambda kv: kv[0]))
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if approx:
        return float(value) if isinstance(value, int | float | Decimal) else value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.date() if value.tzinfo is None and value.time() == time() else value
    return value


def project(result: ResultSet, spec: QuestionSpec) -> tuple[list[Row] | None, str | None]:
    """Rows reordered to the spec's columns, or a learner-facing description of the column mismatch."""
    names = [c.lower() for c in result.columns]
    wanted = list(spec.columns)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        return None, f"Column name(s) used more than once: {', '.join(dupes)}. Alias each output column once."
    missing = [c for c in wanted if c not in names]
    extra = [c for c in result.columns if c.lower() not in wanted]
    if missing or extra:
        parts = [f"Expected exactly the columns {', '.join(wanted)} (any order, case-insensitive)"]
        if missing:
            parts.append(f"missing: {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected: {', '.join(extra)}")
        return None, "; ".join(parts) + "."
    index = [names.index(c) for c in wanted]
    approx = [c in spec.tolerances for c in wanted]
    rows = [tuple(normalise(r[i], a) for i, a in zip(index, approx, strict=True)) for r in result.rows]
    return rows, None


def compare_results(expected: ResultSet, actual: ResultSet, spec: QuestionSpec) -> Comparison:
    exp_rows, problem = project(expected, spec)
    if exp_rows is None:  # the reference itself must always fit its spec
        raise ValueError(f"reference result does not match the spec of {spec.id}: {problem}")
    act_rows, problem = project(actual, spec)
    base = Comparison(
        ok=False,
        columns=spec.columns,
        expected_rows=len(exp_rows),
        actual_rows=len(actual.rows),
        truncated=actual.truncated,
    )
    if act_rows is None:
        base.column_problem = problem
        base.expected = exp_rows
        return base
    base.actual, base.expected = act_rows, exp_rows
    if spec.null_key_optional:
        key_idx = [spec.columns.index(k) for k in spec.key]
        is_null_key = lambda row: all(row[i] is None for i in key_idx)  # noqa: E731
        null_rows = [k for k, row in enumerate(act_rows) if is_null_key(row)]
        if null_rows and not any(is_null_key(row) for row in exp_rows):
            act_rows = act_rows[: null_rows[0]] + act_rows[null_rows[0] + 1 :]
            base.ignored_null_row = True
            base.actual_rows -= 1  # counted as set aside, so a correct result has equal counts
    missing, unexpected = _multiset_diff(exp_rows, act_rows, spec)
    base.missing, base.unexpected = missing, unexpected
    base.ok = not missing and not unexpected and not actual.truncated
    if base.ok and spec.order_matters:
        in_order = all(_row_matches(e, a, spec) for e, a in zip(exp_rows, act_rows, strict=True))
        base.order_problem = not in_order
        base.ok = in_order
    return base


def _multiset_diff(expected: list[Row], actual: list[Row], spec: QuestionSpec) -> tuple[list[Row], list[Row]]:
    """Rows of each side that the other lacks, counting duplicates, matching rounded columns within tolerance."""
    exact_idx = [i for i, c in enumerate(spec.columns) if c not in spec.tolerances]
    buckets: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in expected:
        buckets[_hashable(tuple(row[i] for i in exact_idx))].append(row)
    unexpected: list[Row] = []
    for row in actual:
        candidates = buckets.get(_hashable(tuple(row[i] for i in exact_idx)))
        hit = next((k for k, e in enumerate(candidates or []) if _row_matches(e, row, spec)), None)
        if candidates is None or hit is None:
            unexpected.append(row)
        else:
            candidates.pop(hit)
    missing = [row for rows in buckets.values() for row in rows]
    return sorted(missing, key=sort_key), sorted(unexpected, key=sort_key)


def _row_matches(expected: Row, actual: Row, spec: QuestionSpec) -> bool:
    for col, e, a in zip(spec.columns, expected, actual, strict=True):
        tol = spec.tolerances.get(col)
        if tol is None or not isinstance(e, float) or not isinstance(a, float):
            if _hashable((e,)) != _hashable((a,)):
                return False
        elif abs(e - a) > tol:
            return False
    return True


def _hashable(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Values as dictionary keys; NaN is made equal to itself so it can match."""
    return tuple("NaN" if isinstance(v, float) and v != v else v for v in values)


def sort_key(row: Row) -> tuple[Any, ...]:
    """Sorts rows with NULLs and mixed types without raising (NULLs last)."""
    return tuple((v is None, type(v).__name__, v if v is not None else 0) for v in row)


def format_value(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, date | datetime):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def format_row(columns: tuple[str, ...], row: Row) -> str:
    return "(" + ", ".join(f"{c}={format_value(v)}" for c, v in zip(columns, row, strict=True)) + ")"
