"""MockLoop app entry point (`mockloop app`). Thin over `evaluator`: no grading logic here."""

from __future__ import annotations

import streamlit as st

from evaluator.bank import questions
from evaluator.models import DIMENSION_TITLES, DIMENSIONS
from evaluator.service import grade_answer, llm_enabled

st.set_page_config(page_title="MockLoop", layout="wide")
st.title("MockLoop")
if llm_enabled():
    st.info("LLM judge configured: answers are graded by the rubric judge, checked by deterministic checks.")
else:
    st.warning("Deterministic mode: no LLM judge configured (set OPENAI_API_KEY to enable one).")

bank = questions()
rounds = sorted({q.round for q in bank})
round_ = st.selectbox("Round", rounds)
options = {q.id: q for q in bank if q.round == round_}
qid = st.selectbox("Question", list(options), format_func=lambda i: options[i].title)
question = options[qid]
st.markdown(f"**{question.title}** ({question.time_limit_minutes} min)\n\n{question.prompt}")
answer = st.text_area("Your answer", height=320, key=f"answer-{qid}")

if st.button("Submit for grading", type="primary"):
    report = grade_answer(question, answer).report
    st.subheader(f"Overall {report.overall.score:.2f}: {report.overall.recommendation}")
    if report.flags:
        st.error("Flags: " + ", ".join(report.flags))
    for dim in DIMENSIONS:
        ds = report.dimensions[dim]
        st.markdown(f"**{DIMENSION_TITLES[dim]}**: {'-' if ds.score is None else ds.score}")
        st.caption(ds.rationale)
        for quote in ds.evidence:
            st.markdown(f"> {quote}")
    if report.sql is not None:
        st.markdown(f"SQL: {'correct' if report.sql.correct else 'incorrect'}. {report.sql.feedback}")
    if report.top_gap:
        st.info(f"Most important gap: {report.top_gap}")
    with st.expander("Model answer outline"):
        for line in question.model_answer:
            st.markdown(f"- {line}")
