"""A local stand-in for the Anthropic Messages API that speaks its real wire format.

Only the remote model is replaced: the real SDK (and `deassist` in a subprocess, through
ANTHROPIC_BASE_URL) talks HTTP to this server. Each test scripts the replies in order; a reply
built with `Reply.message` is sent as JSON or, when the request asks to stream, as the
server-sent events the API sends (message_start, content_block_start/delta/stop, message_delta,
message_stop, with pings). Every request is recorded (path, headers, JSON body).

Reuse it with the `messages_stub` fixture (`from tests.backends.stub_server import messages_stub`
in a conftest), or `with StubMessagesAPI() as stub:`.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any

import pytest

Event = tuple[str, dict[str, Any]]


@dataclass
class Reply:
    """One scripted reply: a message (JSON or SSE as the request asks), an HTTP error, or raw events."""

    status: int = 200
    message: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    events: list[Event] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None  # close the connection after this many events, without message_stop
    delay: float = 0.0  # seconds to wait before answering (to exercise client timeouts)

    @staticmethod
    def text(text: str, **usage: int) -> Reply:
        return Reply.message_of([{"type": "text", "text": text}], "end_turn", **usage)

    @staticmethod
    def message_of(content: list[dict[str, Any]], stop_reason: str = "end_turn", *, model: str = "",
                   input_tokens: int = 10, output_tokens: int = 5, cache_read: int = 0, cache_write: int = 0) -> Reply:
        """A complete assistant message; `model` empty means: echo the model of the request."""
        return Reply(message={
            "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                      "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_write},
        })

    @staticmethod
    def error(status: int, kind: str, message: str, **headers: str) -> Reply:
        """An HTTP error with the API's error body (`{"type": "error", "error": {...}}`)."""
        return Reply(status=status, body=error_body(kind, message), headers=dict(headers))

    @staticmethod
    def stream_error(kind: str, message: str, after: list[Event] | None = None) -> Reply:
        """A 200 streaming reply that carries an `error` event (after `after`, e.g. a message_start)."""
        return Reply(events=[*(after or []), ("error", error_body(kind, message))])


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_stub"}


def message_events(message: dict[str, Any], chunk: int = 7) -> list[Event]:
    """The SSE events the API streams for `message`: text and tool input split into small deltas."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**usage, "output_tokens": 1}}
    events: list[Event] = [("message_start", {"type": "message_start", "message": start}), ("ping", {"type": "ping"})]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {"type": "text", "text": ""}}))
            deltas = [{"type": "text_delta", "text": block["text"][i:i + chunk]} for i in range(0, len(block["text"]), chunk)]
        elif block["type"] == "tool_use":
            events.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block":
                                                   {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}}))
            raw = block["input"] if isinstance(block["input"], str) else json.dumps(block["input"])
            deltas = [{"type": "input_json_delta", "partial_json": raw[i:i + chunk]} for i in range(0, len(raw), chunk)]
        elif block["type"] == "thinking":
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {"type": "thinking", "thinking": "", "signature": ""}}))
            deltas = [{"type": "thinking_delta", "thinking": block["thinking"]},
                      {"type": "signature_delta", "signature": block["signature"]}]
        else:
            raise ValueError(f"the stub cannot stream a {block['type']} block")
        events += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}) for d in deltas]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                                     "usage": {"output_tokens": usage["output_tokens"]}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class StubMessagesAPI:
    """A threaded HTTP server on 127.0.0.1 (a free port) that answers POST /v1/messages from a script."""

    def __init__(self) -> None:
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
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *replies: Reply) -> StubMessagesAPI:
        with self._lock:
            self.replies.extend(replies)
        return self

    def next_reply(self) -> Reply:
        with self._lock:
            if self.replies:
                return self.replies.pop(0)
        return Reply.error(500, "api_error", "the stub has no scripted reply left")

    def tool_id(self) -> str:
        return f"toolu_stub{next(self._ids):04d}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubMessagesAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _QuietServer(ThreadingHTTPServer):
    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept with TCP_NODELAY, as API servers do (uvicorn, Go's net/http, nginx): without it, the
        small writes of a streamed reply wait on the client's delayed ACK, 40 ms per stall on a kept-alive
        connection, and that wait would be counted as the backend's own per-turn cost."""
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that drops a kept-alive connection is normal; anything else is a stub bug, shown.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(stub: StubMessagesAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else {}
            stub.requests.append(RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            reply = stub.next_reply()
            time.sleep(reply.delay)
            if self.path.split("?")[0] != "/v1/messages":
                reply = Reply.error(404, "not_found_error", f"no route {self.path}")
            if reply.message is not None:
                message = {"id": f"msg_stub{len(stub.requests):04d}", **reply.message}
                message["model"] = message["model"] or body.get("model", "")
                if body.get("stream"):
                    self._events(reply, message_events(message))
                else:
                    self._json(reply.status, message, reply.headers)
            elif reply.events is not None:
                self._events(reply, reply.events)
            else:
                self._json(reply.status, reply.body or {}, reply.headers)

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", "req_stub")
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def _events(self, reply: Reply, events: list[Event]) -> None:
            try:
                self._send_events(reply, events)
            except (BrokenPipeError, ConnectionResetError):  # the client hung up mid-stream, as clients may
                self.close_connection = True

        def _send_events(self, reply: Reply, events: list[Event]) -> None:
            self.send_response(reply.status)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for sent, (name, data) in enumerate(events):
                if reply.drop_after is not None and sent >= reply.drop_after:
                    self.wfile.flush()
                    self.close_connection = True
                    return
                chunk = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler


@pytest.fixture
def messages_stub() -> Iterator[StubMessagesAPI]:
    """A fresh scripted Messages API per test; point the SDK (or ANTHROPIC_BASE_URL) at `.url`."""
    with StubMessagesAPI() as stub:
        yield stub
