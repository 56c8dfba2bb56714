"""Necessary literals of a regex, so most patterns can be skipped with a substring test.

Grading runs a few hundred phrasing patterns over every answer; almost none of them occur in any
given answer. Python's regex engine scans the whole text for each pattern even when the pattern
can only match where a certain word appears, so we extract, from the parsed pattern, a set of
literal strings at least one of which must occur in any match, and test those with ``in`` first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

MIN_LEN = 2


def _seq_factors(items: Any) -> set[str] | None:
    """Best necessary-factor set of a sequence: a literal run, or a sub-item's factor set."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= MIN_LEN:
            candidates.append({"".join(run)})
        run.clear()

    for op, av in items:
        if op is sre_c.LITERAL:
            run.append(chr(av).lower())
            continue
        flush()
        sub: set[str] | None = None
        if op is sre_c.SUBPATTERN:
            sub = _seq_factors(av[-1])
        elif op is sre_c.BRANCH:
            branches = [_seq_factors(b) for b in av[1]]
            if all(b is not None for b in branches):
                sub = set().union(*branches)  # type: ignore[arg-type]
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
            sub = _seq_factors(av[2])
        if sub:
            candidates.append(sub)
    flush()
    if not candidates:
        return None
    # the most selective set: the one whose shortest literal is longest
    return max(candidates, key=lambda s: min(len(x) for x in s))


@lru_cache(maxsize=8192)
def factors(pattern: str) -> frozenset[str] | None:
    """Lower-cased literals one of which every match contains; None when none can be proven."""
    try:
        found = _seq_factors(sre_parse.parse(pattern, re.IGNORECASE))
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    return frozenset(found) if found else None
