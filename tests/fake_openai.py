"""A local OpenAI-compatible chat/completions server for the LLM judge's tests and benchmark.

The judge talks to it through the real ``openai`` SDK (httpx2 underneath) and LangChain, so what
is tested is the code path a real endpoint sees. Standard library only: ``ThreadingHTTPServer``
on 127.0.0.1 and a random free port; every request is recorded.

Replies are scripted: a list (consumed in order, the last one repeating) or a function of the
request body. A ``Json`` reply is delivered the way the request asked for it: as message
content for ``response_format`` (json_schema) requests, as a tool call when the request carries
``tools`` (function calling).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Json:
    """A JSON object as the judge's structured reply."""

    obj: Any
    finish_reason: str | None = None


@dataclass
class Text:
    """Raw assistant text (e.g. not JSON at all)."""

    content: str


@dataclass
class Status:
    """An HTTP error status with an OpenAI-style error body."""

    code: int
    message: str = "error"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hang:
    """Do not answer for ``seconds`` (or until the server stops)."""

    seconds: float = 30.0


@dataclass
class RejectJsonSchema:
    """A server without structured outputs: 400 on ``response_format``, else ``then``."""

    then: Any


Reply = Json | Text | Status | Hang | RejectJsonSchema
Script = list[Any] | Callable[[dict[str, Any]], Any]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    at: float

    @property
    def text(self) -> str:
        """All message contents of the request, joined."""
        if not self.body:
            return ""
        return "\n".join(str(m.get("content") or "") for m in self.body.get("messages", []))

    @property
    def mode(self) -> str:
        if not self.body:
            return "none"
        if self.body.get("tools"):
            return "function_calling"
        if (self.body.get("response_format") or {}).get("type") == "json_schema":
            return "json_schema"
        return "plain"


