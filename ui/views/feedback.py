"""Feedback on one graded attempt: scores, the main gap, evidence in the candidate's own words,
a follow-up probe to answer right away, and the model answer (only now that grading is done).
"""

from __future__ import annotations

import components
import pandas as pd
import streamlit as st

from evaluator import rounds
from evaluator import transcripts as tx
from evaluator.bank import rubric_for
from evaluator.calibration import DuplicateOverride, record_override
from evaluator.feedback import LEVEL_WORDS, follow_up_verdict, pick_follow_up, score_deltas
from evaluator.models import DIMENSION_TITLES, GoldScore, Question, Report, Transcript
from evaluator.paths import transcripts_dir

ss = st.session_state
root = transcripts_dir()
bank = components.bank_or_stop()


def choose_attempt() -> Transcript | None:
    listing = tx.list_attempts(root)
    done = [a for a in reversed(listing.attempts) if a.transcript.status != "draft"]
    if not done:
        st.title("Feedback")
        st.info("No submitted attempts yet. Do a mock round first.")
        st.page_link("views/mock_round.py", label="Start a mock round", icon=":material/timer:")
        return None
    ids = [a.id for a in done]
    wanted = st.query_params.get("attempt") or ss.get("ml_feedback")
    by_id = {a.id: a for a in done}

    def label(i: str) -> str:
        t = by_id[i].transcript
        q = bank.get(t.question_id)
        when = by_id[i].started
        score = f"{t.report.overall.score:.2f}" if t.report else "not graded"
        return (
            f"{when.astimezone():%Y-%m-%d %H:%M} · {q.title if q else t.question_id} · {score}"
            if when
            else f"{q.title if q else t.question_id} · {score}"
        )

    chosen = st.selectbox(
        "Attempt", ids, index=ids.index(wanted) if wanted in ids else 0, format_func=label, key="ml-fb-attempt"
    )
    ss["ml_feedback"] = chosen
    return by_id[chosen].transcript


def header(t: Transcript, q: Question, report: Report) -> None:
    st.title(q.title)
    bits = [q.round.replace("_", " "), f"{report.mode} grading"]
    if report.rubric_version:
        bits.append(f"rubric {report.rubric_version}")
    timing = rounds.elapsed_text(t)
    if timing:
        bits.append(timing)
    st.caption(" · ".join(bits))
    left, right = st.columns([1, 2])
    with left:
        st.metric("Recommendation", components.recommendation_text(report))
        st.metric("Overall score", f"{report.overall.score:.2f} / 4")
        if report.flags:
            st.warning("Flags: " + ", ".join(f.replace("_", " ") for f in report.flags))
    with right:
        components.score_chart(report)


def criteria_section(t: Transcript, report: Report) -> None:
    st.subheader("Each criterion")
    text = rounds.grading_text(t)
    for c in report.criteria:
        level = f"{c.level}/4 {LEVEL_WORDS[c.level]}" if c.level else "not judged"
        icon = (
            ":material/check_circle:"
            if (c.level or 0) >= 3
            else (":material/error:" if c.level == 2 else ":material/cancel:")
        )
        is_gap = bool(report.top_gap and report.top_gap.startswith(c.title))
        with st.expander(f"{c.title} — {level} · {DIMENSION_TITLES[c.dimension]}", icon=icon, expanded=is_gap):
            if c.rationale:
                st.write(c.rationale)
            if c.evidence:
                st.caption("Where your answer earned it:")
                missing = components.highlighted(
                    text,
                    [(e, DIMENSION_TITLES[c.dimension]) for e in c.evidence],
                    context=160,
                    mono=report.round == "sql",
                )
                for m in missing:
                    st.caption(f"(quoted but not found in your answer: “{m}”)")
            else:
                st.caption("No sentence of your answer supported this criterion.")


def follow_up_section(t: Transcript, q: Question, report: Report) -> None:
    assert t.id
    st.subheader("Follow-up probe")
    probe = t.follow_up_question or pick_follow_up(q, report)
    st.write(f"**Interviewer:** {probe}")
    key = f"ml-live-followup-{t.id}"
    if key not in ss and t.follow_up_answer:
        ss[key] = t.follow_up_answer
    st.text_area("Your answer to the follow-up", key=key, height=150)
    if st.button("Grade my follow-up", key=f"ml-fu-{t.id}"):
        text = ss.get(key, "")
        if not text.strip():
            st.warning("Write an answer to the follow-up first.")
        else:
            with st.spinner("Grading…"):
                t = rounds.answer_follow_up(t.id, probe, text, root=root)
    if t.follow_up_report is not None:
        st.write(follow_up_verdict(report, t.follow_up_report))
        deltas = score_deltas(report, t.follow_up_report)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "dimension": d.title,
                        "before": d.before,
                        "with follow-up": d.after,
                        "change": f"{d.change:+d}" if d.change is not None else "",
                    }
                    for d in deltas
                ]
            ),
            hide_index=True,
        )


