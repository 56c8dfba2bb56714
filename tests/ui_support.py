"""Helpers for the AppTest UI tests: an app bound to a temp transcripts folder, in deterministic mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from evaluator.paths import rubrics_dir

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
LLM_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKLOOP_MODEL")
GOOD_ANSWER = (
    "First, who reads this: advertisers decide budget and bids from CTR and spend, and billing needs exact numbers. "
    "About 100B impressions a day is roughly 1.2M events per second, around 50 TB per day raw. "
    "We partition by event_date and cluster by campaign_id because advertisers filter on their campaigns. "
    "I would run a streaming path for dashboards and a batch path for billing, because billing must be exact "
    "while dashboards can be approximate; the cost is two code paths, so we reconcile them hourly. "
    "We dedup on impression_id so retries never double bill, and late events are restated for three days."
)


def deterministic(monkeypatch: pytest.MonkeyPatch, transcripts: Path) -> None:
    monkeypatch.setenv("MOCKLOOP_TRANSCRIPTS_DIR", str(transcripts))
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


def app(monkeypatch: pytest.MonkeyPatch, transcripts: Path, page: str | None = None) -> AppTest:
    """A fresh browser session on the app (optionally switched to ``page``), already run once."""
    deterministic(monkeypatch, transcripts)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def copy_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the rubrics folder (for pages that write to it)."""
    root = tmp_path / "rubrics"
    shutil.copytree(rubrics_dir(), root, ignore=shutil.ignore_patterns("gold"))
    monkeypatch.setenv("MOCKLOOP_RUBRICS_DIR", str(root))
    return root


def html(at: AppTest) -> str:
    """All ``st.html`` bodies on the page, joined (evidence marks, the timer)."""
    return "\n".join(el.proto.body for el in at.get("html"))


def texts(at: AppTest) -> str:
    """Every visible text-ish element, for "is this on the page" checks."""
    parts: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(e.label for e in at.expander)
    return "\n".join(parts)


def key_starting(at: AppTest, prefix: str, kind: str = "button") -> str:
    keys = [el.key for el in getattr(at, kind) if el.key and el.key.startswith(prefix)]
    assert keys, f"no {kind} with a key starting {prefix!r}"
    return keys[0]
