"""Load rubric and question YAML into the pydantic models, with errors that name file and line.

Coaches edit these files by hand, so every problem is reported as ``file:line: message`` pointing
at the offending key (PyYAML's node marks give the line), and one bad file never hides the
problems of another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from evaluator.models import Question, Rubric

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One validation problem; ``str()`` gives the ``file:line: message`` form."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LoadError(Exception):
    """Raised with every problem found in a file (or set of files)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _line_of(node: yaml.Node | None, loc: Sequence[Any]) -> int:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if str(k.value) == str(key):
                    line = k.start_mark.line + 1
                    nxt = v
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _format_loc(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def kind_of(data: Any) -> str | None:
    """Tell a rubric from a question from a gold-set entry by its keys."""
    if not isinstance(data, dict):
        return None
    if "criteria" in data:
        return "rubric"
    if "prompt" in data:
        return "question"
    if "scores" in data and "answer" in data:
        return "gold"
    return None


def parse_yaml(text: str, path: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text; a syntax error becomes a LoadError at the line PyYAML reports."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise LoadError([Problem(path, line, f"YAML syntax error: {problem}")]) from exc
    return data, node


def validate_model(model: type[M], data: Any, node: yaml.Node | None, path: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(path, _line_of(node, err["loc"]), f"{_format_loc(err['loc']) or 'file'}: {err['msg']}")
            for err in exc.errors()
        ]
        raise LoadError(problems) from exc


def _semantic_problems(obj: Rubric | Question, node: yaml.Node | None, path: str) -> list[Problem]:
    """What the schema alone cannot see: check names that are not registered."""
    from evaluator.checks import CHECKS

    problems: list[Problem] = []
    if isinstance(obj, Rubric):
        for i, crit in enumerate(obj.criteria):
            for j, sig in enumerate(crit.signals):
                if sig.check not in CHECKS:
                    loc = ("criteria", i, "signals", j, "check")
                    problems.append(
                        Problem(path, _line_of(node, loc), f"{_format_loc(loc)}: unknown check {sig.check!r}")
                    )
        for section in ("penalties", "caps"):
            for i, item in enumerate(getattr(obj, section)):
                if item.check not in CHECKS:
                    loc = (section, i, "check")
                    problems.append(
                        Problem(path, _line_of(node, loc), f"{_format_loc(loc)}: unknown check {item.check!r}")
                    )
    return problems


def load_text(text: str, path: str, expect: str | None = None) -> Rubric | Question:
    """Parse and validate one rubric or question document."""
    data, node = parse_yaml(text, path)
    kind = kind_of(data)
    if expect and kind != expect:
        raise LoadError([Problem(path, 1, f"expected a {expect} file (a rubric has 'criteria', a question 'prompt')")])
    if kind == "rubric":
        obj: Rubric | Question = validate_model(Rubric, data, node, path)
    elif kind == "question":
        obj = validate_model(Question, data, node, path)
    else:
        raise LoadError([Problem(path, 1, "not a rubric (needs 'criteria') or a question (needs 'prompt')")])
    problems = _semantic_problems(obj, node, path)
    if problems:
        raise LoadError(problems)
    return obj


def read_text(path: Path) -> str:
    """A rubric or question file's text; unreadable or non-UTF-8 files become a LoadError."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError([Problem(str(path), 1, f"cannot read file: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise LoadError([Problem(str(path), 1, f"not UTF-8 text: {exc.reason}")]) from exc


def load_file(path: Path, expect: str | None = None) -> Rubric | Question:
    return load_text(read_text(path), str(path), expect)


NOT_RUBRICS = {"gold", "interrater"}


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their YAML files (recursively); gold-set and second-rating folders are not rubrics."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*.y*ml") if not NOT_RUBRICS & set(f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def validate_paths(paths: Iterable[Path]) -> tuple[int, list[Problem]]:
    """Validate every file, collecting all problems; returns (files checked, problems).

    A folder laid out like the bank (rubric files and/or a ``questions/`` subfolder) is also
    checked as a bank, with ``evaluator.bank``'s own checks: what every other command would refuse
    (two questions with one id, two rubrics for one round, a question of a round with no rubric, a
    question file where a rubric belongs) is reported here too.
    """
    from evaluator.bank import looks_like_bank, scan_bank

    paths = list(paths)
    problems: list[Problem] = []
    files = yaml_files(paths)
    for f in files:
        if not f.exists():
            problems.append(Problem(str(f), 1, "no such file"))
            continue
        try:
            load_file(f)
        except LoadError as exc:
            problems.extend(exc.problems)
    for folder in paths:
        if not folder.is_dir() or not looks_like_bank(folder):
            continue
        scan = scan_bank(folder)
        reported = {p.path for p in problems}
        problems.extend(p for p in scan.file_problems if p.path not in reported and p not in problems)
        problems.extend(p for p in scan.bank_problems if p not in problems)
    return len(files), problems
