"""What the planner reads from a ModelRequest: the brief of the current request and the tool results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from assistant.backends.base import Message, ModelRequest, TextBlock, ToolResultBlock, ToolUseBlock
from assistant.planner.text import notes, tags


@dataclass
class Step:
    name: str
    input: dict[str, Any]
    output: Any
    is_error: bool


@dataclass
class Conversation:
    role: str
    lead: str
    language: str
    request: str
    sources: str
    dialect: str
    notes: list[tuple[str, str]]
    tools: set[str]
    steps: list[Step] = field(default_factory=list)
    repair: str | None = None  # the latest validation feedback on the planner's own answer
    last_text: str = ""
    memory: str = ""  # what project memory holds about the entities the request mentions

    def done(self, name: str) -> list[Step]:
        return [s for s in self.steps if s.name == name]

    def last(self, name: str) -> Step | None:
        found = self.done(name)
        return found[-1] if found else None


def read(request: ModelRequest) -> Conversation:
    """The current request's brief (the last user message carrying a <request> tag) and what followed it."""
    start = 0
    for index, message in enumerate(request.messages):
        if message.role == "user" and "<request>" in _text(message):
            start = index
    brief = tags(_text(request.messages[start]))
    conversation = Conversation(
        role=brief.get("role", "lead"),
        lead=brief.get("lead", "data-engineer"),
        language=brief.get("language", "en"),
        request=brief.get("request", _text(request.messages[start])),
        sources=brief.get("sources", ""),
        dialect=brief.get("dialect", "duckdb"),
        notes=notes(_text(request.messages[start])),
        tools={t.name for t in request.tools},
        memory=brief.get("memory", ""),
    )
    calls: dict[str, ToolUseBlock] = {}
    for message in request.messages[start + 1 :]:
        for block in message.content:
            if isinstance(block, ToolUseBlock):
                calls[block.id] = block
            elif isinstance(block, ToolResultBlock) and block.tool_use_id in calls:
                call = calls[block.tool_use_id]
                conversation.steps.append(Step(call.name, call.input, _parse(block.content), block.is_error))
            elif isinstance(block, TextBlock) and message.role == "assistant":
                conversation.last_text = block.text
            elif isinstance(block, TextBlock) and "<validation" in block.text:
                conversation.repair = block.text
    return conversation


def _text(message: Message) -> str:
    return "".join(b.text for b in message.content if isinstance(b, TextBlock))


def _parse(content: str) -> Any:
    try:
        return json.loads(content)
    except (json.JSONDecodeError, TypeError):
        return content
