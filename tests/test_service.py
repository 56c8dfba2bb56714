"""The grading entry point: the mode, and LLM problems that are never fatal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import evaluator.llm
from evaluator import service
from evaluator.bank import get_question
from evaluator.settings import Settings, get_settings

ANSWER = "DAU dropped 5% week over week; first I check whether logging changed, then segment by platform."


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKLOOP_LLM_TIMEOUT", "MOCKLOOP_LLM_RETRIES"):
        monkeypatch.delenv(var, raising=False)


def no_judge(*args: object, **kwargs: object) -> None:
    raise AssertionError("the LLM judge must not run")


def test_get_settings_never_raises_and_names_the_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKLOOP_LLM_TIMEOUT", "abc")
    monkeypatch.setenv("MOCKLOOP_LLM_RETRIES", "99")
    monkeypatch.setenv("MOCKLOOP_MODEL", "m")
    s = get_settings()
    assert s.request_timeout == 60.0 and s.max_retries == 2 and s.model == "m"  # defaults; valid ones kept
    assert len(s.problems) == 2
    assert s.problems[0].startswith("MOCKLOOP_LLM_TIMEOUT='abc' (") and s.problems[1].startswith(
        "MOCKLOOP_LLM_RETRIES="
    )
    with pytest.raises(ValueError):
        Settings()  # the model itself stays strict
    monkeypatch.delenv("MOCKLOOP_LLM_TIMEOUT")
    monkeypatch.delenv("MOCKLOOP_LLM_RETRIES")
    assert get_settings().problems == []


def test_invalid_setting_with_a_key_is_llm_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    monkeypatch.setenv("MOCKLOOP_LLM_TIMEOUT", "abc")
    monkeypatch.setattr(evaluator.llm, "judge_answer", no_judge)
    outcome = service.grade_answer(get_question("product-dau-drop"), ANSWER)
    assert outcome.report.mode == "deterministic" and "llm_unavailable" in outcome.report.flags
    assert len(outcome.diagnostics) == 1 and "MOCKLOOP_LLM_TIMEOUT" in outcome.diagnostics[0]
    assert any("MOCKLOOP_LLM_TIMEOUT" in n for n in outcome.report.notes)


def test_invalid_setting_without_a_key_is_only_a_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKLOOP_LLM_TIMEOUT", "abc")
    outcome = service.grade_answer(get_question("product-dau-drop"), ANSWER)
    assert outcome.report.mode == "deterministic" and "llm_unavailable" not in outcome.report.flags
    assert "ignored" in outcome.diagnostics[0] and "MOCKLOOP_LLM_TIMEOUT" in outcome.diagnostics[0]
    offline = service.grade_answer(get_question("product-dau-drop"), ANSWER, offline=True)
    assert offline.diagnostics == []


def test_no_dead_import_fallback() -> None:
    tree = ast.parse(Path(service.__file__).read_text())
    handlers = [h for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler)]
    assert not any(isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in handlers)
