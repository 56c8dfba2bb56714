"""The question bank and the round rubrics, loaded once per process from ``rubrics/``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from evaluator.loader import LoadError, Problem, kind_of, load_text, parse_yaml, read_text
from evaluator.models import Question, Round, Rubric
from evaluator.paths import rubrics_dir


class UnknownQuestion(KeyError):
    def __str__(self) -> str:
        return f"unknown question id {self.args[0]!r} (see `mockloop questions`)"


@dataclass(frozen=True)
class BankFile:
    """One file of the bank that loaded: where it is, its text (for line numbers) and its model."""

    path: str
    text: str
    obj: Rubric | Question


@dataclass
class BankScan:
    """Everything found in a bank folder: what loaded, and what is wrong.

    ``file_problems`` are problems of single files (also what ``mockloop rubric validate FILE``
    reports); ``bank_problems`` are the ones only the whole folder shows: two questions with one
    id, two rubrics for one round, a question whose round has no rubric.
    """

    rubrics: list[BankFile] = field(default_factory=list)
    questions: list[BankFile] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    bank_problems: list[Problem] = field(default_factory=list)
    broken_rubric_rounds: set[str] = field(default_factory=set)

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + self.bank_problems


def rubric_files(root: Path) -> list[Path]:
    return sorted(root.glob("*.yaml"))


def question_files(root: Path) -> list[Path]:
    return sorted((root / "questions").glob("*.yaml"))


def key_line(text: str, key: str) -> int:
    """1-based line of a top-level ``key:`` in YAML text (1 if it is not there)."""
    m = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _claimed_round(text: str) -> str | None:
    """The ``round`` a rubric file that failed to validate says it is for, if it says so."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if isinstance(data, dict) and kind_of(data) != "question" and isinstance(data.get("round"), str):
        return str(data["round"])
    return None


def scan_bank(root: Path, overlay: Mapping[Path, str] | None = None) -> BankScan:
    """Load and check a bank folder (``<root>/*.yaml`` rubrics, ``<root>/questions/*.yaml``).

    ``overlay`` maps file paths to text that replaces (or adds) those files, so a save can be
    checked as the bank would be after it, without writing anything. Paths in problems are
    ``root``-prefixed as given (as ``mockloop rubric validate`` prints them).
    """
    overlay = {Path(k).resolve(): v for k, v in (overlay or {}).items()}
    scan = BankScan()

    def files(found: list[Path], folder: Path) -> list[Path]:
        extra = [
            folder / k.name
            for k in overlay
            if k.parent == folder.resolve() and k.suffix == ".yaml" and not (folder / k.name).exists()
        ]
        return sorted(found + extra)

    for kind, paths, out in (
        ("rubric", files(rubric_files(root), root), scan.rubrics),
        ("question", files(question_files(root), root / "questions"), scan.questions),
    ):
        for f in paths:
            try:
                text = overlay[f.resolve()] if f.resolve() in overlay else read_text(f)
            except LoadError as exc:
                scan.file_problems.extend(exc.problems)
                continue
            try:
                obj = load_text(text, str(f), expect=kind)
            except LoadError as exc:
                scan.file_problems.extend(exc.problems)
                if kind == "rubric" and (claimed := _claimed_round(text)):
                    scan.broken_rubric_rounds.add(claimed)
                continue
            out.append(BankFile(str(f), text, obj))
    scan.bank_problems = bank_problems(scan.rubrics, scan.questions, scan.broken_rubric_rounds)
    return scan


def _first_of(
    files: Sequence[BankFile], key: Callable[[BankFile], str], field: str, what: str, problems: list[Problem]
) -> dict[str, BankFile]:
    """The first file for each key; every later file with the same key becomes a problem."""
    first: dict[str, BankFile] = {}
    for f in files:
        k = key(f)
        if k in first:
            problems.append(
                Problem(f.path, key_line(f.text, field), f"a second {what} {k!r} (the first is {first[k].path})")
            )
        else:
            first[k] = f
    return first


def bank_problems(
    rubrics: Sequence[BankFile], questions: Sequence[BankFile], broken_rounds: Iterable[str] = ()
) -> list[Problem]:
    """The checks across files, on files already loaded (a pure function, also used by the studio).

    ``broken_rounds`` are rounds whose rubric file exists but does not load: its own problems
    already say so, so its questions are not reported again as having no rubric.
    """
    problems: list[Problem] = []
    first_rubric = _first_of(rubrics, lambda f: f.obj.round, "round", "rubric for round", problems)
    _first_of(questions, lambda f: f.obj.id, "id", "question with id", problems)
    covered = set(first_rubric) | set(broken_rounds)
    for f in questions:
        q = f.obj
        assert isinstance(q, Question)
        if q.round not in covered:
            problems.append(
                Problem(f.path, key_line(f.text, "round"), f"question {q.id!r}: no rubric for round {q.round!r}")
            )
    return problems


def looks_like_bank(folder: Path) -> bool:
    """A folder laid out like ``rubrics/``: a ``questions/`` subfolder, or rubric files at the top."""
    if (folder / "questions").is_dir():
        return True
    for f in rubric_files(folder):
        try:
            data, _ = parse_yaml(read_text(f), str(f))
        except LoadError:
            continue
        if kind_of(data) == "rubric":
            return True
    return False


@lru_cache(maxsize=4)
def _load(root: Path) -> tuple[dict[str, Rubric], dict[str, Question]]:
    scan = scan_bank(root)
    if scan.problems:
        raise LoadError(scan.problems)
    rubrics = {f.obj.round: f.obj for f in scan.rubrics if isinstance(f.obj, Rubric)}
    questions = {f.obj.id: f.obj for f in scan.questions if isinstance(f.obj, Question)}
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
