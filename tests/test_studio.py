"""Rubric studio: CLI-identical validation, trying drafts, saving new versions without loss."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evaluator import studio
from evaluator.loader import validate_paths
from evaluator.models import Rubric
from evaluator.paths import rubrics_dir

pytest_plugins = ["llm_fixtures"]  # the llm_env fixture: a local OpenAI-compatible server

T0 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the shipped bank, so saving never touches the real files."""
    root = tmp_path / "rubrics"
    shutil.copytree(rubrics_dir(), root, ignore=shutil.ignore_patterns("gold"))
    monkeypatch.setenv("MOCKLOOP_RUBRICS_DIR", str(root))
    yield root
    studio.reload_bank()


def test_sources_list_rubrics_then_questions(bank: Path) -> None:
    found = studio.sources(bank)
    kinds = [s.kind for s in found]
    assert kinds == sorted(kinds, key=lambda k: k != "rubric")
    assert "rubrics/modeling.yaml" in [s.label for s in found]
    assert any(s.label.startswith("rubrics/questions/") for s in found)


def test_validation_messages_match_the_cli(bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (bank / "modeling.yaml").read_text()
    broken = text.replace("dimension: scale", "dimension: scal", 1).replace("criteria:", "criteria:\n  - id: x\n", 1)
    monkeypatch.chdir(bank.parent)
    (bank / "modeling.yaml").write_text(broken)
    _, cli = validate_paths([Path("rubrics/modeling.yaml")])
    check = studio.validate(broken, "rubrics/modeling.yaml")
    assert not check.ok and check.problems == [str(p) for p in cli]
    assert all(p.startswith("rubrics/modeling.yaml:") for p in check.problems)


def test_yaml_syntax_error_has_a_line(bank: Path) -> None:
    check = studio.validate("id: x\n  bad: [\n", "rubrics/x.yaml")
    assert check.problems and check.problems[0].startswith("rubrics/x.yaml:")
    assert "YAML syntax error" in check.problems[0]


@pytest.mark.parametrize(("old", "new"), [("1.0.0", "1.0.1"), ("3", "4"), ("v1.9", "v1.10"), ("draft", "draft.1")])
def test_bump(old: str, new: str) -> None:
    assert studio.bump(old) == new


def test_with_version_keeps_quotes_and_comments() -> None:
    assert (
        studio.with_version("id: a\nversion: '1.0.0'  # bump me\n", "1.0.1") == "id: a\nversion: '1.0.1'  # bump me\n"
    )


def test_save_archives_and_bumps(bank: Path) -> None:
    target = bank / "modeling.yaml"
    opened = target.read_text()
    old_version = studio.version_of(opened)
    edited = opened + "\n# coach note\n"
    result = studio.save_new_version(target, edited, opened_text=opened, root=bank)
    assert result.plan.new_version == studio.bump(old_version or "")
    assert result.plan.archive == bank / "_versions" / f"modeling@{old_version}.yaml"
    assert result.plan.archive.read_text() == opened
    assert studio.version_of(target.read_text()) == result.plan.new_version
    assert target.read_text().endswith("# coach note\n")
    assert result.bank_problems == []
    from evaluator.bank import rubric_for

    assert rubric_for("modeling").version == result.plan.new_version  # the bank reloaded


def test_save_refuses_invalid_unchanged_and_stale(bank: Path) -> None:
    target = bank / "modeling.yaml"
    opened = target.read_text()
    with pytest.raises(studio.StudioError, match="errors"):
        studio.save_new_version(target, "id: [", opened_text=opened, root=bank)
    with pytest.raises(studio.StudioError, match="Nothing changed"):
        studio.save_new_version(target, opened, opened_text=opened, root=bank)
    target.write_text(opened + "\n# someone else's edit\n")
    with pytest.raises(studio.StudioError, match="changed on disk"):
        studio.save_new_version(target, opened + "\n# mine\n", opened_text=opened, root=bank)
    assert target.read_text().endswith("# someone else's edit\n")
    assert not (bank / "_versions").exists()


def test_question_archive_is_timestamped_and_never_overwritten(bank: Path) -> None:
    target = bank / "questions" / "product-dau-drop.yaml"
    opened = target.read_text()
    first = studio.save_new_version(target, opened + "\n# v2\n", opened_text=opened, root=bank, now=T0)
    assert first.plan.archive == bank / "_versions" / "questions" / "product-dau-drop@20260105-090000.yaml"
    assert first.plan.new_version is None
    second = studio.save_new_version(target, opened + "\n# v3\n", opened_text=opened + "\n# v2\n", root=bank, now=T0)
    assert second.plan.archive == bank / "_versions" / "questions" / "product-dau-drop@20260105-090000-2.yaml"
    assert first.plan.archive.read_text() == opened


def test_plan_describes_the_save(bank: Path) -> None:
    target = bank / "modeling.yaml"
    opened = target.read_text()
    plan = studio.plan_save(target, opened + "\n#x\n", opened_text=opened, root=bank)
    text = plan.describe(bank)
    assert text.startswith("Write rubrics/modeling.yaml as version ") and "_versions/modeling@" in text


def test_try_answer_uses_the_edited_rubric(bank: Path) -> None:
    text = (bank / "modeling.yaml").read_text()
    rubric = studio.validate(text, "rubrics/modeling.yaml").obj
    assert isinstance(rubric, Rubric)
    answer = "We expect 100B impressions per day, about 1.2M events per second, so we partition by date."
    base = studio.try_answer(rubric, answer, "design-ads-performance-pipeline")
    assert base.rubric_version == f"{rubric.id}@{rubric.version}"
    edited = rubric.model_copy(update={"version": "9.9.9"})
    assert studio.try_answer(edited, answer, "design-ads-performance-pipeline").rubric_version.endswith("@9.9.9")
    with pytest.raises(ValueError, match="product_sense question"):
        studio.try_answer(rubric, answer, "product-dau-drop")
    with pytest.raises(ValueError, match="choose a question"):
        studio.try_answer(rubric, answer)


def test_try_answer_with_the_llm_judge_grades_against_the_draft(bank: Path, llm_env) -> None:
    # Through the real client and LangChain: the judge is shown the draft's criteria, and the
    # report carries the draft's version.
    from fake_openai import criterion_ids, echo_judge

    server = llm_env(echo_judge(3))
    rubric = studio.validate((bank / "modeling.yaml").read_text(), "rubrics/modeling.yaml").obj
    assert isinstance(rubric, Rubric)
    first = rubric.criteria[0].model_copy(update={"title": "Sizes it like a draft-7 coach asks"})
    draft = rubric.model_copy(update={"version": "9.9.9", "criteria": [first, *rubric.criteria[1:]]})
    answer = "We expect 100B impressions per day, about 1.2M events per second, so we partition by date."
    report = studio.try_answer(draft, answer, "design-ads-performance-pipeline", offline=False)
    assert report.mode == "llm" and report.rubric_version.endswith("@9.9.9")
    (request,) = server.chat_requests
    assert set(criterion_ids(request.body)) == {c.id for c in draft.criteria}
    assert "Sizes it like a draft-7 coach asks" in str(request.body["messages"])
    assert studio.try_answer(draft, answer, "design-ads-performance-pipeline").mode == "deterministic"
    assert len(server.chat_requests) == 1


def test_try_answer_with_an_edited_question(bank: Path) -> None:
    text = (bank / "questions" / "product-dau-drop.yaml").read_text()
    q = studio.validate(text, "rubrics/questions/product-dau-drop.yaml").obj
    report = studio.try_answer(q, "DAU dropped 5% week over week; first I check whether logging changed.")  # type: ignore[arg-type]
    assert report.question_id == "product-dau-drop"


# --------------------------------------------------------------------------- the bank is checked before writing


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.yaml"))}


def test_changing_a_question_id_is_refused(bank: Path) -> None:
    target = bank / "questions" / "product-dau-drop.yaml"
    opened = target.read_text()
    before = snapshot(bank)
    for new_id in ("product-reels-engagement", "product-dau-drop-v2"):  # existing id, and a fresh one
        with pytest.raises(studio.StudioError, match="Create a new question file instead"):
            studio.save_new_version(
                target, opened.replace("id: product-dau-drop", f"id: {new_id}", 1), opened_text=opened, root=bank
            )
    assert snapshot(bank) == before and not (bank / "_versions").exists()


def test_changing_a_rubric_round_is_refused_with_the_bank_problems(bank: Path) -> None:
    target = bank / "modeling.yaml"
    opened = target.read_text()
    before = snapshot(bank)
    with pytest.raises(studio.StudioError) as err:
        studio.save_new_version(
            target, opened.replace("round: modeling", "round: sql", 1), opened_text=opened, root=bank
        )
    messages = err.value.messages
    assert "would break the question bank" in messages[0]
    assert any(m.startswith("rubrics/sql.yaml:") and "a second rubric for round 'sql'" in m for m in messages)
    assert any("no rubric for round 'modeling'" in m for m in messages)
    assert snapshot(bank) == before and not (bank / "_versions").exists()
    from evaluator.bank import rubric_for

    assert rubric_for("modeling").round == "modeling"  # the app keeps working


def test_a_new_question_file_with_an_existing_id_is_refused(bank: Path) -> None:
    text = (bank / "questions" / "product-dau-drop.yaml").read_text()
    target = bank / "questions" / "another.yaml"
    with pytest.raises(studio.StudioError, match="a second question with id 'product-dau-drop'"):
        studio.plan_save(target, text, root=bank)
    assert not target.exists()


def test_a_question_text_in_a_rubric_file_is_refused(bank: Path) -> None:
    target = bank / "modeling.yaml"
    question = (bank / "questions" / "product-dau-drop.yaml").read_text()
    with pytest.raises(studio.StudioError, match="expected a rubric file"):
        studio.plan_save(target, question, opened_text=target.read_text(), root=bank)


def test_an_already_broken_bank_does_not_block_unrelated_saves(bank: Path) -> None:
    (bank / "questions" / "zz-copy.yaml").write_text((bank / "questions" / "product-dau-drop.yaml").read_text())
    target = bank / "modeling.yaml"
    opened = target.read_text()
    result = studio.save_new_version(target, opened + "\n# coach note\n", opened_text=opened, root=bank)
    assert target.read_text().endswith("# coach note\n")
    assert any("a second question with id 'product-dau-drop'" in p for p in result.bank_problems)
