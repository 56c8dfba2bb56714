"""Matching helpers shared by the checks: pattern families over prose sentences.

A "family" is one idea with several phrasings. Checks count distinct families rather than raw
hits, so repeating one phrase ten times earns no more than saying it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from evaluator.checks.registry import Finding
from evaluator.text import Sentence


@lru_cache(maxsize=2048)
def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def first_match(sentences: Iterable[Sentence], patterns: Sequence[str]) -> Sentence | None:
    for s in sentences:
        if any(rx(p).search(s.text) for p in patterns):
            return s
    return None


def matching(sentences: Iterable[Sentence], patterns: Sequence[str]) -> list[Sentence]:
    return [s for s in sentences if any(rx(p).search(s.text) for p in patterns)]


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
