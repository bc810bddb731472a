"""Record a backend's model exchanges to a cassette, and replay them offline.

`RecordingBackend` wraps any backend and keeps each (ModelRequest, ModelTurn) pair it passes on.
`ReplayBackend` answers from those pairs without a model: a request must equal a recorded one
(the first unused match, so agents that run in parallel may ask in any order), else it raises
`DEA-REPLAY-MISMATCH` naming the first difference. Paths that differ from run to run (the working
directory, the data directory) are stored as placeholders such as ``{workdir}``.

A cassette file is JSON: ``{"version": 1, "model": ..., "cases": {name: [{"request", "turn"}, ...]}}``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.backends.base import (
    Block,
    Message,
    ModelBackend,
    ModelRequest,
    ModelTurn,
    TextBlock,
    ToolResultBlock,
    ToolSpec,
    ToolUseBlock,
    TurnUsage,
)
from tools.errors import FAILURE, USAGE, DeassistError

VERSION = 1
MISMATCH = "DEA-REPLAY-MISMATCH"
CASSETTE = "DEA-REPLAY-CASSETTE"


@dataclass(frozen=True)
class Exchange:
    request: dict[str, Any]  # as `request_to_json`, placeholders in place of run-specific paths
    turn: dict[str, Any]


# -- JSON shapes ----------------------------------------------------------------------------------


def block_to_json(block: Block) -> dict[str, Any]:
    if isinstance(block, TextBlock):
        return {"type": "text", "text": block.text}
    if isinstance(block, ToolUseBlock):
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return {"type": "tool_result", "tool_use_id": block.tool_use_id, "content": block.content, "is_error": block.is_error}


def block_from_json(data: dict[str, Any]) -> Block:
    if data["type"] == "text":
        return TextBlock(data["text"])
    if data["type"] == "tool_use":
        return ToolUseBlock(data["id"], data["name"], data["input"])
    return ToolResultBlock(data["tool_use_id"], data["content"], data.get("is_error", False))


def request_to_json(request: ModelRequest) -> dict[str, Any]:
    return {
        "system": request.system,
        "messages": [{"role": m.role, "content": [block_to_json(b) for b in m.content]} for m in request.messages],
        "tools": [{"name": t.name, "description": t.description, "input_schema": t.input_schema} for t in request.tools],
        "model_alias": request.model_alias,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }


def turn_to_json(turn: ModelTurn) -> dict[str, Any]:
    usage = turn.usage
    return {
        "content": [block_to_json(b) for b in turn.content],
        "stop_reason": turn.stop_reason,
        "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
                  "cache_read_tokens": usage.cache_read_tokens, "cache_write_tokens": usage.cache_write_tokens,
                  "cost_usd": usage.cost_usd},
        "model": turn.model,
    }


def turn_from_json(data: dict[str, Any]) -> ModelTurn:
    return ModelTurn(
        content=[block_from_json(b) for b in data["content"]],
        stop_reason=data["stop_reason"],
        usage=TurnUsage(**data.get("usage", {})),
        model=data.get("model", ""),
    )


def request_from_json(data: dict[str, Any]) -> ModelRequest:
    return ModelRequest(
        system=data["system"],
        messages=[Message(m["role"], [block_from_json(b) for b in m["content"]]) for m in data["messages"]],
        tools=[ToolSpec(t["name"], t["description"], t["input_schema"]) for t in data["tools"]],
        model_alias=data["model_alias"],
        temperature=data["temperature"],
        max_tokens=data["max_tokens"],
    )


def substitute(value: Any, replacements: Mapping[str, str]) -> Any:
    """`value` with every string's occurrences of each key replaced by its value (longest keys first)."""
    if isinstance(value, str):
        for old in sorted(replacements, key=len, reverse=True):
            if old:
                value = value.replace(old, replacements[old])
        return value
    if isinstance(value, list):
        return [substitute(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, replacements) for k, v in value.items()}
    return value


# -- backends -------------------------------------------------------------------------------------


