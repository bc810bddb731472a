"""The one event stream a session emits and every face (CLI, TUI, eval runner) consumes.

Faces never see model backends: they render these events and answer approval requests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.reading import ANSWERED, Outcome, Reading
from assistant.backends.base import TurnUsage

# The actor on the events of a tool the user ran through a face (`Session.run_tool`): no agent did it.
USER = "you"


@dataclass(frozen=True)
class AgentStarted:
    agent: str
    role: Literal["coordinator", "lead", "collaborator"]


@dataclass(frozen=True)
class AgentFinished:
    agent: str


@dataclass(frozen=True)
class TextDelta:
    agent: str
    text: str


@dataclass(frozen=True)
class ToolCall:
    agent: str
    call_id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    agent: str
    call_id: str
    name: str
    output: Any
    is_error: bool = False


@dataclass(frozen=True)
class ValidationResult:
    agent: str
    sql: str
    dialect: str
    valid: bool
    diagnostics: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedChange:
    """A file an approved write would create or change, with its diff summary and the diff itself."""

    path: str  # as it will be written, relative to the work directory
    action: Literal["create", "update", "beside"]  # beside: the user's file is kept, the new one goes next to it
    added: int  # lines
    removed: int
    diff: str = ""  # unified diff (cut for very long files; the counts are whole)
    note: str = ""  # why a file goes beside the user's


@dataclass(frozen=True)
class ApprovalRequest:
    """Something that would run against a user's source or write to disk; nothing happens before a yes."""

    approval_id: str
    agent: str
    kind: Literal["run_sql", "write_file", "commit"]
    summary: str
    detail: str
    changes: list[PlannedChange] = field(default_factory=list)  # every file a write would create or change

    def to_payload(self) -> dict[str, Any]:
        """Plain data, as a graph interrupt carries it (and checkpoints keep it)."""
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ApprovalRequest:
        changes = [PlannedChange(**c) for c in payload.get("changes") or []]
        return cls(**{**payload, "changes": changes})


@dataclass(frozen=True)
class ApprovalDecision:
    approval_id: str
    approved: bool


@dataclass(frozen=True)
class Usage:
    """One model turn's usage, and the model that answered it."""

    usage: TurnUsage
    model: str = ""


@dataclass(frozen=True)
class FinalAnswer:
    text: str
    agents: list[str]
    validated_sql: list[str] = field(default_factory=list)
    commit_message: str | None = None
    failed_sql: list[str] = field(default_factory=list)  # SQL shown that still failed validation after repairs
    truncated: bool = False  # the lead's answer still hit the model's output limit after its continuations
    outcome: Outcome = ANSWERED  # "declined": the lead could not answer the question asked and said so
    declined_reason: str | None = None
    reading: Reading | None = None  # how an analytic question was read onto the schema


@dataclass(frozen=True)
class Notice:
    """Something a face shows only when asked to be verbose: what a backend changed or left out."""

    agent: str
    text: str


@dataclass(frozen=True)
class ErrorEvent:
    code: str
    message: str
    exit_code: int = 1  # what a CLI exits with: 2 for a usage problem (a rejected key), 1 otherwise


Event = (
    AgentStarted
    | AgentFinished
    | TextDelta
    | ToolCall
    | ToolResult
    | ValidationResult
    | ApprovalRequest
    | ApprovalDecision
    | Usage
    | FinalAnswer
    | ErrorEvent
    | Notice
)
