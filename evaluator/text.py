"""Sentence spans over the answer text.

Evidence in a report must be an exact substring of the answer, so sentences are kept as spans
of the original text and never rebuilt from tokens. "Prose" sentences (several words, with the
small function words that real sentences have) are the only ones that earn concept credit: a
list of buzzwords is not an explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_SPLIT = re.compile(
    r"""(?:(?<=[.!?])["')\]]*\s+(?=[^a-z\s]))   # sentence end followed by a capital, digit or symbol
        |(?:\n\s*\n)                          # blank line
        |(?:\n(?=\s*(?:[-*\u2022]|\d+[.)])\s))  # a new list item
        |(?:\n(?=[A-Z#]))                     # a new line starting like a sentence or heading
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d.,]*")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "for",
        "by",
        "with",
        "because",
        "so",
        "that",
        "which",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "these",
        "we",
        "i",
        "our",
        "my",
        "they",
        "their",
        "you",
        "when",
        "then",
        "than",
        "if",
        "but",
        "and",
        "or",
        "at",
        "on",
        "in",
        "into",
        "from",
        "as",
        "per",
        "each",
        "every",
        "would",
        "will",
        "can",
        "could",
        "should",
        "need",
        "needs",
        "use",
        "using",
        "do",
        "does",
        "did",
        "not",
        "no",
        "have",
        "has",
        "had",
        "keep",
        "keeps",
        "there",
        "what",
        "who",
        "why",
        "how",
        "while",
        "since",
        "after",
        "before",
        "until",
        "about",
        "only",
        "also",
        "both",
        "either",
    ]
)
_LEAD = re.compile(r"^\s*(?:[-*\u2022>#]+|\d+[.)])\s*")


@dataclass(frozen=True)
class Sentence:
    """A span of the answer; ``text`` is exactly ``answer[start:end]``."""

    text: str
    start: int
    end: int

    @cached_property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def is_prose(self) -> bool:
        """Whether this reads as a sentence rather than a term or a list of terms.

        A real sentence has several words and some function words; a comma-separated run of
        terms ("Kafka, Flink, Spark, Iceberg, sharding") has neither enough function words
        nor words between its commas.
        """
        words = [w.lower() for w in self.words]
        if len(words) < 5:
            return False
        function = sum(1 for w in words if w in _FUNCTION_WORDS)
        if function < 2 or function / len(words) < 0.12:
            return False
        segments = [s for s in re.split(r"[,;/|]", self.text) if s.strip()]
        return not (len(segments) >= 5 and len(words) / len(segments) < 2.5)


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentence spans with leading bullets and surrounding whitespace trimmed."""
    out: list[Sentence] = []
    pos = 0
    for m in _SPLIT.finditer(text):
        _add(text, pos, m.start(), out)
        pos = m.end()
    _add(text, pos, len(text), out)
    return out


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    chunk = text[start:end]
    lead = _LEAD.match(chunk)
    offset = lead.end() if lead else len(chunk) - len(chunk.lstrip())
    s, e = start + offset, end
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Sentence(text[s:e], s, e))


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# One character for one character, so offsets into the folded copy are offsets into the answer
# as typed and evidence can still be quoted exactly from the original.
_QUOTES = {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032"} | {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
_SPACES = {c: " " for c in "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"}
_FOLD_ALL = str.maketrans(_QUOTES | _DASHES | _SPACES | {"\u00d7": "x"})
_FOLD_NO_QUOTES = str.maketrans(_DASHES | _SPACES | {"\u00d7": "x"})


def fold_typography(text: str, quotes: bool = True) -> str:
    """Curly quotes, typographic dashes, non-breaking spaces and "×" as their ASCII twins.

    Editors and phones type "I’d", "10×" and "1–2 TB"; the checks' phrasings are written in
    ASCII, so without this an answer's score would depend on its author's keyboard. ``quotes``
    can be turned off; SQL answers fold only their notes and comments (``grade.build_context``).
    """
    return text.translate(_FOLD_ALL if quotes else _FOLD_NO_QUOTES)


def normalise_quote(text: str) -> str:
    """Whitespace and quote characters folded, for comparing quotes with the answer."""
    return re.sub(r"\s+", " ", fold_typography(text)).strip()
