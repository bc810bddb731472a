"""Catalog tools: list, search and describe the tables of the session's sources, and profile them.

A large catalog never goes whole to an agent: the prompt carries the tables relevant to the request
(tools/catalog/relevance.py), and the agent fetches more through these tools.
"""

from __future__ import annotations

from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required
from tools.catalog.model import Catalog, Table
from tools.catalog.relevance import relevance
from tools.words import words

LIST_LIMIT = 100


def _summary(table: Table) -> dict[str, Any]:
    return {
        "name": table.qualified_name,
        "source": table.source.display,
        "row_count": table.row_count,
        "columns": len(table.columns),
        "primary_key": list(table.primary_key),
    }


def inspect(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    """Named tables in full; without names, a summary line per table (at most LIST_LIMIT)."""
    names = arguments.get("tables")
    if names:
        names = [names] if isinstance(names, str) else names
        return ToolOutput({"tables": [context.table(str(name)).to_dict() for name in names]})
    match = str(arguments.get("match") or "").lower()
    tables = [t for t in context.catalog.tables if match in t.qualified_name.lower()]
    if not context.catalog.tables:
        raise ToolError("no sources in this session: add one with --data")
    shown = tables[:LIST_LIMIT]
    data: dict[str, Any] = {"tables": [_summary(t) for t in shown], "total": len(tables)}
    if len(tables) > len(shown):
        data["note"] = f"{len(tables) - len(shown)} more; narrow with 'match' or use search_catalog"
    return ToolOutput(data)


def search_catalog(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    text = required(arguments, "query")
    terms = set(words(str(text)))
    hits = []
    for table in context.catalog.tables:
        score = relevance(table, terms)
        if score > 0:
            columns = [c.name for c in table.columns if set(words(c.name)) & terms]
            hits.append((score, table.qualified_name, columns))
    hits.sort(key=lambda h: -h[0])
    return ToolOutput({"matches": [{"table": name, "columns": columns} for _, name, columns in hits[:20]]})


def profile(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.profile import profile_catalog

    names = arguments.get("tables") or [t.name for t in context.catalog.tables]
    if isinstance(names, str):
        names = [names]
    if not context.catalog.tables:
        raise ToolError("no sources in this session: add one with --data")
    tables = [context.table(str(n)) for n in names]
    subset = Catalog(tables)
    profiles = profile_catalog(subset, sample=int(arguments.get("sample", 3)), policy=context.sql_policy)
    return ToolOutput({"tables": [p.to_dict() for p in profiles]})


def _describe_profile(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
    names = arguments.get("tables") or [t.name for t in context.catalog.tables]
    names = [names] if isinstance(names, str) else list(names)
    sources = sorted({t.source.display for t in context.catalog.tables if t.name in names} or {"the sources"})
    return (
        f"profile {len(names)} table{'s' * (len(names) != 1)} (read-only scans of {', '.join(sources)})",
        ", ".join(str(n) for n in names),
    )


TABLES_INPUT = {"type": "array", "items": {"type": "string"}, "description": "table names"}

TOOLS = [
    AgentTool(
        ToolSpec(
            "inspect",
            "The tables of the session's sources. With `tables`: every column with its type, keys, foreign keys"
            " and row count of those tables. Without: one summary line per table (filter with `match`).",
            {
                "type": "object",
                "properties": {
                    "tables": TABLES_INPUT,
                    "match": {"type": "string", "description": "substring of a name"},
                },
            },
        ),
        inspect,
    ),
    AgentTool(
        ToolSpec(
            "search_catalog",
            "Find the tables and columns whose names match the words of a query.",
            {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
        ),
        search_catalog,
    ),
    AgentTool(
        ToolSpec(
            "profile",
            "Profile the named tables (all when omitted): per column nulls, distincts, min/max, top values,"
            " semantic type and PII; keys and foreign-key candidates. Reads the data, so it needs approval.",
            {"type": "object", "properties": {"tables": TABLES_INPUT, "sample": {"type": "integer"}}},
        ),
        profile,
        approval="run_sql",
        describe=_describe_profile,
    ),
]
