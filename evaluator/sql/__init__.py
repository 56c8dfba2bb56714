"""The SQL round: run the candidate's query in a sandbox and compare results with a reference.

Importing this package is cheap on purpose: sqlglot loads only when a grading function is first
used (``mockloop grade`` on a non-SQL question must start in under a second), and DuckDB never
loads in the caller's process: candidate SQL runs in a separate worker process with its own
memory and time limits (``worker.py``). ``split_sql_answer`` and ``SQL_QUESTIONS`` are plain
Python; the rest is imported lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evaluator.sql.answer import AnswerLayout, answer_layout, split_sql_answer
from evaluator.sql.spec import SQL_QUESTIONS, QuestionSpec, get_spec

if TYPE_CHECKING:
    from evaluator.sql.grader import SampleRun, grade_sql, run_sample
    from evaluator.sql.signals import QueryFeatures, query_features

_LAZY = {
    "grade_sql": "evaluator.sql.grader",
    "run_sample": "evaluator.sql.grader",
    "SampleRun": "evaluator.sql.grader",
    "query_features": "evaluator.sql.signals",
    "QueryFeatures": "evaluator.sql.signals",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'evaluator.sql' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "SQL_QUESTIONS",
    "AnswerLayout",
    "QueryFeatures",
    "QuestionSpec",
    "SampleRun",
    "answer_layout",
    "get_spec",
    "grade_sql",
    "query_features",
    "run_sample",
    "split_sql_answer",
]
