"""Deterministic checks. Importing this package registers every check by name.

Check modules must stay light to import (no DuckDB, LangChain or Streamlit at module level):
``mockloop grade`` has a cold-start budget of one second.
"""

from evaluator.checks.registry import CHECKS, AnswerContext, Finding, check, run_check

__all__ = ["CHECKS", "AnswerContext", "Finding", "check", "run_check"]

# Registration happens on import; the order is irrelevant.
from evaluator.checks import (  # noqa: E402,F401
    concepts,
    guards,
    numbers,
    ownership,
    product,
    reasoning,
    red_flags,
    sql_checks,
)
