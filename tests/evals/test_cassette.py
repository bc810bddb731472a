"""Record and replay at the backend level: exchanges round-trip, parallel order is fine, a stale cassette is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.backends.base import Message, ModelRequest, ModelTurn, TextBlock, ToolResultBlock, ToolSpec, ToolUseBlock, TurnUsage
from assistant.backends.cassette import Cassette, RecordingBackend, ReplayBackend
from tools.errors import DeassistError

TOOLS = [ToolSpec("inspect", "Inspect tables", {"type": "object", "properties": {}})]


def request(text: str, workdir: str = "/tmp/run-1/work") -> ModelRequest:
    return ModelRequest(system=f"You work in {workdir}.", messages=[Message("user", [TextBlock(text)])], tools=TOOLS)


class Scripted:
    """A backend whose turns depend only on the request, so a test can tell answers apart."""

    name = "scripted"

    def complete(self, req: ModelRequest, on_text=None) -> ModelTurn:
        text = req.messages[0].content[0].text
        if on_text:
            on_text(f"re: {text}")
        return ModelTurn([TextBlock(f"re: {text}"), ToolUseBlock("toolu_1", "inspect", {"path": "/tmp/run-1/work/a.csv"})],
                         "tool_use", TurnUsage(12, 3, cost_usd=0.001), model="m-1")


def test_a_recording_replays_in_any_order_with_paths_put_back(tmp_path: Path) -> None:
    recorder = RecordingBackend(Scripted(), {"/tmp/run-1/work": "{workdir}"})
    first = recorder.complete(request("one"))
    recorder.complete(request("two"))
    Cassette("scripted", {"case": recorder.exchanges}).save(tmp_path / "c.json")
    assert "/tmp/run-1" not in (tmp_path / "c.json").read_text()

    loaded = Cassette.load(tmp_path / "c.json")
    replay = ReplayBackend(loaded.cases["case"], loaded.model, {"/tmp/run-2/work": "{workdir}"})
    streamed: list[str] = []
    second = replay.complete(request("two", "/tmp/run-2/work"), streamed.append)
    again = replay.complete(request("one", "/tmp/run-2/work"))
    assert streamed == ["re: two"] and second.content[0] == TextBlock("re: two")
    assert again.content[1] == ToolUseBlock("toolu_1", "inspect", {"path": "/tmp/run-2/work/a.csv"})
    assert (again.stop_reason, again.usage, again.model) == (first.stop_reason, first.usage, "m-1")


def test_tool_results_round_trip_and_a_changed_one_is_a_mismatch() -> None:
    recorder = RecordingBackend(Scripted())
    follow_up = ModelRequest("sys", [Message("user", [TextBlock("one")]),
                                     Message("user", [ToolResultBlock("toolu_1", "3 tables", is_error=False)])], TOOLS)
    recorder.complete(follow_up)
    replay = ReplayBackend(recorder.exchanges, label="case c")
    replay.complete(follow_up)
    changed = ModelRequest("sys", [Message("user", [TextBlock("one")]),
                                   Message("user", [ToolResultBlock("toolu_1", "4 tables", is_error=False)])], TOOLS)
    replay = ReplayBackend(recorder.exchanges, label="case c")
    with pytest.raises(DeassistError) as caught:
        replay.complete(changed)
    assert caught.value.code == "DEA-REPLAY-MISMATCH"
    assert caught.value.message == ('case c: model request 1 differs from the recording at '
                                    'request.messages[1].content[0].content: recorded "3 tables", now "4 tables"; '
                                    'record the cassette again')
    assert replay.mismatch is caught.value


@pytest.mark.parametrize(("text", "message"), [("{", "not a cassette (line 1"), ('{"version": 9, "cases": {}}', "not a version 1"),
                                               ('{"version": 1, "cases": {"a": [{"turn": {}}]}}', "lacks its request")])
def test_a_damaged_cassette_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "c.json").write_text(text)
    with pytest.raises(DeassistError, match="DEA-REPLAY-CASSETTE") as caught:
        Cassette.load(tmp_path / "c.json")
    assert message in caught.value.message
