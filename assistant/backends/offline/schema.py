"""The schema as the offline planner places words on it: tables, columns, values, and the joins between them.

Joins follow foreign keys, declared or inferred from naming (`customer_id` in orders names the key of
customers) and, once the data was profiled, confirmed by value overlap. Only many-to-one steps are
taken, so a join never repeats the rows being counted or summed.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.backends.offline.lexicon import units_of
from assistant.reading import Join
from tools.words import singular
from tools.catalog.model import Catalog, Table

NUMERIC = re.compile(r"INT|DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL|MONEY", re.IGNORECASE)
TEMPORAL = re.compile(r"DATE|TIME", re.IGNORECASE)
MIN_OVERLAP = 0.9  # a naming-inferred key whose values are mostly missing from the target is no key


@dataclass(frozen=True)
class Edge:
    """child.column -> parent.key: each child row meets at most one parent row."""

    child: str
    column: str
    parent: str
    key: str


@dataclass
class SchemaIndex:
    catalog: Catalog
    values: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (table, column) -> values seen
    partial: set[tuple[str, str]] = field(default_factory=set)  # columns with more values than were seen
    edges: list[Edge] = field(default_factory=list)

    @classmethod
    def of(cls, catalog: Catalog, profile: Any = None) -> SchemaIndex:
        index = cls(catalog)
        overlap: dict[tuple[str, str, str], float] = {}
        for table in (profile or {}).get("tables", []) if isinstance(profile, dict) else []:
            for column in table["profile"]["columns"]:
                top = [str(t["value"]) for t in column.get("top_values") or [] if t["value"] is not None]
                if top and not column.get("pii"):
                    index.values[(table["name"], column["name"])] = top
                    if column.get("distinct") is None or column["distinct"] > len(top):
                        index.partial.add((table["name"], column["name"]))
            for fk in table["profile"].get("foreign_key_candidates", []):
                if len(fk["columns"]) == 1:
                    overlap[(table["name"], fk["columns"][0], fk["references"]["table"])] = fk["inclusion"]
        index.edges = _edges(catalog, overlap)
        return index

    def table(self, name: str) -> Table:
        found = self.catalog.table(name)
        assert found is not None, name
        return found

    def key(self, table: Table) -> str | None:
        if table.primary_key:
            return table.primary_key[0]
        stem = singular(table.name.lower())
        return next((c.name for c in table.columns if c.name.lower() in {f"{stem}_id", "id"}), None)

    def numeric(self, table: str, column: str) -> bool:
        found = self.table(table).column(column)
        return bool(found and NUMERIC.search(found.type))

    def temporal_columns(self, table: str) -> list[str]:
        return [c.name for c in self.table(table).columns if TEMPORAL.search(c.type)]

    def path(self, start: str, goal: str) -> list[Edge] | None:
        """The shortest many-to-one path from `start` to `goal`; None when only a fan-out reaches it."""
        if start == goal:
            return []
        seen = {start}
        queue: deque[tuple[str, list[Edge]]] = deque([(start, [])])
        while queue:
            here, taken = queue.popleft()
            for edge in self.edges:
                if edge.child == here and edge.parent not in seen:
                    if edge.parent == goal:
                        return [*taken, edge]
                    seen.add(edge.parent)
                    queue.append((edge.parent, [*taken, edge]))
        return None

    def source_names(self) -> set[tuple[str, ...]]:
        """The names of the sources themselves ("the shop data" names the shop folder): filler, not schema."""
        names = set()
        for table in self.catalog.tables:
            path = Path(table.source.display.rstrip("/"))
            names |= {units_of(path.stem), units_of(path.parent.name)} if path.suffix else {units_of(path.stem)}
        table_names = {units_of(t.name) for t in self.catalog.tables}
        return {n for n in names if n and n not in table_names}

    def names(self) -> dict[tuple[str, ...], list[tuple[str, str | None, str | None]]]:
        """Unit runs -> the (table, column, value) they can name: tables, columns, and values seen in the data."""
        found: dict[tuple[str, ...], list[tuple[str, str | None, str | None]]] = {}
        for table in self.catalog.tables:
            for key in {units_of(table.name), units_of(table.name.replace("_", " "))}:
                found.setdefault(key, []).append((table.name, None, None))
            for column in table.columns:
                for key in {units_of(column.name), units_of(column.name.replace("_", " "))}:
                    found.setdefault(key, []).append((table.name, column.name, None))
        for (table_name, column_name), values in self.values.items():
            # A number in a question is a number (a limit, a threshold); only words are matched to values.
            for value in (v for v in values if not v.replace(".", "", 1).lstrip("-").isdigit()):
                for key in {units_of(value), units_of(value.replace("_", " ").replace("-", " "))}:
                    if key:
                        found.setdefault(key, []).append((table_name, column_name, value))
        return found


def _edges(catalog: Catalog, overlap: dict[tuple[str, str, str], float]) -> list[Edge]:
    edges: list[Edge] = []
    for table in catalog.tables:
        declared = {fk.columns[0].lower() for fk in table.foreign_keys if len(fk.columns) == 1}
        for fk in table.foreign_keys:
            if len(fk.columns) == 1:
                edges.append(Edge(table.name, fk.columns[0], fk.ref_table, fk.ref_columns[0]))
        for column in table.columns:
            name = column.name.lower()
            if not name.endswith("_id") or name in declared:
                continue
            stem = name[:-3]
            for parent in catalog.tables:
                if parent is table or singular(parent.name.lower()) not in {stem, singular(stem)}:
                    continue
                key = next((c.name for c in parent.columns if c.name.lower() in {name, "id"}), None)
                seen = overlap.get((table.name, column.name, parent.name))
                if key is not None and (seen is None or seen >= MIN_OVERLAP):
                    edges.append(Edge(table.name, column.name, parent.name, key))
    return edges


def join_of(edge: Edge) -> Join:
    return Join(edge.child, edge.column, edge.parent, edge.key)
