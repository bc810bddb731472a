"""A local stand-in for an OpenAI-compatible Chat Completions server, speaking the real wire format.

Only the model is replaced: the real openai SDK (and `deassist` in a subprocess, through a config
file or OPENAI_BASE_URL) talks HTTP to it. Each test scripts replies in order; `Reply.message`
answers as JSON or, when the request asks to stream, as the server-sent events the API sends
(`data: {chat.completion.chunk}` lines with `tool_calls` deltas, a usage chunk, `data: [DONE]`).
GET /v1/models lists `models`. Every request is recorded.

Reuse it with the `chat_stub` fixture, or `with StubChatAPI() as stub:`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from itertools import count
from typing import Any

import pytest

from tests.backends.stub_server import RecordedRequest, _QuietServer


@dataclass
class Reply:
    """One scripted reply: an assistant message, an HTTP error, or raw stream chunks."""

    status: int = 200
    message: dict[str, Any] | None = None  # {"content", "tool_calls", "finish_reason", "usage"}
    body: Any = None
    chunks: list[Any] | None = None  # raw `data:` payloads (dicts, or the string "[DONE]")
    delay: float = 0.0

    @staticmethod
    def text(text: str, finish_reason: str = "stop", **usage: int) -> Reply:
        return Reply.message_of(text, [], finish_reason, **usage)

    @staticmethod
    def calls(*calls: tuple[str, str, dict[str, Any] | str], text: str = "", finish_reason: str = "tool_calls",
              **usage: int) -> Reply:
        """Tool calls as (id, name, arguments); a string argument is sent as it is (to send bad JSON)."""
        return Reply.message_of(text, [
            {"id": i, "type": "function", "function": {"name": n, "arguments": a if isinstance(a, str) else json.dumps(a)}}
            for i, n, a in calls
        ], finish_reason, **usage)

    @staticmethod
    def message_of(content: str, tool_calls: list[dict[str, Any]], finish_reason: str, *,
                   prompt_tokens: int = 10, completion_tokens: int = 5, cached_tokens: int = 0) -> Reply:
        return Reply(message={"content": content, "tool_calls": tool_calls, "finish_reason": finish_reason,
                              "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                        "total_tokens": prompt_tokens + completion_tokens,
                                        "prompt_tokens_details": {"cached_tokens": cached_tokens}}})

    @staticmethod
    def error(status: int, message: str, kind: str = "invalid_request_error") -> Reply:
        """OpenAI's error body; Ollama's is the bare `{"error": "..."}` (`Reply(status, body=...)`)."""
        return Reply(status=status, body={"error": {"message": message, "type": kind, "param": None, "code": None}})


def completion(message: dict[str, Any], model: str, ident: str) -> dict[str, Any]:
    return {
        "id": ident, "object": "chat.completion", "created": 1_700_000_000, "model": model,
        "choices": [{"index": 0, "finish_reason": message["finish_reason"], "logprobs": None, "message": {
            "role": "assistant", "content": message["content"] or None,
            **({"tool_calls": message["tool_calls"]} if message["tool_calls"] else {})}}],
        "usage": message["usage"],
    }


def chunks(message: dict[str, Any], model: str, ident: str, size: int = 7) -> list[dict[str, Any]]:
    """The chunks a server streams: a role delta, text in small deltas, each call's name then its
    arguments in pieces, the finish reason, and (stream_options.include_usage) a usage chunk."""
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": ident, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    out = [chunk({"role": "assistant", "content": ""})]
    text = message["content"] or ""
    out += [chunk({"content": text[i:i + size]}) for i in range(0, len(text), size)]
    for index, call in enumerate(message["tool_calls"]):
        out.append(chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                          "function": {"name": call["function"]["name"], "arguments": ""}}]}))
        raw = call["function"]["arguments"]
        out += [chunk({"tool_calls": [{"index": index, "function": {"arguments": raw[i:i + size]}}]})
                for i in range(0, len(raw), size)]
    out.append(chunk({}, message["finish_reason"]))
    out.append({"id": ident, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
                "choices": [], "usage": message["usage"]})
    return out


class StubChatAPI:
    """A threaded HTTP server on 127.0.0.1 answering POST /v1/chat/completions from a script."""

    def __init__(self, models: list[str] | None = None) -> None:
        self.models = models or []
        self.replies: list[Reply] = []
        self.requests: list[RecordedRequest] = []
        self._ids = count(1)
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL a client is given (it ends in /v1, as OpenAI-compatible servers' do)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> StubChatAPI:
        with self._lock:
            self.replies.extend(replies)
        return self

    def next_reply(self) -> Reply:
        with self._lock:
            if self.replies:
                return self.replies.pop(0)
        return Reply.error(500, "the stub has no scripted reply left", "server_error")

    def call_id(self) -> str:
        return f"call_stub{next(self._ids):04d}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubChatAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler(stub: StubChatAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            stub.requests.append(RecordedRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, {}))
            if self.path.split("?")[0] != "/v1/models":
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "stub"} for m in stub.models]})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            stub.requests.append(RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            reply = stub.next_reply()
            time.sleep(reply.delay)
            if self.path.split("?")[0] != "/v1/chat/completions":
                reply = Reply.error(404, f"no route {self.path}", "not_found")
            ident = f"chatcmpl-stub{len(stub.requests):04d}"
            model = body.get("model", "")
            if reply.message is not None and body.get("stream"):
                payloads = chunks(reply.message, model, ident)
                if not (body.get("stream_options") or {}).get("include_usage"):
                    payloads = payloads[:-1]
                self._events([*payloads, "[DONE]"])
            elif reply.message is not None:
                self._json(200, completion(reply.message, model, ident))
            elif reply.chunks is not None:
                self._events(reply.chunks)
            else:
                self._json(reply.status, reply.body or {})

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _events(self, payloads: list[Any]) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            try:
                for payload in payloads:
                    data = payload if isinstance(payload, str) else json.dumps(payload)
                    chunk = f"data: {data}\n\n".encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler


@pytest.fixture
def chat_stub() -> Iterator[StubChatAPI]:
    """A fresh scripted Chat Completions server per test; give the SDK `.url` as its base URL."""
    with StubChatAPI() as stub:
        yield stub
