"""Catalog tools: list, search and describe the tables of the session's sources, and profile them.

A large catalog never goes whole to an agent: the prompt carries the tables relevant to the request
(`relevant_tables`, `schema_brief`), and the agent fetches more through these tools.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required
from tools.catalog.model import Catalog, Table

LIST_LIMIT = 100
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-case words of `text`, snake_case and camelCase split, simple plurals folded."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return [singular(w.lower()) for w in WORD.findall(spaced)]


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def relevance(table: Table, terms: set[str]) -> float:
    """How strongly a request's words point at a table: its name counts most, then its columns."""
    name_words = set(words(table.name))
    score = 3.0 * len(name_words & terms)
    for column in table.columns:
        score += 0.5 * len(set(words(column.name)) & terms)
    return score


def relevant_tables(catalog: Catalog, text: str, limit: int = 8) -> list[Table]:
    """The tables a request is about, best first, plus the tables their foreign keys reach.

    A small catalog is relevant whole; a large one contributes only what the words point at.
    """
    if len(catalog.tables) <= limit:
        return list(catalog.tables)
    terms = set(words(text))
    scored = sorted(
        ((relevance(t, terms), i, t) for i, t in enumerate(catalog.tables)), key=lambda item: (-item[0], item[1])
    )
    chosen = [t for score, _, t in scored if score > 0][:limit]
    for table in list(chosen):
        for fk in table.foreign_keys:
            target = catalog.table(fk.ref_table)
            if target is not None and target not in chosen and len(chosen) < limit + 4:
                chosen.append(target)
    return chosen


def schema_brief(catalog: Catalog, tables: list[Table], text: str = "", max_columns: int = 24) -> str:
    """Names, keys and columns of `tables`, one block each, and a line saying how many more exist.

    A wide table shows its keys and the columns the request's words name first, then the rest up to
    `max_columns`."""
    terms = set(words(text))
    lines: list[str] = []
    for table in tables:
        facts = [table.source.display]
        if table.row_count is not None:
            facts.append(f"{table.row_count} rows")
        lines.append(f"table {_qualified(table)} ({', '.join(facts)})")
        keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
        ranked = (
            sorted(table.columns, key=lambda c: (c.name not in keys, not (set(words(c.name)) & terms)))
            if len(table.columns) > max_columns
            else table.columns
        )
        shown = ranked[:max_columns]
        lines.append("  columns: " + ", ".join(f"{c.name} {c.type}" for c in shown))
        if len(table.columns) > max_columns:
            lines.append(f"  ... {len(table.columns) - max_columns} more columns (inspect shows all)")
        if table.primary_key:
            lines.append("  primary key: " + ", ".join(table.primary_key))
        for fk in table.foreign_keys:
            lines.append(f"  foreign key: ({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)})")
    rest = len(catalog.tables) - len(tables)
    if rest > 0:
        lines.append(f"... and {rest} more tables: inspect and search_catalog find them")
    return "\n".join(lines)


def _qualified(table: Table) -> str:
    return f"{table.schema}.{table.name}" if table.schema else table.name


def _summary(table: Table) -> dict[str, Any]:
    return {
        "name": _qualified(table),
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
    tables = [t for t in context.catalog.tables if match in _qualified(t).lower()]
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
            hits.append((score, _qualified(table), columns))
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