def body(t: Transcript) -> None:
    assert t.id
    q = bank.get(t.question_id)
    if q is None:
        st.error(f"Question {t.question_id!r} is not in the bank any more.")
        return
    report = t.report
    if report is None:
        st.title(q.title)
        st.error(f"This attempt was submitted but not graded: {t.grading_error or 'grading did not run'}.")
        if st.button("Grade it now", type="primary"):
            with st.spinner("Grading…"):
                rounds.regrade(t.id, root=root)
            st.rerun()
        return
    header(t, q, report)
    if report.top_gap:
        st.info(f"**The one thing to fix next:** {report.top_gap}", icon=":material/target:")
    components.sql_verdict(report)
    criteria_section(t, report)

    st.subheader("Your answer")
    components.legend()
    missing = components.highlighted(rounds.grading_text(t), components.report_evidence(report), mono=q.round == "sql")
    if missing:
        st.caption(f"{len(missing)} quoted piece(s) of evidence could not be located in the answer.")
    if t.overrun_text:
        st.caption(f"Typed after time was up ({t.overrun_seconds or 0:.0f} s late, not graded):")
        st.code(t.overrun_text, language="text")

    if q.concepts:
        st.subheader("Concepts you missed")
        if report.missed_concepts:
            st.markdown("\n".join(f"- {c}" for c in report.missed_concepts))
        else:
            st.write("None: every key concept of this question appears in your answer.")

    follow_up_section(t, q, report)

    with st.expander("Model answer outline (revealed after grading)"):
        st.markdown("\n".join(f"- {line}" for line in q.model_answer))
    if report.notes:
        with st.expander("Grader notes"):
            st.markdown("\n".join(f"- {n}" for n in report.notes))
    coach_override_section(t, q, report)


def coach_override_section(t: Transcript, q: Question, report: Report) -> None:
    """A coach records their own scores; the answer joins the calibration gold set as a new file."""
    # Behind a toggle: the form's widgets would otherwise slow every feedback render for candidates.
    if not st.toggle("Coach: record my own scores for this answer (joins the gold set)", key=f"ov-on-{t.id}"):
        return
    with st.container(border=True):
        assessed = list(rubric_for(q.round).dimensions)
        with st.form(f"override-{t.id}"):
            coach = st.text_input("Coach name or id")
            scores: dict[str, tuple[int, str]] = {}
            for dim in assessed:
                current = report.dimensions[dim].score or 1
                cols = st.columns([1, 3])
                level = cols[0].selectbox(
                    DIMENSION_TITLES[dim], [1, 2, 3, 4], index=current - 1, key=f"ov-{t.id}-{dim}"
                )
                why = cols[1].text_input(f"Why ({DIMENSION_TITLES[dim]})", key=f"ov-why-{t.id}-{dim}")
                scores[dim] = (level, why)
            rec = st.selectbox("Your recommendation", ["", "strong_no_hire", "no_hire", "hire", "strong_hire"])
            replace = st.checkbox("Replace my earlier scores for this answer, if any")
            if st.form_submit_button("Save to gold set"):
                if not coach.strip():
                    st.error("Enter your name or id: the gold file records who scored it.")
                else:
                    try:
                        path = record_override(
                            q.id,
                            rounds.grading_text(t),
                            {d: GoldScore(score=lvl, rationale=why) for d, (lvl, why) in scores.items()},
                            coach=coach.strip(),
                            recommendation=rec or None,
                            replace=replace,
                        )
                    except DuplicateOverride as exc:
                        st.error(f"Not saved: {exc}. Tick \"Replace my earlier scores\" to update them.")
                    else:
                        st.success(f"Saved as {path.name}; the next calibration run includes it.")


attempt = choose_attempt()
if attempt is not None:
    if attempt.status == "draft":
        st.info("This attempt is still in progress; feedback appears once it is submitted.")
    else:
        body(attempt)
