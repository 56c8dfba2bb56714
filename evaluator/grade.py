"""The deterministic grader: answer -> guards -> criteria -> dimensions -> report.

Same input, same report. Every point of credit is traceable to a check's finding and the exact
sentences that earned it; the LLM judge (when configured) is reconciled against this report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evaluator.bank import rubric_for
from evaluator.checks import AnswerContext, Finding, run_check
from evaluator.checks.concepts import concept_hits
from evaluator.checks.guards import GUARD_FLAGS, MAX_CHARS, MAX_WORDS, injection_spans
from evaluator.models import (
    DIMENSION_TITLES,
    DIMENSIONS,
    CheckResult,
    CriterionVerdict,
    Dimension,
    DimensionScore,
    Flag,
    Question,
    Report,
    Rubric,
    SqlResult,
)
from evaluator.scoring import dimension_scores, level_from_strength, overall
from evaluator.text import Sentence, fold_typography

LEVEL_WORDS = {1: "no signal", 2: "weak", 3: "solid senior", 4: "exceptional"}
ABUSE_CAP = 2  # keyword stuffing or text addressed to the grader: no dimension above "weak"
MAX_EVIDENCE = 5
_WORD_END = re.compile(r"\S+")


@dataclass
class CriterionOutcome:
    """A criterion's deterministic verdict with the findings behind it."""

    level: int
    strength: float
    findings: list[tuple[str, Finding]]
    evidence: list[Sentence] = field(default_factory=list)

    def rationale(self) -> str:
        return "; ".join(f.detail for _, f in self.findings if f.detail)


@dataclass
class GradeResult:
    """The report plus what the LLM judge and the app need to explain it."""

    report: Report
    context: AnswerContext
    outcomes: dict[str, CriterionOutcome]


def bounded(answer: str, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS) -> tuple[str, int]:
    """The answer cut after ``max_words`` words or ``max_chars`` characters, whichever comes first
    (a prefix, so evidence stays a substring); returns it with the original word count.

    The character cap matters for text without spaces, which the word count alone would let
    through whole (megabytes of "1B/day,1B/day,...").
    """
    if len(answer) > max_chars:
        prefix, _ = bounded(answer[:max_chars], max_words, max_chars)
        return prefix, sum(1 for _ in _WORD_END.finditer(answer))
    count = 0
    for m in _WORD_END.finditer(answer):
        count += 1
        if count == max_words:
            rest = sum(1 for _ in _WORD_END.finditer(answer, m.end()))
            return (answer[: m.end()], count + rest) if rest else (answer, count)
    return answer, count


def build_context(question: Question, rubric: Rubric, answer: str) -> AnswerContext:
    """Context with the bounded prefix, SQL parts split out, and grader-addressed text excluded."""
    typed, words = bounded(answer)
    sql_query = sql_note = query_span = None
    if question.round == "sql":
        from evaluator.sql.answer import answer_layout, note_text

        # Laid out on the text as typed (a curly quote inside a literal must not change the
        # lexing); only the prose about the query is folded, the query runs exactly as typed.
        layout = answer_layout(typed)
        chars = list(typed)
        for a, b in layout.note_regions():
            chars[a:b] = fold_typography(typed[a:b])
        text = "".join(chars)
        query_span = layout.query
        sql_query = typed[query_span[0] : query_span[1]]
        sql_note = note_text(text, layout)
    else:
        text = fold_typography(typed)
    ctx = AnswerContext(question, rubric, text, sql_query=sql_query, sql_note=sql_note, typed=typed)
    if query_span is not None:
        ctx.memo["sql_query_span"] = query_span
    ctx.memo["original_words"] = words
    ctx.memo["truncated"] = len(text) < len(answer)
    injected = ctx.memo["injected"] = injection_spans(ctx)
    if injected:
        clean = AnswerContext(
            question,
            rubric,
            text,
            sql_query=sql_query,
            sql_note=sql_note,
            memo=ctx.memo,
            excluded=frozenset(s.start for s in injected),
            typed=typed,
        )
        clean.memo["injected"] = injected
        return clean
    return ctx


