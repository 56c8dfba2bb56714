"""The question bank and the round rubrics, loaded once per process from ``rubrics/``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from evaluator.loader import LoadError, Problem, load_file
from evaluator.models import Question, Round, Rubric
from evaluator.paths import rubrics_dir


class UnknownQuestion(KeyError):
    def __str__(self) -> str:
        return f"unknown question id {self.args[0]!r} (see `mockloop questions`)"


def _load_all(files: list[Path], expect: str, key: str, problems: list[Problem]) -> dict[str, Any]:
    """Load every file of one kind, keyed by ``key``; duplicates and bad files become problems."""
    out: dict[str, Any] = {}
    for f in files:
        try:
            obj = load_file(f, expect=expect)
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        k = getattr(obj, key)
        if k in out:
            problems.append(Problem(str(f), 1, f"a second {expect} with {key} {k!r}"))
        out[k] = obj
    return out


@lru_cache(maxsize=4)
def _load(root: Path) -> tuple[dict[str, Rubric], dict[str, Question]]:
    problems: list[Problem] = []
    rubrics: dict[str, Rubric] = _load_all(sorted(root.glob("*.yaml")), "rubric", "round", problems)
    questions: dict[str, Question] = _load_all(sorted((root / "questions").glob("*.yaml")), "question", "id", problems)
    for q in questions.values():
        if q.round not in rubrics:
            problems.append(Problem(str(root / "questions"), 1, f"question {q.id!r}: no rubric for round {q.round!r}"))
    if problems:
        raise LoadError(problems)
    return rubrics, questions


def load_bank(root: Path | None = None) -> tuple[dict[str, Rubric], dict[str, Question]]:
    return _load((root or rubrics_dir()).resolve())


def questions(round: Round | None = None) -> list[Question]:
    _, qs = load_bank()
    return [q for q in qs.values() if round is None or q.round == round]


def get_question(qid: str) -> Question:
    _, qs = load_bank()
    if qid not in qs:
        raise UnknownQuestion(qid)
    return qs[qid]


def rubric_for(round: Round) -> Rubric:
    rubrics, _ = load_bank()
    return rubrics[round]
