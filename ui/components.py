"""Rendering shared by the pages: banner, styles, score chart, highlighted answers, report parts.

Only drawing lives here; what to draw (spans, deltas, trends) comes from ``evaluator``. Pages
import this module as ``components`` (Streamlit puts the entry script's folder on sys.path).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from evaluator.feedback import LEVEL_WORDS, RECOMMENDATION_TITLES
from evaluator.highlight import find_spans, to_html
from evaluator.models import DIMENSION_TITLES, DIMENSIONS, Question, Report

DIMENSION_COLORS = {
    "scale": "#4C78A8",
    "product_sense": "#F58518",
    "ownership": "#54A24B",
    "tradeoffs": "#B279A2",
}
MARK_CLASSES = {DIMENSION_TITLES[d]: f"ml-dim-{d}" for d in DIMENSIONS}
RECOMMENDATION_COLORS = {"strong_no_hire": "red", "no_hire": "orange", "hire": "green", "strong_hire": "green"}

_CSS = """
<style>
.ml-answer { white-space: pre-wrap; line-height: 1.55; padding: 0.75rem 1rem; border-radius: 0.5rem;
  border: 1px solid rgba(128,128,128,0.25); font-size: 0.95rem; }
.ml-answer mark.ml-ev { background: rgba(255, 214, 0, 0.35); padding: 0 1px; border-radius: 2px; }
.ml-answer mark.ml-dim-scale { background: rgba(76,120,168,0.28); }
.ml-answer mark.ml-dim-product_sense { background: rgba(245,133,24,0.28); }
.ml-answer mark.ml-dim-ownership { background: rgba(84,162,75,0.28); }
.ml-answer mark.ml-dim-tradeoffs { background: rgba(178,121,162,0.30); }
.ml-legend span { display: inline-block; margin-right: 0.9rem; font-size: 0.85rem; }
.ml-legend i { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.3rem;
  vertical-align: -1px; }
