"""The one grading entry point shared by the CLI, the batch grader and the app.

It picks the mode (deterministic unless an LLM key is configured and not overridden) so that
every caller behaves the same way and says which mode it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluator.grade import GradeResult, grade_deterministic
from evaluator.models import Question, Report


@dataclass
class GradeOutcome:
    report: Report
    result: GradeResult
    diagnostics: list[str] = field(default_factory=list)


def llm_enabled(offline: bool = False) -> bool:
    if offline:
        return False
    from evaluator.settings import get_settings

    return get_settings().llm_configured


def grade_answer(question: Question, answer: str, offline: bool = False, samples: int = 1) -> GradeOutcome:
    """Grade one answer; the deterministic report always exists and backs the LLM judge."""
    result = grade_deterministic(question, answer)
    outcome = GradeOutcome(result.report, result)
    if not llm_enabled(offline):
        outcome.report.notes.append(
            "deterministic mode: no LLM judge configured (set OPENAI_API_KEY to enable one)"
            if not offline
            else "deterministic mode (--offline)"
        )
        return outcome
    try:
        from evaluator.llm import judge_answer  # type: ignore[attr-defined]
    except ImportError:
        outcome.diagnostics.append("LLM judge not available in this build; graded deterministically")
        outcome.report.flags.append("llm_unavailable")
        return outcome
    outcome.report = judge_answer(question, answer, result, samples=samples)
    return outcome
