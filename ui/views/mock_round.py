"""Mock round: pick a question (or a full loop), answer against the clock, submit.

State lives in the attempt file (``evaluator.transcripts``), not in the browser: every edit is
autosaved, so after a refresh the latest unfinished draft resumes with the time that is left.
The session only remembers which attempt is open and when its clock started.
"""

from __future__ import annotations

import time

import components
import pandas as pd
import streamlit as st

from evaluator import rounds
from evaluator import transcripts as tx
from evaluator.feedback import RECOMMENDATION_TITLES
from evaluator.models import ROUNDS, Question, Transcript
from evaluator.paths import transcripts_dir

ROUND_TITLES = {
    "sql": "SQL",
    "modeling": "Data modeling / design",
    "product_sense": "Product sense",
    "ownership": "Ownership / behavioral",
}
FEEDBACK_PAGE = "views/feedback.py"

ss = st.session_state
root = transcripts_dir()
bank = components.bank_or_stop()


def answer_key(attempt_id: str) -> str:
    return f"ml-live-answer-{attempt_id}"


def sql_key(attempt_id: str) -> str:
    return f"ml-live-sql-{attempt_id}"


def note_key(attempt_id: str) -> str:
    return f"ml-live-note-{attempt_id}"


def is_sql(t: Transcript) -> bool:
    q = bank.get(t.question_id)
    return q is not None and q.round == "sql"


def open_attempt(t: Transcript) -> None:
    """Make ``t`` the session's attempt and put its saved text into the editors."""
    assert t.id
    ss["ml_attempt"] = t.id
    ss["ml_started"] = tx.started_epoch(t) or time.time()
    if is_sql(t):
        ss[sql_key(t.id)] = t.answer
        ss[note_key(t.id)] = t.sql_note or ""
    else:
        ss[answer_key(t.id)] = t.answer


def typed(t: Transcript) -> tuple[str, str | None]:
    """The editors' current text (query and note for SQL)."""
    assert t.id
    if is_sql(t):
        return ss.get(sql_key(t.id), t.answer), ss.get(note_key(t.id), t.sql_note or "")
    return ss.get(answer_key(t.id), t.answer), None


def on_edit(attempt_id: str) -> None:
    """Autosave on every committed change (and record overrun once time is up)."""
    t = tx.find(attempt_id, root)
    if t is None:
        return
    answer, note = typed(t.transcript)
    rounds.autosave(attempt_id, answer, note, root=root, started=ss.get("ml_started"))


def on_submit(attempt_id: str, started: float) -> None:
    """Save the latest text and grade it before the page reruns, so feedback is one rerun away."""
    t = tx.find(attempt_id, root)
    if t is None:
        return
    answer, note = typed(t.transcript)
    rounds.autosave(attempt_id, answer, note, root=root, started=started)
    with st.spinner("Grading…"):
        done = rounds.submit(attempt_id, root=root, started=started)
    ss["ml_feedback"] = attempt_id
    if done.mode != "full_loop":
        close_attempt()
        ss["ml_goto_feedback"] = True


def close_attempt() -> None:
    ss.pop("ml_attempt", None)
    ss.pop("ml_started", None)


# --------------------------------------------------------------------------- setup


