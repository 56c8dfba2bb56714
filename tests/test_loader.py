"""Every `rubric validate` error names the file and the line of the offending key."""

from pathlib import Path

import pytest

from evaluator.loader import LoadError, load_text, validate_paths

ROOT = Path(__file__).resolve().parent.parent

GOOD_RUBRIC = """\
id: demo
round: product_sense
version: "1"
title: Demo
dimensions:
  product_sense: 0.6
  tradeoffs: 0.4
criteria:
  - id: metrics
    dimension: product_sense
    title: Metrics
    levels:
      1: none
      2: some
      3: good
      4: great
    signals:
      - check: product_reasoning
  - id: choices
    dimension: tradeoffs
    title: Choices
    levels: {1: a, 2: b, 3: c, 4: d}
    signals:
      - check: justified_choices
"""


def problems(text: str, name: str = "r.yaml") -> list[str]:
    with pytest.raises(LoadError) as exc:
        load_text(text, name)
    return [str(p) for p in exc.value.problems]


def test_shipped_rubrics_and_questions_are_valid():
    count, found = validate_paths([ROOT / "rubrics"])
    assert found == []
    assert count >= 17


def test_good_rubric_loads():
    rubric = load_text(GOOD_RUBRIC, "r.yaml")
    assert rubric.id == "demo"


def test_yaml_syntax_error_has_line():
    assert problems("id: broken\nround: [unclosed\n", "bad.yaml")[0].startswith("bad.yaml:")


def test_unknown_check_points_at_its_line():
    text = GOOD_RUBRIC.replace("check: justified_choices", "check: justified_choicez")
    (p,) = problems(text)
    assert p.startswith("r.yaml:24:") and "unknown check 'justified_choicez'" in p


def test_unknown_dimension():
    text = GOOD_RUBRIC.replace("    dimension: tradeoffs", "    dimension: tradeofs")
    (p, *_) = problems(text)
    assert p.startswith("r.yaml:20:") and "criteria.1.dimension" in p


def test_missing_level_anchor():
    text = GOOD_RUBRIC.replace("      4: great\n", "")
    (p,) = problems(text)
    assert p.startswith("r.yaml:12:") and "missing level anchors for level(s) [4]" in p


def test_weights_must_sum_to_one():
    text = GOOD_RUBRIC.replace("tradeoffs: 0.4", "tradeoffs: 0.9")
    (p,) = problems(text)
    assert "sum to 1.5" in p and p.startswith("r.yaml:")


def test_criterion_on_unassessed_dimension():
    text = GOOD_RUBRIC.replace("    dimension: tradeoffs", "    dimension: scale")
    assert any("does not assess" in p for p in problems(text))


def test_unknown_key_is_an_error_not_ignored():
    text = GOOD_RUBRIC.replace("title: Demo", "title: Demo\ntitel: typo")
    (p,) = problems(text)
    assert p.startswith("r.yaml:5:") and "titel" in p


def test_question_file_errors(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text(
        "id: q\nround: modeling\ntitle: T\nprompt: P\ntime_limit_minutes: 0\ntopic_patterns: ['(']\n"
        "follow_ups: [a, b]\nmodel_answer: [x]\n"
    )
    count, found = validate_paths([bad])
    messages = [str(p) for p in found]
    assert count == 1
    assert any(m.startswith(f"{bad}:5:") and "time_limit_minutes" in m for m in messages)


def test_missing_file_is_reported(tmp_path):
    _, found = validate_paths([tmp_path / "nope.yaml"])
    assert "no such file" in str(found[0])
