"""The typed brief a backend receives beside the rendered prompt: the request, the role, the catalog, the notes.

It belongs to the backend protocol (it rides on `ModelRequest`), so a backend that reads structure, the
offline planner, needs nothing from the graph that builds it (assistant/graph/briefs.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.reading import Verdict
from tools.catalog.model import Catalog

ROLE_LEAD = "lead"
ROLE_COLLABORATOR = "collaborator"


@dataclass(frozen=True)
class Note:
    agent: str
    text: str


@dataclass(frozen=True)
class PastTurn:
    """An earlier turn of the session: what was asked and how the answer read it."""

    request: str
    answer: str
    verdict: Verdict = field(default_factory=Verdict)


@dataclass(frozen=True)
class AgentBrief:
    request: str
    role: str  # ROLE_LEAD | ROLE_COLLABORATOR
    lead: str
    language: str
    catalog: Catalog = field(default_factory=Catalog)
    dialect: str = "duckdb"
    tables: list[str] = field(default_factory=list)  # the tables relevant to the request, most relevant first
    notes: list[Note] = field(default_factory=list)
    collaborators: list[str] = field(default_factory=list)
    memory: str = ""
    history: list[PastTurn] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        """Everything but the catalog, as JSON-able values the graph's checkpointer can store."""
        data = asdict(self)
        data.pop("catalog")
        data["history"] = [{"request": t.request, "answer": t.answer, "verdict": t.verdict.to_dict()} for t in self.history]
        return data

    @classmethod
    def from_facts(cls, facts: dict[str, Any], catalog: Catalog) -> AgentBrief:
        return cls(
            **{k: v for k, v in facts.items() if k not in {"notes", "history"}},
            catalog=catalog,
            notes=[Note(**n) for n in facts.get("notes", [])],
            history=[PastTurn(t["request"], t["answer"], Verdict.from_dict(t.get("verdict"))) for t in facts.get("history", [])],
        )
