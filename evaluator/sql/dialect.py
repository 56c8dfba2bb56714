"""Accept DuckDB/ANSI SQL as written and Presto/Trino SQL by transpiling it with sqlglot.

Policy: run the text as DuckDB first. Only if DuckDB cannot parse or bind it, read it as Presto
(then Trino) and run the DuckDB translation; the dialect reported is the one that ran. When both
fail, the DuckDB error is usually the useful one (it points at a line and column of the text the
candidate wrote), except when DuckDB merely did not know a Presto function and the translated
query got further: then the translated query's error is the real problem.

Presto divides integers as integers (``count_if(clicked) / count(*)`` is 0); sqlglot keeps
``/``, which DuckDB evaluates as a true division. So the translation rewrites divisions whose
operands are both integer-typed (per the known schema) into DuckDB's integer division,
keeping what the query would return on Meta's engine.

``count_if`` is a count on Presto (0 for a group with no true row) but NULL on DuckDB for an
all-NULL group, which a LEFT JOIN produces; both readings rewrite it to
``COUNT(CASE WHEN cond THEN 1 END)`` so a correct Presto-style query is not failed by an
engine quirk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from evaluator.sql.datasets import Dataset
from evaluator.sql.sandbox import DEFAULT_LIMITS, Limits, Outcome, run_untrusted
from evaluator.sql.schema import sqlglot_schema

DialectName = Literal["duckdb", "presto"]

_INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INT",
    "BIGINT",
    "HUGEINT",
    "INT128",
    "UTINYINT",
    "USMALLINT",
    "UINT",
    "UBIGINT",
}
_FUNCTION_TROUBLE = re.compile(r"function|macro|does not support the supplied arguments|no function matches", re.I)


@dataclass
class DialectRun:
    """The outcome on the first dataset plus the text to reuse on the others."""

    outcome: Outcome
    dialect: DialectName
    sql: str  # the DuckDB text that ran (the candidate's own text, or the translation)
    translated_error: bool = False  # the error shown comes from the translated query


def presto_to_duckdb(sql: str) -> str | None:
    """The DuckDB translation of Presto (or Trino) text, or None if sqlglot cannot read it."""
    import sqlglot

    for read in ("presto", "trino"):
        try:
            trees = [t for t in sqlglot.parse(sql, read=read) if t is not None]
        except Exception:  # unreadable in this dialect: try the next
            continue
        if len(trees) != 1:
            return None
        tree = trees[0]
        _integer_division(tree, read)
        _count_if_as_count(tree)
        try:
            return tree.sql(dialect="duckdb")
        except Exception:  # sqlglot could not write it: same as unreadable
            return None
    return None


def integer_divisions(tree: Any, dialect: str) -> list[Any]:
    """Division nodes of ``tree`` whose two operands are integer-typed under the question schema.

    Types come from sqlglot's annotator on a qualified copy (qualifying rewrites names, so the
    original tree is never executed in that form); each division is tied back to the original
    by a marker in its metadata.
    """
    from sqlglot import exp
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    divisions = list(tree.find_all(exp.Div))
    if not divisions:
        return []
    for k, node in enumerate(divisions):
        node.meta["mockloop_div"] = k
    schema = _schema(dialect)
    try:
        typed = annotate_types(qualify(tree.copy(), schema=schema, dialect=dialect), schema=schema, dialect=dialect)
    except Exception:  # unknown tables/ambiguous columns: no typing, no rewrite
        return []
    hits: list[Any] = []
    for node in typed.find_all(exp.Div):
        k = node.meta.get("mockloop_div")
        if k is None:
            continue
        if _is_int_expr(node.this) and _is_int_expr(node.expression):
            hits.append(divisions[k])
    return hits


@lru_cache(maxsize=8)
def _schema(dialect: str) -> Any:
    """sqlglot's normalised schema object, built once (normalising names costs ~2 ms a call)."""
    from sqlglot.schema import MappingSchema

    return MappingSchema(sqlglot_schema(), dialect=dialect)


def _is_int_expr(node: Any) -> bool:
    """Integer-valued under Presto's rules; arithmetic is checked operand by operand because
    sqlglot's DuckDB annotator types ``INT128 * 1.0`` as INT128."""
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _is_int_expr(node.this)
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod | exp.IntDiv):
        return _is_int_expr(node.this) and _is_int_expr(node.expression)
    if isinstance(node, exp.Literal):
        return not node.is_string and all(ch.isdigit() for ch in node.this)
    dtype = node.type
    return dtype is not None and str(dtype.this).split(".")[-1].upper() in _INTEGER_TYPES


def _integer_division(tree: Any, dialect: str) -> None:
    """Rewrite integer/integer divisions into DuckDB's ``//`` so Presto semantics survive translation."""
    from sqlglot import exp

    for node in integer_divisions(tree, dialect):
        node.replace(exp.IntDiv(this=node.this.copy(), expression=node.expression.copy()))


def _count_if_as_count(tree: Any) -> bool:
    """Replace COUNT_IF(cond) by COUNT(CASE WHEN cond THEN 1 END); True if anything changed."""
    from sqlglot import exp

    nodes = list(tree.find_all(exp.CountIf))
    for node in nodes:
        case = exp.Case(ifs=[exp.If(this=node.this.copy(), true=exp.Literal.number(1))])
        node.replace(exp.Count(this=case))
    return bool(nodes)


