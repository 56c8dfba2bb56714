"""Result comparison: multisets, names not positions, normalised types, tolerance for rounding."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from evaluator.sql.compare import ResultSet, compare_results, format_row, normalise
from evaluator.sql.spec import QuestionSpec, get_spec

USERS = get_spec("sql-reels-not-feed")
RETENTION = get_spec("sql-d1-retention")
CTR = get_spec("sql-top-campaigns-ctr")


def rs(columns: list[str], rows: list[tuple]) -> ResultSet:
    return ResultSet(columns, rows)


def test_normalise_numbers_and_dates() -> None:
    assert normalise(Decimal("3")) == 3 and isinstance(normalise(Decimal("3")), int)
    assert normalise(3.0) == 3 and isinstance(normalise(3.0), int)
    assert normalise(Decimal("0.25")) == 0.25
    assert normalise(datetime(2026, 11, 16)) == date(2026, 11, 16)
    assert normalise(datetime(2026, 11, 16, 1)) == datetime(2026, 11, 16, 1)
    assert normalise(True) is True
    assert normalise(Decimal("0.3333"), approx=True) == 0.3333


def test_order_does_not_matter_unless_required() -> None:
    assert compare_results(rs(["user_id"], [(1,), (2,)]), rs(["user_id"], [(2,), (1,)]), USERS).ok
    ordered = QuestionSpec(id="x", columns=("user_id",), key=("user_id",), order_matters=True)
    verdict = compare_results(rs(["user_id"], [(1,), (2,)]), rs(["user_id"], [(2,), (1,)]), ordered)
    assert not verdict.ok and verdict.order_problem


def test_duplicates_count() -> None:
    verdict = compare_results(rs(["user_id"], [(1,), (2,)]), rs(["user_id"], [(1,), (1,), (2,)]), USERS)
    assert not verdict.ok and verdict.unexpected == [(1,)] and verdict.missing == []


def test_column_names_case_insensitive_any_order() -> None:
    expected = rs(
        ["signup_date", "cohort_size", "retained_users", "retention_rate"], [(date(2026, 11, 1), 3, 1, 0.3333)]
    )
    actual = rs(["Retention_Rate", "SIGNUP_DATE", "retained_users", "cohort_size"], [(0.3333, date(2026, 11, 1), 1, 3)])
    assert compare_results(expected, actual, RETENTION).ok


def test_wrong_and_duplicate_columns_are_explained() -> None:
    verdict = compare_results(rs(["user_id"], [(1,)]), rs(["uid"], [(1,)]), USERS)
    assert not verdict.ok and "missing: user_id" in (verdict.column_problem or "")
    assert "unexpected: uid" in (verdict.column_problem or "")
    verdict = compare_results(rs(["user_id"], [(1,)]), rs(["user_id", "USER_ID"], [(1, 1)]), USERS)
    assert "more than once" in (verdict.column_problem or "")


def test_types_are_normalised() -> None:
    expected = rs(
        ["signup_date", "cohort_size", "retained_users", "retention_rate"], [(date(2026, 11, 1), 3, 1, 0.3333)]
    )
    actual = rs(
        ["signup_date", "cohort_size", "retained_users", "retention_rate"],
        [(datetime(2026, 11, 1), Decimal("3"), 1.0, Decimal("0.3333"))],
    )
    assert compare_results(expected, actual, RETENTION).ok


def test_tolerance_is_one_unit_in_the_last_decimal() -> None:
    cols = ["signup_date", "cohort_size", "retained_users", "retention_rate"]
    d = date(2026, 11, 16)
    expected = rs(cols, [(d, 32, 1, 0.0313)])  # 1/32 = 0.03125 rounds half-up
    for ok_value in (0.0312, 0.03125, 0.0313, 1 / 32):  # half-even, unrounded, exact
        assert compare_results(expected, rs(cols, [(d, 32, 1, ok_value)]), RETENTION).ok, ok_value
    for bad_value in (0.0311, 0.03, 3.125, 0.0):
        assert not compare_results(expected, rs(cols, [(d, 32, 1, bad_value)]), RETENTION).ok, bad_value


def test_exact_columns_have_no_tolerance() -> None:
    cols = list(CTR.columns)
    expected = rs(cols, [(1, 10, 1000, 50, 0.05, 1)])
    assert not compare_results(expected, rs(cols, [(1, 10, 1000, 50, 0.05, 2)]), CTR).ok
    assert not compare_results(expected, rs(cols, [(1, 10, 1001, 50, 0.05, 1)]), CTR).ok
    assert compare_results(expected, rs(cols, [(1, 10, 1000.0, Decimal(50), 0.04999, 1)]), CTR).ok


def test_missing_and_unexpected_rows_are_listed_sorted() -> None:
    verdict = compare_results(rs(["user_id"], [(3,), (1,), (2,)]), rs(["user_id"], [(9,), (2,), (None,), (8,)]), USERS)
    assert verdict.missing == [(1,), (3,)]
    assert verdict.unexpected == [(8,), (9,), (None,)]  # NULLs sort last; a logged-out row is not a user


def test_one_null_key_row_is_tolerated_only_where_the_spec_says_so() -> None:
    lenient = QuestionSpec(id="x", columns=("user_id",), key=("user_id",), null_key_optional=True)
    verdict = compare_results(rs(["user_id"], [(1,)]), rs(["user_id"], [(1,), (None,)]), lenient)
    assert verdict.ok and verdict.ignored_null_row
    two_nulls = compare_results(rs(["user_id"], [(1,)]), rs(["user_id"], [(1,), (None,), (None,)]), lenient)
    assert not two_nulls.ok
    assert not compare_results(rs(["user_id"], [(1,)]), rs(["user_id"], [(1,), (None,)]), USERS).ok
    strict = QuestionSpec(id="x", columns=("user_id",), key=("user_id",))
    assert not compare_results(rs(["user_id"], [(1,)]), rs(["user_id"], [(1,), (None,)]), strict).ok


def test_truncated_result_is_never_correct() -> None:
    assert not compare_results(rs(["user_id"], [(1,)]), ResultSet(["user_id"], [(1,)], truncated=True), USERS).ok


def test_format_row() -> None:
    assert format_row(("a", "b", "c"), (None, date(2026, 11, 16), 0.333333333)) == "(a=NULL, b=2026-11-16, c=0.333333)"


def test_specs_agree_with_the_question_bank() -> None:
    """The bank's `sql:` blocks (what the app shows) and the grader's specs must not drift apart."""
    from evaluator.bank import get_question
    from evaluator.sql import SQL_QUESTIONS

    for question_id in SQL_QUESTIONS:
        declared = get_question(question_id).sql
        spec = get_spec(question_id)
        assert declared is not None
        assert tuple(declared.columns) == spec.columns
        assert declared.order_matters == spec.order_matters
        assert declared.rounding == spec.rounding
