"""Fixtures for the LLM judge tests; test modules load them with ``pytest_plugins = ["llm_fixtures"]``.

Kept out of conftest.py on purpose: several people add tests at once, and these fixtures set
environment variables that only the LLM tests want.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, Script


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Refuse (and record) every name lookup and connection that is not for the loopback interface."""
    real = socket.socket.connect
    blocked: list[Any] = []

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            blocked.append(address)
            raise ConnectionRefusedError(f"test guard: network access attempted: {address!r}")
        return real(self, address)

    real_lookup = socket.getaddrinfo

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in (None, "127.0.0.1", "::1", "localhost"):
            blocked.append(host)
            raise socket.gaierror(f"test guard: name lookup attempted: {host!r}")
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return blocked


@pytest.fixture
def llm_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_network: list[Any]
) -> Iterator[Callable[..., FakeOpenAI]]:
    """A configured judge: key, model, a temp cache, fast retries. Call it with a script to get a
    started fake server that OPENAI_BASE_URL points at."""
    from evaluator.llm import cache, client

    for var in (
        "OPENAI_BASE_URL",
        "MOCKLOOP_PROMPTS_DIR",
        "MOCKLOOP_LLM_METHOD",
        "MOCKLOOP_ANSWER_TOKENS",
        "MOCKLOOP_PRICE_INPUT_PER_MTOK",
        "MOCKLOOP_PRICE_OUTPUT_PER_MTOK",
        "MOCKLOOP_LLM_CACHE",
        "LANGSMITH_TRACING",
        "LANGCHAIN_TRACING_V2",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("MOCKLOOP_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("MOCKLOOP_CACHE_DIR", str(tmp_path / "llm-cache"))
    monkeypatch.setenv("MOCKLOOP_LLM_RETRY_DELAY", "0.01")
    monkeypatch.setenv("MOCKLOOP_LLM_TIMEOUT", "10")
    monkeypatch.setenv("MOCKLOOP_LLM_RETRIES", "2")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken-empty"))
    servers: list[FakeOpenAI] = []

    def serve(script: Script) -> FakeOpenAI:
        server = FakeOpenAI(script).start()
        servers.append(server)
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        return server

    client._METHOD_MEMO.clear()
    yield serve
    for server in servers:
        server.stop()
    cache.close_all()
    client._METHOD_MEMO.clear()
    assert no_network == [], f"non-loopback connections attempted: {no_network}"
