"""Coverage of the question's own concepts: what a strong answer to *this* question says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluator.checks._match import first_match
from evaluator.checks.registry import AnswerContext, Finding, check
from evaluator.models import Concept
from evaluator.text import Sentence


def concept_hits(ctx: AnswerContext) -> dict[str, Sentence]:
    """Each question concept expressed in a prose sentence, with the first such sentence."""
    if "concept_hits" not in ctx.memo:
        hits: dict[str, Sentence] = {}
        for concept in ctx.question.concepts:
            hit = first_match(ctx.prose, concept.patterns)
            if hit is not None:
                hits[concept.id] = hit
        ctx.memo["concept_hits"] = hits
    return ctx.memo["concept_hits"]


def _concepts(ctx: AnswerContext, params: Mapping[str, Any]) -> list[Concept]:
    dim = params.get("dimension")
    return [c for c in ctx.question.concepts if dim is None or c.dimension == dim]


@check("concept_coverage")
def concept_coverage(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Share of the question's concepts (on ``dimension``) that the answer explains in sentences.

    Concepts are matched by paraphrase-tolerant patterns in prose only, so the question's key
    ideas earn credit when they are used in reasoning, not when they are listed. Full strength
    at ``full_at`` (default 0.7) of the concept weight: a strong answer need not say everything.
    """
    concepts = _concepts(ctx, params)
    if not concepts:
        return Finding(True, 0.5, "no question concepts on this dimension")
    hits = concept_hits(ctx)
    total = sum(c.weight for c in concepts)
    covered = [c for c in concepts if c.id in hits]
    share = sum(c.weight for c in covered) / total
    full_at = float(params.get("full_at", 0.7))
    # convex: touching a third of the key ideas is partial credit, not most of it
    strength = min(1.0, share / full_at) ** 1.5
    missed = [c.label for c in concepts if c.id not in hits]
    detail = f"covered {len(covered)} of {len(concepts)} key concepts"
    if covered:
        detail += f" ({'; '.join(c.label for c in covered)})"
    if missed:
        detail += f"; missed: {'; '.join(missed)}"
    evidence = sorted({hits[c.id] for c in covered}, key=lambda s: s.start)
    return Finding(strength >= 0.45, strength, detail, evidence)


@check("addresses_question")
def addresses_question(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Whether the answer engages with *this* question's specifics at all (share of its key
    concepts, any dimension). A polished generic design that never touches the question's own
    concerns is not a senior answer to it; rubrics cap every dimension when this fails."""
    concepts = ctx.question.concepts
    if not concepts:
        return Finding(True, 1.0, "no question concepts to check")
    hits = concept_hits(ctx)
    share = sum(c.weight for c in concepts if c.id in hits) / sum(c.weight for c in concepts)
    need = float(params.get("min_share", 0.2))
    detail = f"covers {share:.0%} of this question's key concepts (needs {need:.0%})"
    return Finding(share >= need, min(1.0, share / need), detail, sorted(set(hits.values()), key=lambda s: s.start)[:3])
