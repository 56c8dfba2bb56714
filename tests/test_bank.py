import shutil
from pathlib import Path

import pytest

from evaluator.bank import UnknownQuestion, get_question, questions, rubric_for, scan_bank
from evaluator.loader import validate_paths
from evaluator.paths import rubrics_dir


def round_line(path: Path) -> int:
    return next(i for i, s in enumerate(path.read_text().splitlines(), 1) if s.startswith("round:"))


REQUIRED = {
    "design-ads-performance-pipeline",
    "design-feed-ranking-features",
    "model-cross-surface-engagement",
    "model-schema-evolution",
    "model-social-graph-analytics",
    "product-dau-drop",
    "product-measure-instagram-feature",
    "product-reels-engagement",
    "ownership-multi-team-system",
    "ownership-pipeline-failure",
    "sql-reels-not-feed",
    "sql-d1-retention",
    "sql-top-campaigns-ctr",
}


def test_every_required_question_is_in_the_bank():
    assert {q.id for q in questions()} >= REQUIRED


def test_every_round_has_a_rubric_and_questions_have_probes_and_outlines():
    for q in questions():
        assert rubric_for(q.round).round == q.round
        assert 2 <= len(q.follow_ups) <= 4 and q.model_answer


def test_non_sql_questions_carry_concepts_on_assessed_dimensions():
    for q in questions():
        if q.round == "sql":
            assert q.sql is not None
            continue
        assessed = set(rubric_for(q.round).dimensions)
        assert q.concepts and {c.dimension for c in q.concepts} <= assessed, q.id


def test_unknown_question():
    try:
        get_question("nope")
    except UnknownQuestion as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("expected UnknownQuestion")


# --------------------------------------------------------------------------- bank checks on any folder


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "rubrics"
    shutil.copytree(rubrics_dir(), root, ignore=shutil.ignore_patterns("gold"))
    return root


def test_scan_of_the_shipped_bank_is_clean():
    scan = scan_bank(rubrics_dir())
    assert scan.problems == [] and len(scan.rubrics) == 4 and {f.obj.id for f in scan.questions} >= REQUIRED


def test_validate_folder_reports_a_duplicate_question_id(copy: Path):
    (copy / "questions" / "zz-copy.yaml").write_text((copy / "questions" / "product-dau-drop.yaml").read_text())
    count, problems = validate_paths([copy])
    assert count == 18
    assert [str(p) for p in problems] == [
        f"{copy / 'questions' / 'zz-copy.yaml'}:1: a second question with id 'product-dau-drop' "
        f"(the first is {copy / 'questions' / 'product-dau-drop.yaml'})"
    ]


def test_validate_folder_reports_two_rubrics_for_one_round(copy: Path):
    text = (copy / "ownership.yaml").read_text()
    (copy / "ownership.yaml").write_text(text.replace("round: ownership", "round: sql", 1))
    _, problems = validate_paths([copy])
    messages = [str(p) for p in problems]
    sql = copy / "sql.yaml"
    assert messages[0] == (
        f"{sql}:{round_line(sql)}: a second rubric for round 'sql' (the first is {copy / 'ownership.yaml'})"
    )
    assert any("question 'ownership-pipeline-failure': no rubric for round 'ownership'" in m for m in messages)


def test_validate_folder_reports_a_question_without_rubric(copy: Path):
    (copy / "ownership.yaml").unlink()
    _, problems = validate_paths([copy])
    q = copy / "questions" / "ownership-pipeline-failure.yaml"
    assert f"{q}:{round_line(q)}: question 'ownership-pipeline-failure': no rubric for round 'ownership'" in map(
        str, problems
    )


def test_a_broken_rubric_does_not_orphan_its_questions(copy: Path):
    text = (copy / "ownership.yaml").read_text()
    (copy / "ownership.yaml").write_text(text.replace("criteria:", "criterias:", 1))
    _, problems = validate_paths([copy])
    assert problems and all(p.path == str(copy / "ownership.yaml") for p in problems)


def test_validate_a_questions_folder_alone_is_not_a_bank(copy: Path):
    assert validate_paths([copy / "questions"]) == (13, [])
