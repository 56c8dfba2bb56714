"""The judge's disk cache: identical re-grades make no request; any edit misses."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from fake_openai import Json, echo_judge, verdicts
from llm_support import deterministic, heldout, question, rubric

from evaluator.grade import grade_deterministic
from evaluator.llm import cache, judge_answer
from evaluator.llm.prompt import templates_dir
from evaluator.settings import Settings

pytest_plugins = ["llm_fixtures"]

ADS = "design-ads-performance-pipeline"
STRONG = heldout()["ads-pipeline-strong"]["answer"]
MEDIUM = heldout()["ads-pipeline-medium"]["answer"]


def grade(answer: str = STRONG, samples: int = 1):
    return judge_answer(question(ADS), answer, deterministic(ADS, answer), samples=samples)


def test_identical_regrade_makes_no_request(llm_env):
    server = llm_env(echo_judge(3))
    first = grade()
    assert len(server.chat_requests) == 1 and first.usage["cached"] is False
    t0 = time.perf_counter()
    second = grade()
    elapsed = time.perf_counter() - t0
    assert len(server.chat_requests) == 1
    assert second.usage["cached"] is True and second.usage["calls"] == 0
    assert second.usage["estimated_cost_usd"] == 0.0
    assert second.model_dump(exclude={"usage", "notes"}) == first.model_dump(exclude={"usage", "notes"})
    assert elapsed < 1.0  # the benchmark holds the real target (< 50 ms)


def test_a_different_answer_misses(llm_env):
    server = llm_env(echo_judge(3))
    grade(STRONG)
    grade(MEDIUM)
    grade(STRONG + " ")
    assert len(server.chat_requests) == 3


def test_rubric_edit_misses_even_without_a_version_bump(llm_env):
    server = llm_env(echo_judge(3))
    grade()
    edited = rubric("modeling").model_copy(deep=True)
    edited.criteria[0].levels[4] = edited.criteria[0].levels[4] + " Also names the hottest key."
    assert edited.version == rubric("modeling").version
    det = grade_deterministic(question(ADS), STRONG, edited)
    judge_answer(question(ADS), STRONG, det)
    assert len(server.chat_requests) == 2
    judge_answer(question(ADS), STRONG, det)
    assert len(server.chat_requests) == 2


def test_prompt_edit_misses(llm_env, monkeypatch, tmp_path: Path):
    server = llm_env(echo_judge(3))
    grade()
    prompts = tmp_path / "prompts"
    shutil.copytree(templates_dir(Settings()), prompts)
    (prompts / "system.md").write_text((prompts / "system.md").read_text() + "\nBe strict.\n")
    monkeypatch.setenv("MOCKLOOP_PROMPTS_DIR", str(prompts))
    grade()
    assert len(server.chat_requests) == 2
    assert "Be strict." in server.chat_requests[-1].body["messages"][0]["content"]
    (prompts / "round_modeling.md").write_text("Round guidance, edited.")
    grade()
    assert len(server.chat_requests) == 3


def test_model_change_misses(llm_env, monkeypatch):
    server = llm_env(echo_judge(3))
    grade()
    monkeypatch.setenv("MOCKLOOP_MODEL", "gpt-4.1-mini")
    grade()
    assert len(server.chat_requests) == 2
    assert server.chat_requests[-1].body["model"] == "gpt-4.1-mini"


def test_samples_are_cache_distinct(llm_env):
    server = llm_env(echo_judge(3))
    grade(samples=2)
    assert len(server.chat_requests) == 2
    grade(samples=3)  # samples 0 and 1 cached, sample 2 new
    assert len(server.chat_requests) == 3
    report = grade(samples=3)
    assert len(server.chat_requests) == 3 and report.usage["cached"] is True
    grade(samples=1)  # temperature 0, not a sample of the k > 1 run
    assert len(server.chat_requests) == 4


def test_partially_invalid_replies_are_not_cached(llm_env):
    ids = [c.id for c in rubric("modeling").criteria]
    bad = verdicts(ids, 3, ["User ids are hashed at ingestion."])
    bad[ids[0]]["level"] = 9
    server = llm_env([Json(bad)])
    assert grade().mode == "llm"
    grade()
    assert len(server.chat_requests) == 2


def test_failures_are_not_cached(llm_env):
    from fake_openai import Text

    server = llm_env([Text("not json"), Json(verdicts([c.id for c in rubric("modeling").criteria], 3, []))])
    assert "llm_unavailable" in grade().flags
    assert grade().mode == "llm"
    assert len(server.chat_requests) == 2


def test_cache_can_be_disabled(llm_env, monkeypatch):
    monkeypatch.setenv("MOCKLOOP_LLM_CACHE", "0")
    server = llm_env(echo_judge(3))
    grade()
    grade()
    assert len(server.chat_requests) == 2


def test_cache_location(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("MOCKLOOP_CACHE_DIR", str(tmp_path / "c"))
    assert cache.cache_dir(Settings()) == tmp_path / "c"
    monkeypatch.delenv("MOCKLOOP_CACHE_DIR")
    default = cache.cache_dir(Settings())
    assert default.parts[-2:] == ("mockloop", "llm")


def test_key_is_order_independent_and_sensitive():
    a = cache.make_key({"model": "m", "answer": "x", "sample": 0})
    assert a == cache.make_key({"sample": 0, "answer": "x", "model": "m"})
    assert a != cache.make_key({"model": "m", "answer": "x", "sample": 1})


def test_unwritable_cache_is_skipped_not_fatal(llm_env, monkeypatch, tmp_path: Path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("MOCKLOOP_CACHE_DIR", str(blocker / "cache"))
    server = llm_env(echo_judge(3))
    monkeypatch.setenv("MOCKLOOP_CACHE_DIR", str(blocker / "cache"))
    assert grade().mode == "llm"
    assert grade().mode == "llm"
    assert len(server.chat_requests) == 2
