"""The question bank and the round rubrics, loaded once per process from ``rubrics/``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from evaluator.loader import LoadError, Problem, load_file
from evaluator.models import Question, Round, Rubric
from evaluator.paths import rubrics_dir


class UnknownQuestion(KeyError):
    def __str__(self) -> str:
        return f"unknown question id {self.args[0]!r} (see `mockloop questions`)"


@lru_cache(maxsize=4)
def _load(root: Path) -> tuple[dict[str, Rubric], dict[str, Question]]:
    rubrics: dict[str, Rubric] = {}
    questions: dict[str, Question] = {}
    problems: list[Problem] = []
    for f in sorted(root.glob("*.yaml")):
        try:
            obj = load_file(f, expect="rubric")
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        assert isinstance(obj, Rubric)
        if obj.round in rubrics:
            problems.append(Problem(str(f), 1, f"a second rubric for round {obj.round!r}"))
        rubrics[obj.round] = obj
    for f in sorted((root / "questions").glob("*.yaml")):
        try:
            obj = load_file(f, expect="question")
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        assert isinstance(obj, Question)
        if obj.id in questions:
            problems.append(Problem(str(f), 1, f"duplicate question id {obj.id!r}"))
        questions[obj.id] = obj
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
