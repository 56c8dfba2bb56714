"""The one grading entry point shared by the CLI, the batch grader and the app.

It picks the mode (deterministic unless an LLM key is configured and not overridden) so that
every caller behaves the same way and says which mode it used. Nothing about the LLM is ever
fatal: an invalid ``MOCKLOOP_*`` setting, like an unreachable endpoint, leaves the deterministic
report with the flag ``llm_unavailable`` and a diagnostic that says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evaluator.grade import GradeResult, grade_deterministic
from evaluator.models import Question, Report, Rubric

if TYPE_CHECKING:  # pydantic-settings is imported only when a mode has to be picked
    from evaluator.settings import Settings


@dataclass
class GradeOutcome:
    report: Report
    result: GradeResult
    diagnostics: list[str] = field(default_factory=list)


def _settings() -> Settings:
    from evaluator.settings import get_settings

    return get_settings()


def llm_enabled(offline: bool = False) -> bool:
    if offline:
        return False
    return _settings().llm_configured


def settings_diagnostic(settings: Settings) -> str | None:
    """One line naming every invalid ``MOCKLOOP_*`` variable, or None when all are valid."""
    if not settings.problems:
        return None
    what = ("invalid setting " if len(settings.problems) == 1 else "invalid settings ") + ", ".join(settings.problems)
    if settings.llm_configured:
        return f"{what}; LLM judge not used, graded deterministically"
    return f"{what}; ignored (deterministic mode)"


def grade_answer(
    question: Question, answer: str, offline: bool = False, samples: int = 1, rubric: Rubric | None = None
) -> GradeOutcome:
    """Grade one answer; the deterministic report always exists and backs the LLM judge.

    ``rubric`` replaces the bank's rubric for the round (the studio tries drafts with it).
    """
    result = grade_deterministic(question, answer, rubric=rubric)
    outcome = GradeOutcome(result.report, result)
    if offline:
        outcome.report.notes.append("deterministic mode (--offline)")
        return outcome
    settings = _settings()
    problem = settings_diagnostic(settings)
    if problem:
        outcome.diagnostics.append(problem)
    if not settings.llm_configured:
        outcome.report.notes.append("deterministic mode: no LLM judge configured (set OPENAI_API_KEY to enable one)")
        return outcome
    if problem:
        outcome.report.flags.append("llm_unavailable")
        outcome.report.notes.append(problem)
        return outcome
    from evaluator.llm import judge_answer

    outcome.report = judge_answer(question, answer, result, samples=samples, settings=settings)
    return outcome
