"""The model-backend protocol: one small interface, one module per backend, chosen by name.

Messages and tool calls use the Anthropic Messages shape (text, tool_use and tool_result blocks),
which every backend, the offline planner included, speaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.reading import Verdict

if TYPE_CHECKING:
    from assistant.backends.brief import AgentBrief


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass(frozen=True)
class TextBlock:
    text: str


@dataclass(frozen=True)
class ToolUseBlock:
    id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True)
class ToolResultBlock:
    tool_use_id: str
    content: str
    is_error: bool = False


Block = TextBlock | ToolUseBlock | ToolResultBlock


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    content: list[Block]


@dataclass(frozen=True)
class TurnUsage:
    """What a turn cost, as the backend reports it; the session's `events.Usage` carries it to the faces."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: TurnUsage) -> TurnUsage:
        """The usage of both, for totals over a request."""
        return TurnUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.cost_usd + other.cost_usd,
        )


@dataclass(frozen=True)
class ModelTurn:
    """One assistant turn: its blocks, why it stopped, and what it cost."""

    content: list[Block]
    stop_reason: Literal["end_turn", "tool_use", "max_tokens", "stop_sequence", "refusal"]
    usage: TurnUsage = field(default_factory=TurnUsage)
    model: str = ""
    notes: tuple[str, ...] = ()  # what the backend changed about the request (shown with --verbose)
    verdict: Verdict | None = None  # set by a backend that knows whether it answered (the offline planner)


@dataclass(frozen=True)
class ModelRequest:
    system: str
    messages: list[Message]
    tools: list[ToolSpec]
    model_alias: str = "sonnet"
    temperature: float = 0.2
    max_tokens: int = 4096
    brief: AgentBrief | None = None  # the same brief as typed data, for a backend that reads structure


class ModelBackend(Protocol):
    """A model behind deassist's agents. `on_text` receives text deltas as they stream."""

    name: str

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelTurn: ...