def setup() -> None:
    st.title("Mock round")
    st.caption(
        "Interview conditions: the clock starts when you press Start, and at zero your answer is "
        "submitted automatically. The model answer is shown only after grading."
    )
    pending = rounds.pending_loop(root)
    if pending is not None:
        nxt = rounds.next_question_id(pending)
        title = bank[nxt].title if nxt in bank else nxt
        with st.container(border=True):
            st.write(
                f"You have an unfinished **full loop**: next is round {(pending.loop_index or 0) + 2} of "
                f"{len(pending.loop_plan or [])}, *{title}*."
            )
            if st.button("Continue the loop", key="ml-continue-loop"):
                open_attempt(rounds.start_next_in_loop(pending.id or "", root=root))
                st.rerun()

    kind = st.radio(
        "What do you want to practise?",
        ["One question", "Full loop (one question from each round)"],
        horizontal=True,
        key="ml-kind",
    )
    candidate = st.text_input("Your name (optional, saved with the attempt)", key="ml-candidate")
    if kind == "One question":
        picked = ss.get("ml_pick_question") or st.query_params.get("question")  # deep link: ?question=<id>
        offered = [r for r in ROUNDS if any(q.round == r for q in bank.values())]
        default_round = bank[picked].round if picked in bank else offered[0]
        rnd = st.selectbox(
            "Round type",
            offered,
            index=offered.index(default_round),
            format_func=lambda r: ROUND_TITLES[r],
            key="ml-round",
        )
        qs = [q for q in bank.values() if q.round == rnd]
        ids = [q.id for q in qs]
        qid = st.selectbox(
            "Question",
            ids,
            index=ids.index(picked) if picked in ids else 0,
            format_func=lambda i: f"{bank[i].title} ({bank[i].time_limit_minutes} min)",
            key="ml-question",
        )
        if st.button("Start the clock", type="primary", key="ml-start"):
            ss.pop("ml_pick_question", None)
            open_attempt(rounds.start_round(qid, candidate=candidate or None, root=root))
            st.rerun()
    else:
        plan = rounds.plan_full_loop(root)
        total = sum(bank[q].time_limit_minutes for q in plan)
        st.write(f"Four rounds in order, {total} minutes in all; feedback for each question at the end:")
        for i, qid in enumerate(plan, start=1):
            q = bank[qid]
            st.write(f"{i}. **{ROUND_TITLES[q.round]}**: {q.title} ({q.time_limit_minutes} min)")
        if st.button("Start the loop", type="primary", key="ml-start-loop"):
            open_attempt(rounds.start_full_loop(candidate=candidate or None, root=root, plan=plan))
            st.rerun()


# --------------------------------------------------------------------------- the round


@st.fragment(run_every=1)
def clock(t: Transcript, started: float) -> None:
    """The countdown; at zero it reruns the whole page, which submits the answer."""
    left = tx.remaining_seconds(t, started=started)
    if left is not None and left <= 0:
        st.rerun()
    limit = tx.limit_seconds(t) or 1.0
    low = " ml-low" if left is not None and left < 60 else ""
    st.caption("Time left")
    st.html(f'<div class="ml-timer{low}" data-testid="ml-timer">{tx.fmt_clock(left or 0)}</div>')
    st.progress(min(1.0, max(0.0, 1 - (left or 0) / limit)))
    saved = tx.find(t.id or "", root)
    when = tx.parse_iso(saved.transcript.updated_at) if saved else None
    if when is not None:
        st.caption(f"Draft autosaved at {when.astimezone():%H:%M:%S}")


def editor(label: str, key: str, t_id: str, height: int, locked: bool, placeholder: str | None = None) -> None:
    """A text area that autosaves the attempt on every edit (``on_edit``)."""
    st.text_area(
        label, key=key, height=height, on_change=on_edit, args=(t_id,), disabled=locked, placeholder=placeholder
    )


def editors(t: Transcript, q: Question, locked: bool) -> None:
    assert t.id
    if q.round == "sql":
        editor("Your query", sql_key(t.id), t.id, 260, locked, "SELECT ...")
        run_col, _ = st.columns([1, 3])
        if run_col.button("Run on sample data", key=f"ml-run-{t.id}"):
            ss[f"ml-sample-{t.id}"] = rounds.run_on_sample(q.id, ss.get(sql_key(t.id), ""))
        sample = ss.get(f"ml-sample-{t.id}")
        if sample is not None:
            if sample.error:
                st.error(sample.error)
            else:
                st.dataframe(pd.DataFrame(sample.rows, columns=sample.columns), hide_index=True)
                st.caption(
                    f"{len(sample.rows)} row(s) on the sample tables"
                    + (" (truncated)" if sample.truncated else "")
                    + (f", {sample.dialect}" if sample.dialect else "")
                    + ". Grading runs your query on hidden datasets too."
                )
        editor("Scaling discussion: how does this query behave at 100B rows?", note_key(t.id), t.id, 160, locked)
    else:
        editor(
            "Your answer",
            answer_key(t.id),
            t.id,
            420,
            locked,
            "Think out loud: clarify, size it, design, justify, operate.",
        )


