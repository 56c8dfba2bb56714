"""One structured judge call through LangChain's ``ChatOpenAI``, failing softly.

- Structured output with ``method="json_schema"`` (OpenAI structured outputs, strict); servers
  that reject ``response_format`` get ``method="function_calling"`` instead, remembered per
  endpoint and model for the rest of the process.
- The schema goes in as a JSON Schema dict, not a pydantic class, so the SDK does not validate
  the reply: ``evaluator.llm.schema`` does, per criterion, and a bad verdict costs one criterion.
  ``include_raw=True`` keeps the raw message (token usage, the text of an unparsable reply).
- An explicit timeout (ChatOpenAI's default is none). Retries are ours, not the SDK's
  (``max_retries=0`` there): 429 and 5xx are retried with backoff honouring ``Retry-After``;
  connection failures are retried; a timeout is not (a hung server would otherwise cost
  ``retries + 1`` timeouts); a 4xx other than the structured-output fallback is final.
- Nothing raises: every outcome is a ``CallResult`` the judge can explain in the report.

LangChain and the OpenAI SDK are imported here lazily, so ``import evaluator.llm`` stays cheap
and deterministic mode never loads them.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from evaluator.llm.schema import SCHEMA_NAME
from evaluator.settings import Settings

_METHOD_MEMO: dict[tuple[str, str], str] = {}
_MEMO_LOCK = threading.Lock()
_UNSUPPORTED = re.compile(
    r"response_format|json_schema|structured|not supported|unsupported|unknown (?:field|parameter)", re.I
)


@dataclass
class CallResult:
    """What one judge call produced; ``data`` is None when nothing usable came back."""

    data: Any | None
    kind: str  # ok | timeout | rate_limited | server_error | connection | invalid_json | http_error | error
    error: str | None
    method: str
    requests: int
    attempts_log: list[str]
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    raw_text: str = ""
    latency_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.data is not None


def _endpoint(settings: Settings) -> str:
    return settings.openai_base_url or "https://api.openai.com/v1"


def method_for(settings: Settings) -> str:
    if settings.llm_method != "auto":
        return settings.llm_method
    with _MEMO_LOCK:
        return _METHOD_MEMO.get((_endpoint(settings), settings.model), "json_schema")


def _remember(settings: Settings, method: str) -> None:
    with _MEMO_LOCK:
        _METHOD_MEMO[(_endpoint(settings), settings.model)] = method


@lru_cache(maxsize=32)
def _runnable(
    base_url: str,
    api_key: str,
    model: str,
    timeout: float,
    temperature: float,
    max_tokens: int | None,
    method: str,
    schema_json: str,
) -> Any:
    """A ChatOpenAI bound to the structured output (built once per configuration)."""
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        model=model,
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=0,
        temperature=temperature,
        max_tokens=max_tokens,
        use_responses_api=False,  # plain chat/completions: what every OpenAI-compatible server speaks
    )
    schema = json.loads(schema_json)
    description = "Record one verdict per rubric criterion."
    if method == "json_schema":
        spec: dict[str, Any] = {"name": SCHEMA_NAME, "description": description, "strict": True, "schema": schema}
    else:
        spec = {"name": SCHEMA_NAME, "description": description, "parameters": schema}
    return llm.with_structured_output(spec, method=method, include_raw=True, strict=True)  # type: ignore[arg-type]


def _no_tracing() -> Any:
    """LangSmith tracing (if a user's environment enables it) would send the answer elsewhere."""
    try:
        from langsmith.run_helpers import tracing_context

        return tracing_context(enabled=False)
    except Exception:
        return nullcontext()


def _retry_after(exc: Any) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value) * scale)
            except ValueError:
                return None
    return None


def _delay(settings: Settings, attempt: int, exc: Any) -> float:
    hinted = _retry_after(exc)
    if hinted is not None and hinted > 0:
        return min(hinted, settings.retry_max_delay)
    base = settings.retry_base_delay * (2**attempt)
    return min(base, settings.retry_max_delay) * (0.75 + 0.25 * random.random())


