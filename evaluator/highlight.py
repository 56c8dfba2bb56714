"""Locate report evidence inside the candidate's answer and mark it up.

Feedback is only convincing when the candidate sees *their own words* credited, so every
evidence quote is found in the answer (exactly, else ignoring whitespace differences) and
shown in place. Quotes that cannot be found are returned separately rather than dropped, so
the app can say so instead of pretending.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A half-open character range of the answer with the labels of the evidence covering it."""

    start: int
    end: int
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    text: str
    labels: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.labels)


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``: exact first, then tolerant of whitespace runs."""
    quote = quote.strip()
    if not quote:
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    pattern = r"\s+".join(re.escape(tok) for tok in quote.split())
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def find_spans(text: str, evidence: Iterable[tuple[str, str] | str]) -> tuple[list[Span], list[str]]:
    """Spans for each quote (optionally ``(quote, label)``), merged; plus quotes not found."""
    raw: list[Span] = []
    missing: list[str] = []
    for item in evidence:
        quote, label = (item, "") if isinstance(item, str) else item
        where = locate(text, quote)
        if where is None:
            if quote.strip() and quote not in missing:
                missing.append(quote)
            continue
        raw.append(Span(where[0], where[1], (label,) if label else ()))
    return merge(raw), missing


def merge(spans: Sequence[Span]) -> list[Span]:
    """Overlapping or touching spans become one, carrying the union of their labels."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and s.start <= out[-1].end:
            last = out[-1]
            labels = tuple(dict.fromkeys(last.labels + s.labels))
            out[-1] = Span(last.start, max(last.end, s.end), labels)
        else:
            out.append(s)
    return out


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """The whole text cut into plain and marked pieces, in order (their texts join to ``text``)."""
    out: list[Segment] = []
    pos = 0
    for s in merge(spans):
        if s.start > pos:
            out.append(Segment(text[pos : s.start]))
        out.append(Segment(text[s.start : s.end], s.labels or ("evidence",)))
        pos = s.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def windows(text: str, spans: Sequence[Span], context: int) -> list[tuple[int, int]]:
    """Ranges around the spans, ``context`` characters either side, snapped to word breaks."""
    out: list[tuple[int, int]] = []
    for s in merge(spans):
        a = max(0, s.start - context)
        b = min(len(text), s.end + context)
        while a > 0 and not text[a - 1].isspace() and s.start - a < context + 20:
            a -= 1
        while b < len(text) and not text[b].isspace() and b - s.end < context + 20:
            b += 1
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _mark(seg: Segment, classes: dict[str, str]) -> str:
    body = html.escape(seg.text)
    if not seg.marked:
        return body
    cls = " ".join(["ml-ev", *(classes.get(lbl, "") for lbl in seg.labels)]).strip()
    title = html.escape(", ".join(seg.labels), quote=True)
    return f'<mark class="{cls}" title="{title}">{body}</mark>'


def to_html(
    text: str, spans: Sequence[Span], *, context: int | None = None, classes: dict[str, str] | None = None
) -> str:
    """Escaped HTML of the answer with ``<mark>`` around evidence.

    With ``context``, only the neighbourhood of each span is shown, joined by ellipses, which
    is what a per-criterion view needs; whitespace is preserved by the caller's CSS
    (``white-space: pre-wrap``).
    """
    classes = classes or {}
    if context is None:
        return "".join(_mark(seg, classes) for seg in segments(text, spans))
    parts: list[str] = []
    for a, b in windows(text, spans, context):
        inner = [Span(max(s.start, a) - a, min(s.end, b) - a, s.labels) for s in spans if s.start < b and s.end > a]
        piece = "".join(_mark(seg, classes) for seg in segments(text[a:b], inner)).strip()
        parts.append(("… " if a > 0 else "") + piece + (" …" if b < len(text) else ""))
    return "<br><br>".join(parts)