def _judge_criteria(ctx: AnswerContext, rubric: Rubric, void: bool) -> dict[str, CriterionOutcome]:
    outcomes: dict[str, CriterionOutcome] = {}
    for crit in rubric.criteria:
        findings = [(sig.check, run_check(sig.check, ctx, sig.params)) for sig in crit.signals]
        total = sum(sig.weight for sig in crit.signals)
        strength = sum(sig.weight * f.strength for sig, (_, f) in zip(crit.signals, findings, strict=True)) / total
        evidence = sorted({s for _, f in findings if f.strength > 0 for s in f.evidence}, key=lambda s: s.start)
        level = 1 if void else level_from_strength(strength)
        outcomes[crit.id] = CriterionOutcome(level, 0.0 if void else strength, findings, [] if void else evidence)
    return outcomes


def _flags(ctx: AnswerContext) -> tuple[list[Flag], list[CheckResult]]:
    flags: list[Flag] = []
    checks: list[CheckResult] = []
    for name, flag in GUARD_FLAGS.items():
        f = run_check(name, ctx)
        checks.append(CheckResult(id=name.replace("_", "-"), passed=f.passed, detail=f.detail))
        if not f.passed:
            flags.append(flag)  # type: ignore[arg-type]
    return flags, checks


def _adjust(rubric: Rubric, ctx: AnswerContext, scores: dict[Dimension, int | None], flags: list[Flag]) -> list[str]:
    """Penalties, caps and abuse caps, applied after the criteria; returns what was applied."""
    notes: list[str] = []
    for pen in rubric.penalties:
        f = run_check(pen.check, ctx, pen.params)
        current = scores.get(pen.dimension)
        if not f.passed and current is not None and current > 1:
            scores[pen.dimension] = max(1, current - pen.points)
            notes.append(f"{DIMENSION_TITLES[pen.dimension]}: -{pen.points} ({f.detail})")
    for cap in rubric.caps:
        f = run_check(cap.check, ctx, cap.params)
        current = scores.get(cap.dimension)
        if not f.passed and current is not None and current > cap.max_score:
            scores[cap.dimension] = cap.max_score
            notes.append(f"{DIMENSION_TITLES[cap.dimension]}: capped at {cap.max_score} ({f.detail})")
    abuse = [f for f in flags if f in ("keyword_stuffing", "prompt_injection")]
    if abuse:
        for dim, current in scores.items():
            if current is not None and current > ABUSE_CAP:
                scores[dim] = ABUSE_CAP
        notes.append(f"every dimension capped at {ABUSE_CAP} because of {', '.join(abuse)}")
    return notes


def _dimension_report(
    ctx: AnswerContext,
    rubric: Rubric,
    dim: Dimension,
    score: int | None,
    outcomes: dict[str, CriterionOutcome],
    notes: list[str],
) -> DimensionScore:
    if dim not in rubric.dimensions:
        return DimensionScore(score=None, rationale="not assessed in this round", evidence=[])
    crits = [c for c in rubric.criteria if c.dimension == dim]
    parts = [f"{c.title}: level {outcomes[c.id].level} ({outcomes[c.id].rationale()})" for c in crits]
    adjusted = [n for n in notes if n.startswith(DIMENSION_TITLES[dim]) or n.startswith("every dimension")]
    head = f"{score}/4, {LEVEL_WORDS.get(score or 1)}." if score else "not scored."
    rationale = " ".join([head, *(p + "." for p in parts), *(n + "." for n in adjusted)])
    evidence: list[Sentence] = []
    for c in crits:
        evidence.extend(s for s in outcomes[c.id].evidence if s not in evidence)
    evidence.sort(key=lambda s: s.start)
    return DimensionScore(score=score, rationale=rationale, evidence=[ctx.quote(s) for s in evidence[:MAX_EVIDENCE]])


