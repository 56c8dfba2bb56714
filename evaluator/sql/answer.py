"""Split an SQL answer into the query and the written scaling note.

Candidates write the query, then optionally a line of dashes and free text on how it scales;
many also put that discussion in SQL comments. Both count as the note. Positions are kept as
spans of the original text so checks can quote the answer exactly. No DuckDB or sqlglot here:
the CLI calls this on its cold path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEPARATOR = re.compile(r"-{3,}")


@dataclass(frozen=True)
class AnswerLayout:
    """Where the query, the note and the comments sit in the answer text (half-open spans)."""

    query: tuple[int, int]
    note: tuple[int, int] | None = None
    comments: list[tuple[int, int]] = field(default_factory=list)

    def note_regions(self) -> list[tuple[int, int]]:
        """Spans that hold prose about the query: the note first, then each comment."""
        return ([self.note] if self.note else []) + list(self.comments)


def answer_layout(text: str) -> AnswerLayout:
    """Find the separator line and the comments of the query part.

    The text is lexed (strings, quoted identifiers, comments) so that ``--`` inside a string
    literal is not taken for a comment and a line of dashes inside a block comment is not
    taken for the separator.
    """
    comments: list[tuple[int, int]] = []
    i, n = 0, len(text)
    query_end, note = n, None
    while i < n:
        ch = text[i]
        if ch in "'\"":
            i = _skip_quoted(text, i, ch)
        elif text.startswith("--", i):
            eol = text.find("\n", i)
            eol = n if eol == -1 else eol
            line_start = text.rfind("\n", 0, i) + 1
            if not text[line_start:i].strip() and _SEPARATOR.fullmatch(text[i:eol].strip()):
                query_end = line_start
                note = _trim(text, eol, n)
                break
            span = _trim(text, i + 2, eol)
            if span:
                comments.append(span)
            i = eol
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            end = n if close == -1 else close
            span = _trim(text, i + 2, end)
            if span:
                comments.append(span)
            i = n if close == -1 else close + 2
        else:
            i += 1
    query = _trim(text, 0, query_end) or (0, 0)
    return AnswerLayout(query=query, note=note, comments=comments)


def split_sql_answer(text: str) -> tuple[str, str]:
    """Return ``(query, note)``; the note is the text after the dashes plus every SQL comment."""
    layout = answer_layout(text or "")
    query = text[layout.query[0] : layout.query[1]] if text else ""
    parts = [text[s:e] for s, e in layout.note_regions()]
    return query, "\n".join(p for p in parts if p.strip())


def _skip_quoted(text: str, i: int, quote: str) -> int:
    """Index after a quoted string or identifier; a doubled quote is an escaped one."""
    j = i + 1
    while j < len(text):
        if text[j] == quote:
            if j + 1 < len(text) and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding whitespace and comment-decoration stars, or None if empty."""
    while start < end and (text[start].isspace() or text[start] == "*"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "*"):
        end -= 1
    return (start, end) if end > start else None