class RecordingBackend:
    """Passes every request to `inner` and keeps the exchange, with `placeholders` ({path: "{name}"}) applied."""

    def __init__(self, inner: ModelBackend, placeholders: Mapping[str, str] | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.placeholders = dict(placeholders or {})
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelTurn:
        turn = self.inner.complete(request, on_text)
        exchange = Exchange(substitute(request_to_json(request), self.placeholders),
                            substitute(turn_to_json(turn), self.placeholders))
        with self._lock:
            self.exchanges.append(exchange)
        return turn


class ReplayBackend:
    """Answers from recorded exchanges; `placeholders` maps the same paths to the names used when recording."""

    def __init__(self, exchanges: list[Exchange], name: str = "replay", placeholders: Mapping[str, str] | None = None,
                 label: str = "the cassette") -> None:
        self.name = name
        self.label = label
        self.placeholders = dict(placeholders or {})
        self._unused = list(exchanges)
        self._served = 0
        self._lock = threading.Lock()
        self.mismatch: DeassistError | None = None

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelTurn:
        wanted = substitute(request_to_json(request), self.placeholders)
        with self._lock:
            index = next((i for i, e in enumerate(self._unused) if e.request == wanted), None)
            if index is None:
                self.mismatch = self._mismatch(wanted)
                raise self.mismatch
            exchange = self._unused.pop(index)
            self._served += 1
        back = {v: k for k, v in self.placeholders.items()}
        turn = turn_from_json(substitute(exchange.turn, back))
        if on_text:
            for block in turn.content:
                if isinstance(block, TextBlock):
                    on_text(block.text)
        return turn

    def _mismatch(self, wanted: dict[str, Any]) -> DeassistError:
        number = self._served + 1
        if not self._unused:
            return DeassistError(MISMATCH, f"{self.label}: model request {number} was not recorded "
                                           f"(the cassette holds {self._served}); record it again", exit_code=FAILURE)
        where = first_difference(self._unused[0].request, wanted)
        return DeassistError(MISMATCH, f"{self.label}: model request {number} differs from the recording at {where}; "
                                       "record the cassette again", exit_code=FAILURE)


def first_difference(recorded: Any, now: Any, path: str = "request") -> str:
    """Where two JSON values first differ, with both sides shortened: `messages[2].content[0].text: 'a' != 'b'`."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        for key in [*recorded, *(k for k in now if k not in recorded)]:
            if recorded.get(key) != now.get(key):
                return first_difference(recorded.get(key), now.get(key), f"{path}.{key}")
    elif isinstance(recorded, list) and isinstance(now, list):
        for i, (a, b) in enumerate(zip(recorded, now)):
            if a != b:
                return first_difference(a, b, f"{path}[{i}]")
        return f"{path}: {len(recorded)} items recorded, {len(now)} now"
    return f"{path}: recorded {_short(recorded)}, now {_short(now)}"


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# -- the file -------------------------------------------------------------------------------------


@dataclass
class Cassette:
    model: str
    cases: dict[str, list[Exchange]]

    def save(self, path: Path) -> None:
        data = {"version": VERSION, "model": self.model,
                "cases": {k: [{"request": e.request, "turn": e.turn} for e in v] for k, v in sorted(self.cases.items())}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise DeassistError(CASSETTE, f"{path}: cannot write the cassette ({exc.strerror})", exit_code=FAILURE) from None

    @classmethod
    def load(cls, path: Path) -> Cassette:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DeassistError(CASSETTE, f"{path}: cannot read the cassette ({exc.strerror})", exit_code=USAGE) from None
        except json.JSONDecodeError as exc:
            raise DeassistError(CASSETTE, f"{path}: not a cassette (line {exc.lineno}: {exc.msg})", exit_code=USAGE) from None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("cases"), dict):
            raise DeassistError(CASSETTE, f"{path}: not a version {VERSION} cassette", exit_code=USAGE)
        try:
            cases = {k: [Exchange(e["request"], e["turn"]) for e in v] for k, v in data["cases"].items()}
        except (KeyError, TypeError):
            raise DeassistError(CASSETTE, f"{path}: an exchange lacks its request or turn", exit_code=USAGE) from None
        return cls(str(data.get("model", "")), cases)
