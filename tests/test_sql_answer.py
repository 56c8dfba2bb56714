"""split_sql_answer: the query, the scaling note, and comments folded into the note."""

from __future__ import annotations

import subprocess
import sys

from evaluator.sql import answer_layout, split_sql_answer


def test_query_only() -> None:
    assert split_sql_answer("SELECT 1\n") == ("SELECT 1", "")


def test_empty_text() -> None:
    assert split_sql_answer("") == ("", "")


def test_separator_splits_note() -> None:
    text = "SELECT user_id\nFROM user_events\n---\nPartition pruning keeps this to 7 partitions.\n"
    query, note = split_sql_answer(text)
    assert query == "SELECT user_id\nFROM user_events"
    assert note == "Partition pruning keeps this to 7 partitions."


def test_longer_separator_and_whitespace() -> None:
    query, note = split_sql_answer("SELECT 1\n   -----   \nnote text")
    assert (query, note) == ("SELECT 1", "note text")


def test_comments_are_appended_to_note() -> None:
    text = (
        "-- approx_distinct would avoid the shuffle\n"
        "SELECT user_id /* bucketed by user_id */ FROM user_events\n"
        "---\n"
        "The note."
    )
    query, note = split_sql_answer(text)
    assert query.startswith("-- approx_distinct")  # comments stay in the query, they are harmless
    assert note.splitlines() == ["The note.", "approx_distinct would avoid the shuffle", "bucketed by user_id"]


def test_dashes_inside_strings_are_not_comments() -> None:
    query, note = split_sql_answer("SELECT '-- not a comment' AS x, \"a--b\" FROM t")
    assert note == ""
    assert query == "SELECT '-- not a comment' AS x, \"a--b\" FROM t"


def test_separator_inside_block_comment_is_not_a_separator() -> None:
    text = "SELECT 1 /*\n---\nstill a comment */ FROM t"
    query, note = split_sql_answer(text)
    assert query == text
    assert "still a comment" in note


def test_comment_with_text_after_dashes_is_a_comment_not_separator() -> None:
    query, note = split_sql_answer("SELECT 1\n--- scaling: prune partitions\nFROM t")
    assert query.endswith("FROM t")
    assert "prune partitions" in note


def test_layout_spans_point_into_the_text() -> None:
    text = "SELECT 1 -- prune partitions\n---\nUse a rollup table."
    layout = answer_layout(text)
    assert text[layout.query[0] : layout.query[1]] == "SELECT 1 -- prune partitions"
    assert layout.note is not None and text[layout.note[0] : layout.note[1]] == "Use a rollup table."
    assert [text[a:b] for a, b in layout.comments] == ["prune partitions"]


def test_import_is_light() -> None:
    """The CLI imports evaluator.sql on its cold path: DuckDB and sqlglot must load lazily."""
    code = (
        "import sys, evaluator.sql as s; s.split_sql_answer('select 1'); s.SQL_QUESTIONS; "
        "assert 'duckdb' not in sys.modules and 'sqlglot' not in sys.modules, "
        "[m for m in sys.modules if m.startswith(('duckdb', 'sqlglot'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_markdown_fence_is_unwrapped() -> None:
    assert split_sql_answer("```sql\nSELECT 1\nFROM t\n```") == ("SELECT 1\nFROM t", "")
    assert split_sql_answer("```\nSELECT 1\n```\n") == ("SELECT 1", "")
    assert split_sql_answer("  ```SQL  \nSELECT 1\n```") == ("SELECT 1", "")
    assert split_sql_answer("~~~sql\nSELECT '```' AS x\n~~~") == ("SELECT '```' AS x", "")
    assert split_sql_answer("```sql\r\nSELECT 1\r\n```\r\n") == ("SELECT 1", "")
    assert split_sql_answer("```sql\nSELECT 1") == ("SELECT 1", ""), "an unclosed fence runs to the end"
    assert split_sql_answer("```sql\n```") == ("", "")


def test_fenced_query_with_note_and_comments() -> None:
    text = "```sql\nSELECT user_id -- one row per user\nFROM user_events\n```\n---\nPrune to 7 partitions."
    query, note = split_sql_answer(text)
    assert query == "SELECT user_id -- one row per user\nFROM user_events"
    assert note.splitlines() == ["Prune to 7 partitions.", "one row per user"]
    # a separator inside the fence works as usual; prose around the fence is note text as well
    query, note = split_sql_answer("My answer:\n```sql\nSELECT 1\n---\ninner note\n```\nScales fine.")
    assert query == "SELECT 1"
    assert note.splitlines() == ["inner note", "My answer:", "Scales fine."]
    layout = answer_layout("```sql\nSELECT 1\n```\nA note.")
    assert layout.note is not None
    assert "```sql\nSELECT 1\n```\nA note."[layout.note[0] : layout.note[1]] == "A note."


def test_fence_after_a_query_belongs_to_the_note() -> None:
    text = "SELECT 1\nFROM t\n---\nA partitioned layout:\n```\ndt=2026-11-22/\n```"
    query, note = split_sql_answer(text)
    assert query == "SELECT 1\nFROM t"
    assert "dt=2026-11-22/" in note
    unfenced = "SELECT a\nFROM t\n```\nnot the query\n```"
    assert split_sql_answer(unfenced)[0] == unfenced


def test_fenced_answer_is_graded_as_its_query() -> None:
    from evaluator.sql import grade_sql
    from evaluator.sql.reference import REFERENCE_SQL

    text = f"```sql\n{REFERENCE_SQL['sql-d1-retention'].strip()}\n```\n---\nOne pass over the events."
    query, note = split_sql_answer(text)
    assert note == "One pass over the events."
    assert grade_sql("sql-d1-retention", query).correct
