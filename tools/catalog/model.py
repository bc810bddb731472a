"""The catalog model: sources -> tables -> columns, with keys and cheap row counts.

Every reader (files, DuckDB, SQLite, PostgreSQL, DDL) produces this one shape; validation, `run`,
profiling, drafting and the agents all consume it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SourceKind = Literal["ddl", "duckdb", "sqlite", "postgres", "files", "spark"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    comment: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "references": {"table": self.ref_table, "columns": list(self.ref_columns)},
        }


@dataclass(frozen=True)
class Source:
    """Where tables come from. `location` is a path, glob or connection string (password redacted in `display`)."""

    kind: SourceKind
    location: str = field(repr=False)  # may hold a password: kept out of reprs, tracebacks and logs
    display: str


@dataclass
class Table:
    name: str
    source: Source
    columns: list[Column]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    row_count: int | None = None
    schema: str | None = None
    kind: Literal["table", "view"] = "table"
    comment: str | None = None
    # For file sources: the DuckDB table function that reads the data (e.g. read_csv('a.csv', ...)).
    reader: str | None = None
    # Lakehouse tables (Spark): how the data is laid out, when the catalog says.
    partition_columns: list[str] = field(default_factory=list)
    storage_format: str | None = None

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **({"schema": self.schema} if self.schema else {}),
            "source": self.source.display,
            "row_count": self.row_count,
            "columns": [
                {"name": c.name, "type": c.type, "nullable": c.nullable} | ({"comment": c.comment} if c.comment else {})
                for c in self.columns
            ],
            "primary_key": list(self.primary_key),
            "foreign_keys": [fk.to_dict() for fk in self.foreign_keys],
            **({"partition_columns": list(self.partition_columns)} if self.partition_columns else {}),
            **({"format": self.storage_format} if self.storage_format else {}),
        }


@dataclass
class Catalog:
    tables: list[Table] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        """Find a table by name, case-insensitively; `schema.table` is accepted too."""
        lowered = name.lower()
        for table in self.tables:
            qualified = f"{table.schema}.{table.name}".lower() if table.schema else None
            if table.name.lower() == lowered or qualified == lowered:
                return table
        return None

    def merge(self, other: Catalog) -> Catalog:
        return Catalog([*self.tables, *other.tables])

    def to_dict(self) -> dict[str, Any]:
        return {"tables": [t.to_dict() for t in self.tables]}


__all__ = ["Catalog", "Column", "ForeignKey", "Source", "SourceKind", "Table"]
