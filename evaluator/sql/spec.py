"""What each SQL question's result must look like.

Kept free of DuckDB and sqlglot so ``import evaluator.sql`` stays cheap. The reference queries
live in ``reference.py``; this module only says how a result is judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionSpec:
    """How results for one question are compared and which query shapes suit it.

    ``tolerances`` maps a rounded column to the absolute difference still accepted: one unit
    in the last stated decimal, so half-up vs half-even rounding, DECIMAL vs DOUBLE and an
    unrounded value all pass while a wrong ratio does not.

    ``null_key_optional``: when True, one result row whose key is NULL is tolerated (set aside
    and mentioned in feedback) for a question that does not settle whether such a row belongs.
    No question uses it today: for "users who engaged with Reels but not Feed" logged-out
    events (NULL user_id) are not users, so the extra NULL row that a NOT EXISTS / LEFT JOIN /
    EXCEPT answer without ``user_id IS NOT NULL`` returns is a wrong answer (with a hint), as is
    ``NOT IN`` against a subquery holding NULLs (which returns no rows at all).
    """

    id: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    order_matters: bool = False
    rounding: int | None = None
    tolerances: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (numerator, denominator)
    null_key_optional: bool = False
    tables: tuple[str, ...] = ()
    expects_window: bool = False
    expects_cte: bool = False

    @property
    def exact_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.tolerances)


_ONE_UNIT_4DP = 1e-4 + 1e-9

SPECS: dict[str, QuestionSpec] = {
    "sql-reels-not-feed": QuestionSpec(
        id="sql-reels-not-feed",
        columns=("user_id",),
        key=("user_id",),
        tables=("user_events",),
        # Logged-out events (NULL user_id) are not users: a NULL row is a wrong answer (issue 3
        # lists them among the edge cases a correct query must handle).
        null_key_optional=False,
    ),
    "sql-d1-retention": QuestionSpec(
        id="sql-d1-retention",
        columns=("signup_date", "cohort_size", "retained_users", "retention_rate"),
        key=("signup_date",),
        rounding=4,
        tolerances={"retention_rate": _ONE_UNIT_4DP},
        ratios={"retention_rate": ("retained_users", "cohort_size")},
        tables=("dim_users", "user_events"),
        expects_cte=True,
    ),
    "sql-top-campaigns-ctr": QuestionSpec(
        id="sql-top-campaigns-ctr",
        columns=("advertiser_id", "campaign_id", "impressions", "clicks", "ctr", "rank"),
        key=("advertiser_id", "campaign_id"),
        rounding=4,
        tolerances={"ctr": _ONE_UNIT_4DP},
        ratios={"ctr": ("clicks", "impressions")},
        tables=("ads_impressions",),
        expects_window=True,
        expects_cte=True,
    ),
}

SQL_QUESTIONS: tuple[str, ...] = tuple(SPECS)


def get_spec(question_id: str) -> QuestionSpec:
    """The spec, or a KeyError naming the supported ids (an unknown id is a caller bug)."""
    try:
        return SPECS[question_id]
    except KeyError:
        raise KeyError(f"{question_id!r} is not a SQL question; known: {', '.join(SQL_QUESTIONS)}") from None