def duckdb_portable(sql: str) -> str:
    """The DuckDB text to run for the candidate's DuckDB reading (only count_if is rewritten)."""
    if "count_if" not in sql.lower():
        return sql
    import sqlglot

    try:
        trees = [t for t in sqlglot.parse(sql, read="duckdb") if t is not None]
        if len(trees) != 1 or not _count_if_as_count(trees[0]):
            return sql
        return trees[0].sql(dialect="duckdb")
    except Exception:  # unreadable by sqlglot: run it as written, DuckDB will say what is wrong
        return sql


_DECLARATION = re.compile(
    r"^(?:dialect\s*[:=]\s*(?:presto|trino)\b"
    r"|(?:presto|trino)(?:\s+(?:sql|dialect|syntax))?\s*(?:[.:,;)]|$)"
    r"|.*\b(?:written|runs?|tested) (?:for|on|in|against) (?:presto|trino)\b)",
    re.I,
)


def _leading_comments(sql: str) -> list[str]:
    """The text of the comments before the first statement (a plain scan: no regex can backtrack
    over banner lines of dashes)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].lstrip("-").strip())
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end
            out.append(sql[i + 2 : end].strip(" *\t\n"))
            i = end + 2
        else:
            break
    return out


_NOTE_DECLARATION = re.compile(
    r"\b(?:this is|this query is|the query is|it'?s|written|runs?|tested)\s+(?:for\s+|on\s+|in\s+|against\s+)?"
    r"(?:presto|trino)\b|\b(?:presto|trino)[- ](?:sql|flavou?red|dialect|syntax)\b",
    re.I,
)


def declared_in_note(note: str) -> bool:
    """Whether the candidate's note says the query is Presto ("This is for Presto", "Presto SQL");
    a remark about Presto's behaviour ("on Presto this would truncate") is not a declaration."""
    return _NOTE_DECLARATION.search(note or "") is not None


def declared_presto(sql: str) -> bool:
    """Whether a comment before the query declares it Presto or Trino ("-- Presto",
    "/* dialect: trino */", "-- written for Presto"); a remark that merely mentions Presto
    ("-- Presto would truncate this, so I cast") is not a declaration.

    Taking the candidate at their word matters where both engines accept the text but disagree
    on the result: ``clicks / impressions`` of two integers is a fraction on DuckDB and 0 on Presto.
    """
    return any(_DECLARATION.match(c) for c in _leading_comments(sql))


def run_with_dialect(
    sql: str, dataset: Dataset, limits: Limits = DEFAULT_LIMITS, declared: bool = False
) -> DialectRun:
    """Run the candidate's text on one dataset under the dialect policy above. A query declared
    Presto (in a leading comment, or ``declared`` from the candidate's note) is read as Presto first."""
    if declared or declared_presto(sql):
        translated = presto_to_duckdb(sql)
        if translated is not None:
            declared = run_untrusted(translated, dataset, limits)
            if declared.kind not in ("syntax", "bind"):
                return DialectRun(declared, "presto", translated, translated_error=not declared.ok)
    portable = duckdb_portable(sql)
    first = run_untrusted(portable, dataset, limits)
    if first.kind in ("syntax", "bind") and portable != sql:
        first = run_untrusted(sql, dataset, limits)  # report errors against the candidate's own text
        portable = sql
    if first.kind not in ("syntax", "bind"):
        return DialectRun(first, "duckdb", portable)
    translated = presto_to_duckdb(sql)
    if translated is None or _same_text(translated, sql):
        return DialectRun(first, "duckdb", sql)
    second = run_untrusted(translated, dataset, limits)
    if second.kind not in ("syntax", "bind"):
        # It ran, or it failed for a reason that is not about the dialect (timeout, refusal...).
        return DialectRun(second, "presto", translated, translated_error=not second.ok)
    if first.kind == "bind" and _FUNCTION_TROUBLE.search(first.error or "") and second.error != first.error:
        return DialectRun(second, "presto", translated, translated_error=True)
    return DialectRun(first, "duckdb", sql)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


_LINE = re.compile(r"^LINE (\d+): (.*)$")


def error_position(message: str, sql: str) -> tuple[int, int] | None:
    """(line, column), 1-based, from DuckDB's ``LINE n: ...`` snippet and caret.

    DuckDB prints the offending line (shortened with ``...`` when long) and a caret under the
    error; the column is recovered by finding the printed fragment in the candidate's line.
    """
    lines = message.splitlines()
    for i, text in enumerate(lines[:-1]):
        m = _LINE.match(text)
        caret = lines[i + 1]
        if not m or "^" not in caret:
            continue
        line_no = int(m.group(1))
        prefix = len(text) - len(m.group(2))
        offset = caret.index("^") - prefix
        fragment = m.group(2)
        if fragment.startswith("..."):
            fragment, offset = fragment[3:], offset - 3
        if fragment.endswith("..."):
            fragment = fragment[:-3]
        source = sql.splitlines()[line_no - 1] if 0 < line_no <= len(sql.splitlines()) else ""
        start = source.find(fragment) if fragment else 0
        if start < 0:
            start = 0
        return line_no, max(1, start + offset + 1)
    return None


def snippet(message: str) -> str | None:
    """DuckDB's ``LINE n:`` and caret lines, which show the learner where the problem is."""
    lines = message.splitlines()
    for i, text in enumerate(lines[:-1]):
        if _LINE.match(text) and "^" in lines[i + 1]:
            return f"{text}\n{lines[i + 1]}"
    return None
