"""Product-sense signals: who uses the data, which decision it drives, how success is measured
and how the measure can mislead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from evaluator.checks._match import argued_family_finding
from evaluator.checks.reasoning import CAUSAL
from evaluator.checks.registry import AnswerContext, Finding, check

# An idea only named ("look at retention, break it down by country") counts half: a checklist
# of the right topics is vocabulary; saying why a metric matters or what a cut would show is
# product sense (agreement with the expert gold scores rose when named-only ideas counted half).
NAMED_ONLY = 0.5

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
        # plain words: "if it looks good after a few weeks, roll it out" (blind gold g433)
        r"\broll(?:ing)? (?:it )?out\b",
    ],
    "success metric": [
        r"\bmetrics?\b",
        r"\bKPIs?\b",
        r"\bnorth[- ]star\b",
        r"\b(?:CTR|ROAS|ROI|DAU|MAU|retention|conversion|"
        r"engagement rate|time spent|watch time|session)\b",
        r"\bsuccess (?:means|looks like|is)\b",
        r"\bmeasure\b",
        r"\bhow many (?:people|users|creators)\b",
        r"\b(?:use|using|uses|come|coming|comes) (?:it )?(?:back|again)\b",
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
        # in plain words: "are we just taking it from Feed?", "make sure we're not fooling ourselves"
        r"\btak(?:e|es|ing) (?:it|time|attention|minutes|users?|that) (?:away )?from\b",
        r"\bnot interested\b|\bregret",
        r"\bwell-?being\b",
        r"\b(?:make sure|check|ensure|watch) (?:that )?(?:we'?re|we are|it'?s|it is|it does)(?:n'?t| not)\b",
        r"\bkeep an eye on\b",
        r"\b(?:reports?|blocks?|mutes?) (?:or|and) (?:blocks?|mutes?|reports?|unfollows?|hides?)\b",
        r"\b(?:overall|in total|total \w+),? not just\b",
    ],
    "segmentation": [
        r"\bsegment(?:ed|s|ation)?\b",
        r"\bbreak(?:ing)? (?:it )?down\b",
        r"\bbreakdowns?\b",
        r"\bslic(?:e|ed|ing)\b",
        r"\bby (?:country|region|platform|device|app version|os|age|cohort|surface|tenure)\b",
        r"\bcohorts?\b",
        r"\bnew (?:vs|versus) (?:existing|returning)\b",
        r"\b(?:for|across|in) different groups\b",
        r"\b(?:teens?|teenagers|younger|light|heavy|new) (?:users )?(?:vs\.?|versus) (?:older|adults?|heavy|light|existing|old)\b",
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
        # in plain words: "time spent is easy to inflate", "undercounts people who", "mix shift"
        r"\beasy to (?:inflate|game|fake|juice|move|push)\b|\bharder to game\b",
        r"\b(?:inflat(?:e|es|ed|ing)|undercount\w*|overcount\w*|double[- ]count\w*)\b",
        r"\bfool(?:ing)? (?:ourselves|us|you)\b",
        r"\bsounds? (?:good|great|healthy) but\b",
        r"\bmix[- ]shift\b",
        r"\bbiased (?:toward|towards|against|by)\b",
        r"\b(?:careful|cautious) (?:comparing|when comparing|interpreting|reading)\b",
        r"\bcuriosity\b",
        r"\bdidn'?t (?:really )?gain (?:anything|much)\b",
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
        r"\brandom (?:group|sample|set|half|slice) of\b",
        r"\bcompare (?:it |them )?(?:with|to|against) (?:a |the )?(?:group|people|users) (?:that|who)\b",
    ],
}


@check("product_reasoning")
def product_reasoning(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Why the data matters: consumers, the decision it drives, the success metric, guardrails,
    segmentation and how the metric can mislead. Distinct ideas, not mentions, are counted, and
    an idea counts in full only where the answer argues it (a reason, a consequence or a figure)."""
    steps = [0.15, 0.35, 0.55, 0.7, 0.85, 1.0]
    pass_at = int(params.get("pass_at", 3))
    return argued_family_finding(
        ctx.prose, PRODUCT, CAUSAL, NAMED_ONLY, steps, "product-sense ideas", pass_at, pass_on_argued=True
    )


# "Let me pick one", "say the feature is ...", a quoted feature name, or asking which feature it is.
_CONCRETE_CASE = re.compile(
    r"\b(?:let'?s|let me|I'?ll|I will|I'?d) (?:say|pick|take|assume|imagine|use (?:a|an) (?:concrete|real|specific))\b"
    r"|\b(?:for example|for instance|suppose|imagine|say)\b,? (?:the feature|it'?s|it is|we (?:launch|ship|add)|"
    r"Instagram (?:adds|launches|ships)|a (?:new )?(?:feature|button|sticker|tab|format))"
    r"|\b(?:which|what(?: kind of)?) feature\b|\bdepends (?:a lot |heavily )?on (?:the|what the) feature\b"
    r"|\b(?:a|the) (?:concrete|real|specific) (?:one|feature|example)\b"
    r"|[\"“][A-Z][\w ]{2,30}[\"”]",
    re.IGNORECASE,
)


@check("names_the_case")
def names_the_case(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """For "measure a new feature", whether the answer ever says which feature (or asks).

    Success metrics follow from what a feature is for; a framework applied to "the feature" in
    general cannot tie a metric to a decision. On the gold set every answer that never named or
    asked about a feature was scored 1 or 2 on product sense by the experts (9 of 9), however
    complete its metric list. ``questions`` limits the check to the questions it applies to.
    """
    applies = params.get("questions")
    if applies and ctx.question.id not in applies:
        return Finding(True, 1.0, "not a question about one unnamed case")
    m = _CONCRETE_CASE.search(ctx.answer)
    if m is None:
        return Finding(False, 0.0, "never says which feature it measures, nor asks")
    line = next((s for s in ctx.sentences if s.start <= m.start() < s.end), None)
    return Finding(True, 1.0, "works from a concrete feature", [line] if line else [])
