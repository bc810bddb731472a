"""What one run of a case produced, gathered from the session's event stream for the graders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import events as ev
from assistant.reading import ANSWERED


@dataclass
class ToolUse:
    agent: str
    name: str
    input: dict[str, Any]
    output: Any = None
    is_error: bool = False
    call_id: str = ""


@dataclass
class Observation:
    workdir: Path
    text: str = ""
    agents: list[str] = field(default_factory=list)  # every agent that took part, in order of first appearance
    validated_sql: list[str] = field(default_factory=list)
    commit_message: str | None = None
    tool_uses: list[ToolUse] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)  # summaries and details of approval requests
    streamed: list[str] = field(default_factory=list)  # text deltas, for transcript-wide checks
    error: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    model: str = ""
    finished: bool = False
    outcome: str = ANSWERED  # "declined" when the answer said what it could not answer

    def add(self, event: object) -> None:
        """Fold one session event into the observation; unknown events are tolerated."""
        if isinstance(event, ev.AgentStarted):
            self._agent(event.agent)
        elif isinstance(event, ev.ToolCall):
            self.tool_uses.append(ToolUse(event.agent, event.name, dict(event.input), call_id=event.call_id))
        elif isinstance(event, ev.ToolResult):
            use = next((u for u in reversed(self.tool_uses) if u.call_id == event.call_id), None)
            if use is not None:
                use.output, use.is_error = event.output, event.is_error
        elif isinstance(event, ev.TextDelta):
            self.streamed.append(event.text)
        elif isinstance(event, ev.ApprovalRequest):
            self.approvals.append(f"{event.summary}\n{event.detail}")
        elif isinstance(event, ev.Usage):
            self.input_tokens += event.usage.input_tokens
            self.output_tokens += event.usage.output_tokens
            self.cost_usd += event.usage.cost_usd
            self.model = event.model or self.model
        elif isinstance(event, ev.FinalAnswer):
            self.text = event.text
            for agent in event.agents:
                self._agent(agent)
            self.validated_sql = list(event.validated_sql)
            self.commit_message = event.commit_message
            self.outcome = event.outcome
            self.finished = True
        elif isinstance(event, ev.ErrorEvent):
            self.error = f"{event.code}: {event.message}"

    def _agent(self, name: str) -> None:
        if name not in self.agents:
            self.agents.append(name)

    def transcript(self) -> str:
        """Everything the run showed or sent to a tool, as one text (for secrets that must never appear)."""
        parts = [self.text, *self.streamed, *self.approvals, self.commit_message or "", self.error or ""]
        for use in self.tool_uses:
            parts.append(json.dumps(use.input, default=str))
            parts.append(use.output if isinstance(use.output, str) else json.dumps(use.output, default=str))
        return "\n".join(parts)
