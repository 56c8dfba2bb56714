"""Evidence is found in the candidate's own words and marked up safely."""

from __future__ import annotations

from evaluator.highlight import Span, find_spans, locate, merge, segments, to_html, windows

ANSWER = "Scale first. We partition by date\nbecause queries filter on days. Billing <must> be exact & audited."


def test_locate_exact_and_whitespace_tolerant() -> None:
    assert locate(ANSWER, "Scale first.") == (0, 12)
    start, end = locate(ANSWER, "We partition by date because queries") or (0, 0)
    assert ANSWER[start:end] == "We partition by date\nbecause queries"
    assert locate(ANSWER, "not there") is None
    assert locate(ANSWER, "   ") is None


def test_find_spans_merges_and_reports_missing() -> None:
    spans, missing = find_spans(
        ANSWER, [("We partition by date", "Scale"), ("partition by date\nbecause", "Trade-offs"), "invented quote", ""]
    )
    assert missing == ["invented quote"]
    assert len(spans) == 1
    assert spans[0].labels == ("Scale", "Trade-offs")
    assert ANSWER[spans[0].start : spans[0].end] == "We partition by date\nbecause"


def test_merge_joins_touching_spans_only() -> None:
    assert merge([Span(0, 3, ("a",)), Span(3, 5, ("b",)), Span(7, 9)]) == [Span(0, 5, ("a", "b")), Span(7, 9)]


def test_segments_rebuild_the_text() -> None:
    spans, _ = find_spans(ANSWER, ["Scale first.", "exact"])
    segs = segments(ANSWER, spans)
    assert "".join(s.text for s in segs) == ANSWER
    assert [s.text for s in segs if s.marked] == ["Scale first.", "exact"]
    assert segs[0].labels == ("evidence",)


def test_html_escapes_the_answer_and_marks_evidence() -> None:
    spans, _ = find_spans(ANSWER, [("Billing <must> be exact", "Trade-off articulation")])
    out = to_html(ANSWER, spans, classes={"Trade-off articulation": "ml-dim-tradeoffs"})
    assert (
        '<mark class="ml-ev ml-dim-tradeoffs" title="Trade-off articulation">Billing &lt;must&gt; be exact</mark>'
        in out
    )
    assert "&amp; audited." in out and "<must>" not in out


def test_html_context_shows_only_neighbourhoods() -> None:
    text = "intro " * 50 + "THE EVIDENCE here" + " outro" * 50
    spans, _ = find_spans(text, ["THE EVIDENCE"])
    out = to_html(text, spans, context=20)
    assert out.startswith("… ") and out.endswith(" …")
    assert "<mark" in out and len(out) < 200


def test_windows_merge_when_close() -> None:
    text = "a" * 10 + " x y " + "b" * 10
    spans = [Span(11, 12), Span(13, 14)]
    assert len(windows(text, spans, 3)) == 1
