"""Rubric studio: edit a rubric or question file, validate it live, try it, save a new version.

Coaches work on the live bank, so saving must never lose what was there: the previous file is
archived under ``<rubrics>/_versions/`` (which the bank does not load) before the new text
replaces it, a rubric's ``version`` is bumped if the coach did not bump it, and a file that
changed on disk since it was opened is not overwritten. Validation uses the loader exactly as
``mockloop rubric validate`` does, so the studio and the CLI print the same ``file:line: message``.
Before anything is written the whole bank is checked as it would be after the save (the edited
text overlaid on the files on disk), so a save never leaves the app with an unloadable bank; and
a question's ``id`` is never changed here, because attempts and scores refer to it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from evaluator.loader import LoadError, kind_of, load_text
from evaluator.models import Question, Report, Rubric
from evaluator.paths import rubrics_dir
from evaluator.transcripts import utcnow, write_atomic

ARCHIVE = "_versions"
_VERSION_LINE = re.compile(r"^(version:[ \t]*)(['\"]?)([^'\"\n#]*?)\2([ \t]*(?:#.*)?)$", re.MULTILINE)


class StudioError(Exception):
    """A save that was refused, with the reasons (validation problems or a conflict)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # "rubric" | "question"
    label: str  # what validation messages call the file, e.g. rubrics/modeling.yaml


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as ``mockloop rubric validate rubrics/`` run from the project root prints it."""
    root = (root or rubrics_dir()).resolve()
    try:
        return str(Path(root.name) / path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def sources(root: Path | None = None) -> list[Source]:
    """The bank's files: round rubrics first, then questions (the archive is not listed)."""
    root = root or rubrics_dir()
    out = [Source(p, "rubric", display_path(p, root)) for p in sorted(root.glob("*.yaml"))]
    out += [Source(p, "question", display_path(p, root)) for p in sorted((root / "questions").glob("*.yaml"))]
    return out


@dataclass
class Validation:
    obj: Rubric | Question | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.obj is not None and not self.problems


def validate(text: str, label: str) -> Validation:
    """Validate YAML text as the CLI validates a file called ``label``."""
    try:
        return Validation(load_text(text, label))
    except LoadError as exc:
        return Validation(None, [str(p) for p in exc.problems])


# --------------------------------------------------------------------------- trying a draft


def try_answer(
    obj: Rubric | Question, answer: str, question_id: str | None = None, offline: bool = True
) -> Report:
    """Grade a pasted sample answer with the *edited* rubric or question.

    A rubric draft is tried on ``question_id`` (a bank question of the rubric's round); a question
    draft is graded with its round's current rubric. Deterministic unless ``offline`` is False and
    a judge is configured: then the LLM judge grades against the draft too, through the same
    ``service.grade_answer`` as everything else.
    """
    from evaluator.bank import get_question
    from evaluator.service import grade_answer

    if isinstance(obj, Question):
        return grade_answer(obj, answer, offline=offline).report
    if not question_id:
        raise ValueError("choose a question of this rubric's round to try the rubric on")
    question = get_question(question_id)
    if question.round != obj.round:
        raise ValueError(f"question {question_id!r} is a {question.round} question; this rubric is for {obj.round}")
    return grade_answer(question, answer, offline=offline, rubric=obj).report


# --------------------------------------------------------------------------- versions


