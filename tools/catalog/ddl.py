"""DDL files: tables and views from CREATE statements in any dialect sqlglot reads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.errors import DeassistError


def read_ddl_file(path: Path, dialect: str) -> Catalog:
    return read_ddl(_read_text(path), dialect, Source("ddl", str(path), str(path)))


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except PermissionError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: permission denied") from None
    if b"\x00" in data[:4096]:
        raise DeassistError("DEA-SOURCE-BINARY", f"{path}: binary file, expected SQL text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeassistError("DEA-SOURCE-ENCODING", f"{path}: line {line}: not UTF-8 (byte {exc.start})") from None


def read_ddl(text: str, dialect: str, source: Source) -> Catalog:
    """Tables from CREATE TABLE / CREATE VIEW statements; other statements are ignored."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    from tools.sql.dialects import syntax_problem

    try:
        statements = sqlglot.parse(text, read=dialect)
    except (ParseError, TokenError) as exc:
        problem = syntax_problem(exc)
        where = f" line {problem.line}" if problem.line else ""
        raise DeassistError(
            "DEA-SCHEMA-PARSE", f"{source.display}:{where} the DDL does not parse as {dialect}: {problem.message}"
        ) from None
    tables: list[Table] = []
    for statement in statements:
        if not isinstance(statement, exp.Create) or statement.kind not in {"TABLE", "VIEW"}:
            continue
        target = statement.this
        table_expr = target.this if isinstance(target, exp.Schema) else target
        if not isinstance(table_expr, exp.Table):
            continue
        columns: list[Column] = []
        primary_key: list[str] = []
        foreign_keys: list[ForeignKey] = []
        if isinstance(target, exp.Schema):
            for item in target.expressions:
                if isinstance(item, exp.ColumnDef):
                    nullable = True
                    for constraint in item.constraints:
                        kind = constraint.kind
                        if isinstance(kind, exp.NotNullColumnConstraint) and not kind.args.get("allow_null"):
                            nullable = False
                        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                            primary_key.append(item.name)
                            nullable = False
                        elif isinstance(kind, exp.Reference):
                            foreign_keys.append(_reference(kind, (item.name,)))
                    kind_sql = item.args["kind"].sql(dialect=dialect) if item.args.get("kind") else "TEXT"
                    columns.append(Column(item.name, kind_sql, nullable))
                elif isinstance(item, exp.PrimaryKey):
                    primary_key.extend(_names(item.expressions))
                elif isinstance(item, exp.ForeignKey):
                    ref = item.args.get("reference")
                    if isinstance(ref, exp.Reference):
                        foreign_keys.append(_reference(ref, tuple(_names(item.expressions))))
                elif isinstance(item, exp.Constraint):
                    for sub in item.expressions:
                        if isinstance(sub, exp.PrimaryKey):
                            primary_key.extend(_names(sub.expressions))
                        elif isinstance(sub, exp.ForeignKey) and isinstance(sub.args.get("reference"), exp.Reference):
                            foreign_keys.append(_reference(sub.args["reference"], tuple(_names(sub.expressions))))
        if primary_key:
            keyset = {k.lower() for k in primary_key}
            columns = [Column(c.name, c.type, False, c.comment) if c.name.lower() in keyset else c for c in columns]
        tables.append(
            Table(
                name=table_expr.name,
                source=source,
                columns=columns,
                primary_key=primary_key,
                foreign_keys=foreign_keys,
                schema=table_expr.db or None,
                kind="view" if statement.kind == "VIEW" else "table",
                comment=" ".join(c.strip() for c in statement.comments or [] if c.strip()) or None,
            )
        )
    if not tables:
        raise DeassistError("DEA-SCHEMA-EMPTY", f"{source.display}: no CREATE TABLE statements found")
    return Catalog(tables)


def _names(expressions: Iterable[object]) -> list[str]:
    from sqlglot import exp

    names = []
    for e in expressions:
        if isinstance(e, exp.Ordered):
            e = e.this
        names.append(e.name if isinstance(e, exp.Expression) else str(e))
    return names


def _reference(ref: object, columns: tuple[str, ...]) -> ForeignKey:
    from sqlglot import exp

    assert isinstance(ref, exp.Reference)
    target = ref.this
    if isinstance(target, exp.Schema):
        return ForeignKey(columns, target.this.name, tuple(_names(target.expressions)))
    return ForeignKey(columns, target.name, ())