def _message_text(raw: Any) -> str:
    if raw is None:
        return ""
    content = getattr(raw, "content", "")
    if isinstance(content, str) and content:
        return content
    calls = getattr(raw, "tool_calls", None) or []
    if calls:
        return json.dumps(calls[0].get("args", {}))
    invalid = getattr(raw, "invalid_tool_calls", None) or []
    if invalid:
        return str(invalid[0].get("args", ""))
    return str(content)


def _salvage(raw: Any) -> Any | None:
    """A JSON object in the content when the structured parser found none (lenient servers)."""
    content = getattr(raw, "content", None)
    if not isinstance(content, str) or not content.strip():
        return None
    try:
        from langchain_core.utils.json import parse_json_markdown

        value = parse_json_markdown(content)
    except Exception:
        return None
    return value if isinstance(value, dict) else None


def call_judge(
    settings: Settings, messages: list[tuple[str, str]], schema: dict[str, Any], temperature: float
) -> CallResult:
    """One judge call (plus bounded retries); never raises."""
    import openai

    schema_json = json.dumps(schema)  # key order kept: evidence, rationale, then level
    method = method_for(settings)
    log: list[str] = []
    requests = 0
    retries = 0
    started = time.perf_counter()

    def result(data: Any, kind: str, error: str | None, raw: Any = None) -> CallResult:
        usage = getattr(raw, "usage_metadata", None) or {}
        return CallResult(
            data=data,
            kind=kind,
            error=error,
            method=method,
            requests=requests,
            attempts_log=log,
            prompt_tokens=usage.get("input_tokens"),
            completion_tokens=usage.get("output_tokens"),
            raw_text=_message_text(raw)[:2000],
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    while True:
        runnable = _runnable(
            _endpoint(settings),  # explicit, so a stray empty OPENAI_BASE_URL cannot confuse the SDK
            settings.openai_api_key or "",
            settings.model,
            settings.request_timeout,
            temperature,
            settings.max_output_tokens,
            method,
            schema_json,
        )
        requests += 1
        try:
            with _no_tracing():
                out = runnable.invoke([{"role": r, "content": c} for r, c in messages])
        except openai.APITimeoutError:
            log.append(f"request {requests}: timed out after {settings.request_timeout:g}s")
            return result(None, "timeout", f"the LLM endpoint did not answer within {settings.request_timeout:g}s")
        except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
            status = getattr(exc, "status_code", None)
            kind = "rate_limited" if status == 429 else "server_error" if status else "connection"
            log.append(f"request {requests}: {kind} ({status or type(exc).__name__})")
            if retries >= settings.max_retries:
                return result(None, kind, f"{kind.replace('_', ' ')} after {requests} request(s): {_short(exc)}")
            time.sleep(_delay(settings, retries, exc))
            retries += 1
            continue
        except openai.APIStatusError as exc:
            status = exc.status_code
            log.append(f"request {requests}: HTTP {status}")
            if status >= 500 and retries < settings.max_retries:
                time.sleep(_delay(settings, retries, exc))
                retries += 1
                continue
            if (
                method == "json_schema"
                and settings.llm_method == "auto"
                and status in (400, 422)
                and _UNSUPPORTED.search(str(exc))
            ):
                method = "function_calling"
                _remember(settings, method)
                log.append("structured outputs rejected; falling back to function calling")
                continue
            kind = "server_error" if status >= 500 else "http_error"
            return result(None, kind, f"HTTP {status} from the LLM endpoint: {_short(exc)}")
        except Exception as exc:  # malformed response, length limit, refusal, ...
            log.append(f"request {requests}: {type(exc).__name__}")
            return result(None, "error", f"unusable reply ({type(exc).__name__}: {_short(exc)})")

        raw = out.get("raw") if isinstance(out, dict) else None
        parsed = out.get("parsed") if isinstance(out, dict) else None
        if parsed is None:
            parsed = _salvage(raw)
        if parsed is None:
            err = out.get("parsing_error") if isinstance(out, dict) else None
            detail = _short(err) if err else "no JSON object in the reply"
            return result(None, "invalid_json", f"the reply is not valid JSON ({detail})", raw)
        return result(parsed, "ok", None, raw)


def _short(exc: Any, n: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"
