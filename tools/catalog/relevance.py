"""Which tables a request is about, and the short schema text a prompt carries for them.

A large catalog never goes whole to a model: the prompt names the relevant tables and the agent
fetches more through the catalog tools.
"""

from __future__ import annotations

from tools.catalog.model import Catalog, Table
from tools.words import words


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
        lines.append(f"table {table.qualified_name} ({', '.join(facts)})")
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