def _top_gap(rubric: Rubric, outcomes: dict[str, CriterionOutcome]) -> str | None:
    """The criterion whose next level is worth most: biggest weighted distance to level 4."""
    best = max(
        rubric.criteria,
        key=lambda c: (
            rubric.dimensions[c.dimension] * c.weight * (4 - outcomes[c.id].level),
            -rubric.criteria.index(c),
        ),
    )
    level = outcomes[best.id].level
    if level >= 4:
        return None
    return f"{best.title} ({DIMENSION_TITLES[best.dimension]}): to reach level {level + 1}, {best.levels[level + 1]}"


def grade_deterministic(question: Question, answer: str, rubric: Rubric | None = None) -> GradeResult:
    """Grade one answer with the deterministic checks only."""
    rubric = rubric or rubric_for(question.round)
    ctx = build_context(question, rubric, answer)
    flags, checks = _flags(ctx)
    void = "empty_answer" in flags or "off_topic" in flags
    outcomes = _judge_criteria(ctx, rubric, void)
    levels = {cid: o.level for cid, o in outcomes.items()}
    scores = dimension_scores(rubric, levels)
    notes = _adjust(rubric, ctx, scores, flags)
    if void:
        notes.append("no credit: " + ("the answer is empty" if "empty_answer" in flags else "the answer is off topic"))
    seen = {c.id for c in checks}
    for crit in rubric.criteria:
        for name, f in outcomes[crit.id].findings:
            cid = name.replace("_", "-")
            if cid not in seen:
                seen.add(cid)
                checks.append(CheckResult(id=cid, passed=f.passed, detail=f.detail))
    for extra in [*rubric.penalties, *rubric.caps]:
        cid = extra.check.replace("_", "-")
        if cid not in seen:
            seen.add(cid)
            f = run_check(extra.check, ctx, extra.params)
            checks.append(CheckResult(id=cid, passed=f.passed, detail=f.detail))
    sql = _sql_result(question, ctx)
    ov = overall(rubric, scores)
    if sql is not None and not sql.correct and ov.recommendation in ("hire", "strong_hire"):
        ov = ov.model_copy(update={"recommendation": "no_hire"})
        notes.append("recommendation capped at no_hire: the query's result is incorrect")
    hits = concept_hits(ctx)
    report = Report(
        question_id=question.id,
        round=question.round,
        mode="deterministic",
        dimensions={d: _dimension_report(ctx, rubric, d, scores[d], outcomes, notes) for d in DIMENSIONS},
        overall=ov,
        checks=checks,
        flags=flags,
        sql=sql,
        rubric_version=f"{rubric.id}@{rubric.version}",
        criteria=[
            CriterionVerdict(
                id=c.id,
                dimension=c.dimension,
                title=c.title,
                level=outcomes[c.id].level,
                rationale=outcomes[c.id].rationale(),
                evidence=[ctx.quote(s) for s in outcomes[c.id].evidence[:MAX_EVIDENCE]],
            )
            for c in rubric.criteria
        ],
        missed_concepts=[c.label for c in question.concepts if c.id not in hits],
        top_gap=_top_gap(rubric, outcomes) if not flags or flags == ["truncated"] else _flag_gap(flags),
        notes=notes,
    )
    return GradeResult(report, ctx, outcomes)


def _flag_gap(flags: list[Flag]) -> str:
    messages = {
        "empty_answer": "Write an answer: even a rough outline of requirements, scale and design earns credit.",
        "off_topic": "Answer the question that was asked; nothing here addresses it.",
        "keyword_stuffing": "Explain your choices in sentences: a list of terms shows vocabulary, not reasoning.",
        "prompt_injection": "Address the interviewer, not the grader: text aimed at the grader is not credited.",
    }
    return next((messages[f] for f in flags if f in messages), "")


def _sql_result(question: Question, ctx: AnswerContext) -> SqlResult | None:
    if question.round != "sql":
        return None
    if "sql_result" not in ctx.memo:
        from evaluator.sql import grade_sql

        ctx.memo["sql_result"] = grade_sql(question.id, ctx.sql_query or "", note=ctx.sql_note or "")
    return ctx.memo["sql_result"]
