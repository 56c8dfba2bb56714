"""Helpers for the LLM judge tests: questions, rubrics and answers loaded straight from files.

The bank (``evaluator.bank``) validates every rubric at once; while other parts (the SQL checks)
are being built it may not load, and these tests should not depend on that.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from evaluator.grade import GradeResult, grade_deterministic
from evaluator.loader import load_file
from evaluator.models import Question, Rubric

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = ROOT / "rubrics"
HELDOUT = Path(__file__).resolve().parent / "heldout"


@cache
def question(qid: str) -> Question:
    """A question loaded straight from its file (the bank may not load while SQL checks are in flux)."""
    obj = load_file(RUBRICS / "questions" / f"{qid}.yaml", expect="question")
    assert isinstance(obj, Question)
    return obj


@cache
def rubric(round: str) -> Rubric:
    obj = load_file(RUBRICS / f"{round}.yaml", expect="rubric")
    assert isinstance(obj, Rubric)
    return obj


def deterministic(qid: str, answer: str) -> GradeResult:
    q = question(qid)
    return grade_deterministic(q, answer, rubric(q.round))


@cache
def heldout() -> dict[str, dict[str, Any]]:
    with open(HELDOUT / "answers.yaml", encoding="utf-8") as fh:
        return {a["id"]: a for a in yaml.safe_load(fh)}


@cache
def adversarial() -> dict[str, dict[str, Any]]:
    with open(HELDOUT / "adversarial.yaml", encoding="utf-8") as fh:
        return {a["id"]: a for a in yaml.safe_load(fh)}


def sql_checks_registered() -> bool:
    import evaluator.checks as checks

    return "sql_correct" in checks.CHECKS
