"""The client's retry policy and failure kinds, and the CLI's --samples, against the local server."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest
from fake_openai import Json, Status, echo_judge, verdicts
from llm_support import RUBRICS, deterministic, heldout, question, rubric, sql_checks_registered

from evaluator.llm import client, judge_answer
from evaluator.settings import Settings

pytest_plugins = ["llm_fixtures"]

ADS = "design-ads-performance-pipeline"
STRONG = heldout()["ads-pipeline-strong"]["answer"]
IDS = [c.id for c in rubric("modeling").criteria]
MSGS = [("system", "You grade."), ("user", "Grade this.")]
SCHEMA = {
    "type": "object",
    "properties": {"x": {"type": "integer", "enum": [1, 2]}},
    "required": ["x"],
    "additionalProperties": False,
}


def test_retry_after_is_honoured(llm_env):
    server = llm_env([Status(429, "slow", {"retry-after-ms": "300"}), Json({"x": 1})])
    t0 = time.perf_counter()
    res = client.call_judge(Settings(), MSGS, SCHEMA, 0.0)
    assert res.ok and res.data == {"x": 1} and res.requests == 2
    assert time.perf_counter() - t0 >= 0.3
    assert len(server.chat_requests) == 2


def test_client_errors_are_not_retried(llm_env):
    server = llm_env([Status(401, "invalid api key")])
    res = client.call_judge(Settings(), MSGS, SCHEMA, 0.0)
    assert not res.ok and res.kind == "http_error" and "401" in res.error
    assert len(server.chat_requests) == 1


def test_bounded_retries_on_server_errors(llm_env, monkeypatch):
    monkeypatch.setenv("MOCKLOOP_LLM_RETRIES", "4")
    server = llm_env([Status(503, "overloaded")])
    res = client.call_judge(Settings(), MSGS, SCHEMA, 0.0)
    assert res.kind == "server_error" and res.requests == 5
    assert len(server.chat_requests) == 5


def test_unreachable_endpoint_is_retried_then_reported(llm_env, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    llm_env([Json({})])
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    report = judge_answer(question(ADS), STRONG, deterministic(ADS, STRONG))
    assert report.mode == "deterministic" and "llm_unavailable" in report.flags
    assert report.usage["requests"] == 3
    assert any("connection" in n for n in report.notes)


def test_length_cut_reply_is_unusable_not_fatal(llm_env):
    llm_env([Json(verdicts(IDS, 3, []), finish_reason="length")])
    report = judge_answer(question(ADS), STRONG, deterministic(ADS, STRONG))
    assert report.mode == "deterministic" and "llm_unavailable" in report.flags


def test_tracing_env_does_not_send_anything_anywhere(llm_env, monkeypatch, no_network):
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2-not-real")
    llm_env(echo_judge(3))
    report = judge_answer(question(ADS), STRONG, deterministic(ADS, STRONG))
    assert report.mode == "llm"
    time.sleep(0.2)  # give any background uploader a chance to try
    assert no_network == []


@pytest.fixture
def bank_dir(tmp_path: Path, monkeypatch) -> Path:
    """The rubric bank, minus the SQL round if its checks are not registered yet."""
    root = tmp_path / "rubrics"
    shutil.copytree(RUBRICS, root)
    if not sql_checks_registered():
        (root / "sql.yaml").unlink()
        for f in (root / "questions").glob("sql-*.yaml"):
            f.unlink()
    monkeypatch.setenv("MOCKLOOP_RUBRICS_DIR", str(root))
    return root


def test_cli_grade_with_samples_and_failure_exit_codes(llm_env, bank_dir, tmp_path: Path):
    from typer.testing import CliRunner

    from evaluator.cli import app

    answer = tmp_path / "answer.txt"
    answer.write_text(STRONG, encoding="utf-8")
    server = llm_env(echo_judge(3))
    args = ["grade", "--question", ADS, "--answer-file", str(answer), "--json"]
    ok = CliRunner().invoke(app, [*args, "--samples", "2"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["mode"] == "llm" and data["usage"]["samples"] == 2
    assert len(server.chat_requests) == 2
    assert CliRunner().invoke(app, [*args, "--samples", "0"]).exit_code == 2

    server.stop()
    failing = llm_env([Status(500, "boom")])
    down = CliRunner().invoke(app, [*args, "--samples", "1"])
    assert down.exit_code == 0, down.output
    data = json.loads(down.stdout)
    assert data["mode"] == "deterministic" and "llm_unavailable" in data["flags"]
    assert len(failing.chat_requests) == 3


def test_importing_the_judge_is_cheap():
    """Deterministic mode never pays for LangChain, the OpenAI SDK, tiktoken or diskcache."""
    import subprocess
    import sys

    code = (
        "import sys, evaluator.llm; "
        "heavy = [m for m in ('langchain_openai', 'langchain_core', 'openai', 'tiktoken', 'diskcache') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
