"""Deterministic grading speed: a 1,500-word answer in-process, and `mockloop grade` cold start.

Targets (issue 2): median under 20 ms in-process; whole-process cold start under 1 s.
Run: python benchmarks/bench_grade.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = (
    "Before choosing tools I'd clarify who consumes the data: advertisers need near-real-time dashboards to adjust "
    "bids, and billing needs exact numbers a few hours late. About 100B impressions a day is about 1.2M events/s; at "
    "500 bytes that is 600 MB/s and about 50 TB/day raw. I'd use Flink for minute-level aggregates instead of one "
    "exact streaming path because exactly-once across late clicks is expensive, at the cost of two code paths. "
    "The grain is one row per impression, partitioned by event_date and clustered by campaign_id. "
    "Data-quality checks block publishing and alerts page on-call; backfills rerun partitions idempotently. "
)


def answer_of(words: int) -> str:
    """A realistic answer: distinct expert gold-set answers to modeling questions, cut to ``words``.

    (Repeating one paragraph would understate the cost: repeated sentences are graded once.)
    """
    import yaml

    gold = sorted((Path(__file__).resolve().parents[1] / "rubrics" / "gold").glob("g0[0-2]*.yaml"))
    parts = [yaml.safe_load(f.read_text())["answer"] for f in gold]
    text = PARAGRAPH + "\n\n" + "\n\n".join(parts)
    out, count = [], 0
    for line in text.splitlines(keepends=True):
        n = len(line.split())
        if count + n > words:
            out.append(" ".join(line.split()[: words - count]))
            break
        out.append(line)
        count += n
    return "".join(out)


def in_process(runs: int = 50) -> float:
    from evaluator.bank import get_question
    from evaluator.grade import grade_deterministic

    q = get_question("design-ads-performance-pipeline")
    answer = answer_of(1500)
    grade_deterministic(q, answer)  # warm: bank loaded, regexes compiled
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        grade_deterministic(q, answer)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def cold_start(runs: int = 5) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "a.txt"
        f.write_text(answer_of(1500))
        cmd = [sys.executable, "-m", "evaluator.cli", "grade", "--question", "design-ads-performance-pipeline",
               "--answer-file", str(f), "--json", "--offline"]
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


if __name__ == "__main__":
    print(f"deterministic grade, 1,500 words, median in-process: {in_process():.1f} ms (target < 20 ms)")
    print(f"`mockloop grade --json --offline` cold start, median of 5: {cold_start():.2f} s (target < 1 s)")
