"""Shared test helpers (imported by test modules; pytest puts tests/ on sys.path)."""

from __future__ import annotations

from evaluator.bank import get_question, rubric_for
from evaluator.checks import AnswerContext, Finding, run_check
from evaluator.grade import build_context


def ctx_for(text: str, question_id: str = "design-ads-performance-pipeline") -> AnswerContext:
    q = get_question(question_id)
    return build_context(q, rubric_for(q.round), text)


def run(name: str, text: str, question_id: str = "design-ads-performance-pipeline", **params: object) -> Finding:
    return run_check(name, ctx_for(text, question_id), params)
