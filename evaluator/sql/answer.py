"""Split an SQL answer into the query and the written scaling note.

Candidates write the query, then optionally a line of dashes and free text on how it scales;
many also put that discussion in SQL comments. Both count as the note. Positions are kept as
spans of the original text so checks can quote the answer exactly. No DuckDB or sqlglot here:
the CLI calls this on its cold path.

An answer pasted as a markdown code block (```sql ... ``` or ``` ... ```, also ~~~) is unwrapped:
the query is what is inside the fence, and prose outside it (before, or after it, with or
without a dashed separator) counts as the note. A fence only counts when nothing SQL-like and no
separator comes before it, so a fenced example inside a written note is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEPARATOR = re.compile(r"-{3,}")
_SEPARATOR_LINE = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.M)
_FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*[\w+.-]*[ \t]*\r?$", re.M)
_LEADING_SEPARATOR = re.compile(r"\s*-{3,}[ \t]*(?:\r?\n|\Z)")
# A query before the first fence means the fence belongs to the note, not to the query.
_SQL_BEFORE = re.compile(r"^[ \t]*(?:select\b[\s\S]*\bfrom\b|with\s+(?:recursive\s+)?\w+\s+as\s*\()", re.I | re.M)


@dataclass(frozen=True)
class AnswerLayout:
    """Where the query, the note and the comments sit in the answer text (half-open spans)."""

    query: tuple[int, int]
    note: tuple[int, int] | None = None
    comments: list[tuple[int, int]] = field(default_factory=list)
    prose: list[tuple[int, int]] = field(default_factory=list)  # other text outside a markdown fence

    def note_regions(self) -> list[tuple[int, int]]:
        """Spans that hold prose about the query: the note first, then text outside a fence, then comments."""
        return ([self.note] if self.note else []) + list(self.prose) + list(self.comments)


def answer_layout(text: str) -> AnswerLayout:
    """Find the separator line and the comments of the query part (inside a markdown fence, if any).

    The text is lexed (strings, quoted identifiers, comments) so that ``--`` inside a string
    literal is not taken for a comment and a line of dashes inside a block comment is not
    taken for the separator.
    """
    fence = _find_fence(text)
    if fence is None:
        return _layout(text, 0, len(text))
    opening, body_start, body_end, after = fence
    inner = _layout(text, body_start, body_end)
    before_span = _trim(text, 0, opening)
    after_span = _after_fence(text, after)
    note, prose = inner.note, [s for s in (before_span,) if s]
    if after_span is not None:
        if note is None:
            note = after_span
        else:
            prose.append(after_span)
    return AnswerLayout(query=inner.query, note=note, comments=inner.comments, prose=prose)


def _find_fence(text: str) -> tuple[int, int, int, int] | None:
    """(fence start, body start, body end, end of closing fence) of the block holding the query.

    An unclosed fence runs to the end of the text.
    """
    opening = _FENCE_OPEN.search(text)
    if opening is None:
        return None
    before = text[: opening.start()]
    if _SQL_BEFORE.search(before) or _SEPARATOR_LINE.search(before):
        return None
    newline = text.find("\n", opening.end())
    body_start = len(text) if newline == -1 else newline + 1
    marker = opening.group("fence")
    closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*\r?$", re.M).search(text, body_start)
    if closing is None:
        return opening.start(), body_start, len(text), len(text)
    return opening.start(), body_start, closing.start(), closing.end()


def _after_fence(text: str, start: int) -> tuple[int, int] | None:
    """The prose after the closing fence, without a dashed separator line that opens it."""
    separator = _LEADING_SEPARATOR.match(text, start)
    if separator is not None:
        start = separator.end()
    return _trim(text, start, len(text))


def _layout(text: str, start: int, end: int) -> AnswerLayout:
    """Lex ``text[start:end]`` for the separator and the comments; spans are in ``text``."""
    comments: list[tuple[int, int]] = []
    i, n = start, end
    query_end, note = n, None
    while i < n:
        ch = text[i]
        if ch in "'\"":
            i = _skip_quoted(text, i, ch, n)
        elif text.startswith("--", i, n):
            eol = text.find("\n", i, n)
            eol = n if eol == -1 else eol
            line_start = max(start, text.rfind("\n", 0, i) + 1)
            if not text[line_start:i].strip() and _SEPARATOR.fullmatch(text[i:eol].strip()):
                query_end = line_start
                note = _trim(text, eol, n)
                break
            span = _trim(text, i + 2, eol)
            if span:
                comments.append(span)
            i = eol
        elif text.startswith("/*", i, n):
            close = text.find("*/", i + 2, n)
            stop = n if close == -1 else close
            span = _trim(text, i + 2, stop)
            if span:
                comments.append(span)
            i = n if close == -1 else close + 2
        else:
            i += 1
    query = _trim(text, start, query_end) or (start, start)
    return AnswerLayout(query=query, note=note, comments=comments)


def split_sql_answer(text: str) -> tuple[str, str]:
    """Return ``(query, note)``; the note is the text after the dashes plus every SQL comment."""
    layout = answer_layout(text or "")
    query = text[layout.query[0] : layout.query[1]] if text else ""
    return query, note_text(text or "", layout)


def note_text(text: str, layout: AnswerLayout) -> str:
    """The note regions of ``text`` (laid out by ``layout``) joined, blank ones left out."""
    parts = [text[s:e] for s, e in layout.note_regions()]
    return "\n".join(p for p in parts if p.strip())


def _skip_quoted(text: str, i: int, quote: str, end: int) -> int:
    """Index after a quoted string or identifier (at most ``end``); a doubled quote is an escaped one."""
    j = i + 1
    while j < end:
        if text[j] == quote:
            if j + 1 < end and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return end


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding whitespace and comment-decoration stars, or None if empty."""
    while start < end and (text[start].isspace() or text[start] == "*"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "*"):
        end -= 1
    return (start, end) if end > start else None
