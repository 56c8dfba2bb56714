"""The LLM judge: one structured call per answer (per sample), verified and reconciled.

``judge_answer`` never raises and never makes things worse than the deterministic report:
whatever goes wrong (no usable reply, timeouts, a bug), the result is the deterministic report
with ``llm_unavailable`` and a note saying why, and grading still succeeds.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from evaluator.grade import GradeResult
from evaluator.llm import cache
from evaluator.llm.prompt import Templates, build_prompt, load_templates, render_facts
from evaluator.llm.reconcile import SampleVerdicts, reconcile
from evaluator.llm.schema import SCHEMA_VERSION, parse_verdicts, response_schema, rubric_fingerprint, schema_text
from evaluator.llm.verify import AnswerIndex, apply_evidence_rule
from evaluator.models import Flag, Question, Report, Rubric
from evaluator.settings import Settings, get_settings

log = logging.getLogger(__name__)
MAX_PARALLEL = 4


def judge_answer(
    question: Question, answer: str, det: GradeResult, samples: int = 1, settings: Settings | None = None
) -> Report:
    """Grade ``answer`` with the LLM judge, reconciled against the deterministic result ``det``."""
    settings = settings or get_settings()
    samples = max(1, int(samples))
    started = time.perf_counter()
    try:
        return _judge(question, answer, det, samples, settings, started)
    except Exception as exc:  # a bug here must not fail the grade: say so, keep the deterministic report
        log.exception("LLM judge failed")
        return _fallback(det, [f"LLM judge failed unexpectedly ({type(exc).__name__}: {exc})"], None)


def _usage(settings: Settings, samples: int) -> dict[str, Any]:
    return {
        "calls": 0,
        "requests": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "prompt_tokens_estimated": 0,
        "estimated_cost_usd": 0.0,
        "cached": False,
        "cached_samples": 0,
        "samples": samples,
        "model": settings.model,
        "method": None,
    }


def _fallback(det: GradeResult, reasons: list[str], usage: dict[str, Any] | None, unavailable: bool = True) -> Report:
    report = det.report.model_copy(deep=True)
    if unavailable and "llm_unavailable" not in report.flags:
        report.flags.append("llm_unavailable")
    report.notes.extend(reasons)
    report.usage = usage
    return report


def _cache_key(
    question: Question,
    rubric: Rubric,
    answer: str,
    facts: str,
    templates: Templates,
    settings: Settings,
    temperature: float,
    index: int,
) -> str:
    return cache.make_key(
        {
            "model": settings.model,
            "endpoint": settings.openai_base_url or "",
            "templates": templates.fingerprint,
            "rubric_version": f"{rubric.id}@{rubric.version}",
            "rubric": rubric_fingerprint(rubric),
            "question": question.model_dump(mode="json"),
            "answer": answer,
            "facts": facts,
            "budget": settings.answer_token_budget,
            "schema": SCHEMA_VERSION,
            "max_tokens": settings.max_output_tokens,
            "temperature": temperature,
            "sample": index,
        }
    )


def _judge(
    question: Question, answer: str, det: GradeResult, samples: int, settings: Settings, started: float
) -> Report:
    from evaluator.llm import client, tokens

    rubric = det.context.rubric
    usage = _usage(settings, samples)
    det_flags = det.report.flags
    if "empty_answer" in det_flags or "off_topic" in det_flags:
        why = "the answer is empty" if "empty_answer" in det_flags else "the answer is off topic"
        return _fallback(det, [f"LLM judge not consulted: {why}; deterministic report"], usage, unavailable=False)

    text = det.context.as_typed  # the deterministic word bound, a prefix of ``answer``
    templates = load_templates(question.round, settings)
    facts = render_facts(det, rubric)
    temperature = 0.0 if samples == 1 else settings.sample_temperature
    keys = [_cache_key(question, rubric, answer, facts, templates, settings, temperature, i) for i in range(samples)]
    entries: list[dict[str, Any] | None] = [cache.get(settings, k) for k in keys]
    cached_flags = [e is not None for e in entries]
    missing = [i for i, e in enumerate(entries) if e is None]

    reasons: list[str] = []
    if missing:
        judged_text, answer_tokens, truncated = tokens.bound_to_budget(
            text, settings.answer_token_budget, settings.model
        )
        schema = response_schema(rubric)
        schema_tokens = tokens.count_tokens(schema_text(rubric), settings.model)

        def one(i: int) -> tuple[int, Any, int]:
            prompt = build_prompt(question, rubric, templates, facts, judged_text)
            estimate = tokens.count_messages(prompt.messages, settings.model) + schema_tokens
            return i, client.call_judge(settings, prompt.messages, schema, temperature), estimate

        if len(missing) == 1:
            results = [one(missing[0])]
        else:
            with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(missing))) as pool:
                results = list(pool.map(one, missing))
        for i, res, estimate in results:
            usage["calls"] += 1
            usage["requests"] += res.requests
            usage["prompt_tokens_estimated"] += estimate
            usage["prompt_tokens"] += res.prompt_tokens if res.prompt_tokens is not None else estimate
            usage["completion_tokens"] += res.completion_tokens or 0
            usage["method"] = res.method
            if not res.ok:
                reasons.append(f"LLM judge sample {i + 1}: {res.error}" if samples > 1 else f"LLM judge: {res.error}")
                continue
            entry = {
                "data": res.data,
                "judged_chars": len(judged_text),
                "answer_tokens": answer_tokens,
                "truncated": truncated,
                "method": res.method,
                "prompt_tokens": res.prompt_tokens,
                "completion_tokens": res.completion_tokens,
            }
            entries[i] = entry
            if parse_verdicts(rubric, res.data).complete:  # only cache replies that fully validate
                cache.put(settings, keys[i], entry)
        usage["estimated_cost_usd"] = tokens.estimate_cost(
            settings.model, usage["prompt_tokens"], usage["completion_tokens"], settings
        )

    usage["cached_samples"] = sum(cached_flags)
    usage["cached"] = all(cached_flags)
    if usage["method"] is None:
        usage["method"] = next((e.get("method") for e in entries if e), None)
    usage["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)

    flags: list[Flag] = list(det_flags)
    notes = [f"deterministic: {n}" for n in det.report.notes]
    excluded = [(s.start, s.end) for s in det.context.memo.get("injected") or []]
    verdicts: list[SampleVerdicts] = []
    for i, entry in enumerate(entries):
        if entry is None:
            continue
        judged_text = text[: int(entry.get("judged_chars", len(text)))]
        if entry.get("truncated") and "truncated" not in flags:
            flags.append("truncated")
        index = AnswerIndex(judged_text)
        parsed = parse_verdicts(rubric, entry["data"])
        judged = {
            cid: apply_evidence_rule(j.level, j.rationale, j.evidence, index, excluded)
            for cid, j in parsed.judgements.items()
        }
        if not judged:
            reasons.append(f"LLM judge sample {i + 1}: no criterion verdict matched the schema")
            continue
        if parsed.problems:
            reasons.append(
                "LLM judge: unscored criteria fall back to their deterministic level: "
                + "; ".join(f"{cid} ({why})" for cid, why in parsed.problems.items())
            )
        if parsed.unknown_keys:
            reasons.append(f"LLM judge: ignored unknown criteria {parsed.unknown_keys}")
        verdicts.append(SampleVerdicts(i, judged, dict(parsed.problems), cached=cached_flags[i]))

    if not verdicts:
        return _fallback(det, reasons or ["LLM judge gave nothing usable"], usage)

    for v in verdicts:
        if any(j.flag_unverified for j in v.judged.values()) and "unverified_evidence" not in flags:
            flags.append("unverified_evidence")
    first = next(e for e in entries if e)
    if first.get("truncated"):
        reasons.append(
            f"LLM judge read the first {settings.answer_token_budget} of {first.get('answer_tokens')} tokens "
            "of the answer"
        )
    if len(verdicts) < samples:
        reasons.append(f"LLM judge: {len(verdicts)} of {samples} samples usable")
    where = settings.openai_base_url or "OpenAI"
    lead = f"LLM judge: {settings.model} at {where}" + (" (cached)" if usage["cached"] else "")
    return reconcile(question, rubric, det, verdicts, flags=flags, notes=[lead, *notes, *reasons], usage=usage)
