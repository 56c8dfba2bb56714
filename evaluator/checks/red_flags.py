"""Red flags that cost points: vague scaling, blanket strong consistency."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluator.checks._match import matching
from evaluator.checks.numbers import quantities
from evaluator.checks.reasoning import SCALE_STRATEGIES
from evaluator.checks.registry import AnswerContext, Finding, check

VAGUE = [
    r"\badd(?:ing)? more (?:servers|machines|nodes|hardware|instances|boxes|resources|workers)\b",
    r"\b(?:bigger|larger|more powerful) (?:machines?|servers?|boxes|instances?|cluster)\b",
    r"\bthrow (?:more )?(?:hardware|money|servers) at\b",
    r"\bscale (?:it )?(?:up|out) (?:as|when|if) (?:needed|necessary|required)\b",
    r"\bjust scale\b",
    r"\bscales? (?:automatically|infinitely|horizontally)\b",
    r"\bauto-?scal\w+ (?:will|should) (?:handle|take care)",
    r"\bthe cloud (?:will )?handles?\b",
    r"\bshould be (?:fine|ok|enough) (?:for|at) (?:scale|any scale)\b",
]


@check("no_vague_scaling")
def no_vague_scaling(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Red flag: "add more servers" / "bigger machine" with no numbers and no named strategy.

    The same phrase next to concrete figures and a partitioning scheme is harmless, so it only
    fails when the answer offers nothing specific to back it.
    """
    vague = matching(ctx.sentences, VAGUE)
    if not vague:
        return Finding(True, 1.0, "no hand-waving about scale")
    strategies = matching(ctx.prose, [p for ps in SCALE_STRATEGIES.values() for p in ps])
    has_numbers = len({(q.kind, q.per) for q in quantities(ctx)}) >= 2
    if strategies and has_numbers:
        return Finding(True, 0.8, "mentions adding capacity, but backs it with numbers and strategies", vague[:2])
    return Finding(False, 0.0, "scaling by 'more/bigger machines' with no numbers or specific strategy", vague[:3])


BLANKET = [
    r"\bstrong(?:ly)? consisten\w*\b.{0,30}\b(?:everywhere|for everything|across the board|for all|always)\b",
    r"\b(?:everything|all (?:data|tables|reads|writes|counts)) (?:must|should|needs to) be (?:strongly consistent|exact|real-?time|100% accurate)\b",
    r"\balways (?:use )?strong consistency\b",
    r"\bACID (?:for|on) everything\b",
    r"\bnever (?:accept|tolerate) (?:any )?(?:staleness|eventual)",
    r"\b(?:global|distributed) transactions? (?:for|on) (?:every|all)\b",
]


@check("no_blanket_strong_consistency")
def no_blanket_strong_consistency(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Red flag: strong consistency (or exactness, or real time) demanded everywhere, which at
    this scale is a cost the design cannot pay; seniors say where it matters and where not."""
    hits = matching(ctx.sentences, BLANKET)
    if hits:
        return Finding(False, 0.0, "strong consistency demanded everywhere", hits[:2])
    return Finding(True, 1.0, "no blanket consistency demand")
