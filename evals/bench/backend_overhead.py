"""Benchmark: the Claude and OpenAI-compatible backends differ only in wire format, and add little per turn.

Scripted model replies come from the offline planner: each eval case (those the coordinator gives
to the lead alone, so replies are asked for in a fixed order) is run once offline and its turns
kept; the same turns are then served by the Messages API stub and by the Chat Completions stub,
with the real SDKs and the real graph, tools and approval gate (auto-approved). The tool traces
(agent, tool, input, error) must be identical across the three runs.

Overhead per turn: each backend's `complete` against its stub, minus a plain HTTP POST of the same
wire request to the same stub reading the whole streamed reply (the baseline, in the same run).
Target: under 20 ms per turn for each backend.

    python evals/bench/backend_overhead.py [--cases 8] [--repeat 5]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

TARGET_MS = 20.0
ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    from assistant.backends.anthropic import AnthropicBackend
    from assistant.backends.offline import OfflineBackend
    from assistant.backends.openai import OpenAIBackend
    from evals.cases import load_cases

    sys.path.insert(0, str(ROOT))  # the stubs of both APIs live with the tests
    from tests.backends import openai_stub, stub_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    compared = 0
    overheads: dict[str, list[float]] = {"anthropic": [], "openai": []}
    with tempfile.TemporaryDirectory(prefix="deassist-bench-") as scratch:
        root = Path(scratch)
        for case in load_cases(()):
            if compared >= args.cases:
                break
            recorder = Recorder(OfflineBackend())
            offline_trace = run(case, root / f"{case.id}-offline", recorder)
            if recorder.collaborators or not recorder.turns:
                continue  # collaborators ask in parallel: a script cannot know their order
            with stub_server.StubMessagesAPI() as claude, openai_stub.StubChatAPI() as chat:
                claude.script(*[anthropic_reply(t) for t in recorder.turns])
                chat.script(*[chat_reply(t) for t in recorder.turns])
                traces = {
                    "anthropic": run(case, root / f"{case.id}-a", AnthropicBackend("sonnet", api_key="bench", base_url=claude.url, retries=0)),
                    "openai": run(case, root / f"{case.id}-o", OpenAIBackend("bench", provider="ollama", base_url=chat.url, retries=0)),
                }
                for name, trace in traces.items():
                    if trace != offline_trace:
                        raise SystemExit(f"{case.id}: the {name} backend's tool trace differs from the offline run")
                overheads["anthropic"] += per_turn(
                    AnthropicBackend("sonnet", api_key="bench", base_url=claude.url, retries=0), claude, recorder,
                    anthropic_reply, "/v1/messages", args.repeat)
                overheads["openai"] += per_turn(
                    OpenAIBackend("bench", provider="ollama", base_url=chat.url, retries=0), chat, recorder,
                    chat_reply, "/v1/chat/completions", args.repeat)
            compared += 1
            print(f"{case.id}: {len(recorder.turns)} turns, {len(offline_trace)} tool calls, identical traces")
    for name, values in overheads.items():
        if values:
            print(f"{name}: per-turn overhead over its stub: median {statistics.median(values):.1f} ms, "
                  f"max {max(values):.1f} ms over {len(values)} turns (target < {TARGET_MS:g} ms)")
    print(f"{compared} cases compared")


class Recorder:
    """The offline planner, keeping each (request, turn) and whether the coordinator named collaborators."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.turns: list[Any] = []
        self.requests: list[Any] = []
        self.collaborators = False

    def complete(self, request: Any, on_text: Any = None) -> Any:
        from assistant.backends.base import ToolUseBlock

        turn = self.inner.complete(request, on_text)
        self.requests.append(request)
        self.turns.append(turn)
        self.collaborators |= any(isinstance(b, ToolUseBlock) and b.name == "route" and b.input.get("collaborators")
                                  for b in turn.content)
        return turn


def run(case: Any, place: Path, backend: Any) -> list[tuple[str, str, str, bool]]:
    """The case's request through a real session on `backend`; its tool trace."""
    from assistant import events
    from assistant.session import Session, SessionConfig
    from evals.fixtures import materialize
    from evals.runner import prepare_workdir

    workdir, home = place / "work", place / "home"
    workdir.mkdir(parents=True)
    sources = [str(materialize(name, place.parent / "fixtures")) for name in case.fixtures]
    prepare_workdir(case, workdir)
    session = Session(SessionConfig(sources=sources, workdir=workdir, home=home, auto_approve=True), backend=backend)
    calls: dict[str, tuple[str, str, str]] = {}
    trace = []
    try:
        for event in session.ask(case.request):
            if isinstance(event, events.ToolCall):
                calls[event.call_id] = (event.agent, event.name, json.dumps(event.input, sort_keys=True))
            elif isinstance(event, events.ToolResult) and event.call_id in calls:
                trace.append((*calls[event.call_id], event.is_error))
            elif isinstance(event, events.ErrorEvent):
                raise SystemExit(f"{case.id}: {event.code}: {event.message}")
    finally:
        session.close()
    return trace


def anthropic_reply(turn: Any) -> Any:
    from assistant.backends.cassette import block_to_json
    from tests.backends.stub_server import Reply

    return Reply.message_of([block_to_json(b) for b in turn.content], turn.stop_reason)


def chat_reply(turn: Any) -> Any:
    from assistant.backends.base import TextBlock, ToolUseBlock
    from tests.backends.openai_stub import Reply

    text = "".join(b.text for b in turn.content if isinstance(b, TextBlock))
    calls = [(b.id, b.name, b.input) for b in turn.content if isinstance(b, ToolUseBlock)]
    return Reply.calls(*calls, text=text) if calls else Reply.text(text)


def per_turn(backend: Any, stub: Any, recorder: Recorder, reply: Any, path: str, repeat: int) -> list[float]:
    """For each recorded turn: best backend time minus best raw POST time of the same body, in ms."""
    url = urlparse(stub.url)
    out = []
    for request, turn in zip(recorder.requests, recorder.turns):
        backend_times, raw_times = [], []
        for _ in range(repeat):
            stub.script(reply(turn))
            started = time.perf_counter()
            backend.complete(request)
            backend_times.append(time.perf_counter() - started)
            body = json.dumps(stub.requests[-1].body).encode()
            stub.script(reply(turn))
            started = time.perf_counter()
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            connection.request("POST", path, body, {"content-type": "application/json"})
            connection.getresponse().read()
            connection.close()
            raw_times.append(time.perf_counter() - started)
        out.append((min(backend_times) - min(raw_times)) * 1000)
    return out


if __name__ == "__main__":
    main()
