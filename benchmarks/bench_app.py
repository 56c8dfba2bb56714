"""App responsiveness in deterministic mode: submit -> feedback shown, and the app's first render.

Targets (issue 3): submit -> feedback under 1 s. Two measurements of each:
- in-process (Streamlit AppTest): the script run triggered by the Submit click, which autosaves,
  grades, switches to the Feedback page and renders it; and the first script run of a session;
- in a real browser (Debian's Chromium, if present): from the click to the scores being visible,
  and from navigation to the first interactive widget (cold server, then warm).
Run: python benchmarks/bench_app.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench_grade import answer_of  # same 1,500-word answer as the grading benchmark

from evaluator.appcmd import CHROMIUM, CHROMIUM_ARGS, serve_app

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"
QID = "design-ads-performance-pipeline"
SQL_QID = "sql-top-campaigns-ctr"
SQL_ANSWER = (
    "WITH d AS (SELECT advertiser_id, campaign_id, COUNT(*) AS impressions, SUM(CASE WHEN clicked THEN 1 ELSE 0 END) "
    "AS clicks FROM ads_impressions WHERE event_date = DATE '2026-11-22' GROUP BY 1, 2 HAVING COUNT(*) >= 1000), "
    "r AS (SELECT *, ROUND(CAST(clicks AS DOUBLE) / impressions, 4) AS ctr, ROW_NUMBER() OVER (PARTITION BY "
    "advertiser_id ORDER BY CAST(clicks AS DOUBLE) / impressions DESC, campaign_id) AS rank FROM d) "
    "SELECT advertiser_id, campaign_id, impressions, clicks, ctr, rank FROM r WHERE rank <= 3"
)


def _env(transcripts: Path) -> None:
    os.environ["MOCKLOOP_TRANSCRIPTS_DIR"] = str(transcripts)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        os.environ.pop(name, None)


def apptest_figures(runs: int = 5) -> dict[str, float]:
    """Median ms: first script run of a session; Submit click -> feedback rendered (text and SQL)."""
    from streamlit.testing.v1 import AppTest

    first, text_submit, sql_submit = [], [], []
    long_answer = answer_of(1500)
    for i in range(runs + 1):  # run 0 warms imports and the bank; not counted
        for qid, answer, bucket in ((QID, long_answer, text_submit), (SQL_QID, SQL_ANSWER, sql_submit)):
            with tempfile.TemporaryDirectory() as tmp:
                _env(Path(tmp))
                at = AppTest.from_file(str(APP), default_timeout=60)
                t = time.perf_counter()
                at.run()
                if i and qid == QID:
                    first.append(time.perf_counter() - t)
                at.selectbox(key="ml-round").set_value("sql" if qid == SQL_QID else "modeling").run()
                at.selectbox(key="ml-question").set_value(qid).run()
                at.button(key="ml-start").click().run()
                editors = ("ml-live-answer", "ml-live-sql")
                editor = next(ta for ta in at.text_area if ta.key and ta.key.startswith(editors))
                editor.input(answer).run()
                submit = next(b for b in at.button if b.key and b.key.startswith("ml-submit-"))
                t = time.perf_counter()
                submit.click().run()
                elapsed = time.perf_counter() - t
                assert [m.label for m in at.metric][:1] == ["Recommendation"], "feedback did not render"
                if i:
                    bucket.append(elapsed)
    ms = 1000.0
    return {
        "first_run_ms": statistics.median(first) * ms,
        "submit_to_feedback_ms": statistics.median(text_submit) * ms,
        "submit_to_feedback_sql_ms": statistics.median(sql_submit) * ms,
    }


def browser_figures(runs: int = 3) -> dict[str, float] | None:
    """Median ms in Chromium: cold and warm first render, and Submit click -> scores visible."""
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp, serve_app(Path(tmp)) as url:
        cold: list[float] = []
        warm: list[float] = []
        submit: list[float] = []
        answer = answer_of(600)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for i in range(runs + 1):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(30_000)
                t = time.perf_counter()
                page.goto(f"{url}/?question={QID}")
                page.get_by_role("button", name="Start the clock").wait_for()
                (cold if i == 0 else warm).append(time.perf_counter() - t)
                page.get_by_role("button", name="Start the clock").click()
                editor = page.locator('[class*="st-key-ml-live-answer"] textarea')
                editor.fill(answer)
                t = time.perf_counter()
                page.get_by_role("button", name="Submit answer").click()
                expect(page.get_by_text("Overall score")).to_be_visible()
                page.locator('[data-testid="stVegaLiteChart"], .vega-embed').first.wait_for()
                if i:
                    submit.append(time.perf_counter() - t)
                page.close()
            browser.close()
    ms = 1000.0
    return {
        "first_render_cold_ms": cold[0] * ms,
        "first_render_warm_ms": statistics.median(warm) * ms,
        "submit_to_feedback_ms": statistics.median(submit) * ms,
    }


def main() -> None:
    figures = apptest_figures()
    print("In-process (AppTest), deterministic mode, median of 5:")
    print(f"  first render (script run of a new session):        {figures['first_run_ms']:7.0f} ms")
    print(f"  submit -> feedback shown (1,500-word design answer): {figures['submit_to_feedback_ms']:7.0f} ms")
    print(f"  submit -> feedback shown (SQL, hidden datasets):     {figures['submit_to_feedback_sql_ms']:7.0f} ms")
    web = browser_figures()
    if web is None:
        print(f"Browser: skipped ({CHROMIUM} not found)")
    else:
        print("Browser (Chromium, headless), deterministic mode:")
        print(f"  first render, cold server:                          {web['first_render_cold_ms']:7.0f} ms")
        print(f"  first render, warm (median of 3):                   {web['first_render_warm_ms']:7.0f} ms")
        print(f"  submit -> scores and chart visible (median of 3):   {web['submit_to_feedback_ms']:7.0f} ms")
    worst = max(
        figures["submit_to_feedback_ms"],
        figures["submit_to_feedback_sql_ms"],
        web["submit_to_feedback_ms"] if web else 0.0,
    )
    print(f"Target submit -> feedback < 1000 ms: {'met' if worst < 1000 else 'MISSED'} (worst {worst:.0f} ms)")


if __name__ == "__main__":
    main()
