"""Matching helpers shared by the checks: pattern families over prose sentences.

A "family" is one idea with several phrasings. Checks count distinct families rather than raw
hits, so repeating one phrase ten times earns no more than saying it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from evaluator.checks._prefilter import factors
from evaluator.checks.registry import Finding
from evaluator.text import Sentence


@lru_cache(maxsize=2048)
def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=1024)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation per phrasing family: one regex pass per sentence instead of one per phrasing."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)


def any_match(text: str, patterns: Sequence[str]) -> bool:
    return _combined(tuple(patterns)).search(text) is not None


def matching(sentences: Iterable[Sentence], patterns: Sequence[str]) -> list[Sentence]:
    """Sentences that match any of the patterns.

    Each pattern runs only on the sentences that contain one of its necessary literals (see
    ``_prefilter``): most phrasings occur nowhere in a given answer, so most searches are
    replaced by a substring test.
    """
    group = list(sentences)
    if not group:
        return []
    hit = [False] * len(group)
    whole = "\n".join(s.lower for s in group)
    for p in patterns:
        lits = factors(p)
        if lits is not None:
            lits = frozenset(x for x in lits if x in whole)
            if not lits:
                continue  # the common case: this phrasing occurs nowhere in the answer
        compiled = rx(p)
        for i, s in enumerate(group):
            if hit[i]:
                continue
            if lits is not None and not any(x in s.lower for x in lits):
                continue
            if compiled.search(s.text):
                hit[i] = True
    return [s for s, h in zip(group, hit, strict=True) if h]


def first_match(sentences: Iterable[Sentence], patterns: Sequence[str]) -> Sentence | None:
    hits = matching(sentences, patterns)
    return hits[0] if hits else None


def families_found(sentences: Sequence[Sentence], families: Mapping[str, Sequence[str]]) -> dict[str, Sentence]:
    """For each family with a match, the first sentence that expresses it."""
    found: dict[str, Sentence] = {}
    for name, patterns in families.items():
        hit = first_match(sentences, patterns)
        if hit is not None:
            found[name] = hit
    return found


def ladder(count: float, steps: Sequence[float]) -> float:
    """Strength for ``count`` on a ladder: ``steps[i]`` is the strength at count ``i + 1``.

    Fractional counts interpolate between rungs (and from 0 up to the first rung).
    """
    if count <= 0:
        return 0.0
    if count >= len(steps):
        return steps[-1]
    lower = int(count)
    below = steps[lower - 1] if lower >= 1 else 0.0
    return below + (steps[lower] - below) * (count - lower)


def family_finding(
    sentences: Sequence[Sentence],
    families: Mapping[str, Sequence[str]],
    steps: Sequence[float],
    what: str,
    pass_at: int = 2,
) -> Finding:
    """A finding from how many distinct families the prose covers."""
    found = families_found(sentences, families)
    missing = [n for n in families if n not in found]
    detail = f"{what}: {len(found)} of {len(families)}"
    if found:
        detail += f" ({', '.join(found)})"
    if missing:
        detail += f"; not seen: {', '.join(missing)}"
    evidence = sorted(set(found.values()), key=lambda s: s.start)
    return Finding(len(found) >= pass_at, ladder(len(found), steps), detail, evidence)
