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
# A second set, written later by another author and first graded after the grader was built
# (README: figures on first contact). The two injection phrasings it caught out were then
# covered by general patterns; the strong/medium tie below is still open.
HERE2 = Path(__file__).parent / "heldout2"
ANSWERS2 = yaml.safe_load((HERE2 / "answers.yaml").read_text())
ADVERSARIAL += yaml.safe_load((HERE2 / "adversarial.yaml").read_text())
KNOWN_TIES: dict[tuple[str, str], str] = {}  # the reels strong/medium tie closed when product sense stopped counting topic names
HIRE = ("hire", "strong_hire")


def _grade(qid, text):
    return grade_deterministic(get_question(qid), text).report


@pytest.fixture(scope="module")
def graded():
    out = defaultdict(dict)
    for name, answers in (("heldout", ANSWERS), ("heldout2", ANSWERS2)):
        for a in answers:
            out[(name, a["question_id"])][a["level"]] = _grade(a["question_id"], a["answer"])
    return out


CASES = [("heldout", q) for q in sorted({a["question_id"] for a in ANSWERS})]
CASES += [("heldout2", q) for q in sorted({a["question_id"] for a in ANSWERS2})]


@pytest.mark.parametrize("case", CASES, ids=[f"{s}-{q}" for s, q in CASES])
def test_levels_are_on_the_right_side_of_hire(graded, case):
    r = graded[case]
    assert r["strong"].overall.recommendation in HIRE, r["strong"].overall
    assert r["weak"].overall.recommendation not in HIRE, r["weak"].overall


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_TIES[c], strict=True)) if c in KNOWN_TIES else c for c in CASES],
    ids=[f"{s}-{q}" for s, q in CASES],
)
def test_strong_beats_medium_beats_weak(graded, case):
    r = graded[case]
    assert r["strong"].overall.score > r["medium"].overall.score > r["weak"].overall.score


@pytest.mark.parametrize("case", ADVERSARIAL, ids=[a["id"] for a in ADVERSARIAL])
def test_adversarial_answers_carry_their_flag(case):
    text = case["answer"] * case.get("answer_repeat", 1)
    report = _grade(case["question_id"], text)
    assert case["expect_flag"] in report.flags
    if case["expect_flag"] in ("keyword_stuffing", "prompt_injection", "off_topic", "empty_answer"):
        assert report.overall.recommendation not in HIRE
