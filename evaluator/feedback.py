"""Turning a report into the next thing to fix: the follow-up probe and score deltas.

The feedback page asks one follow-up question right after grading. It should probe the
candidate's weakest spot, so the probe is chosen by overlap with the report's most important
gap, missed concepts and lowest dimension (deterministically, so the same report always asks
the same question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evaluator.models import DIMENSION_TITLES, DIMENSIONS, Dimension, Question, Report

LEVEL_WORDS = {1: "no signal", 2: "weak", 3: "solid senior", 4: "exceptional"}
RECOMMENDATION_TITLES = {
    "strong_no_hire": "Strong no hire",
    "no_hire": "No hire",
    "hire": "Hire",
    "strong_hire": "Strong hire",
}
_WORD = re.compile(r"[a-z][a-z0-9\-]+")
_STOP_WORDS = """the and for with that this what how you your would are was were from into when then than
    have has had not but can could should will each per its it's their there they them which who
    does did do any all one two more most less over under about after before only also says said level
    reach answer"""
_STOP = frozenset(_STOP_WORDS.split())
# Words that tie a dimension to a probe even when the gap text does not repeat them.
_DIMENSION_HINTS: dict[str, set[str]] = {
    "scale": {
        "scale",
        "scan",
        "rows",
        "traffic",
        "doubles",
        "partition",
        "skew",
        "100b",
        "billion",
        "volume",
        "breaks",
        "grow",
        "grows",
        "storage",
        "cost",
        "latency",
    },
    "product_sense": {
        "metric",
        "metrics",
        "users",
        "user",
        "advertiser",
        "advertisers",
        "experiment",
        "decide",
        "measure",
        "success",
        "launch",
        "dashboard",
        "product",
    },
    "ownership": {
        "investigate",
        "incident",
        "on-call",
        "failure",
        "fails",
        "broke",
        "late",
        "quality",
        "backfill",
        "owner",
        "teams",
        "stakeholders",
        "alert",
        "sla",
        "debug",
    },
    "tradeoffs": {
        "instead",
        "alternative",
        "trade",
        "trade-off",
        "tradeoff",
        "choose",
        "why",
        "versus",
        "exact",
        "approximate",
        "consistency",
        "cost",
    },
}


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def weakest_dimension(report: Report) -> Dimension | None:
    """The lowest-scored assessed dimension; ties go to contract order."""
    scored = [(report.dimensions[d].score, i, d) for i, d in enumerate(DIMENSIONS) if report.dimensions[d].score]
    return min(scored)[2] if scored else None


def gap_dimension(report: Report) -> Dimension | None:
    """The dimension the top gap is about (its text names the dimension's title), else the weakest."""
    gap = report.top_gap or ""
    named = [d for d in DIMENSIONS if f"({DIMENSION_TITLES[d]})" in gap]
    return named[0] if named else weakest_dimension(report)


def pick_follow_up(question: Question, report: Report) -> str:
    """The follow-up that best probes the report's most important gap (ties: the bank's order).

    Words shared with the gap count most, then the gap's dimension's vocabulary, then the
    missed concepts.
    """
    gap = _words(report.top_gap or "")
    concepts = _words(" ".join(report.missed_concepts))
    hints = _DIMENSION_HINTS.get(gap_dimension(report) or "", set())

    def score(i_probe: tuple[int, str]) -> tuple[int, int]:
        i, probe = i_probe
        words = _words(probe)
        return (3 * len(words & gap) + 2 * len(words & hints) + len(words & concepts), -i)

    return max(enumerate(question.follow_ups), key=score)[1]


@dataclass(frozen=True)
class Delta:
    dimension: Dimension
    title: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def score_deltas(before: Report, after: Report) -> list[Delta]:
    """Per-dimension change between two reports (e.g. the answer, and the answer plus follow-up)."""
    return [
        Delta(d, DIMENSION_TITLES[d], before.dimensions[d].score, after.dimensions[d].score)
        for d in DIMENSIONS
        if before.dimensions[d].score is not None or after.dimensions[d].score is not None
    ]


def follow_up_verdict(before: Report, after: Report) -> str:
    """One sentence on what the follow-up answer changed."""
    ups = [d for d in score_deltas(before, after) if (d.change or 0) > 0]
    downs = [d for d in score_deltas(before, after) if (d.change or 0) < 0]
    diff = after.overall.score - before.overall.score
    if ups:
        moved = ", ".join(f"{d.title} {d.before}→{d.after}" for d in ups)
        return f"Your follow-up added signal: {moved} (overall {before.overall.score:.2f}→{after.overall.score:.2f})."
    if downs:
        return "The follow-up lowered a score; check the flags (a list of terms, or text aimed at the grader?)."
    if diff > 0:
        moved = f"{before.overall.score:.2f}→{after.overall.score:.2f}"
        return f"Some criteria improved (overall {moved}), not yet a full level."
    return "No new signal yet: answer with numbers, a concrete mechanism and the alternative you rejected."
