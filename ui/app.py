"""MockLoop app entry: page setup, the grading-mode banner, and navigation over the pages.

Run with ``mockloop app`` (or ``streamlit run ui/app.py``). Pages live in ``views/`` next to this
file and are found relative to it, so the same layout works from the repository and from the
wheel (``evaluator/_data/ui``).
"""

from __future__ import annotations

from pathlib import Path

import components
import streamlit as st

from evaluator.settings import get_settings

HERE = Path(__file__).resolve().parent
PAGES = HERE / "views"  # not "pages/": Streamlit would also auto-discover that folder as v1 pages

st.set_page_config(page_title="MockLoop", page_icon=":material/timer:", layout="wide")
components.styles()

settings = get_settings()
if settings.llm_configured:
    where = settings.openai_base_url or "OpenAI"
    st.info(
        f"**LLM judge configured** ({settings.model} via {where}); deterministic checks back every score.",
        icon=":material/smart_toy:",
    )
else:
    st.info(
        "**Deterministic grading**: no LLM judge configured (set OPENAI_API_KEY to enable one). "
        "The same answer always gets the same scores.",
        icon=":material/rule:",
    )

pages = {
    "Practice": [
        st.Page(PAGES / "mock_round.py", title="Mock round", icon=":material/timer:", default=True),
        st.Page(PAGES / "feedback.py", title="Feedback", icon=":material/rate_review:"),
        st.Page(PAGES / "history.py", title="History", icon=":material/insights:"),
    ],
    "Coaches": [
        st.Page(PAGES / "rubric_studio.py", title="Rubric studio", icon=":material/edit_note:"),
        st.Page(PAGES / "batch.py", title="Batch grading", icon=":material/table_view:"),
        st.Page(PAGES / "calibration.py", title="Calibration", icon=":material/balance:"),
    ],
}
st.navigation(pages).run()
