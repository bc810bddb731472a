"""A catalog as text, JSON, Markdown or DDL in any dialect sqlglot writes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tools.catalog.model import Catalog, Table
from tools.errors import DeassistError

# The dialect a source's type names are written in.
SOURCE_DIALECTS = {"duckdb": "duckdb", "files": "duckdb", "sqlite": "sqlite", "postgres": "postgres", "spark": "spark"}


def render_catalog(catalog: Catalog, fmt: str, *, dialect: str = "duckdb") -> str:
    if fmt == "json":
        return json.dumps(catalog.to_dict(), indent=2)
    if fmt == "markdown":
        return "\n".join(_markdown_table(t) for t in catalog.tables)
    if fmt == "ddl":
        return "\n\n".join(table_ddl(t, dialect) for t in _referenced_first(catalog.tables)) + "\n"
    return "\n".join(_text_table(t) for t in catalog.tables)


def _referenced_first(tables: Sequence[Table]) -> list[Table]:
    """Tables ordered so a foreign key's target is created before it (engines that check insist)."""
    by_name = {t.name.lower(): t for t in tables}
    ordered: list[Table] = []
    visiting: set[int] = set()

    def visit(table: Table) -> None:
        if id(table) in visiting:
            return
        visiting.add(id(table))
        for fk in table.foreign_keys:
            target = by_name.get(fk.ref_table.lower())
            if target is not None and target.source == table.source:
                visit(target)
        ordered.append(table)

    for table in tables:
        visit(table)
    return ordered


def grid(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows of cells aligned in columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))] if rows else []
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def table_summary(table: Table) -> str:
    facts = [table.source.display]
    if table.kind == "view":
        facts.append("view")
    if table.row_count is not None:
        facts.append(f"{table.row_count:,} rows")
    qualified = f"{table.schema}.{table.name}" if table.schema else table.name
    return f"{qualified}  ({', '.join(facts)})"


def _key_lines(table: Table) -> list[str]:
    lines = []
    if table.primary_key:
        lines.append(f"  primary key ({', '.join(table.primary_key)})")
    for fk in table.foreign_keys:
        lines.append(f"  foreign key ({', '.join(fk.columns)}) -> {fk.ref_table} ({', '.join(fk.ref_columns)})")
    return lines


def _text_table(table: Table) -> str:
    rows = [
        (c.name, c.type, "" if c.nullable else "not null", f"-- {c.comment}" if c.comment else "")
        for c in table.columns
    ]
    lines = [table_summary(table)]
    if table.comment:
        lines.append(f"  -- {table.comment}")
    lines += grid(rows) if rows else []
    return "\n".join([*lines, *_key_lines(table), ""])


def _markdown_table(table: Table) -> str:
    lines = [f"## {table_summary(table)}", ""]
    if table.comment:
        lines += [table.comment, ""]
    lines += ["| column | type | nullable | comment |", "| --- | --- | --- | --- |"]
    for c in table.columns:
        comment = (c.comment or "").replace("|", "\\|")
        lines.append(f"| {c.name} | {c.type} | {'yes' if c.nullable else 'no'} | {comment} |")
    keys = [line.strip() for line in _key_lines(table)]
    if keys:
        lines += ["", *(f"- {k}" for k in keys)]
    return "\n".join([*lines, ""])


def table_ddl(table: Table, dialect: str) -> str:
    """A CREATE TABLE statement for the table, its types translated into `dialect`."""
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    source_dialect = SOURCE_DIALECTS.get(table.source.kind, dialect)
    columns = []
    for column in table.columns:
        try:
            kind = exp.DataType.build(column.type, dialect=source_dialect)
        except (SqlglotError, ValueError):
            kind = exp.DataType.build("TEXT")
        constraints = [] if column.nullable else [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())]
        columns.append(exp.ColumnDef(this=exp.to_identifier(column.name), kind=kind, constraints=constraints))
    if table.primary_key:
        columns.append(exp.PrimaryKey(expressions=[exp.to_identifier(c) for c in table.primary_key]))
    for fk in table.foreign_keys:
        reference = exp.Reference(
            this=exp.Schema(this=exp.to_table(fk.ref_table), expressions=[exp.to_identifier(c) for c in fk.ref_columns])
        )
        columns.append(exp.ForeignKey(expressions=[exp.to_identifier(c) for c in fk.columns], reference=reference))
    target = exp.Table(this=exp.to_identifier(table.name), db=exp.to_identifier(table.schema) if table.schema else None)
    create = exp.Create(this=exp.Schema(this=target, expressions=columns), kind="TABLE")
    try:
        return create.sql(dialect=dialect, pretty=True) + ";"
    except SqlglotError as exc:
        raise DeassistError("DEA-DDL-DIALECT", f"{table.name}: cannot write DDL in {dialect}: {exc}") from None
