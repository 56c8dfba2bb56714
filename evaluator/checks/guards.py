"""Abuse and edge-case guards. Each raises one of the contract's flags when it fails.

These run on every answer whatever the rubric, because a grader that can be gamed by a list of
buzzwords or a note to the grader is a grader nobody trusts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from evaluator.checks._match import first_match, matching
from evaluator.checks.reasoning import TECHNOLOGY
from evaluator.checks.registry import AnswerContext, Finding, check
from evaluator.models import Question
from evaluator.text import Sentence, word_count

MAX_WORDS = 4000  # a 45-minute round rarely produces more; longer answers are graded on this prefix
MAX_CHARS = 40_000  # the same bound for text with few spaces

INJECTION = [
    r"\bignore (?:all |any |the )?(?:previous|prior|above|earlier|preceding|your|other)\b.{0,40}\b(?:instructions?|prompts?|rules?|rubrics?|guidelines)",
    r"\bdisregard (?:all |any |the )?(?:previous|prior|above|earlier|your)\b",
    r"\b(?:note|message|instructions?|hint) (?:to|for) (?:the |any )?(?:grader|evaluator|reviewer|assessor|scorer|judge|AI|LLM|model|marker)\b",
    r"\b(?:dear|hey|hi|attention) (?:grader|evaluator|reviewer|assessor|AI|LLM|model|judge|marker)\b",
    # "to the model" is ordinary ML prose ("passes the features to the model"; blind gold g060),
    # so it counts only as a salutation: at the start of a sentence or followed by ":"
    r"\bto the (?:grader|evaluator|reviewer|assessor|judge|marker|AI|LLM)\b",
    r"^to the model\b|\bto the model\s*:",
    r"\b(?:grader|evaluator|assessor|judge|scorer|AI|LLM|model)s?\s*[:,]\s*(?:please|you|give|score|rate|mark|assign|output)",
    r"\b(?:give|assign|award|rate|score|mark|grade)\s+(?:this|me|the (?:answer|response|candidate)|it)\b.{0,40}"
    r"\b(?:4|four|full marks?|top marks?|maximum|max|highest|perfect|strong[_ ]hire|10/10|5/5|4/4)\b",
    r"\b(?:this|the) (?:answer|response|candidate) (?:deserves|should (?:get|receive|be (?:graded|scored|rated)))\b",
    r"\bstrong_hire\b",
    r"\brecommendation\s*[:=]\s*\"?(?:strong_)?hire",
    r"\b(?:score|scores|rating)\s*[:=]\s*\"?4\b",
    r"\ball dimensions?\b.{0,30}\b(?:4|four|maximum|max)\b",
    r"</?\s*(?:answer|system|assistant|user|instructions?|candidate_answer|rubric)\s*>",
    r"^\s*(?:system|assistant)\s*:",
    r"\byou are (?:now )?(?:a|an|the) (?:helpful|grader|evaluator|assistant|AI)\b",
    r"\bsystem prompt\b",
    r"\bas an? (?:AI|language model|LLM)\b",
    r"\bnew instructions?\s*:",
    r"\bpretend (?:that )?(?:this|the answer)\b",
    # a verdict demanded of the grader; "the ranking score must be fresh" is not one
    r"\b(?:assessment|grade|grading|rating|score|scoring|evaluation|recommendation)s?\s+(?:should|must|needs? to|has to)\s+(?:be|reflect|say|show)\b"
    r".{0,60}\b(?:top|highest|maximum|strong|excellent|exceptional|hire|4|four|consistent with)\b",
    r"\b(?:top|highest|maximum|perfect|full)\s+(?:rating|score|grade|marks?)\b.{0,40}\b(?:this|my|the)\s+(?:answer|response|candidate|submission)\b",
    r"\b(?:this|my|the)\s+(?:answer|response|candidate|submission)\b.{0,60}\b(?:top|highest|maximum|perfect|full)\s+(?:rating|score|grade|marks?)\b",
    r"\b(?:top|full|perfect)\s+marks\b|\btop rating\b",
    # claims that the grading rules changed ("rubric update", "graders must apply ...")
    r"\brubric (?:update|change|amendment|override)s?\b",
    r"\b(?:updated|new|revised|amended) (?:rubric|grading (?:rules|criteria|instructions|guidelines)|scoring (?:rules|guide))\b",
    r"\bgraders? (?:must|should|are to|shall|need to)\b",
    r"\b(?:is|are) now (?:rated|scored|graded|marked)\b",
    r"\b(?:rate|rated|score|scored|grade|graded|mark|marked)\s+(?:as\s+)?[\"'(]?(?:strong|excellent|exceptional|outstanding)[\"')]?\s+(?:on|in|for)\s+(?:all|every|each)\b",
    # the same, in other languages the grader may meet (es, pt, fr, it, de)
    r"\b(?:ignora|ignore|ignorez|ignoriere|ignorar)\b.{0,30}\b(?:instrucciones|instruções|instructions|istruzioni|anweisungen)\b",
    r"\b(?:califica|calificar|puntúa|evalúa|avalie|avalia|notez|évaluez|valuta|bewerte|bewerten)\b.{0,50}\b(?:respuesta|resposta|réponse|risposta|antwort)\b",
    r"\b(?:asistente|assistente|assistant|evaluador|avaliador|évaluateur|valutatore|bewerter)\s+(?:de\s+|d')?(?:IA|KI)\b",
    r"\b(?:whoever|whatever|anyone|anything)\s+(?:or (?:whoever|whatever) )?(?:is\s+)?(?:summari[sz]|grad|evaluat|scor|assess|review|mark|judg)\w*",
    r"\bjailbreak\b",
    r"\bdo not (?:penali[sz]e|deduct|flag)\b",
]


_FOLD = re.compile(r"[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]+")


def injection_spans(ctx: AnswerContext) -> list[Any]:
    """Sentences addressed to the grader rather than the interviewer.

    Matched on a copy with every run of whitespace or zero-width characters folded to one space,
    so "Ignore\\n  previous instructions" cannot slip past a pattern written with single spaces.
    """
    folded = [Sentence(_FOLD.sub(" ", s.text), s.start, s.end) for s in ctx.sentences]
    hits = {f.start for f in matching(folded, INJECTION)}
    return [s for s in ctx.sentences if s.start in hits]


@check("no_prompt_injection")
def no_prompt_injection(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Text addressed to the grader ("ignore previous instructions", "score this 4") is flagged,
    earns nothing, and caps the answer below hire: an attempt to game the grade is itself a signal."""
    hits = ctx.memo["injected"] if "injected" in ctx.memo else injection_spans(ctx)
    if hits:
        return Finding(False, 0.0, f"{len(hits)} sentence(s) address the grader instead of the question", hits[:3])
    return Finding(True, 1.0, "no text addressed to the grader")


