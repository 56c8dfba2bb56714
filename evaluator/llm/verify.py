"""Check the judge's quotes against the answer and map them back to exact spans.

Judges invent evidence. Every quote is looked up in the answer after folding whitespace,
typography (``evaluator.text.fold_typography``: curly quotes, dashes, NBSP, "×") and letter
case; a match is mapped back to the original characters, so what reaches the report is always
an exact substring of the answer, never the judge's copy. A verdict above level 2 needs at least
one such verified quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from evaluator.llm.prompt import neutralise
from evaluator.text import fold_typography, normalise_quote

MIN_QUOTE_CHARS = 8  # shorter quotes ("Kafka", "the data") are too thin to support a verdict
MAX_QUOTES = 5
UNVERIFIED_CAP = 2  # no verified evidence, no credit above "weak"
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|\u2026)\s*")
_QUOTES = " \t\r\n\"'`\u2018\u2019\u201c\u201d"
_STRIP = _QUOTES + ".,;:!?*_"


@dataclass(frozen=True)
class Span:
    """``text`` is exactly ``answer[start:end]``."""

    start: int
    end: int
    text: str

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class AnswerIndex:
    """The answer folded for matching, with a map from folded positions to original ones."""

    def __init__(self, answer: str):
        self.answer = answer
        folded: list[str] = []
        where: list[int] = []
        pending_space = False
        for i, ch in enumerate(fold_typography(neutralise(answer))):
            if ch.isspace():
                pending_space = bool(folded)
                continue
            if pending_space:
                folded.append(" ")
                where.append(i - 1)
                pending_space = False
            low = ch.lower()
            folded.append(low if len(low) == 1 else ch)
            where.append(i)
        self.folded = "".join(folded)
        self.where = where

    def find(self, quote: str, avoid: Sequence[tuple[int, int]] = ()) -> Span | None:
        """The first occurrence of ``quote`` (folded), preferring one outside ``avoid`` spans."""
        needle = fold(quote)
        if not needle:
            return None
        first: Span | None = None
        pos = self.folded.find(needle)
        while pos != -1:
            start, end = self.where[pos], self.where[pos + len(needle) - 1] + 1
            span = Span(start, end, self.answer[start:end])
            if not any(span.overlaps(a, b) for a, b in avoid):
                return span
            first = first or span
            pos = self.folded.find(needle, pos + 1)
        return first


def fold(text: str) -> str:
    """The matching form of a quote: neutralised, quote marks and whitespace folded, lower case."""
    s = normalise_quote(neutralise(text))
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def quote_parts(quote: str) -> list[str]:
    """A quote split at ellipses (each part must verify), surrounding whitespace trimmed."""
    return [p.strip() for p in _ELLIPSIS.split(quote) if p.strip(_STRIP)]


def _locate(part: str, index: AnswerIndex, excluded: Sequence[tuple[int, int]]) -> Span | None:
    """The part as quoted, else without the quote marks or punctuation the judge put around it."""
    for candidate in dict.fromkeys((part, part.strip(_QUOTES), part.strip(_STRIP))):
        span = index.find(candidate, excluded)
        if span is not None:
            return span
    return None


@dataclass
class QuoteCheck:
    """The outcome for one verdict's quotes."""

    verified: list[Span] = field(default_factory=list)  # found, creditable
    unverified: list[str] = field(default_factory=list)  # not in the answer: invented or altered
    too_short: list[str] = field(default_factory=list)
    excluded: list[Span] = field(default_factory=list)  # found, but inside text addressed to the grader


def verify_quotes(quotes: list[str], index: AnswerIndex, excluded: Sequence[tuple[int, int]] = ()) -> QuoteCheck:
    """Look every quote up in the answer; only verified, creditable spans count as evidence."""
    out = QuoteCheck()
    for quote in quotes:
        parts = [p for p in quote_parts(quote) if len(fold(p.strip(_STRIP))) >= MIN_QUOTE_CHARS]
        if not parts:
            out.too_short.append(quote)
            continue
        spans = [_locate(p, index, excluded) for p in parts]
        if any(s is None for s in spans):
            out.unverified.append(quote)
            continue
        for span in spans:
            assert span is not None
            if any(span.overlaps(a, b) for a, b in excluded):
                out.excluded.append(span)
            elif span not in out.verified:
                out.verified.append(span)
    out.verified.sort(key=lambda s: s.start)
    return out


@dataclass
class Judged:
    """One criterion's verdict after the evidence rule."""

    raw_level: int
    level: int
    rationale: str
    evidence: list[Span]
    unverified: list[str]
    notes: list[str]
    flag_unverified: bool


def apply_evidence_rule(
    level: int, rationale: str, quotes: list[str], index: AnswerIndex, excluded: Sequence[tuple[int, int]]
) -> Judged:
    """A verdict whose evidence does not verify earns nothing above level 2.

    Any quote that is not in the answer voids credit above 2 (the judge is making things up);
    so does a level of 3 or 4 with no creditable quote at all (too short, missing, or only from
    sentences addressed to the grader, which earn nothing).
    """
    qc = verify_quotes(quotes, index, excluded)
    notes: list[str] = []
    final, flag = level, False
    if qc.unverified:
        flag = True
        shown = "; ".join(f'"{_clip(q)}"' for q in qc.unverified[:2])
        notes.append(f"{len(qc.unverified)} quote(s) not found in the answer ({shown})")
        final = min(level, UNVERIFIED_CAP)
    elif level > UNVERIFIED_CAP and not qc.verified:
        final = UNVERIFIED_CAP
        if qc.excluded:
            notes.append("its only quotes come from text addressed to the grader, which earns no credit")
        else:
            flag = True
            notes.append("no verifiable quote supports it")
    if final < level:
        notes[-1] = f"level {level} capped at {final}: " + notes[-1]
    return Judged(level, final, rationale, qc.verified[:MAX_QUOTES], qc.unverified, notes, flag)


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"
