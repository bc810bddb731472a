"""A cassette recorded through the OpenAI-compatible backend replays without the server."""

from __future__ import annotations

from assistant.backends.base import Message, ModelRequest, TextBlock, ToolSpec
from assistant.backends.cassette import Cassette, RecordingBackend, ReplayBackend
from tests.backends.openai_stub import Reply

TOOLS = [ToolSpec("inspect", "List tables.", {"type": "object", "properties": {}})]


def test_record_then_replay_through_the_openai_backend(chat_stub, make_openai_backend, tmp_path) -> None:
    chat_stub.script(Reply.calls(("call_1", "inspect", {"tables": ["orders"]}), text="Looking."))
    recorder = RecordingBackend(make_openai_backend("qwen3"))
    request = ModelRequest("system", [Message("user", [TextBlock("what tables?")])], TOOLS)
    recorded = recorder.complete(request)
    Cassette(recorder.name, {"case": recorder.exchanges}).save(tmp_path / "c.json")

    cassette = Cassette.load(tmp_path / "c.json")
    assert cassette.model == "ollama:qwen3"
    replayed = ReplayBackend(cassette.cases["case"]).complete(request)
    assert replayed == recorded and len(chat_stub.requests) == 1
