"""The registry of deterministic checks.

Every check is a small function ``(ctx, params) -> Finding`` registered by name, so rubrics in
YAML can refer to it and ``mockloop rubric validate`` can tell a typo from a real check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from evaluator.models import Question, Rubric
from evaluator.text import Sentence, split_sentences


@dataclass
class Finding:
    """What a check found. ``strength`` in 0..1 is how much credit it supports."""

    passed: bool
    strength: float
    detail: str
    evidence: list[Sentence] = field(default_factory=list)


@dataclass
class AnswerContext:
    """One answer being graded, with derived views computed once and shared by all checks."""

    question: Question
    rubric: Rubric
    answer: str
    sql_query: str | None = None
    sql_note: str | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    excluded: frozenset[int] = frozenset()  # sentence starts that may not earn credit (injection)
    # The answer as typed when ``answer`` is its typography-folded copy (same length, same offsets).
    typed: str | None = None

    @property
    def as_typed(self) -> str:
        return self.answer if self.typed is None else self.typed

    def quote(self, s: Sentence) -> str:
        """A span of the answer as the candidate typed it, for evidence that is an exact substring."""
        return self.as_typed[s.start : s.end]

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The answer's sentences, minus excluded ones and repeats.

        A sentence said twice earns credit once: pasting one good sentence ten times is not ten
        justified choices.
        """
        seen: set[str] = set()
        out: list[Sentence] = []
        for s in split_sentences(self.answer):
            key = " ".join(s.lower.split())
            if s.start in self.excluded or key in seen:
                continue
            seen.add(key)
            out.append(s)
        return out

    @cached_property
    def prose(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_prose]


CheckFn = Callable[[AnswerContext, Mapping[str, Any]], Finding]
CHECKS: dict[str, CheckFn] = {}


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under ``name``; its docstring is what the rubric studio shows."""

    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise ValueError(f"check {name!r} registered twice")
        if not (fn.__doc__ or "").strip():
            raise ValueError(f"check {name!r} needs a docstring")
        CHECKS[name] = fn
        return fn

    return register


def run_check(name: str, ctx: AnswerContext, params: Mapping[str, Any] | None = None) -> Finding:
    """Run a check once per (name, params) per answer: several criteria may share one."""
    key = f"check:{name}:{sorted((params or {}).items())!r}"
    if key not in ctx.memo:
        ctx.memo[key] = CHECKS[name](ctx, params or {})
    return ctx.memo[key]