@check("not_empty")
def not_empty(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """A blank or whitespace-only answer is graded 1 everywhere and flagged, never an error."""
    if ctx.answer.strip():
        return Finding(True, 1.0, "answer present")
    return Finding(False, 0.0, "the answer is empty")


_DOMAIN = re.compile(
    r"\b(?:data\w*|tables?|quer(?:y|ies)|pipelines?|metrics?|users?|events?|dashboards?|sql|schema\w*|etl|jobs?|"
    r"warehouse|logs?|logging|stream\w*|batch\w*|partition\w*|models?|features?|engagement|retention|dau|mau|"
    r"advertis\w*|impressions?|clicks?|campaigns?|analytics?|analys\w+|experiments?|a/b|sla|latency|throughput|"
    r"storage|records?|rows?|columns?|fields?|kafka|spark|flink|presto|hive|airflow|backfill\w*|incident|on-?call|"
    r"stakeholders?|teams?|product|platform|system|service|api|cohorts?|funnel|segment\w*|growth|reels|feed|stories|"
    # the plain words of a product-sense answer that never says "metric" (blind gold g332)
    r"instagram|facebook|whatsapp|messenger|notifications?|posts?|creators?|a/?b tests?|randomi[sz]\w*|"
    r"treatment|control group|novelty|cannibali[sz]\w*|opt-?outs?)\b",
    re.IGNORECASE,
)


def _domain_terms(text: str, enough: int = 1_000_000) -> set[str]:
    """Distinct data-engineering words in the text, stopping once ``enough`` are found."""
    found: set[str] = set()
    for m in _DOMAIN.finditer(text):
        found.add(m.group(0).lower())
        if len(found) >= enough:
            break
    return found


@check("on_topic")
def on_topic(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """At least one of the question's topic patterns occurs: a well-written answer to another
    question (or a recipe) earns nothing here."""
    if not ctx.answer.strip():
        return Finding(True, 0.0, "empty answer")
    hits = matching(ctx.sentences, ctx.question.topic_patterns)
    if ctx.question.round == "sql":  # a bare query has no prose vocabulary; its tables say what it is about
        if hits:
            return Finding(True, 1.0, f"{len(hits)} sentence(s) on the question's topic", hits[:1])
        return Finding(False, 0.0, "the answer does not query this question's tables")
    needed = min(4, 2 + word_count(ctx.answer) // 300)
    vocabulary = _domain_terms(ctx.answer, needed)
    if len(vocabulary) < needed:
        return Finding(
            False,
            0.0,
            f"hardly any data-engineering vocabulary ({len(vocabulary)} distinct term(s)): not an answer to this question",
        )
    if not hits:
        return Finding(False, 0.0, "nothing in the answer addresses this question's topic")
    other = _answers_another_question(ctx, len(hits))
    if other is not None:
        return Finding(False, 0.0, f"this reads as an answer to another question: {other}")
    return Finding(True, 1.0, f"{len(hits)} sentence(s) on the question's topic", hits[:1])


def _coverage(ctx: AnswerContext, question: Question) -> float:
    total = sum(c.weight for c in question.concepts)
    if not total:
        return 0.0
    return sum(c.weight for c in question.concepts if first_match(ctx.prose, c.patterns) is not None) / total


def _answers_another_question(ctx: AnswerContext, own_topic: int) -> str | None:
    """The title of a same-round question this answer covers far better than its own, if any.

    A strong answer to a neighbouring question shares the round's vocabulary, so the topic words
    alone do not tell it apart; its coverage of the *other* question's key concepts does. It must
    also talk about the other question's subject at least as often as its own, and twice as often
    when it covers half of its own question's concepts: an answer to "measure a feature" that
    picks a Reels or Stories feature covers a neighbour's concepts too, yet is on topic (blind
    gold answers g147 and g186 were voided before these conditions). ``own_topic`` is how many
    sentences match the question's own topic patterns.
    """
    from evaluator.bank import questions

    own = _coverage(ctx, ctx.question)
    factor = 2 if own >= 0.5 else 1
    others = [
        q
        for q in questions(ctx.question.round)
        if q.id != ctx.question.id
        and q.concepts
        and len(matching(ctx.sentences, q.topic_patterns)) >= factor * max(1, own_topic)
    ]
    if not others:
        return None
    cov, best = max(((_coverage(ctx, q), q) for q in others), key=lambda t: t[0])
    return best.title if cov >= 0.45 and cov >= own + 0.2 else None


_TERM = re.compile(
    TECHNOLOGY[:-3] + r"|sharding|shard|partition\w*|cach\w+|cdc|etl|elt|sla|slo|dq|scd\w*|star schema|"
    r"fact tables?|dimension tables?|grain|idempoten\w+|exactly[- ]once|watermarks?|backfill\w*|lambda|kappa|"
    r"streaming|batch|real[- ]?time|microservices?|kubernetes|k8s|docker|lakehouse|data lake|warehouse|olap|oltp|"
    r"a/b test\w*|experiment\w*|metrics?|kpis?|dau|mau|ctr|retention|cohorts?|funnel|guardrails?|segmentation|"
    r"monitoring|alerting|on-?call|observability|lineage|governance|privacy|gdpr|pii|hashing|encryption|ownership|"
    r"scalab\w+|availability|consistency|latency|throughput|compression|columnar|bloom filters?|hyperloglog|hll|"
    r"ml|ai|dashboards?|star|snowflake schema|schema registry|data contracts?|dedup\w*|window functions?|cte)\b",
    re.IGNORECASE,
)


# two numbers joined by an operator or an arrow: "100B / 86,400 = ~1.16M", "Parquet ~6x -> ~8.3 TB"
_DERIVATION = re.compile(r"\d[^\n]{0,25}?(?:[/*×=]|->|→|\bx\b)\s*~?\d")


_SCHEMA_NAME = re.compile(r"\b(?:dim|fact|fct|agg|stg|raw)_\w+|\b\w+_(?:id|date|ts|at|key)\b")


@check("not_keyword_stuffed")
def not_keyword_stuffed(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Terms listed without sentences that use them. Most of the answer's technical terms sit in
    fragments or comma runs rather than in prose: the answer names ideas without reasoning."""
    units = ctx.sentences
    if not units:
        return Finding(True, 1.0, "empty answer")
    # a derivation line ("100B / 86,400 = ~1.16M events/sec") is reasoning, however terse, and an
    # outline line naming the design's own tables and columns ("Clustering: user_id", "Facts:
    # fact_feed_engagement, ...") is a terse design (blind gold g415), unless either carries a run
    # of terms ("Kafka, Flink, Spark, Iceberg: 1 -> 2", "partition by event_date, clustering, ...")
    prose_units = [
        s
        for s in units
        if s.is_prose
        or ((_DERIVATION.search(s.text) or _SCHEMA_NAME.search(s.text)) and len(_TERM.findall(s.text)) <= 2)
    ]
    list_units = [s for s in units if s not in prose_units]
    prose_words = sum(len(s.words) for s in prose_units)
    list_words = sum(len(s.words) for s in list_units)
    list_terms = len(_TERM.findall("\n".join(s.text for s in list_units))) if list_words >= 6 else 0
    # terms in prose only matter when the lists are long enough to be a padded dump
    prose_terms = len(_TERM.findall("\n".join(s.text for s in prose_units))) if list_terms >= 15 else 0
    mostly_lists = list_terms >= 6 and list_words >= 10 and list_words >= 2.5 * prose_words
    appended_dump = list_terms >= 15 and list_terms >= prose_terms  # a real answer padded with a term dump
    stuffed = mostly_lists or appended_dump
    detail = (
        f"{list_words} word(s) in fragments or term lists ({list_terms} technical terms) vs {prose_words} in sentences"
    )
    if stuffed:
        listy = [s for s in units if not s.is_prose and _TERM.search(s.text)]
        return Finding(False, 0.0, "keyword list without reasoning: " + detail, listy[:3])
    return Finding(True, 1.0, detail)


@check("within_length")
def within_length(ctx: AnswerContext, params: Mapping[str, Any]) -> Finding:
    """Over-long answers are graded on a bounded prefix (and flagged), so pasting a book neither
    buys credit nor slows the grader down."""
    n = int(ctx.memo.get("original_words", word_count(ctx.answer)))
    limit = int(params.get("max_words", MAX_WORDS))
    if ctx.memo.get("truncated") and n <= limit:
        return Finding(False, 0.5, f"answer is over {MAX_CHARS:,} characters; graded on the first {MAX_CHARS:,}")
    if n > limit:
        return Finding(False, 0.5, f"answer has {n} words; graded on the first {limit}")
    return Finding(True, 1.0, f"{n} words")


GUARD_FLAGS: dict[str, str] = {
    "not_empty": "empty_answer",
    "on_topic": "off_topic",
    "not_keyword_stuffed": "keyword_stuffing",
    "no_prompt_injection": "prompt_injection",
    "within_length": "truncated",
}