class FakeOpenAI:
    """``with FakeOpenAI([...]) as server:`` then point OPENAI_BASE_URL at ``server.url``."""

    def __init__(self, script: Script):
        self.script = script
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._record(self, None)
                self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = None
                index = fake._record(self, body)
                if not self.path.rstrip("/").endswith("/chat/completions") or body is None:
                    self._send(
                        404, {"error": {"message": f"unknown path {self.path}", "type": "invalid_request_error"}}
                    )
                    return
                reply = fake._reply_for(body, index)
                self._deliver(reply, body)

            def _deliver(self, reply: Any, body: dict[str, Any]) -> None:
                if isinstance(reply, RejectJsonSchema):
                    if (body.get("response_format") or {}).get("type") == "json_schema":
                        self._send(
                            400,
                            {
                                "error": {
                                    "message": "response_format of type json_schema is not supported by this server",
                                    "type": "invalid_request_error",
                                }
                            },
                        )
                        return
                    reply = reply.then
                if isinstance(reply, Hang):
                    fake._stop.wait(reply.seconds)
                    with contextlib.suppress(OSError):  # the client has usually hung up by now
                        self._send(504, {"error": {"message": "gave up", "type": "server_error"}})
                    return
                if isinstance(reply, Status):
                    self._send(reply.code, {"error": {"message": reply.message, "type": "error"}}, reply.headers)
                    return
                if isinstance(reply, Json):
                    payload = json.dumps(reply.obj)
                    finish = reply.finish_reason
                elif isinstance(reply, Text):
                    payload, finish = reply.content, None
                else:
                    raise TypeError(f"unknown scripted reply {reply!r}")
                tools = body.get("tools") or []
                if tools and isinstance(reply, Json):
                    name = tools[0]["function"]["name"]
                    message = {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": payload}}
                        ],
                    }
                    finish = finish or "tool_calls"
                else:
                    message = {"role": "assistant", "content": payload}
                    finish = finish or "stop"
                prompt_tokens = max(1, len(json.dumps(body.get("messages", []))) // 4)
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-fake-{len(fake.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
                        "usage": {
                            "prompt_tokens": prompt_tokens,
                            "completion_tokens": max(1, len(payload) // 4),
                            "total_tokens": prompt_tokens + max(1, len(payload) // 4),
                        },
                    },
                )

            def _send(self, code: int, obj: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # ------------------------------------------------------------------ plumbing

    def _record(self, handler: BaseHTTPRequestHandler, body: dict[str, Any] | None) -> int:
        with self._lock:
            self.requests.append(Recorded(handler.path, dict(handler.headers), body, time.time()))
            return len(self.requests) - 1

    def _reply_for(self, body: dict[str, Any], index: int) -> Any:
        if callable(self.script):
            return self.script(body)
        chat = sum(1 for r in self.requests[: index + 1] if r.body is not None) - 1
        return self.script[min(chat, len(self.script) - 1)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# ---------------------------------------------------------------------- request helpers

_BEGIN = re.compile(r"(?m)^<<<CANDIDATE_ANSWER ([0-9a-f]{16})>>>$")


def request_schema(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema the client asked for, whichever way it asked."""
    if body.get("tools"):
        return body["tools"][0]["function"]["parameters"]
    return body["response_format"]["json_schema"]["schema"]


def fenced_answer(body: dict[str, Any]) -> str:
    """The text between the delimiters in the user message (as the judge sees the answer)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    m = _BEGIN.search(user)
    assert m, "no answer delimiter in the user message"
    token = m.group(1)
    end = f"<<<END_CANDIDATE_ANSWER {token}>>>"
    return user[m.end() : user.index(end)].strip("\n")


def outside_delimiters(body: dict[str, Any]) -> str:
    """Everything in the request except the fenced answer (for leak checks)."""
    parts = []
    for msg in body["messages"]:
        content = str(msg.get("content") or "")
        m = _BEGIN.search(content)
        if m:
            end = f"<<<END_CANDIDATE_ANSWER {m.group(1)}>>>"
            if end in content:
                content = content[: m.start()] + content[content.index(end) + len(end) :]
        parts.append(content)
    others = {k: v for k, v in body.items() if k != "messages"}
    return "\n".join(parts) + json.dumps(others)


def criterion_ids(body: dict[str, Any]) -> list[str]:
    return list(request_schema(body)["properties"])


def fill(schema: dict[str, Any], quote: str = "") -> Any:
    """A value for any JSON Schema with top marks: highest enum, the given quote in arrays."""
    t = schema.get("type")
    if "enum" in schema:
        return max(schema["enum"])
    if t == "object":
        return {k: fill(v, quote) for k, v in schema.get("properties", {}).items()}
    if t == "array":
        return [quote or "Exceptional senior reasoning throughout."]
    if t == "integer":
        return schema.get("maximum", 4)
    if t == "number":
        return float(schema.get("maximum", 4))
    if t == "boolean":
        return True
    return "Exceptional: meets every anchor at the highest level."


def top_marks(invented_quote: str) -> Callable[[dict[str, Any]], Json]:
    """A stand-in judge answering any schema with top marks and a quote of its own invention."""
    return lambda body: Json(fill(request_schema(body), invented_quote))


def verdicts(ids: list[str], level: int, quotes: dict[str, list[str]] | list[str], rationale: str = "") -> dict:
    """A verdict object: the same level for every criterion, quotes per criterion or shared."""
    return {
        cid: {
            "evidence": list(quotes.get(cid, [])) if isinstance(quotes, dict) else list(quotes),
            "rationale": rationale or f"level {level} per the anchors",
            "level": level,
        }
        for cid in ids
    }


def echo_judge(level: int = 3) -> Callable[[dict[str, Any]], Json]:
    """A faithful judge for any rubric: quotes real sentences of the fenced answer."""

    def reply(body: dict[str, Any]) -> Json:
        answer = fenced_answer(body)
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", answer) if len(s.strip()) > 20]
        sentences = sentences or [answer.strip()]
        ids = criterion_ids(body)
        quotes = {cid: sentences[i % len(sentences) : i % len(sentences) + 2] for i, cid in enumerate(ids)}
        return Json(verdicts(ids, level, quotes, "quoted from the answer"))

    return reply
