"""Held-out answers written by someone else (tests/heldout/, never tuned against phrasings).

Strong answers must reach hire, weak ones must not, strong > medium > weak per question, and
every adversarial answer must carry its flag (stuffing and injection never reach hire).
"""

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from evaluator.bank import get_question
from evaluator.grade import grade_deterministic

HERE = Path(__file__).parent / "heldout"
ANSWERS = yaml.safe_load((HERE / "answers.yaml").read_text())
ADVERSARIAL = yaml.safe_load((HERE / "adversarial.yaml").read_text())
HIRE = ("hire", "strong_hire")


def _grade(qid, text):
    return grade_deterministic(get_question(qid), text).report


@pytest.fixture(scope="module")
def graded():
    out = defaultdict(dict)
    for a in ANSWERS:
        out[a["question_id"]][a["level"]] = _grade(a["question_id"], a["answer"])
    return out


@pytest.mark.parametrize("qid", sorted({a["question_id"] for a in ANSWERS}))
def test_levels_are_ordered_and_on_the_right_side_of_hire(graded, qid):
    r = graded[qid]
    assert r["strong"].overall.recommendation in HIRE, r["strong"].overall
    assert r["weak"].overall.recommendation not in HIRE, r["weak"].overall
    assert r["strong"].overall.score > r["medium"].overall.score > r["weak"].overall.score


@pytest.mark.parametrize("case", ADVERSARIAL, ids=[a["id"] for a in ADVERSARIAL])
def test_adversarial_answers_carry_their_flag(case):
    text = case["answer"] * case.get("answer_repeat", 1)
    report = _grade(case["question_id"], text)
    assert case["expect_flag"] in report.flags
    if case["expect_flag"] in ("keyword_stuffing", "prompt_injection", "off_topic", "empty_answer"):
        assert report.overall.recommendation not in HIRE
