"""The `mockloop` command keeps CONTRACT.md: shapes, exit codes, stderr for diagnostics."""

import json
import os
import subprocess
import sys

import pytest

ENV = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}


def mockloop(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evaluator.cli", *args], capture_output=True, text=True, env=ENV,
                          timeout=120)


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
    p = mockloop("grade", "--question", "design-ads-performance-pipeline", "--answer-file", str(f), "--json", "--offline")
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
        (["grade", "--question", "product-dau-drop", "--answer-file", "/nonexistent/missing.txt", "--json"], "missing.txt"),
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
    good.write_text(json.dumps({"question_id": "product-dau-drop", "answer": "First I'd check logging, then segment by platform."}))
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
