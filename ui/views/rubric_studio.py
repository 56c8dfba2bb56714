"""Rubric studio (coaches): open a rubric or question file, edit it with live validation (the same
``file:line: message`` lines as ``mockloop rubric validate``), try it on a pasted answer, and
save it as a new version (the previous one is archived, never silently overwritten).
"""

from __future__ import annotations

import components
import pandas as pd
import streamlit as st

from evaluator import studio
from evaluator.feedback import LEVEL_WORDS
from evaluator.models import DIMENSION_TITLES, Question, Rubric
from evaluator.paths import rubrics_dir
from evaluator.service import llm_enabled

ss = st.session_state
EDITOR = "ml-live-studio"

st.title("Rubric studio")
root = rubrics_dir()
files = studio.sources(root)
if not files:
    st.error(f"No rubric or question files in {root}.")
    st.stop()
labels = {str(s.path): s for s in files}


def open_file() -> None:
    src = labels[ss["ml-studio-file"]]
    text = src.path.read_text(encoding="utf-8")
    ss[EDITOR] = text
    ss["ml_studio_opened"] = text
    ss["ml_studio_path"] = str(src.path)
    ss.pop("ml_studio_saved", None)


st.selectbox(
    "File",
    list(labels),
    format_func=lambda p: f"{labels[p].label} ({labels[p].kind})",
    key="ml-studio-file",
    on_change=open_file,
)
if ss.get("ml_studio_path") != ss["ml-studio-file"] or EDITOR not in ss:
    open_file()
src = labels[ss["ml_studio_path"]]
if "ml_studio_pending_text" in ss:  # after a save: show what was written (e.g. the bumped version)
    ss[EDITOR] = ss.pop("ml_studio_pending_text")

edit_col, side_col = st.columns([3, 2])
with edit_col:
    st.text_area("YAML", key=EDITOR, height=560, label_visibility="collapsed")
    components.live_commit_script()
text: str = ss[EDITOR]
check = studio.validate(text, src.label)
changed = text != ss.get("ml_studio_opened")

with side_col:
    st.subheader("Validation")
    if check.ok:
        kind = "rubric" if isinstance(check.obj, Rubric) else "question"
        st.success(f"Valid {kind}." + (" (unsaved changes)" if changed else ""))
    else:
        st.error(f"{len(check.problems)} problem(s):")
        st.code("\n".join(check.problems), language="text")

    st.subheader("Save")
    if ss.get("ml_studio_saved"):
        st.success(ss["ml_studio_saved"])
    if check.ok and changed:
        try:
            plan = studio.plan_save(src.path, text, opened_text=ss.get("ml_studio_opened"), root=root)
        except studio.StudioError as exc:
            st.warning("\n\n".join(exc.messages))
        else:
            st.caption(plan.describe(root))
            if st.button("Save as new version", type="primary", key="ml-studio-save"):
                try:
                    result = studio.save_new_version(src.path, text, opened_text=ss.get("ml_studio_opened"), root=root)
                except studio.StudioError as exc:
                    st.error("\n\n".join(exc.messages))
                else:
                    saved = result.plan.text
                    ss["ml_studio_opened"] = saved
                    ss["ml_studio_pending_text"] = saved
                    msg = "Saved. " + result.plan.describe(root)
                    if result.bank_problems:
                        msg += " The bank now has problems: " + "; ".join(result.bank_problems)
                    ss["ml_studio_saved"] = msg
                    st.rerun()
    elif not changed:
        st.caption("Edit the file to save a new version.")
    else:
        st.caption("Fix the problems above to save.")

st.subheader("Try it on a sample answer")
obj = check.obj
if obj is None:
    st.caption("Fix the validation problems to try this file.")
else:
    question_id = None
    if isinstance(obj, Rubric):
        bank = components.bank_or_stop()
        ids = [q.id for q in bank.values() if q.round == obj.round]
        if not ids:
            st.caption(f"No bank question of round {obj.round} to try the rubric on.")
            st.stop()
        question_id = st.selectbox("Question", ids, format_func=lambda i: bank[i].title, key="ml-studio-q")
    elif isinstance(obj, Question):
        st.caption(f"Graded with the current {obj.round} rubric and this edited question.")
    sample = st.text_area(
        "Sample answer",
        key="ml-studio-sample",
        height=200,
        placeholder="Paste an answer (for SQL: the query, a line ---, then the scaling note).",
    )
    use_judge = llm_enabled() and st.toggle(
        "Use the LLM judge", value=False, key="ml-studio-llm", help="Grade the sample with the judge and this draft."
    )
    if st.button("Grade the sample", key="ml-studio-try"):
        if not sample.strip():
            st.warning("Paste a sample answer first.")
        else:
            try:
                ss["ml_studio_report"] = studio.try_answer(obj, sample, question_id, offline=not use_judge)
            except Exception as exc:  # noqa: BLE001 - a draft rubric may break a check; show, don't crash
                ss["ml_studio_report"] = None
                st.error(f"Grading with this draft failed: {type(exc).__name__}: {exc}")
    report = ss.get("ml_studio_report")
    if report is not None:
        st.write(
            f"Overall **{report.overall.score:.2f}**, {components.recommendation_text(report)} "
            f"({report.mode}, {report.rubric_version or 'draft'})"
        )
        components.score_chart(report, height=150)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "criterion": c.title,
                        "dimension": DIMENSION_TITLES[c.dimension],
                        "level": f"{c.level} {LEVEL_WORDS[c.level]}" if c.level else "-",
                        "why": c.rationale,
                    }
                    for c in report.criteria
                ]
            ),
            hide_index=True,
        )
