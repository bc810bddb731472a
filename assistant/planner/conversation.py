"""What the planner reads from a ModelRequest: the typed brief of the current request and the tool results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from assistant.backends.base import ModelRequest, TextBlock, ToolResultBlock, ToolUseBlock
from assistant.backends.brief import AgentBrief
from tools.catalog.relevance import schema_brief


@dataclass
class Step:
    name: str
    input: dict[str, Any]
    output: Any
    is_error: bool


@dataclass
class Conversation:
    brief: AgentBrief
    tools: set[str]
    steps: list[Step] = field(default_factory=list)
    last_text: str = ""

    @property
    def role(self) -> str:
        return self.brief.role

    @property
    def lead(self) -> str:
        return self.brief.lead

    @property
    def language(self) -> str:
        return self.brief.language

    @property
    def request(self) -> str:
        return self.brief.request

    @property
    def dialect(self) -> str:
        return self.brief.dialect

    @property
    def memory(self) -> str:
        return self.brief.memory

    @property
    def notes(self) -> list[tuple[str, str]]:
        return [(n.agent, n.text) for n in self.brief.notes]

    @property
    def sources(self) -> str:
        """The relevant tables and their columns, as the schema summary the toolbox writes ("" without sources)."""
        catalog = self.brief.catalog
        tables = [t for name in self.brief.tables if (t := catalog.table(name)) is not None]
        return schema_brief(catalog, tables, self.request) if tables else ""

    def done(self, name: str) -> list[Step]:
        return [s for s in self.steps if s.name == name]

    def last(self, name: str) -> Step | None:
        found = self.done(name)
        return found[-1] if found else None


def read(request: ModelRequest) -> Conversation:
    """The request's typed brief and the tool calls and results that followed the brief's message."""
    if request.brief is None:
        raise ValueError("the offline planner needs the typed brief of an agent turn")
    conversation = Conversation(brief=request.brief, tools={t.name for t in request.tools})
    start = _brief_index(request)
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
    return conversation


def _brief_index(request: ModelRequest) -> int:
    """The brief's message: the first after the session's earlier turns (a request and an answer each)."""
    history = 2 * len(request.brief.history) if request.brief else 0
    return min(history, max(len(request.messages) - 1, 0))


def _parse(content: str) -> Any:
    try:
        return json.loads(content)
    except (json.JSONDecodeError, TypeError):
        return content
