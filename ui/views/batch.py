"""Batch grading (coaches): choose transcripts, grade them with a progress bar, see the table and
download the CSV that ``mockloop batch --out results.csv`` would write.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from evaluator.batch import transcript_files
from evaluator.batchrun import grade_iter, results_csv
from evaluator.paths import transcripts_dir
from evaluator.settings import get_settings

ss = st.session_state
root = transcripts_dir()

st.title("Batch grading")
available = transcript_files([root]) if root.is_dir() else []
names = {str(p): str(p.relative_to(root)) for p in available}
chosen = st.multiselect(
    f"Transcripts in {root}", list(names), default=list(names), format_func=names.get, key="ml-batch-files"
)
uploads = st.file_uploader(
    "…or upload transcript JSON files", type=["json"], accept_multiple_files=True, key="ml-batch-upload"
)
llm = get_settings().llm_configured
offline = st.checkbox("Deterministic only (no LLM judge)", value=not llm, disabled=not llm, key="ml-batch-offline")

count = len(chosen) + len(uploads or [])
if st.button(f"Grade {count} transcript(s)", type="primary", disabled=count == 0, key="ml-batch-go"):
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(p) for p in chosen]
        for up in uploads or []:
            dest = Path(tmp) / Path(up.name).name
            dest.write_bytes(up.getvalue())
            paths.append(dest)
        bar = st.progress(0.0, text="Grading…")
        results = []
        for i, result in enumerate(grade_iter(paths, offline=offline), start=1):
            results.append(result)
            bar.progress(i / len(paths), text=f"Graded {i} of {len(paths)}: {result.path.name}")
        bar.progress(1.0, text=f"Done: {len(results)} graded, {sum(1 for r in results if r.error)} with errors")
    ss["ml_batch_results"] = results

results = ss.get("ml_batch_results")
if results:
    rows = [r.as_row() for r in results]
    for row in rows:
        row["file"] = Path(str(row["file"])).name
    errors = [r for r in results if r.error]
    if errors:
        st.warning(f"{len(errors)} file(s) could not be graded; see the error column.")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.download_button(
        "Download CSV", results_csv(results), file_name="mockloop-results.csv", mime="text/csv", key="ml-batch-csv"
    )
