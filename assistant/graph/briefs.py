"""What each agent is told: the request, the language, the relevant part of the schema, the notes.

Sections are tagged (`<request>`, `<sources>`, `<notes from="...">`) so a model and the offline
planner read the same message the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.roster import Persona
from assistant.routing.cards import cards_to_lines
from assistant.toolbox.catalog import relevant_tables, schema_brief
from tools.catalog.model import Catalog


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
) -> str:
    parts = [f"<role>{role}</role>", f"<lead>{lead}</lead>", f"<language>{language}</language>"]
    if collaborators:
        parts.append(f"<collaborators>{', '.join(collaborators)}</collaborators>")
    if catalog.tables:
        parts.append(f"<dialect>{dialect}</dialect>")
        tables = relevant_tables(catalog, request)
        parts.append(
            f'<sources total_tables="{len(catalog.tables)}">\n{schema_brief(catalog, tables, request)}\n</sources>'
        )
    else:
        parts.append("<sources>none given: the user passed no --data</sources>")
    if memory:
        parts.append(f"<memory>\n{memory}\n</memory>")
    for note in notes or []:
        parts.append(f'<notes from="{note["agent"]}">\n{note["text"]}\n</notes>')
    parts.append(f"<request>\n{request}\n</request>")
    if role == "collaborator":
        parts.append(
            f"You are consulted by the lead, {lead}. Use the tools, then write short notes from your expertise for"
            " the lead: findings grounded in the sources, risks, and concrete recommendations. Validate any SQL."
        )
    else:
        parts.append("Answer the user. Fold in the collaborators' notes and name who contributed.")
    return "\n".join(parts)
