"""The graph's state: typed dicts of plain JSON-able values, so the SQLite checkpointer stores them as they are.

One key per fact. Keys that several agents write in the same step (they run in parallel) have a
reducer; the session starts each request by writing None to them, which empties them.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from assistant.graph.messages import MessageDict
from assistant.reading import VerdictDict

Role = Literal["lead", "collaborator"]


def collect(old: list[str] | None, new: list[str] | None) -> list[str]:
    """Append-only within one request, each item once; a None write (the start of a request) empties the list."""
    return [] if new is None else list(dict.fromkeys([*(old or []), *new]))


def append_notes(old: list[AgentNote] | None, new: list[AgentNote] | None) -> list[AgentNote]:
    """Append-only within one request; a None write (the start of a request) empties the list."""
    return [] if new is None else [*(old or []), *new]


def latest(old: str | None, new: str | None) -> str | None:
    """The last value written wins; a None write (the start of a request) clears it."""
    return new


class AgentNote(TypedDict):
    """What one agent answered: the lead's is the request's answer, a collaborator's goes into the lead's brief."""

    agent: str
    role: Role
    text: str
    truncated: bool  # still cut at the model's output limit after its continuations
    verdict: VerdictDict | None  # whether it answered, when its backend knows (the offline planner)


class Turn(TypedDict):
    """One finished request of the conversation, as later requests see it."""

    request: str
    answer: str
    agents: list[str]
    validated_sql: list[str]
    verdict: VerdictDict | None


class AgentInput(TypedDict):
    agent: str
    role: Role
    language: str
    brief: str
    facts: dict[str, Any]  # the same brief as JSON-able data (AgentBrief.facts), for backends that read structure
    history: list[MessageDict]  # earlier turns of the conversation, as messages


class AgentOutput(TypedDict, total=False):
    notes: Annotated[list[AgentNote], append_notes]
    validated_sql: Annotated[list[str], collect]  # SQL that passed validation (or ran)
    failed_sql: Annotated[list[str], collect]  # SQL shown that still failed validation after repairs
    commit_message: Annotated[str | None, latest]  # the last commit message an agent proposed


class AgentState(AgentInput, AgentOutput, total=False):
    messages: Annotated[list[MessageDict], operator.add]
    turns: int
    repairs: int
    continued: int  # replies cut at max_tokens that were asked to continue
    partial: str  # their text, to which the continuation is appended
    next: Literal["model", "tools", "__end__"]


class GraphState(AgentOutput, total=False):
    request: str
    sources: list[str]  # the session's sources when the request was asked, so a resumed run has them too
    language: str
    lead: str
    collaborators: list[str]
    route_reason: str
    answer: str
    truncated: bool
    agents: list[str]
    verdict: VerdictDict | None  # the lead's Verdict.to_dict(), when its backend gave one
    history: Annotated[list[Turn], operator.add]
