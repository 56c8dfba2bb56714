"""The app in a real browser: start a round, type, reload (the draft survives), submit, see scores.

Drives Debian's Chromium through Playwright (never a downloaded browser build) against
``streamlit run`` on a random local port, with transcripts in a temp folder and no LLM key.
Saves a screenshot of the feedback page to ``tests/artifacts/feedback.png``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_support import GOOD_ANSWER

from evaluator.appcmd import CHROMIUM, CHROMIUM_ARGS, serve_app

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
QID = "design-ads-performance-pipeline"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); the browser test needs Debian's Chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    pytest.importorskip("playwright.sync_api")
    transcripts = tmp_path_factory.mktemp("transcripts")
    with (tmp_path_factory.getbasetemp() / "streamlit.log").open("wb") as log, serve_app(transcripts, log) as url:
        yield url, transcripts


def _saved_answer(folder: Path) -> str | None:
    files = list(folder.glob("*.json"))
    return json.loads(files[0].read_text()).get("answer") if len(files) == 1 else None


def test_round_survives_a_reload_and_shows_feedback(served: tuple[str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, transcripts = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2600})
            page.set_default_timeout(20_000)
            page.goto(f"{url}/?question={QID}")
            start = page.get_by_role("button", name="Start the clock")
            start.click()
            editor = page.locator('[class*="st-key-ml-live-answer"] textarea')
            editor.click()
            # Type without leaving the field: the draft must be saved while typing, not only on blur.
            editor.press_sequentially(GOOD_ANSWER[:60], delay=2)
            editor.fill(GOOD_ANSWER)
            deadline = time.monotonic() + 15
            while _saved_answer(transcripts) != GOOD_ANSWER and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _saved_answer(transcripts) == GOOD_ANSWER, "draft was not autosaved while typing"

            page.reload()
            editor = page.locator('[class*="st-key-ml-live-answer"] textarea')
            expect(editor).to_have_value(GOOD_ANSWER)
            expect(page.get_by_text("Resumed your unfinished attempt")).to_be_visible()
            expect(page.get_by_test_id("ml-timer")).to_contain_text(":")

            page.get_by_role("button", name="Submit answer").click()
            expect(page.get_by_text("Overall score")).to_be_visible()
            expect(page.get_by_text("Recommendation").first).to_be_visible()
            expect(page.locator("mark.ml-ev:visible").first).to_be_visible()
            page.locator('[data-testid="stVegaLiteChart"], .vega-embed').first.wait_for()
            page.wait_for_timeout(500)  # let the chart finish drawing before the screenshot
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "feedback.png"), full_page=True)
        finally:
            browser.close()
    saved = json.loads(next(transcripts.glob("*.json")).read_text())
    assert saved["status"] == "graded" and saved["answer"] == GOOD_ANSWER
    assert saved["report"]["question_id"] == QID


def test_deep_link_keeps_navigation_and_banner(served: tuple[str, Path]) -> None:
    """A bookmarked page URL must run through the app entry (banner, grouped navigation)."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{url}/calibration")
            expect(page.get_by_text("Deterministic grading")).to_be_visible()
            expect(page.get_by_test_id("stSidebarNavItems").get_by_text("Coaches", exact=True)).to_be_visible()
            expect(page.get_by_role("button", name="Run calibration")).to_be_visible()
        finally:
            browser.close()
