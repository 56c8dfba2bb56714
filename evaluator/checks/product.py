"""Product-sense signals: who uses the data, which decision it drives, how success is measured
and how the measure can mislead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluator.checks._match import family_finding
from evaluator.checks.registry import AnswerContext, Finding, check

PRODUCT = {
    "consumers named": [
        r"\badvertisers?\b.*\b(?:need|see|want|use|check|rely)",
        r"\b(?:analysts?|data scientists?|PMs?|product managers?|"
        r"ranking (?:team|model)|ML (?:team|engineers?|models?)|finance|billing|leadership|executives?|sales)\b",
        r"\bwho (?:uses|consumes|reads|needs)\b",
        r"\bconsumers?\b",
        r"\bstakeholders?\b",
        r"\bdownstream\b",
    ],
    "decision driven": [
        r"\bdecid(?:e|es|ing)\b",
        r"\bdecisions?\b",
        r"\bso that (?:they|advertisers|the team|PMs|we) can\b",
        r"\b(?:budget|bid|pacing|ship|launch|roll ?back|prioriti[sz])",
        r"\bactionable\b",
        r"\bact on\b",
    ],
    "success metric": [
        r"\bmetrics?\b",
        r"\bKPIs?\b",
        r"\bnorth[- ]star\b",
        r"\b(?:CTR|ROAS|ROI|DAU|MAU|retention|conversion|"
        r"engagement rate|time spent|watch time|session)\b",
        r"\bsuccess (?:means|looks like|is)\b",
        r"\bmeasure\b",
    ],
    "guardrail or counter-metric": [
        r"\bguardrails?\b",
        r"\bcounter[- ]?metrics?\b",
        r"\bcannibali[sz]",
        r"\bat the expense of\b",
        r"\bside[- ]effects?\b",
        r"\bshould(?:n't| not) (?:drop|hurt|regress)\b",
        r"\bnegative (?:feedback|signals?)\b",
        r"\bhides?\b|\bhide\b",
        r"\breport(?:s|ed)? (?:content|posts)\b",
        r"\bcomplaints?\b",
        r"\bunfollows?\b",
    ],
    "segmentation": [
        r"\bsegment(?:ed|s|ation)?\b",
        r"\bbreak(?:ing)? (?:it )?down\b",
        r"\bbreakdowns?\b",
        r"\bslic(?:e|ed|ing)\b",
        r"\bby (?:country|region|platform|device|app version|os|age|cohort|surface|tenure)\b",
        r"\bcohorts?\b",
        r"\bnew (?:vs|versus) (?:existing|returning)\b",
    ],
    "how it can mislead": [
        r"\bmislead",
        r"\bvanity\b",
        r"\bnovelty (?:effect|bias)\b",
        r"\bGoodhart\b",
        r"\bconfound",
        r"\bselection bias\b",
        r"\bseasonal",
        r"\bSimpson",
        r"\bsurvivorship\b",
        r"\binstrumentation\b",
        r"\blogging (?:bug|change|issue)s?\b",
        r"\bcorrelation\b.*\bcausation\b",
        r"\bnetwork effects?\b",
        r"\bspillover\b",
        r"\bgam(?:e|ed|ing) the\b",
    ],
    "experiment or causal design": [
        r"\bA/B\b",
        r"\bexperiments?\b",
        r"\bcontrol group\b",
        r"\bholdout\b",
        r"\brandomi[sz]",
        r"\bstatistical(?:ly)? significan",
        r"\bpower analysis\b",
        r"\bdiff[- ]in[- ]diff",
        r"\bcausal\b",
    ],
}


@check("product_reasoning")
def product_reasoning(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Why the data matters: consumers, the decision it drives, the success metric, guardrails,
    segmentation and how the metric can mislead. Distinct ideas, not mentions, are counted."""
    steps = [0.15, 0.35, 0.55, 0.7, 0.85, 1.0]
    return family_finding(ctx.prose, PRODUCT, steps, "product-sense ideas", pass_at=int(params.get("pass_at", 3)))
