"""Calibration: agreement between the grader and the gold set's expert (and coach) scores."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from evaluator.calibration import CalibrationResult, DimensionAgreement, run_calibration
from evaluator.models import DIMENSION_TITLES

ss = st.session_state
st.title("Calibration")
st.caption(
    "Grades every answer in the gold set and compares with the scores experts and coaches gave it: "
    "quadratic weighted kappa (QWK), exact and within-one agreement, and bias (grader minus expert)."
)
offline = st.toggle("Deterministic only", value=True, help="Also run the LLM judge when one is configured.")
if st.button("Run calibration", type="primary"):
    with st.spinner("Grading the gold set…"):
        ss["calibration"] = run_calibration(offline=offline)

result: CalibrationResult | None = ss.get("calibration")
if result is None:
    st.info("Run calibration to see the figures (about ten seconds in deterministic mode).")
    st.stop()
for problem in result.problems:
    st.warning(problem)


def confusion_chart(d: DimensionAgreement) -> None:
    cells = [{"expert": e + 1, "grader": g + 1, "answers": d.confusion[e][g]} for e in range(4) for g in range(4)]
    axis = {"type": "ordinal", "scale": {"domain": [1, 2, 3, 4]}}
    st.vega_lite_chart(
        {
            "data": {"values": cells},
            "width": 160,
            "height": 160,
            "encoding": {
                "x": {"field": "grader", **axis, "axis": {"labelAngle": 0}},
                "y": {"field": "expert", **axis, "sort": "descending"},
            },
            "layer": [
                {
                    "mark": "rect",
                    "encoding": {
                        "color": {
                            "field": "answers",
                            "type": "quantitative",
                            "scale": {"scheme": "blues"},
                            "legend": None,
                        }
                    },
                },
                {"mark": {"type": "text", "fontSize": 12}, "encoding": {"text": {"field": "answers"}}},
            ],
        },
        use_container_width=False,
    )


st.metric("Gold answers", result.gold_files)
human = {d.dimension: d.qwk for h in result.human_human[:1] for d in h.dimensions}
for h in result.human_human:
    agree = "" if h.recommendation_agreement is None else f" (recommendations agree {h.recommendation_agreement:.0%})"
    st.caption(
        f"Human-human: the expert panel against {h.rater} on the same {h.answers} answers{agree}. Essay "
        "scoring asks the grader's QWK to be at least 0.70 and within 0.10 of the human-human figure."
    )
for mode in result.modes:
    st.subheader(f"{mode.mode.capitalize()} mode")
    cols = st.columns(2)
    cols[0].metric("Overall Spearman", "n/a" if mode.spearman_overall is None else f"{mode.spearman_overall:.2f}")
    cols[1].metric("Recommendation accuracy", f"{mode.recommendation_accuracy:.0%}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "dimension": DIMENSION_TITLES[d.dimension],
                    "n": d.n,
                    "QWK": None if d.qwk is None else round(d.qwk, 2),
                    "exact": round(d.exact, 2),
                    "within one": round(d.within_one, 2),
                    "bias": round(d.mean_signed_diff, 2),
                    **(
                        {"human-human QWK": None if (h := human[d.dimension]) is None else round(h, 2)}
                        if d.dimension in human
                        else {}
                    ),
                }
                for d in mode.dimensions
            ]
        ),
        hide_index=True,
    )
    if mode.groups:
        st.markdown("**By part of the gold set** (development answers were consulted while the checks were written)")
        st.dataframe(
            pd.DataFrame(
                [
                    {"part": g.group, "answers": g.answers}
                    | {DIMENSION_TITLES[d.dimension]: None if d.qwk is None else round(d.qwk, 2) for d in g.dimensions}
                    for g in mode.groups
                ]
            ),
            hide_index=True,
        )
    st.markdown("**Confusion matrices** (rows: expert score, columns: grader score)")
    chart_cols = st.columns(len(mode.dimensions))
    for col, d in zip(chart_cols, mode.dimensions, strict=True):
        with col:
            st.caption(DIMENSION_TITLES[d.dimension])
            confusion_chart(d)
    if mode.largest_disagreements:
        st.markdown("**Largest disagreements**")
        st.dataframe(pd.DataFrame([d.model_dump() for d in mode.largest_disagreements]), hide_index=True)