.ml-timer { font-variant-numeric: tabular-nums; font-size: 2.2rem; font-weight: 700; line-height: 1.1; }
.ml-timer.ml-low { color: #d62728; }
.ml-answer.ml-mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85rem; }
[class*="st-key-ml-live-sql"] textarea, [class*="st-key-ml-live-studio"] textarea {
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9rem; }
</style>
"""

# Streamlit commits a text area's value on blur or Ctrl+Enter only. To autosave *as the candidate
# types*, this commits text areas whose key starts with "ml-live-" after a short pause in typing,
# and at least every few seconds during non-stop typing (by sending the same Ctrl+Enter the widget
# listens for). Installed once per page load; the listener is on the document, so it survives reruns.
_AUTOSAVE_JS = """
<script>
(function () {
  if (window.__mockloopAutosave) return;
  window.__mockloopAutosave = true;
  var timers = new WeakMap(), first = new WeakMap();
  function commit(el) {
    clearTimeout(timers.get(el));
    first.delete(el);
    el.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", code: "Enter", keyCode: 13,
      ctrlKey: true, bubbles: true, cancelable: true}));
  }
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLTextAreaElement) || !el.closest('[class*="st-key-ml-live-"]')) return;
    var now = Date.now();
    if (!first.has(el)) first.set(el, now);
    clearTimeout(timers.get(el));
    var wait = Math.max(0, Math.min(%(pause)d, first.get(el) + %(max_wait)d - now));
    timers.set(el, setTimeout(function () { commit(el); }, wait));
  }, true);
})();
</script>
"""
AUTOSAVE_PAUSE_MS = 700  # commit after this pause in typing
AUTOSAVE_MAX_WAIT_MS = 3000  # ...and at least this often while typing non-stop


def styles() -> None:
    st.html(_CSS)


def live_commit_script() -> None:
    """Enable commit-while-typing for the ``ml-live-*`` text areas of this page."""
    st.html(_AUTOSAVE_JS % {"pause": AUTOSAVE_PAUSE_MS, "max_wait": AUTOSAVE_MAX_WAIT_MS}, unsafe_allow_javascript=True)


def bank_or_stop() -> dict[str, Question]:
    """The question bank by id; a broken bank is shown (file:line messages) instead of a traceback."""
    from evaluator.bank import load_bank
    from evaluator.loader import LoadError

    try:
        return load_bank()[1]
    except LoadError as exc:
        st.error("The question bank has errors; fix them in the Rubric studio or with `mockloop rubric validate`.")
        st.code("\n".join(str(p) for p in exc.problems), language="text")
        st.stop()
        raise  # unreachable: st.stop() raises


def recommendation_text(report: Report) -> str:
    rec = report.overall.recommendation
    return RECOMMENDATION_TITLES.get(rec, rec)


def score_frame(report: Report) -> pd.DataFrame:
    rows = []
    for d in DIMENSIONS:
        ds = report.dimensions[d]
        rows.append(
            {
                "dimension": DIMENSION_TITLES[d],
                "key": d,
                "score": ds.score,
                "label": f"{ds.score}/4 {LEVEL_WORDS[ds.score]}" if ds.score else "not assessed",
            }
        )
    df = pd.DataFrame(rows)
    df["bar"] = df["score"].fillna(0)
    return df


def score_chart(report: Report, height: int = 190) -> None:
    """Horizontal bars on the 1-4 scale, one per dimension; unassessed ones are labelled, not drawn.

    A plain Vega-Lite spec rather than Altair: Altair validates against the schema on every
    render, which costs more than grading does.
    """
    df = score_frame(report)
    y = {
        "field": "dimension",
        "type": "nominal",
        "title": None,
        "sort": [DIMENSION_TITLES[d] for d in DIMENSIONS],
        "axis": {"labelLimit": 220},
    }
    spec = {
        "height": height,
        "layer": [
            {
                "mark": {"type": "bar", "cornerRadiusEnd": 3},
                "encoding": {
                    "x": {
                        "field": "bar",
                        "type": "quantitative",
                        "scale": {"domain": [0, 5]},
                        "axis": {"values": [1, 2, 3, 4], "title": "score (1-4)"},
                    },
                    "y": y,
                    "color": {
                        "field": "key",
                        "type": "nominal",
                        "legend": None,
                        "scale": {"domain": list(DIMENSION_COLORS), "range": list(DIMENSION_COLORS.values())},
                    },
                    "tooltip": [{"field": "dimension"}, {"field": "label"}],
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4},
                "encoding": {
                    "x": {"field": "bar", "type": "quantitative"},
                    "y": y,
                    "text": {"field": "label", "type": "nominal"},
                },
            },
        ],
    }
    st.vega_lite_chart(df[["dimension", "key", "bar", "label"]], spec, width="stretch")


def trend_chart(points: list[dict[str, object]]) -> None:
    """One line per dimension over time (one point per graded attempt), on the 1-4 scale."""
    df = pd.DataFrame(points)
    df["when"] = [w.isoformat() if w is not None else None for w in df["when"]]
    spec = {
        "height": 260,
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "when", "type": "temporal", "title": None},
            "y": {
                "field": "score",
                "type": "quantitative",
                "scale": {"domain": [1, 4]},
                "axis": {"values": [1, 2, 3, 4]},
            },
            "color": {
                "field": "dimension",
                "type": "nominal",
                "scale": {
                    "domain": [DIMENSION_TITLES[d] for d in DIMENSIONS],
                    "range": [DIMENSION_COLORS[d] for d in DIMENSIONS],
                },
            },
            "tooltip": [{"field": f} for f in ("attempt", "when", "question", "dimension", "score")],
        },
    }
    st.vega_lite_chart(df, spec, width="stretch")


def scores_table(report: Report) -> pd.DataFrame:
    df = score_frame(report)[["dimension", "label"]]
    return df.rename(columns={"label": "score"}).set_index("dimension")


def legend() -> None:
    items = "".join(
        f'<span><i style="background:{DIMENSION_COLORS[d]}99"></i>{DIMENSION_TITLES[d]}</span>' for d in DIMENSIONS
    )
    st.html(f'<div class="ml-legend">{items}</div>')


def highlighted(
    text: str, evidence: Iterable[tuple[str, str] | str], *, context: int | None = None, mono: bool = False
) -> list[str]:
    """Show ``text`` with evidence marked; returns the quotes that could not be found in it."""
    spans, missing = find_spans(text, evidence)
    if not text.strip():
        st.caption("(empty answer)")
        return missing
    body = to_html(text, spans, context=context, classes=MARK_CLASSES) if spans or context is None else ""
    if body:
        st.html(f'<div class="ml-answer{" ml-mono" if mono else ""}">{body}</div>')
    return missing


def report_evidence(report: Report) -> list[tuple[str, str]]:
    """Every evidence quote in the report, labelled with its dimension."""
    out: list[tuple[str, str]] = []
    for c in report.criteria:
        out.extend((q, DIMENSION_TITLES[c.dimension]) for q in c.evidence)
    for d in DIMENSIONS:
        out.extend((q, DIMENSION_TITLES[d]) for q in report.dimensions[d].evidence)
    return out


def sql_verdict(report: Report) -> None:
    if report.sql is None:
        return
    s = report.sql
    head = (
        f"**SQL result: {'correct' if s.correct else 'incorrect'}** ({s.dialect}; {s.actual_rows} row(s), "
        f"expected {s.expected_rows})"
    )
    (st.success if s.correct else st.error)(head + (f"\n\n{s.feedback}" if s.feedback else ""))
    if s.error:
        st.code(s.error, language="text")
