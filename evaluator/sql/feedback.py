"""Feedback a learner can act on, without giving the answer away.

A wrong result is explained by what differs (row counts, a few missing and unexpected rows on
the first dataset that differs) and by hints for the usual mistakes: generic ones read from the
candidate's rows (duplicates, NULL keys, an empty NOT IN result, integer division, percentages)
and question-specific ones diagnosed from the data by ``diagnose.py`` (an exclusive end date,
counting events instead of users, ``> 1000``, RANK() on ties). Hidden datasets are named by
their neutral labels; their rows are never listed in bulk and the reference query is never
quoted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from evaluator.sql.compare import Comparison, format_row
from evaluator.sql.datasets import Dataset
from evaluator.sql.sandbox import Outcome
from evaluator.sql.schema import TABLES
from evaluator.sql.signals import QueryFeatures
from evaluator.sql.spec import QuestionSpec

MAX_ROWS_SHOWN = 3


@dataclass
class DatasetVerdict:
    dataset: Dataset
    comparison: Comparison


# --------------------------------------------------------------------------- errors


def error_feedback(
    outcome: Outcome,
    dataset: Dataset,
    sql: str,
    translated: bool,
    spec: QuestionSpec,
    features: QueryFeatures | None,
) -> tuple[str, str]:
    """(error, feedback) for a query that did not produce a result."""
    from evaluator.sql.dialect import error_position, snippet

    message = outcome.detail or outcome.error or "unknown error"
    first = outcome.error or message.splitlines()[0]
    where = "" if dataset.hidden is False else f" on {dataset.label}"
    if outcome.kind == "empty":
        return first, "No query to run. Write one SELECT statement (WITH ... SELECT is fine)."
    if outcome.kind in ("syntax", "bind"):
        pos = None if translated else error_position(message, sql)
        located = f" (line {pos[0]}, column {pos[1]})" if pos else ""
        error = f"{first}{located}"
        what = "Syntax error" if outcome.kind == "syntax" else "The query does not fit the schema"
        lines = [f"{what}{located}: {first}"]
        if translated:
            lines.append("(reported after reading the query as Presto SQL and translating it to DuckDB)")
        elif (shown := snippet(message)) is not None:
            lines.append(shown)
        if outcome.kind == "bind":
            lines.append("Tables available: " + "; ".join(_table_doc(t) for t in TABLES))
            lines.append("Both DuckDB and Presto/Trino syntax are accepted (e.g. date_add('day', 1, d), count_if).")
        return error, "\n".join(lines)
    if outcome.kind == "timeout":
        lines = [first + (f" It was stopped{where}." if where else "")]
        if features is not None and features.cross_join:
            lines.append("The query has a join without a condition: every row meets every other row.")
        lines.append(
            "Look for a join missing its ON condition, a recursive CTE with no stop, or a generator such as range()."
        )
        return first, "\n".join(lines)
    if outcome.kind == "resources":
        lines = [f"{first} Look for a join that multiplies rows or an aggregate that builds huge values."]
        if features is not None and features.cross_join:
            lines.append("The query has a join without a condition: every row meets every other row.")
        return first, "\n".join(lines)
    if outcome.kind == "refused":
        detail = f" ({outcome.detail})" if outcome.detail else ""
        return first, (
            f"{first}{detail}\nSubmit a single read-only query over the question's tables "
            f"({', '.join(spec.tables)}); files, extensions and settings are not available."
        )
    return f"{first}{where}", f"The query failed while running{where}: {first}"


def _table_doc(table: str) -> str:
    return f"{table}(" + ", ".join(c for c, _ in TABLES[table]) + ")"


# --------------------------------------------------------------------------- wrong or right results


def result_feedback(
    spec: QuestionSpec,
    verdicts: list[DatasetVerdict],
    features: QueryFeatures,
    dialect: str,
) -> str:
    """The learner-facing summary of a verdict over all datasets."""
    total = len(verdicts)
    failed = [v for v in verdicts if not v.comparison.ok]
    lines: list[str] = []
    scope = f"all {total} datasets (the sample and {total - 1} hidden tests)"
    if not failed:
        lines.append(f"Correct: the result matches the expected result on {scope}.")
    else:
        lines.append(f"Incorrect: the result matches on {total - len(failed)} of {total} datasets.")
        first = failed[0]
        lines.extend(_describe(first))
        others = [v.dataset.label for v in failed[1:]]
        if others:
            lines.append("Also differs on: " + "; ".join(others) + ".")
        try:
            hints = _hints(spec, failed, features)
        except Exception:  # odd candidate values (types, NULLs) must never break the verdict itself
            hints = []
        if hints:
            lines.append("Hints:")
            lines.extend(f"- {h}" for h in hints)
    if any(v.comparison.ignored_null_row for v in verdicts):
        lines.append(
            "Note: your result includes a NULL user_id (logged-out events). That is accepted here, but say in "
            "the interview whether logged-out traffic counts; usually you filter user_id IS NOT NULL."
        )
    if dialect == "presto":
        lines.append("Ran as Presto SQL (translated to DuckDB; integer division kept as on Presto).")
    elif features.integer_division and not failed:
        lines.append(
            "Note: the query divides two integers. DuckDB returns a fraction, but on Presto/Trino "
            "integer / integer truncates (0 for a rate): cast one side to DOUBLE."
        )
    return "\n".join(lines)


def _describe(verdict: DatasetVerdict) -> list[str]:
    c, label = verdict.comparison, verdict.dataset.label
    if c.column_problem:
        return [f"Wrong columns on {label}: {c.column_problem}"]
    got = f"more than {c.actual_rows} (reading stopped there)" if c.truncated else str(c.actual_rows)
    lines = [f"On {label}: expected {c.expected_rows} rows, got {got}."]
    if c.order_problem:
        lines.append("The rows are right but not in the required order.")
    for title, rows in (("Missing rows", c.missing), ("Unexpected rows", c.unexpected)):
        if rows:
            shown = ", ".join(format_row(c.columns, r) for r in rows[:MAX_ROWS_SHOWN])
            more = f" (showing {MAX_ROWS_SHOWN} of {len(rows)})" if len(rows) > MAX_ROWS_SHOWN else ""
            lines.append(f"  {title}{more}: {shown}")
    return lines


def _hints(spec: QuestionSpec, failed: list[DatasetVerdict], features: QueryFeatures) -> list[str]:
    """Generic hints (duplicates, NULLs, NOT IN, division) first, then the diagnosed mistake.

    A simulated mistake can coincide with the candidate's result on one small dataset by
    chance; the one reproduced on the most failing datasets is the diagnosis.
    """
    from evaluator.sql.diagnose import diagnose

    generic: list[str] = []
    notes: list[str] = []
    votes: Counter[str] = Counter()
    for verdict in failed:
        if verdict.comparison.column_problem:
            continue
        found = _generic_hints(spec, verdict, features)
        generic.extend(found)
        diagnosis = diagnose(spec.id, verdict.comparison, verdict.dataset, soft=not found)
        votes.update(diagnosis.alternatives)
        notes.extend(diagnosis.notes)
    best = [hint for hint, n in votes.most_common(1)]
    return list(dict.fromkeys(generic + best + notes))[:4]


def _col(c: Comparison, name: str) -> int:
    return c.columns.index(name)


def _generic_hints(spec: QuestionSpec, verdict: DatasetVerdict, features: QueryFeatures) -> list[str]:
    c = verdict.comparison
    out: list[str] = []
    key_idx = [_col(c, k) for k in spec.key]
    keys = Counter(tuple(r[i] for i in key_idx) for r in c.actual)
    if any(n > 1 for n in keys.values()):
        out.append(
            f"Some {', '.join(spec.key)} values appear on more than one row: the question wants one row each "
            "(use DISTINCT or GROUP BY, and check joins that multiply rows)."
        )
    has_null = lambda rows: any(r[i] is None for r in rows for i in key_idx)  # noqa: E731
    if has_null(c.actual) and not has_null(c.expected):
        out.append(
            "Your result has a NULL in a key column: logged-out events have NULL user_id and are not users; "
            "filter them out (user_id IS NOT NULL)."
        )
    if c.expected and not c.actual:
        if features.not_in_subquery:
            out.append(
                "NOT IN (subquery) returns no rows at all when the subquery yields a NULL (logged-out events "
                "have NULL user_id): use NOT EXISTS, or filter NULLs inside the subquery."
            )
        else:
            out.append("Your query returned no rows here although some were expected.")
    for col, (num, den) in spec.ratios.items():
        hint = _ratio_hint(col, num, den, c)
        if hint:
            out.append(hint)
    return out


def scale_notes(features: QueryFeatures) -> list[str]:
    """Short notes on how the query would behave at 100B rows, for the correct-answer feedback."""
    notes: list[str] = []
    if features.scans_partitioned_table and not (features.partition_filter or features.partition_join):
        notes.append("No predicate on event_date: at Meta scale that scans every partition.")
    if features.select_star:
        notes.append("SELECT * reads every column of a columnar table; name the columns you need.")
    if features.cross_join:
        notes.append("A join without a condition multiplies row counts.")
    if features.count_distinct:
        notes.append("COUNT(DISTINCT) is exact but shuffles every key; approx_distinct is ~2% off and far cheaper.")
    return notes


def _ratio_hint(col: str, num: str, den: str, c: Comparison) -> str | None:
    """Spot integer division and percentages from the candidate's own rows (num, den and the ratio)."""
    i, n, d = _col(c, col), _col(c, num), _col(c, den)
    rows = [
        (float(r[i]), r[n], r[d])
        for r in c.actual
        if isinstance(r[i], int | float) and isinstance(r[n], int) and isinstance(r[d], int) and r[d] > 0
    ]
    fractional = [x for x in rows if x[1] % x[2]]
    if not fractional:
        return None
    if all(abs(x[0] - x[1] // x[2]) < 1e-9 for x in rows):
        return (
            f"{col} is truncated to a whole number: {num} / {den} is integer division (Presto: bigint / bigint). "
            "Cast to DOUBLE before dividing."
        )
    if all(abs(x[0] - 100 * x[1] / x[2]) <= 0.01 for x in rows):
        return f"{col} is a fraction between 0 and 1 ({num} / {den}), not a percentage."
    return None
