"""The catalog model: sources -> tables -> columns, with keys and cheap row counts.

Every reader (files, DuckDB, SQLite, PostgreSQL, DDL) produces this one shape; validation, `run`,
profiling, drafting and the agents all consume it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tools.catalog.external import EXTERNAL, ExternalObject

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
    ref_schema: str | None = None  # None: the referencing table's default schema (public, main)

    def to_dict(self) -> dict[str, Any]:
        target = {"table": self.ref_table, "columns": list(self.ref_columns)}
        return {
            "columns": list(self.columns),
            "references": ({"schema": self.ref_schema} if self.ref_schema else {}) | target,
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
    # A view whose definition reaches outside its database file: listed, never profiled or queried.
    external: ExternalObject | None = None
    # Set when `schema` names the source rather than where the table lives in it (sources whose table
    # names clash are qualified by source): the table's schema inside its source, "" for the default.
    source_schema: str | None = None

    @property
    def schema_at_source(self) -> str | None:
        """The schema to read the table from in its own database (None: the default one)."""
        return self.schema if self.source_schema is None else self.source_schema or None

    @property
    def qualified_name(self) -> str:
        """`schema.name`, or the bare name in the default schema."""
        return f"{self.schema}.{self.name}" if self.schema else self.name
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
            **({"refused": {"code": EXTERNAL, "message": self.external.message}} if self.external else {}),
            **({"partition_columns": list(self.partition_columns)} if self.partition_columns else {}),
            **({"format": self.storage_format} if self.storage_format else {}),
        }


# The SQL dialect of the engine that holds a source's data: its column types are written in it, and
# queries over it are validated and run in it. A DDL file has no engine: its types are in the dialect
# it was read in, and its tables are checked in an empty DuckDB. One row per source kind.
SOURCE_DIALECT: dict[SourceKind, str] = {
    "files": "duckdb",
    "duckdb": "duckdb",
    "sqlite": "sqlite",
    "postgres": "postgres",
    "spark": "spark",
}
# Files and DuckDB files are queried together in DuckDB, which is also where schema-only tables are checked.
DEFAULT_DIALECT = "duckdb"


@dataclass
class Catalog:
    tables: list[Table] = field(default_factory=list)
    # Views and macros in source files that reach outside them (views are also marked on their Table).
    external: list[ExternalObject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader decided that a user must know

    @property
    def dialect(self) -> str:
        """The dialect the catalog's SQL is validated and run in: its one engine's, else DuckDB's."""
        kinds = {t.source.kind for t in self.tables}
        return SOURCE_DIALECT.get(kinds.pop(), DEFAULT_DIALECT) if len(kinds) == 1 else DEFAULT_DIALECT

    def table(self, name: str) -> Table | None:
        """Find a table by name, case-insensitively; `schema.table` is accepted too."""
        lowered = name.lower()
        for table in self.tables:
            qualified = f"{table.schema}.{table.name}".lower() if table.schema else None
            if table.name.lower() == lowered or qualified == lowered:
                return table
        return None

    def merge(self, other: Catalog) -> Catalog:
        return Catalog([*self.tables, *other.tables], [*self.external, *other.external], [*self.notes, *other.notes])

    def to_dict(self) -> dict[str, Any]:
        refused = [{"code": EXTERNAL, "message": o.message} for o in self.external if o.kind != "view"]
        return (
            {"tables": [t.to_dict() for t in self.tables]}
            | ({"refused": refused} if refused else {})
            | ({"notes": list(self.notes)} if self.notes else {})
        )


__all__ = ["DEFAULT_DIALECT", "SOURCE_DIALECT", "Catalog", "Column", "ForeignKey", "Source", "SourceKind", "Table"]
