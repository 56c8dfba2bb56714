"""Scale and structure signals read from the parsed query (never used for correctness).

Correctness is decided by running the query. What the text is good for is the follow-up
question "how does this scale to 100B rows?": does it prune date partitions, does it rank with
window functions instead of self-joins, does it read every column, does it multiply tables
with a cross join, does it need an exact COUNT(DISTINCT) where an approximate one would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evaluator.sql.schema import PARTITION_COLUMN, PARTITIONED_TABLES


@dataclass(frozen=True)
class QueryFeatures:
    parse_ok: bool
    dialect: str | None = None  # the sqlglot dialect that parsed it
    partition_filter: bool = False  # event_date predicate in a WHERE clause
    partition_join: bool = False  # event_date compared in a JOIN condition (dynamic pruning)
    window_functions: bool = False
    ctes: bool = False
    select_star: bool = False
    cross_join: bool = False
    count_distinct: bool = False
    approx_distinct: bool = False
    not_in_subquery: bool = False  # NOT IN (SELECT ...): returns nothing if the subquery has a NULL
    distinct: bool = False
    group_by: bool = False
    subquery_depth: int = 0
    integer_division: bool = False  # integer / integer: truncates on Presto
    tables: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def scans_partitioned_table(self) -> bool:
        return any(t in PARTITIONED_TABLES for t in self.tables)


def parse_query(query: str) -> tuple[Any | None, str | None]:
    """The single parsed statement and the dialect that read it, or (None, None)."""
    import sqlglot

    for dialect in ("duckdb", "presto", "trino"):
        try:
            trees = [t for t in sqlglot.parse(query, read=dialect) if t is not None]
        except Exception:  # try the next dialect
            continue
        if len(trees) == 1:
            return trees[0], dialect
        return None, None
    return None, None


def query_features(query: str) -> QueryFeatures:
    """What the query's shape says about how it would run at Meta scale."""
    from sqlglot import exp

    from evaluator.sql.dialect import integer_divisions

    tree, dialect = parse_query(query or "")
    if tree is None or dialect is None:
        return QueryFeatures(parse_ok=False)
    tables = tuple(sorted({t.name.lower() for t in tree.find_all(exp.Table) if t.name}))
    cte_names = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    functions = tuple(
        sorted({_func_name(f) for f in tree.find_all(exp.Func) if not isinstance(f, exp.Connector | exp.Binary)})
    )
    return QueryFeatures(
        parse_ok=True,
        dialect=dialect,
        partition_filter=any(_mentions_partition(w) for w in tree.find_all(exp.Where)),
        partition_join=any(_mentions_partition(j.args.get("on")) for j in tree.find_all(exp.Join)),
        window_functions=any(True for _ in tree.find_all(exp.Window)),
        ctes=bool(cte_names),
        select_star=_select_star(tree),
        cross_join=any(_is_cross_join(j) for j in tree.find_all(exp.Join)),
        count_distinct=any(isinstance(c.this, exp.Distinct) for c in tree.find_all(exp.Count)),
        approx_distinct=any(isinstance(f, exp.ApproxDistinct) for f in tree.find_all(exp.Func))
        or any(n in functions for n in ("approx_distinct", "approx_count_distinct", "approx_set")),
        not_in_subquery=any(
            isinstance(n.this, exp.In) and n.this.args.get("query") is not None for n in tree.find_all(exp.Not)
        ),
        distinct=any(True for _ in tree.find_all(exp.Distinct)),
        group_by=any(True for _ in tree.find_all(exp.Group)),
        subquery_depth=_subquery_depth(tree),
        integer_division=bool(integer_divisions(tree.copy(), dialect)),
        tables=tuple(t for t in tables if t not in cte_names),
        functions=functions,
    )


def _func_name(node: Any) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return (node.sql_name() or type(node).__name__).lower()


def _mentions_partition(node: Any) -> bool:
    """A predicate on the partition column (comparison, BETWEEN or IN), not just a mention in SELECT."""
    from sqlglot import exp

    if node is None:
        return False
    predicates = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In)
    for pred in node.find_all(*predicates):
        if any(c.name.lower() == PARTITION_COLUMN for c in pred.find_all(exp.Column)):
            return True
    return False


def _select_star(tree: Any) -> bool:
    """``SELECT *`` or ``t.*`` over a base table (``COUNT(*)`` and ``*`` over a CTE are fine).

    The cost of a star is reading every column of a wide columnar table; re-selecting the
    columns of a CTE that already projected what it needs costs nothing.
    """
    from sqlglot import exp

    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    for select in tree.find_all(exp.Select):
        stars = [
            p
            for p in select.expressions
            if isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
        ]
        if not stars:
            continue
        sources = [select.args.get("from_") or select.args.get("from")] + list(select.args.get("joins") or [])
        for source in sources:
            target = source.this if source is not None else None
            if isinstance(target, exp.Table) and target.name and target.name.lower() not in ctes:
                return True
    return False


def _is_cross_join(join: Any) -> bool:
    """An explicit CROSS JOIN, or a comma join that no WHERE equality ties to another table."""
    from sqlglot import exp

    if join.args.get("on") is not None or join.args.get("using"):
        return False
    target = join.this
    if isinstance(target, exp.Unnest | exp.Lateral):
        return False
    if isinstance(target, exp.Table) and isinstance(target.this, exp.Func):
        name = _func_name(target.this)
        if name in ("unnest", "explode", "posexplode", "flatten"):
            return False  # expanding an array of the same row is not a cartesian product
    kind = (join.args.get("kind") or "").upper()
    if kind == "CROSS":
        return True
    if (join.args.get("side") or kind) and kind not in ("", "INNER"):
        return False
    alias = target.alias_or_name.lower()
    select = join.parent
    where = select.args.get("where") if select is not None else None
    if where is None:
        return True
    for eq in where.find_all(exp.EQ):
        left = {c.table.lower() for c in eq.this.find_all(exp.Column)}
        right = {c.table.lower() for c in eq.expression.find_all(exp.Column)}
        if (alias in left and right - {alias}) or (alias in right and left - {alias}):
            return False
    return True


def _subquery_depth(tree: Any) -> int:
    """How deeply SELECTs nest inside other SELECTs outside CTEs (readability at scale)."""
    from sqlglot import exp

    depth = 0
    for sub in tree.find_all(exp.Subquery):
        d, node = 1, sub.parent
        while node is not None:
            if isinstance(node, exp.CTE):
                break
            if isinstance(node, exp.Subquery):
                d += 1
            node = node.parent
        depth = max(depth, d)
    return depth
