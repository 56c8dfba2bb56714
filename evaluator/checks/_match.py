"""Matching helpers shared by the checks: pattern families over prose sentences.

A "family" is one idea with several phrasings. Checks count distinct families rather than raw
hits, so repeating one phrase ten times earns no more than saying it once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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


_INDEX: dict[int, tuple[Sequence[Sentence], str, list[int]]] = {}


def _index(group: Sequence[Sentence]) -> tuple[str, list[int]]:
    """The group's lower-cased text joined with newlines, and where each sentence starts in it.

    Checks pass the same list (``ctx.prose``, ``ctx.sentences``) many times; the entry keeps a
    reference to the list so its id cannot be reused while cached.
    """
    entry = _INDEX.get(id(group))
    if entry is not None and entry[0] is group:
        return entry[1], entry[2]
    starts, pos = [], 0
    for s in group:
        starts.append(pos)
        pos += len(s.lower) + 1  # lower() can change the length (e.g. "İ")
    whole = "\n".join(s.lower for s in group)
    if len(_INDEX) > 64:
        _INDEX.clear()
    _INDEX[id(group)] = (group, whole, starts)
    return whole, starts


def matching(sentences: Iterable[Sentence], patterns: Sequence[str]) -> list[Sentence]:
    """Sentences that match any of the patterns.

    Each pattern runs only on the sentences that contain one of its necessary literals (see
    ``_prefilter``), found with ``str.find`` on the joined text: most phrasings occur nowhere in
    a given answer, so most searches are replaced by a substring test.
    """
    group = sentences if isinstance(sentences, list) else list(sentences)
    if not group:
        return []
    whole, starts = _index(group)
    hit = [False] * len(group)
    for p in patterns:
        lits = factors(p)
        if lits is None:
            candidates: Iterable[int] = range(len(group))
        else:
            found: set[int] = set()
            for x in lits:
                pos = whole.find(x)
                while pos != -1:
                    found.add(bisect_right(starts, pos) - 1)
                    pos = whole.find(x, pos + 1)
            if not found:
                continue  # the common case: this phrasing occurs nowhere in the answer
            candidates = sorted(found)
        compiled = rx(p)
        for i in candidates:
            if not hit[i] and compiled.search(group[i].text):
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


def argued_families(
    sentences: Sequence[Sentence],
    families: Mapping[str, Sequence[str]],
    argument: Sequence[str],
    named_weight: float,
) -> tuple[float, dict[str, Sentence], list[str]]:
    """Distinct families, each counted in full when one of its sentences (or the sentence after
    it) carries an argument or a figure, and ``named_weight`` when it is only named.

    Returns the weighted count, the evidence per family (an argued sentence where there is one)
    and the families that were only named.
    """
    following = {a.start: b for a, b in zip(sentences, sentences[1:], strict=False)}
    combined = _combined(tuple(argument))
    carries: dict[int, bool] = {}  # families share sentences: test each one once

    def argues(s: Sentence) -> bool:
        if s.start not in carries:
            carries[s.start] = combined.search(s.text) is not None
        return carries[s.start]

    def argued(s: Sentence) -> bool:
        nxt = following.get(s.start)
        return any(ch.isdigit() for ch in s.text) or argues(s) or (nxt is not None and argues(nxt))

    count = 0.0
    found: dict[str, Sentence] = {}
    named: list[str] = []
    for name, patterns in families.items():
        hits = matching(sentences, patterns)
        if not hits:
            continue
        deep = next((h for h in hits if argued(h)), None)
        found[name] = deep or hits[0]
        if deep is None:
            named.append(name)
        count += 1.0 if deep is not None else named_weight
    return count, found, named



def argued_family_finding(
    sentences: Sequence[Sentence],
    families: Mapping[str, Sequence[str]],
    argument: Sequence[str],
    named_weight: float,
    steps: Sequence[float],
    what: str,
    pass_at: int = 2,
    pass_on_argued: bool = False,
) -> Finding:
    """``family_finding`` where a family only named counts ``named_weight`` of one argued (see
    ``argued_families``); the detail says which families were only named. It passes at
    ``pass_at`` distinct families, or, with ``pass_on_argued``, at that weighted count."""
    count, found, named = argued_families(sentences, families, argument, named_weight)
    detail = f"{what}: {len(found)} of {len(families)}"
    if found:
        detail += f" ({', '.join(found)})"
    if named:
        detail += f"; only named, not argued: {', '.join(named)}"
    missing = [n for n in families if n not in found]
    if missing:
        detail += f"; not seen: {', '.join(missing)}"
    evidence = sorted(set(found.values()), key=lambda s: s.start)
    passed = (count if pass_on_argued else len(found)) >= pass_at
    return Finding(passed, ladder(count, steps), detail, evidence)
