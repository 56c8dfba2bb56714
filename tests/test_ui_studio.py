"""Rubric studio page (AppTest): live validation, trying a draft, saving a new version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_support import GOOD_ANSWER, app, copy_bank, texts

from evaluator import studio
from evaluator.loader import validate_paths

EDITOR = "ml-live-studio"


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = copy_bank(tmp_path, monkeypatch)
    yield root
    studio.reload_bank()


def open_file(at, path: Path):  # type: ignore[no-untyped-def]
    at.selectbox(key="ml-studio-file").set_value(str(path)).run()
    return at


def test_opens_a_file_valid(tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_file(app(monkeypatch, tmp_path / "t", "views/rubric_studio.py"), bank / "modeling.yaml")
    assert at.text_area(key=EDITOR).value == (bank / "modeling.yaml").read_text()
    assert at.success[0].value == "Valid rubric."
    assert "Edit the file to save a new version." in texts(at)


def test_live_errors_match_the_cli(tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_file(app(monkeypatch, tmp_path / "t", "views/rubric_studio.py"), bank / "modeling.yaml")
    broken = (bank / "modeling.yaml").read_text().replace("dimension: scale", "dimension: scal", 1)
    at.text_area(key=EDITOR).input(broken).run()
    shown = at.code[0].value.splitlines()
    monkeypatch.chdir(bank.parent)
    (bank / "modeling.yaml").write_text(broken)
    _, problems = validate_paths([Path("rubrics/modeling.yaml")])
    assert shown == [str(p) for p in problems] and shown
    assert "problem(s)" in at.error[0].value
    assert not [b for b in at.button if b.key == "ml-studio-save"]


def test_try_a_rubric_on_a_sample_answer(tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_file(app(monkeypatch, tmp_path / "t", "views/rubric_studio.py"), bank / "modeling.yaml")
    at.selectbox(key="ml-studio-q").set_value("design-ads-performance-pipeline").run()
    at.text_area(key="ml-studio-sample").input(GOOD_ANSWER).run()
    at.button(key="ml-studio-try").click().run()
    assert not at.exception
    assert "Overall **" in texts(at) and at.get("vega_lite_chart") and at.dataframe
    assert "(deterministic," in texts(at)
    assert not [t for t in at.toggle if t.label == "Use the LLM judge"], "no judge configured: no toggle"


def test_the_judge_toggle_appears_when_a_judge_is_configured(
    tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app(monkeypatch, tmp_path / "t", "views/rubric_studio.py")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    at = open_file(at, bank / "modeling.yaml")
    assert [t for t in at.toggle if t.label == "Use the LLM judge"]


def test_save_as_new_version(tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = bank / "modeling.yaml"
    old = target.read_text()
    old_version = studio.version_of(old)
    at = open_file(app(monkeypatch, tmp_path / "t", "views/rubric_studio.py"), target)
    at.text_area(key=EDITOR).input(old + "\n# tightened by a coach\n").run()
    assert "(unsaved changes)" in at.success[0].value
    assert f"_versions/modeling@{old_version}.yaml" in texts(at)
    at.button(key="ml-studio-save").click().run()
    assert not at.exception
    new_version = studio.bump(old_version or "")
    assert (bank / "_versions" / f"modeling@{old_version}.yaml").read_text() == old
    assert studio.version_of(target.read_text()) == new_version
    assert f'version: "{new_version}"' in at.text_area(key=EDITOR).value
    assert any("Saved." in s.value for s in at.success)


def test_question_files_are_listed_and_tried(tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_file(
        app(monkeypatch, tmp_path / "t", "views/rubric_studio.py"), bank / "questions" / "product-dau-drop.yaml"
    )
    assert at.success[0].value == "Valid question."
    at.text_area(key="ml-studio-sample").input("DAU dropped 5%; I first check whether logging changed.").run()
    at.button(key="ml-studio-try").click().run()
    assert "Overall **" in texts(at)