def version_of(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    v = data.get("version") if isinstance(data, dict) else None
    return None if v is None else str(v)


def bump(version: str) -> str:
    """Next version: the last number goes up by one ("1.0.0" -> "1.0.1", "3" -> "4")."""
    m = re.search(r"(\d+)(?!.*\d)", version)
    if not m:
        return f"{version}.1"
    return version[: m.start()] + str(int(m.group(1)) + 1) + version[m.end() :]


def with_version(text: str, version: str) -> str:
    """Replace the top-level ``version:`` value, keeping quotes and comments."""

    def repl(m: re.Match[str]) -> str:
        quote = m.group(2) or '"'
        return f"{m.group(1)}{quote}{version}{quote}{m.group(4)}"

    return _VERSION_LINE.sub(repl, text, count=1)


@dataclass
class SavePlan:
    """What a save would do, shown to the coach before they confirm."""

    target: Path
    archive: Path | None
    text: str
    old_version: str | None
    new_version: str | None

    def describe(self, root: Path | None = None) -> str:
        what = f"write {display_path(self.target, root)}"
        if self.new_version:
            what += f" as version {self.new_version}"
        if self.archive is not None:
            kept = f" (version {self.old_version})" if self.old_version else ""
            what += f"; the current file{kept} is kept as {display_path(self.archive, root)}"
        return what[0].upper() + what[1:] + "."


def _archive_path(target: Path, root: Path, tag: str) -> Path:
    try:
        rel = target.resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(target.name)
    folder = root / ARCHIVE / rel.parent
    candidate = folder / f"{rel.stem}@{tag}{rel.suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{rel.stem}@{tag}-{n}{rel.suffix}"
        n += 1
    return candidate


def plan_save(
    target: Path, text: str, *, opened_text: str | None = None, root: Path | None = None, now: datetime | None = None
) -> SavePlan:
    """Check a save and work out the new version and archive name; raises ``StudioError``."""
    root = root or rubrics_dir()
    check = validate(text, display_path(target, root))
    if not check.ok:
        raise StudioError(["The file has errors; fix them before saving.", *check.problems])
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current is not None and opened_text is not None and current != opened_text:
        raise StudioError(
            [
                f"{display_path(target, root)} changed on disk since you opened it; "
                "reopen it (your edits are still in the editor) and save again."
            ]
        )
    if current is not None and current == text:
        raise StudioError(["Nothing changed: the editor matches the saved file."])
    if isinstance(check.obj, Question) and current is not None and _kind(current) == "question":
        old_id = _raw_key(current, "id")
        if old_id is not None and old_id != check.obj.id:
            raise StudioError(
                [
                    f"The question id cannot be changed here ({old_id!r} -> {check.obj.id!r}): saved attempts, "
                    "the gold set and coaches' scores refer to questions by id. "
                    "Create a new question file instead, and keep this one."
                ]
            )
    old_version = version_of(current) if current is not None else None
    new_version = version_of(text) if isinstance(check.obj, Rubric) else None
    if isinstance(check.obj, Rubric) and old_version is not None and new_version == old_version:
        new_version = bump(old_version)
        text = with_version(text, new_version)
        if version_of(text) != new_version:
            raise StudioError(["Could not bump 'version'; set a new version by hand."])
    problems = bank_problems_after(target, text, root)
    if problems:
        raise StudioError(
            [
                f"Saving {display_path(target, root)} like this would break the question bank; nothing was written:",
                *problems,
            ]
        )
    archive = None
    if current is not None:
        tag = old_version or f"{(now or utcnow()):%Y%m%d-%H%M%S}"
        archive = _archive_path(target, root, tag)
    return SavePlan(target, archive, text, old_version, new_version)


def _raw(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _raw_key(text: str, key: str) -> str | None:
    data = _raw(text)
    v = data.get(key) if isinstance(data, dict) else None
    return None if v is None else str(v)


def _kind(text: str) -> str | None:
    return kind_of(_raw(text))


def bank_problems_after(target: Path, text: str, root: Path | None = None) -> list[str]:
    """The bank problems that saving ``text`` to ``target`` would add, checked before writing.

    The bank is scanned as it would be after the save (the new text overlaid on the files on
    disk); problems that were already there before are not the save's fault and do not block it,
    so a save can also fix a broken bank.
    """
    from evaluator.bank import scan_bank

    root = root or rubrics_dir()
    after = scan_bank(root, overlay={target: text})
    if not after.problems:
        return []
    before = {str(p) for p in scan_bank(root).problems}
    return [_relabel(str(p), root) for p in after.problems if str(p) not in before]


def _relabel(problem: str, root: Path) -> str:
    """``/abs/rubrics/x.yaml:3: msg`` -> ``rubrics/x.yaml:3: msg``, as the editor labels files."""
    prefix = str(root).rstrip("/\\") + os.sep
    return problem.replace(prefix, root.resolve().name + os.sep)


@dataclass
class SaveResult:
    plan: SavePlan
    bank_problems: list[str] = field(default_factory=list)


def save_new_version(
    target: Path, text: str, *, opened_text: str | None = None, root: Path | None = None, now: datetime | None = None
) -> SaveResult:
    """Archive the current file, write the new version atomically, and reload the bank."""
    root = root or rubrics_dir()
    plan = plan_save(target, text, opened_text=opened_text, root=root, now=now)
    if plan.archive is not None:
        write_atomic(plan.archive, target.read_text(encoding="utf-8"))
    write_atomic(plan.target, plan.text)
    return SaveResult(plan, reload_bank())


def reload_bank() -> list[str]:
    """Forget the cached bank so the app grades with the saved files; returns any bank problems."""
    from evaluator import bank

    bank._load.cache_clear()
    try:
        bank.load_bank()
    except LoadError as exc:
        return [str(p) for p in exc.problems]
    return []
