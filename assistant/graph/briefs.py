"""What each agent is told: the request, the language, the relevant part of the schema, the notes.

A model reads the brief as tagged text (`<request>`, `<sources>`, `<notes from="...">`); a backend
that reads structure (the offline planner) gets the same brief as an `AgentBrief` on the request, so
no backend re-parses the prose the graph wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.backends.brief import ROLE_COLLABORATOR, AgentBrief, Note, PastTurn
from assistant.reading import Verdict
from assistant.roster import Persona
from assistant.routing.cards import cards_to_lines
from tools.catalog.model import Catalog
from tools.catalog.relevance import relevant_tables, schema_brief


def coordinator_brief(request: str, roster: Mapping[str, Persona]) -> str:
    """The roster as routing cards (JSON lines, every language: the offline router ranks on all of them), then the request."""
    cards = [card for p in roster.values() for card in p.cards]
    lines = ["<roster>", cards_to_lines(cards), "</roster>", f"<request>\n{request}\n</request>"]
    lines.append("Call the route tool with the lead and the collaborators this request needs.")
    return "\n".join(lines)


def agent_brief(
    *,
    request: str,
    role: str,
    lead: str,
    language: str,
    catalog: Catalog,
    notes: list[dict[str, str]] | None = None,
    collaborators: list[str] | None = None,
    dialect: str = "duckdb",
    memory: str = "",
    history: list[dict[str, Any]] | None = None,
) -> AgentBrief:
    """The brief for one agent; `history` holds the session's earlier turns as the graph stores them."""
    return AgentBrief(
        request=request,
        role=role,
        lead=lead,
        language=language,
        catalog=catalog,
        dialect=dialect,
        tables=[t.name for t in relevant_tables(catalog, request)] if catalog.tables else [],
        notes=[Note(n["agent"], n["text"]) for n in notes or []],
        collaborators=list(collaborators or []),
        memory=memory,
        history=[
            PastTurn(t["request"], t.get("answer", ""), Verdict.from_dict(t.get("verdict"))) for t in history or []
        ],
    )


def render_brief(brief: AgentBrief) -> str:
    """The brief as the tagged text a model reads."""
    catalog = brief.catalog
    parts = [f"<role>{brief.role}</role>", f"<lead>{brief.lead}</lead>", f"<language>{brief.language}</language>"]
    if brief.collaborators:
        parts.append(f"<collaborators>{', '.join(brief.collaborators)}</collaborators>")
    if catalog.tables:
        parts.append(f"<dialect>{brief.dialect}</dialect>")
        tables = [t for name in brief.tables if (t := catalog.table(name)) is not None]
        parts.append(
            f'<sources total_tables="{len(catalog.tables)}">\n{schema_brief(catalog, tables, brief.request)}\n</sources>'
        )
    else:
        parts.append("<sources>none given: the user passed no --data</sources>")
    if brief.memory:
        parts.append(f"<memory>\n{brief.memory}\n</memory>")
    for note in brief.notes:
        parts.append(f'<notes from="{note.agent}">\n{note.text}\n</notes>')
    parts.append(f"<request>\n{brief.request}\n</request>")
    if brief.role == ROLE_COLLABORATOR:
        parts.append(
            f"You are consulted by the lead, {brief.lead}. Use the tools, then write short notes from your expertise for"
            " the lead: findings grounded in the sources, risks, and concrete recommendations. Validate any SQL."
        )
    else:
        parts.append("Answer the user. Fold in the collaborators' notes and name who contributed.")
    return "\n".join(parts)
