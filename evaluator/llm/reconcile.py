"""Turn the judge's verified verdicts and the deterministic findings into one report.

Order of operations (each step is written into the rationale when it changes a score):

1. Criterion levels: the judge's level after the evidence rule (``verify.apply_evidence_rule``);
   a criterion the judge did not score usably keeps its deterministic level.
2. Dimension scores from those levels by the rubric's weights (``evaluator.scoring``), per
   sample; with several samples the median, rounded half up, and the spread is reported.
3. Disagreement: where judge and deterministic grader differ by two or more levels the flag
   ``llm_disagreement`` is raised. A judge 2+ *above* gets deterministic + 1 unless its verified
   evidence for the dimension is substantial (flattery needs no evidence; real strength has
   some); a judge 2+ *below* is trusted (the checks match patterns, the judge reads) but noted.
4. Deterministic ceilings still bind: the rubric's caps, and at most 2 everywhere after
   ``prompt_injection`` or ``keyword_stuffing``, exactly as in the deterministic grader.
   Penalties are not re-applied: their findings were given to the judge as red flags and are
   part of its anchors, so applying them again would count them twice.
5. Overall score and recommendation by ``evaluator.scoring.overall``; for SQL an incorrect
   result caps the recommendation at ``no_hire``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from evaluator.checks import run_check
from evaluator.grade import ABUSE_CAP, LEVEL_WORDS, GradeResult
from evaluator.llm.verify import Judged, Span
from evaluator.models import (
    DIMENSION_TITLES,
    DIMENSIONS,
    CriterionVerdict,
    Dimension,
    DimensionScore,
    Flag,
    Question,
    Report,
    Rubric,
)
from evaluator.scoring import dimension_scores, overall, round_half_up

DISAGREEMENT = 2  # levels apart before the two layers are said to disagree
SUBSTANTIAL_SPANS = 2  # distinct verified quotes ...
SUBSTANTIAL_WORDS = 30  # ... and words of them, for a dimension's evidence to outweigh the checks
MAX_EVIDENCE = 5


@dataclass
class SampleVerdicts:
    """One judge sample: usable verdicts by criterion, and why the others are unusable."""

    index: int
    judged: dict[str, Judged]
    problems: dict[str, str] = field(default_factory=dict)
    cached: bool = False


def _levels(rubric: Rubric, det: GradeResult, sample: SampleVerdicts) -> dict[str, int]:
    return {
        c.id: sample.judged[c.id].level if c.id in sample.judged else det.outcomes[c.id].level for c in rubric.criteria
    }


def _merge(spans: list[Span]) -> list[Span]:
    """Distinct spans in answer order, a span inside another one dropped."""
    out: list[Span] = []
    for s in sorted(set(spans), key=lambda s: (s.start, -s.end)):
        if out and s.start >= out[-1].start and s.end <= out[-1].end:
            continue
        out.append(s)
    return out


def substantial(spans: list[Span]) -> bool:
    merged = _merge(spans)
    words = sum(len(s.text.split()) for s in merged)
    return len(merged) >= SUBSTANTIAL_SPANS and words >= SUBSTANTIAL_WORDS


def _median(values: list[int]) -> int:
    return round_half_up(statistics.median(values))


def reconcile(
    question: Question,
    rubric: Rubric,
    det: GradeResult,
    samples: list[SampleVerdicts],
    *,
    flags: list[Flag],
    notes: list[str],
    usage: dict[str, Any],
) -> Report:
    """The LLM-mode report; ``samples`` holds at least one sample with a usable verdict."""
    flags = list(flags)
    notes = list(notes)
    crit_by_dim = {d: [c for c in rubric.criteria if c.dimension == d] for d in rubric.dimensions}

    # 1-2. per-sample dimension scores, median and spread
    per_sample = [dimension_scores(rubric, _levels(rubric, det, s)) for s in samples]
    llm: dict[Dimension, int | None] = {d: None for d in DIMENSIONS}
    spread: dict[str, int] = {}
    for d in rubric.dimensions:
        values = [sc[d] for sc in per_sample if sc[d] is not None]
        if values:
            llm[d] = _median(values)  # type: ignore[arg-type]
            spread[d] = max(values) - min(values)  # type: ignore[operator]
    if len(samples) > 1:
        usage["spread"] = spread
        usage["sample_scores"] = {d: [sc[d] for sc in per_sample] for d in rubric.dimensions}
        notes.append(
            f"LLM judge: median of {len(samples)} samples; spread per dimension: "
            + ", ".join(f"{DIMENSION_TITLES[d]} {v}" for d, v in spread.items())
        )

    evidence: dict[Dimension, list[Span]] = {}
    for d, crits in crit_by_dim.items():
        evidence[d] = _merge([sp for s in samples for c in crits if c.id in s.judged for sp in s.judged[c.id].evidence])

    # 3. disagreement with the deterministic layer
    final: dict[Dimension, int | None] = dict(llm)
    why: dict[Dimension, list[str]] = {d: [] for d in DIMENSIONS}
    for d in rubric.dimensions:
        mine, theirs = llm[d], det.report.dimensions[d].score
        if mine is None or theirs is None or abs(mine - theirs) < DISAGREEMENT:
            continue
        if "llm_disagreement" not in flags:
            flags.append("llm_disagreement")
        if mine > theirs:
            if substantial(evidence[d]):
                why[d].append(
                    f"LLM judge {mine} vs deterministic checks {theirs}: used the judge's {mine} because its "
                    f"verified evidence is substantial ({len(evidence[d])} quotes)"
                )
            else:
                final[d] = theirs + 1
                why[d].append(
                    f"LLM judge {mine} vs deterministic checks {theirs}: used {theirs + 1} (deterministic + 1) "
                    "because the judge's verified evidence is too thin to support its level"
                )
        else:
            why[d].append(
                f"LLM judge {mine} vs deterministic checks {theirs}: used the judge's {mine}; the checks match "
                "patterns and can credit words that the judge found carry no reasoning"
            )

    # 4. deterministic ceilings
    for cap in rubric.caps:
        f = run_check(cap.check, det.context, cap.params)
        current = final.get(cap.dimension)
        if not f.passed and current is not None and current > cap.max_score:
            final[cap.dimension] = cap.max_score
            why[cap.dimension].append(f"capped at {cap.max_score} ({f.detail})")
    abuse = [f for f in det.report.flags if f in ("keyword_stuffing", "prompt_injection")]
    if abuse:
        for d in rubric.dimensions:
            current = final[d]
            if current is not None and current > ABUSE_CAP:
                final[d] = ABUSE_CAP
                why[d].append(f"capped at {ABUSE_CAP} because of {', '.join(abuse)}")

    # 5. overall
    ov = overall(rubric, final)
    sql = det.report.sql
    if sql is not None and not sql.correct and ov.recommendation in ("hire", "strong_hire"):
        ov = ov.model_copy(update={"recommendation": "no_hire"})
        notes.append("recommendation capped at no_hire: the query's result is incorrect")

    criteria = [_criterion_verdict(c.id, rubric, det, samples) for c in rubric.criteria]
    by_id = {v.id: v for v in criteria}
    dims: dict[Dimension, DimensionScore] = {}
    for d in DIMENSIONS:
        if d not in rubric.dimensions:
            dims[d] = DimensionScore(score=None, rationale="not assessed in this round", evidence=[])
            continue
        score = final[d]
        head = f"{score}/4, {LEVEL_WORDS[score]} (LLM judge)." if score else "not scored."
        parts = [f"{by_id[c.id].title}: level {by_id[c.id].level} ({by_id[c.id].rationale})." for c in crit_by_dim[d]]
        det_score = det.report.dimensions[d].score
        tail = [w + "." for w in why[d]] or [f"Deterministic checks: {det_score}/4."]
        dims[d] = DimensionScore(
            score=score,
            rationale=" ".join([head, *parts, *tail]),
            evidence=[s.text for s in evidence[d][:MAX_EVIDENCE]],
        )
    for d, reasons in why.items():
        notes.extend(f"{DIMENSION_TITLES[d]}: {r}" for r in reasons)

    return Report(
        question_id=question.id,
        round=question.round,
        mode="llm",
        dimensions=dims,
        overall=ov,
        checks=[c.model_copy() for c in det.report.checks],
        flags=flags,
        sql=sql,
        rubric_version=det.report.rubric_version,
        criteria=criteria,
        missed_concepts=list(det.report.missed_concepts),
        top_gap=_top_gap(rubric, by_id, det),
        notes=notes,
        usage=usage,
    )


def _criterion_verdict(cid: str, rubric: Rubric, det: GradeResult, samples: list[SampleVerdicts]) -> CriterionVerdict:
    crit = next(c for c in rubric.criteria if c.id == cid)
    judged = [s.judged[cid] for s in samples if cid in s.judged]
    if not judged:
        reasons = sorted({s.problems.get(cid, "not scored") for s in samples})
        base = next(v for v in det.report.criteria if v.id == cid)
        return base.model_copy(
            update={
                "rationale": f"LLM verdict unusable ({'; '.join(reasons)}); deterministic level kept: {base.rationale}"
            }
        )
    level = _median([j.level for j in judged])
    first = judged[0]
    extra = sorted({n for j in judged for n in j.notes})
    rationale = " ".join([first.rationale.strip(), *(n[0].upper() + n[1:] + "." for n in extra)]).strip()
    spans = _merge([sp for j in judged for sp in j.evidence])
    return CriterionVerdict(
        id=cid,
        dimension=crit.dimension,
        title=crit.title,
        level=level,
        rationale=rationale,
        evidence=[s.text for s in spans[:MAX_EVIDENCE]],
        source="llm",
    )


def _top_gap(rubric: Rubric, verdicts: dict[str, CriterionVerdict], det: GradeResult) -> str | None:
    """As in the deterministic grader: the criterion whose next level is worth most."""
    if any(f != "truncated" for f in det.report.flags):
        return det.report.top_gap
    best = max(
        rubric.criteria,
        key=lambda c: (
            rubric.dimensions[c.dimension] * c.weight * (4 - (verdicts[c.id].level or 1)),
            -rubric.criteria.index(c),
        ),
    )
    level = verdicts[best.id].level or 1
    if level >= 4:
        return None
    return f"{best.title} ({DIMENSION_TITLES[best.dimension]}): to reach level {level + 1}, {best.levels[level + 1]}"
