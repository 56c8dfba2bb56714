"""Batch grading for the app: one file at a time (so a progress bar can move) and a CSV download.

Wraps ``evaluator.batch`` rather than re-implementing it, so the app's table and CSV are exactly
what ``mockloop batch --out results.csv`` writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from evaluator.batch import BatchResult, grade_transcripts, transcript_files, write_results


def grade_iter(paths: Iterable[Path], offline: bool = False) -> Iterator[BatchResult]:
    """Grade transcript files one by one; a bad file yields a result with ``error`` set."""
    for path in transcript_files(paths):
        yield from grade_transcripts([path], offline=offline)


def results_csv(results: list[BatchResult]) -> bytes:
    """The same CSV ``mockloop batch --out FILE.csv`` writes, as bytes for a download button."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.csv"
        write_results(results, out)
        return out.read_bytes()
