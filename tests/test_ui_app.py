"""App entry (AppTest): the grading-mode banner, navigation, and a broken bank shown, not crashed."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import app, copy_bank

PAGES = ["views/mock_round.py", "views/feedback.py", "views/history.py", "views/rubric_studio.py", "views/batch.py"]


def test_banner_says_deterministic_without_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(monkeypatch, tmp_path)
    assert at.info[0].value.startswith("**Deterministic grading**")


def test_banner_says_llm_when_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest
    from ui_support import APP, deterministic

    deterministic(monkeypatch, tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    monkeypatch.setenv("MOCKLOOP_MODEL", "judge-model")
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert "LLM judge configured" in at.info[0].value and "judge-model" in at.info[0].value
    assert "sk-test" not in at.info[0].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    at = app(monkeypatch, tmp_path, page)
    assert at.title, page


def test_broken_bank_is_reported_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bank(tmp_path, monkeypatch)
    path = root / "questions" / "product-dau-drop.yaml"
    path.write_text(path.read_text().replace("time_limit_minutes:", "time_limit_minutez:", 1))
    at = app(monkeypatch, tmp_path / "t")
    assert "question bank has errors" in at.error[0].value
    assert "product-dau-drop.yaml:" in at.code[0].value
