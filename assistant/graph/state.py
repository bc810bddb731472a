"""The graph's state: plain JSON-able values, so the SQLite checkpointer stores them as they are."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


def collect(old: list[Any] | None, new: list[Any] | None) -> list[Any]:
    """Append-only within one request; a None write (the start of a request) empties the list."""
    return [] if new is None else [*(old or []), *new]


class AgentInput(TypedDict):
    agent: str
    role: str  # "lead" | "collaborator"
    language: str
    brief: str
    history: list[dict[str, Any]]  # earlier turns of the conversation, as messages


class AgentState(AgentInput, total=False):
    messages: Annotated[list[dict[str, Any]], operator.add]
    turns: int
    repairs: int
    continued: int  # replies cut at max_tokens that were asked to continue
    partial: str  # their text, to which the continuation is appended
    next: str
    notes: Annotated[list[dict[str, Any]], collect]
    validated: Annotated[list[str], collect]
    failed: Annotated[list[str], collect]
    commits: Annotated[list[str], collect]


class AgentOutput(TypedDict, total=False):
    notes: Annotated[list[dict[str, Any]], collect]
    validated: Annotated[list[str], collect]
    failed: Annotated[list[str], collect]
    commits: Annotated[list[str], collect]


class GraphState(TypedDict, total=False):
    request: str
    sources: list[str]  # the session's sources when the request was asked, so a resumed run has them too
    language: str
    lead: str
    collaborators: list[str]
    notes: Annotated[list[dict[str, Any]], collect]
    validated: Annotated[list[str], collect]
    failed: Annotated[list[str], collect]
    commits: Annotated[list[str], collect]
    route_reason: str
    answer: str
    truncated: bool
    validated_sql: list[str]
    failed_sql: list[str]
    agents: list[str]
    commit_message: str | None
    history: Annotated[list[dict[str, Any]], operator.add]
