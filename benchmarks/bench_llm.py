"""LLM judge cost and cache speed, against the local fake OpenAI server (no network).

Prints, per round type: judge calls per graded answer (target: exactly one), prompt tokens
(tiktoken estimate before the call, and what the server counted), and the latency of a cache hit
(an identical re-grade: no HTTP request; target under 50 ms).

Run: python benchmarks/bench_llm.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

HIT_RUNS = 30


def _answers() -> list[tuple[str, str, str]]:
    """(round, question id, answer): held-out answers of every level, and SQL queries if gradable."""
    import yaml
    from llm_support import heldout, question, sql_checks_registered

    out = [(question(a["question_id"]).round, a["question_id"], a["answer"]) for a in heldout().values()]
    if sql_checks_registered():
        with open(ROOT / "tests" / "heldout" / "sql_queries.yaml", encoding="utf-8") as fh:
            out += [("sql", q["question_id"], q["sql"]) for q in yaml.safe_load(fh)]
    return out


def main() -> None:
    cache_dir = tempfile.mkdtemp(prefix="mockloop-bench-llm-")
    os.environ.update(
        OPENAI_API_KEY="sk-bench-not-real",
        MOCKLOOP_MODEL="gpt-4o-mini",
        MOCKLOOP_CACHE_DIR=cache_dir,
        MOCKLOOP_LLM_RETRY_DELAY="0.01",
    )
    from fake_openai import FakeOpenAI, echo_judge
    from llm_support import deterministic, question

    from evaluator.llm import judge_answer

    answers = _answers()
    rows: dict[str, dict[str, list[float]]] = {}
    skipped: dict[str, int] = {}
    with FakeOpenAI(echo_judge(3)) as server:
        os.environ["OPENAI_BASE_URL"] = server.url
        graded = []
        for round_, qid, text in answers:
            det = deterministic(qid, text)
            before = len(server.chat_requests)
            report = judge_answer(question(qid), text, det)
            calls = len(server.chat_requests) - before
            r = rows.setdefault(round_, {"answers": [], "calls": [], "estimated": [], "server": [], "cost": []})
            if {"empty_answer", "off_topic"} & set(det.report.flags):
                skipped[round_] = skipped.get(round_, 0) + 1  # never sent to the judge, by design
                continue
            r["answers"].append(1)
            r["calls"].append(calls)
            if report.usage and report.mode == "llm":
                r["estimated"].append(report.usage["prompt_tokens_estimated"])
                r["server"].append(report.usage["prompt_tokens"])
                r["cost"].append(report.usage["estimated_cost_usd"] or 0.0)
            graded.append((qid, text, det))
        requests_before = len(server.chat_requests)
        hits: list[float] = []
        for _ in range(HIT_RUNS):
            for qid, text, det in graded:
                t0 = time.perf_counter()
                report = judge_answer(question(qid), text, det)
                hits.append((time.perf_counter() - t0) * 1000)
                assert report.usage is None or report.usage["calls"] == 0 or report.mode != "llm"
        extra_requests = len(server.chat_requests) - requests_before

    print("LLM judge benchmark (fake OpenAI-compatible server on 127.0.0.1, model gpt-4o-mini pricing)")
    print(
        f"{'round':14} {'judged':>6} {'skipped':>7} {'calls/answer':>12} {'prompt tok (tiktoken)':>22} "
        f"{'server count (len/4)':>21} {'est. $/answer':>13}"
    )
    total_answers = total_calls = 0
    for round_, r in sorted(rows.items()):
        n, calls = len(r["answers"]), sum(r["calls"])
        total_answers += n
        total_calls += calls
        est = f"{statistics.mean(r['estimated']):.0f} (max {max(r['estimated']):.0f})" if r["estimated"] else "-"
        srv = f"{statistics.mean(r['server']):.0f}" if r["server"] else "-"
        cost = f"{statistics.mean(r['cost']):.5f}" if r["cost"] else "-"
        print(f"{round_:14} {n:6} {skipped.get(round_, 0):7} {calls / n:12.2f} {est:>22} {srv:>21} {cost:>13}")
    print(f"{'all':14} {total_answers:6} {sum(skipped.values()):7} {total_calls / total_answers:12.2f}")
    print("(skipped: empty or off-topic answers get the deterministic report and no judge call)")
    from evaluator.llm import cache

    cache.close_all()
    shutil.rmtree(cache_dir, ignore_errors=True)
    hits.sort()
    p95 = hits[int(len(hits) * 0.95) - 1]
    verdict = "OK" if statistics.median(hits) < 50 else "OVER TARGET"
    print(
        f"cache hit: median {statistics.median(hits):.1f} ms, p95 {p95:.1f} ms over {len(hits)} re-grades "
        f"(target < 50 ms: {verdict}); HTTP requests during re-grades: {extra_requests}"
    )


if __name__ == "__main__":
    main()
