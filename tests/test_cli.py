"""The `mockloop` command keeps CONTRACT.md: shapes, exit codes, stderr for diagnostics."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}


def mockloop(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evaluator.cli", *args], capture_output=True, text=True, env=ENV, timeout=120
    )


def test_questions_json():
    p = mockloop("questions", "--json")
    assert p.returncode == 0
    qs = json.loads(p.stdout)
    assert {"id", "round", "title", "prompt", "time_limit_minutes"} == set(qs[0])
    assert len(mockloop("questions", "--round", "ownership", "--json").stdout) < len(p.stdout)


def test_grade_json_prints_exactly_one_report(tmp_path):
    f = tmp_path / "a.txt"
    text = "I would log impressions to Kafka and aggregate them hourly with Spark into a table partitioned by date."
    f.write_text(text)
    p = mockloop(
        "grade", "--question", "design-ads-performance-pipeline", "--answer-file", str(f), "--json", "--offline"
    )
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["mode"] == "deterministic" and report["question_id"] == "design-ads-performance-pipeline"
    assert set(report["dimensions"]) == {"scale", "product_sense", "ownership", "tradeoffs"}
    for d in report["dimensions"].values():
        assert all(q in text for q in d["evidence"])


def test_grade_text_output(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("I traced the failure, I reran the partition and I added an alert; we cut misses by 80%.")
    p = mockloop("grade", "--question", "ownership-pipeline-failure", "--answer-file", str(f))
    assert p.returncode == 0 and "overall" in p.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["grade", "--question", "no-such-question", "--answer-file", "x.txt", "--json"], "unknown question"),
        (
            ["grade", "--question", "product-dau-drop", "--answer-file", "/nonexistent/missing.txt", "--json"],
            "missing.txt",
        ),
    ],
)
def test_invalid_input_exits_1_with_message_on_stderr(args, needle):
    p = mockloop(*args)
    assert p.returncode == 1 and needle in p.stderr and p.stdout == ""


def test_usage_error_exits_2():
    assert mockloop("grade", "--question").returncode == 2


def test_rubric_validate(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: broken\nround: [unclosed\n")
    p = mockloop("rubric", "validate", str(bad))
    assert p.returncode == 1 and f"{bad}:3:" in p.stderr
    ok = mockloop("rubric", "validate", "rubrics")
    assert ok.returncode == 0, ok.stderr


def test_batch_reports_bad_files_and_grades_the_rest(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps({"question_id": "product-dau-drop", "answer": "First I'd check logging, then segment by platform."})
    )
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "unknown.json").write_text(json.dumps({"question_id": "nope", "answer": "x"}))
    (tmp_path / "nofield.json").write_text(json.dumps({"answer": "x"}))
    out = tmp_path / "results.csv"
    p = mockloop("batch", str(tmp_path), "--out", str(out), "--offline")
    assert p.returncode == 0
    assert "broken.json: line 1" in p.stderr and "unknown question id 'nope'" in p.stderr and "question_id" in p.stderr
    rows = out.read_text().splitlines()
    assert len(rows) == 5 and "product-dau-drop" in out.read_text()
    jsonl = tmp_path / "r.jsonl"
    assert mockloop("batch", str(good), "--out", str(jsonl), "--offline").returncode == 0
    assert json.loads(jsonl.read_text().splitlines()[0])["report"]["question_id"] == "product-dau-drop"


# --------------------------------------------------------------------------- review fixes

GOOD = {"question_id": "product-dau-drop", "answer": "First I'd check logging, then segment by platform."}


def mockloop_env(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evaluator.cli", *args], capture_output=True, text=True, env={**ENV, **env}, timeout=120
    )


@pytest.fixture
def one_transcript(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(GOOD))
    return folder


@pytest.mark.parametrize("where", ["dir", "/proc/mockloop-nope/r.csv", "under-file"])
def test_batch_out_that_cannot_be_written_fails_cleanly(tmp_path, one_transcript, where):
    if where == "dir":
        out = tmp_path / "results.csv"
        out.mkdir()
    elif where == "under-file":
        (tmp_path / "plain").write_text("x")
        out = tmp_path / "plain" / "results.csv"
    else:
        out = Path(where)
    p = mockloop("batch", str(one_transcript), "--out", str(out), "--offline")
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith(f"mockloop: {out}: cannot write results (") and lines[0].endswith(")")
    )
    assert "good.json" not in p.stderr  # nothing was graded


def test_batch_checks_the_output_before_grading(tmp_path, one_transcript, monkeypatch):
    from typer.testing import CliRunner

    import evaluator.batch
    from evaluator.cli import app

    def never(*a, **k):
        raise AssertionError("graded before checking --out")

    monkeypatch.setattr(evaluator.batch, "grade_transcripts", never)
    out = tmp_path / "r.jsonl"
    out.mkdir()
    result = CliRunner().invoke(app, ["batch", str(one_transcript), "--out", str(out), "--offline"])
    assert result.exit_code == 1 and "cannot write results" in result.stderr


def test_batch_out_in_a_new_folder_is_created(tmp_path, one_transcript):
    out = tmp_path / "new" / "sub" / "r.csv"
    p = mockloop("batch", str(one_transcript), "--out", str(out), "--offline")
    assert p.returncode == 0, p.stderr
    assert "product-dau-drop" in out.read_text()


def test_invalid_setting_with_a_key_grades_deterministically(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("First I'd check logging, then segment by platform and country.")
    p = mockloop_env(
        "grade",
        "--question",
        "product-dau-drop",
        "--answer-file",
        str(f),
        "--json",
        OPENAI_API_KEY="x",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        MOCKLOOP_LLM_TIMEOUT="abc",
    )
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr and "ValidationError" not in p.stderr
    report = json.loads(p.stdout)
    assert report["mode"] == "deterministic" and "llm_unavailable" in report["flags"]
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mockloop: ") and "MOCKLOOP_LLM_TIMEOUT" in lines[0]


def test_invalid_setting_without_a_key_does_not_stop_grading(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("First I'd check logging, then segment by platform and country.")
    p = mockloop_env(
        "grade", "--question", "product-dau-drop", "--answer-file", str(f), "--json", MOCKLOOP_LLM_RETRIES="many"
    )
    assert p.returncode == 0, p.stderr
    assert "llm_unavailable" not in json.loads(p.stdout)["flags"]
    assert "Traceback" not in p.stderr and "MOCKLOOP_LLM_RETRIES" in p.stderr
    b = mockloop_env("batch", str(f.parent), "--offline", MOCKLOOP_LLM_RETRIES="many")  # offline: not even read
    assert "Traceback" not in b.stderr


def test_crlf_answer_evidence_is_an_exact_substring_of_the_file(tmp_path):
    lines = [
        "I owned the ingestion pipeline for ads metrics end to end, and when it failed",
        "in production I was paged at 2am because the hourly partition was late.",
        "I traced the failure to a schema change upstream, I reran the backfill for the",
        "missing partitions and I added a data-quality check and an alert on freshness.",
        "After that I wrote the postmortem and we cut late partitions by 80% that quarter.",
    ]
    f = tmp_path / "a.txt"
    f.write_bytes("\r\n".join(lines).encode() + b"\r\n")
    p = mockloop("grade", "--question", "ownership-pipeline-failure", "--answer-file", str(f), "--json", "--offline")
    assert p.returncode == 0, p.stderr
    text = f.read_bytes().decode()
    evidence = [q for d in json.loads(p.stdout)["dimensions"].values() for q in d["evidence"]]
    assert evidence and all(q in text for q in evidence)
    assert any("\r\n" in q for q in evidence)  # a quote across a line break keeps the file's CRLF


def test_rubric_validate_runs_the_bank_checks_on_a_folder(tmp_path):
    import shutil

    bank = tmp_path / "rubrics"
    shutil.copytree("rubrics", bank, ignore=shutil.ignore_patterns("gold"))
    (bank / "questions" / "copy.yaml").write_text((bank / "questions" / "product-dau-drop.yaml").read_text())
    p = mockloop("rubric", "validate", str(bank))
    assert p.returncode == 1 and "valid" not in p.stdout
    assert f"{bank / 'questions' / 'product-dau-drop.yaml'}:1: a second question with id 'product-dau-drop'" in p.stderr


def test_batch_empty_folder_says_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    p = mockloop("batch", str(empty), "--offline")
    assert p.returncode == 1 and p.stderr.strip() == f"mockloop: no transcripts found in {empty}"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.json").write_text(json.dumps(GOOD))
    both = mockloop("batch", str(empty), str(tmp_path / "full"), "--offline")
    assert both.returncode == 0 and f"no transcripts found in {empty}" in both.stderr


def test_batch_json_array_and_stale_report_messages(tmp_path):
    (tmp_path / "array.json").write_text(json.dumps([GOOD]))
    stale = {**GOOD, "report": {"mode": "deterministic", "overall": {"score": 2}}}
    (tmp_path / "stale.json").write_text(json.dumps(stale))
    p = mockloop("batch", str(tmp_path), "--offline", "--json")
    assert p.returncode == 0, p.stderr
    assert "array.json: expected a JSON object with question_id and answer" in p.stderr
    assert "field 'file'" not in p.stderr
    rows = {json.loads(line)["file"].rsplit("/", 1)[-1]: json.loads(line) for line in p.stdout.splitlines()}
    assert rows["stale.json"]["error"] is None and rows["stale.json"]["report"]["question_id"] == "product-dau-drop"
    assert "stale.json: ignored the embedded 'report'" in p.stderr
