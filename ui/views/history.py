"""History: every attempt in ``transcripts/``, the trend per dimension, two attempts at the same
question side by side, and which dimension to drill next.
"""

from __future__ import annotations

import components
import pandas as pd
import streamlit as st

from evaluator import history, rounds
from evaluator import transcripts as tx
from evaluator.bank import rubric_for
from evaluator.feedback import RECOMMENDATION_TITLES
from evaluator.models import ROUNDS
from evaluator.paths import transcripts_dir

ss = st.session_state
root = transcripts_dir()
bank = components.bank_or_stop()

st.title("History")
listing = tx.list_attempts(root)
rows = history.attempt_rows(listing.attempts, bank)
for path, error in listing.errors:
    st.warning(f"Skipped {path.name}: {error}")
if not rows:
    st.info(f"No attempts in {root} yet.")
    st.page_link("views/mock_round.py", label="Start a mock round", icon=":material/timer:")
    st.stop()

# --------------------------------------------------------------------------- drill next
weights = {}
for rnd in ROUNDS:
    try:
        weights[rnd] = dict(rubric_for(rnd).dimensions)
    except KeyError:
        continue
advice = history.drill_next(rows, list(bank.values()), weights)
if advice is not None:
    with st.container(border=True):
        st.subheader(f"Drill next: {advice.title}")
        st.write(advice.reason)
        if advice.last_gap:
            st.write(f"Your latest gap there: {advice.last_gap}")
        if advice.question_id:
            st.write(f"A question that exercises it: **{advice.question_title}**")
            if st.button("Practise it now", type="primary", key="ml-drill"):
                ss["ml_pick_question"] = advice.question_id
                st.switch_page("views/mock_round.py")

# --------------------------------------------------------------------------- all attempts
st.subheader(f"Every attempt ({len(rows)})")
table = pd.DataFrame([r.as_dict() for r in reversed(rows)])
table["recommendation"] = table["recommendation"].map(lambda r: RECOMMENDATION_TITLES.get(r, r) if r else None)
st.dataframe(table, hide_index=True, column_config={"when": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
done = [r for r in reversed(rows) if r.status != "draft"]
if done:
    pick_col, go_col = st.columns([3, 1])
    chosen = pick_col.selectbox(
        "Open the feedback of",
        [r.id for r in done],
        key="ml-hist-open",
        format_func=lambda i: next(f"{r.title} · {r.id}" for r in done if r.id == i),
    )
    if go_col.button("Open feedback", key="ml-hist-go"):
        ss["ml_feedback"] = chosen
        st.switch_page("views/feedback.py")

# --------------------------------------------------------------------------- trend
points = history.trend_points(rows)
if points:
    st.subheader("Trend per dimension")
    components.trend_chart(points)

# --------------------------------------------------------------------------- side by side
st.subheader("Two attempts at the same question")
repeated = history.repeated_questions(rows)
if not repeated:
    st.caption("Answer a question a second time to compare the two attempts here.")
else:
    qid = st.selectbox(
        "Question",
        list(repeated),
        key="ml-cmp-q",
        format_func=lambda i: f"{bank[i].title if i in bank else i} ({len(repeated[i])} attempts)",
    )
    options = [r.id for r in repeated[qid]]
    labels = {r.id: f"{r.started.astimezone():%Y-%m-%d %H:%M}" if r.started else r.id for r in repeated[qid]}
    a_col, b_col = st.columns(2)
    first = a_col.selectbox("Earlier", options, index=0, format_func=labels.get, key="ml-cmp-a")
    second = b_col.selectbox("Later", options, index=len(options) - 1, format_func=labels.get, key="ml-cmp-b")
    by_id = {a.id: a.transcript for a in listing.attempts}
    ta, tb = by_id[first], by_id[second]
    cmp = history.compare(ta, tb)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "dimension": c.title,
                    labels[first]: c.first,
                    labels[second]: c.second,
                    "change": f"{c.change:+d}" if c.change is not None else "",
                }
                for c in cmp
            ]
        ),
        hide_index=True,
    )
    for col, t in ((a_col, ta), (b_col, tb)):
        with col:
            if t.report:
                st.metric(
                    "Overall",
                    f"{t.report.overall.score:.2f}",
                    components.recommendation_text(t.report),
                    delta_color="off",
                )
                components.score_chart(t.report, height=150)
                components.highlighted(
                    rounds.grading_text(t), components.report_evidence(t.report), mono=t.report.round == "sql"
                )