def round_view(t: Transcript) -> None:
    assert t.id
    q = bank.get(t.question_id)
    if q is None:
        st.error(f"This attempt's question {t.question_id!r} is no longer in the bank.")
        if st.button("Close it"):
            close_attempt()
            st.rerun()
        return
    started = ss.get("ml_started") or tx.started_epoch(t) or time.time()
    if t.status == "draft":
        left = tx.remaining_seconds(t, started=started)
        if left is not None and left <= 0:
            answer, note = typed(t)
            with st.spinner("Time is up: submitting and grading…"):
                t = rounds.autosave(t.id, answer, note, root=root, started=started)
    if t.mode == "full_loop" and t.loop_plan:
        st.caption(f"Full loop: round {(t.loop_index or 0) + 1} of {len(t.loop_plan)}")
    head, timer_col = st.columns([3, 1])
    with head:
        st.title(q.title)
        st.caption(f"{ROUND_TITLES[q.round]} · {q.time_limit_minutes} minutes")
    if t.status == "draft":
        with timer_col:
            clock(t, started)
    ss.setdefault("ml_notice", None)
    if ss["ml_notice"]:
        st.info(ss["ml_notice"])
        ss["ml_notice"] = None
    st.markdown(q.prompt)
    if t.status != "draft" and t.auto_submitted:
        st.warning(
            "**Time is up.** Your answer was submitted automatically at 00:00. "
            "Anything you type now is recorded as overrun and is not graded."
        )
        if t.overrun_text:
            st.caption(
                f"Overrun recorded: {len(t.overrun_text.split())} word(s), {t.overrun_seconds or 0:.0f} s past time."
            )
    editors(t, q, locked=t.status != "draft" and not t.auto_submitted)
    components.live_commit_script()
    if t.status == "draft":
        row = st.container(horizontal=True)
        row.button("Submit answer", type="primary", key=f"ml-submit-{t.id}", on_click=on_submit, args=(t.id, started))
        with row.popover("Discard this attempt"):
            st.write("Delete this draft and its file? This cannot be undone.")
            if st.button("Delete the draft", key=f"ml-discard-{t.id}"):
                tx.delete(t.id, root)
                close_attempt()
                st.rerun()
        return
    after_submit(t)


def after_submit(t: Transcript) -> None:
    assert t.id
    if t.report is None:
        st.error(f"Your answer is saved, but grading failed: {t.grading_error or 'unknown error'}")
        if st.button("Retry grading", key=f"ml-regrade-{t.id}"):
            rounds.regrade(t.id, root=root)
            st.rerun()
    nxt = rounds.next_question_id(t)
    if nxt is not None:
        st.success(
            f"Round {(t.loop_index or 0) + 1} submitted. Take a breath; the next clock starts when you "
            "press the button."
        )
    elif t.mode == "full_loop":
        loop_summary(t)
    row = st.container(horizontal=True)
    if nxt is not None and row.button(
        f"Start round {(t.loop_index or 0) + 2}: {bank[nxt].title}", type="primary", key=f"ml-next-{t.id}"
    ):
        open_attempt(rounds.start_next_in_loop(t.id, root=root))
        st.rerun()
    if row.button("See feedback", type="primary" if nxt is None else "secondary", key=f"ml-see-{t.id}"):
        ss["ml_feedback"] = t.id
        close_attempt()
        st.switch_page(FEEDBACK_PAGE)
    if row.button("New round", key=f"ml-new-{t.id}"):
        close_attempt()
        st.rerun()


def loop_summary(t: Transcript) -> None:
    st.subheader("Full loop done")
    rows = []
    for a in rounds.loop_attempts(t.loop_id or "", root):
        q = bank.get(a.question_id)
        rows.append(
            {
                "round": ROUND_TITLES.get(q.round, "") if q else "",
                "question": q.title if q else a.question_id,
                "overall": a.report.overall.score if a.report else None,
                "recommendation": RECOMMENDATION_TITLES.get(a.report.overall.recommendation) if a.report else None,
                "time": rounds.elapsed_text(a),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption("Open each question's feedback from the Feedback page (it lists every graded attempt).")


# --------------------------------------------------------------------------- main

if ss.pop("ml_goto_feedback", False):
    st.switch_page(FEEDBACK_PAGE)
current: Transcript | None = None
if ss.get("ml_attempt"):
    found = tx.find(ss["ml_attempt"], root)
    current = found.transcript if found else None
    if current is None:
        close_attempt()
if current is None:
    draft = tx.latest_draft(root)
    if draft is not None:
        current = draft.transcript
        open_attempt(current)
        left = tx.remaining_seconds(current, started=ss["ml_started"])
        ss["ml_notice"] = (
            f"Resumed your unfinished attempt: {tx.fmt_clock(left)} left."
            if left and left > 0
            else "Resumed your unfinished attempt; its time ran out while you were away, so it is submitted now."
        )
        if ss.get("ml_pick_question"):
            ss["ml_notice"] += " Finish or discard it to practise the question you picked."

if current is None:
    setup()
else:
    round_view(current)
