"""Structural repairs of obvious SQL mistakes, from the query's own shape and the known schema.

Each repair is one well-known slip with one meaning-preserving fix: an aggregate condition written in
WHERE belongs in HAVING; a selected column missing from GROUP BY is added to it; a double-quoted word
that names no column, compared with a column, is a string literal; a column two joined tables share is
qualified with the first table that has it; an unknown name in ORDER BY, GROUP BY or HAVING that
abbreviates or misspells a select alias is that alias.
"""

from __future__ import annotations

import difflib
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

GLOT = {"postgres": "postgres", "duckdb": "duckdb", "sqlite": "sqlite", "mysql": "mysql", "tsql": "tsql"}


def schema_columns(sources: str) -> dict[str, set[str]]:
    """table -> lower-cased column names, from the `table X` / `  columns: a TYPE, ...` lines of a brief."""
    columns: dict[str, set[str]] = {}
    table = None
    for line in sources.splitlines():
        found = re.match(r"table (\S+)", line)
        if found:
            table = found.group(1).split(".")[-1].lower()
            columns[table] = set()
        elif table and line.strip().startswith("columns:"):
            columns[table] |= {c.strip().split(" ")[0].lower() for c in line.split(":", 1)[1].split(",") if c.strip()}
    return columns


def structural_repair(sql: str, schema: dict[str, set[str]], dialect: str = "duckdb") -> str | None:
    """`sql` with its obvious structural slips fixed, or None when none applies (or it does not parse)."""
    read = GLOT.get(dialect, dialect)
    try:
        tree = sqlglot.parse_one(sql, read=read)
    except SqlglotError:
        return None
    if not isinstance(tree, exp.Select):
        return None
    known = set().union(*schema.values()) if schema else set()
    changed = False
    for fix in (_having, _quoted_values, _qualify_shared, _aliases, _group_by):
        changed = fix(tree, schema, known) or changed
    return tree.sql(dialect=read) if changed else None


def _has_aggregate(node: exp.Expression) -> bool:
    return node.find(exp.AggFunc) is not None


def _having(tree: exp.Select, schema: dict[str, set[str]], known: set[str]) -> bool:
    where = tree.args.get("where")
    if where is None or not _has_aggregate(where.this):
        return False
    conditions = list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]
    moved = [c for c in conditions if _has_aggregate(c)]
    kept = [c for c in conditions if not _has_aggregate(c)]
    tree.set("where", exp.Where(this=exp.and_(*kept)) if kept else None)
    having = tree.args.get("having")
    tree.set("having", exp.Having(this=exp.and_(*([having.this] if having else []), *moved)))
    return True


def _quoted_values(tree: exp.Select, schema: dict[str, set[str]], known: set[str]) -> bool:
    aliases = {a.alias.lower() for a in tree.expressions if a.alias}
    changed = False
    for column in list(tree.find_all(exp.Column)):
        ident = column.this
        if not (isinstance(ident, exp.Identifier) and ident.quoted) or column.table:
            continue
        if ident.name.lower() in known or ident.name.lower() in aliases:
            continue
        parent = column.parent
        compared = isinstance(parent, (exp.EQ, exp.NEQ, exp.Like, exp.ILike, exp.In)) and any(
            isinstance(side, exp.Column) and side is not column for side in parent.iter_expressions()
        )
        if compared:
            column.replace(exp.Literal.string(ident.name))
            changed = True
    return changed


def _tables(tree: exp.Select) -> list[tuple[str, str]]:
    """(table name, how the query refers to it) in FROM-then-JOIN order."""
    found = []
    for table in tree.find_all(exp.Table):
        if table.find_ancestor(exp.Subquery) is None:
            found.append((table.name.lower(), table.alias_or_name))
    return found


def _qualify_shared(tree: exp.Select, schema: dict[str, set[str]], known: set[str]) -> bool:
    tables = _tables(tree)
    if len(tables) < 2:
        return False
    changed = False
    for column in tree.find_all(exp.Column):
        if column.table or column.find_ancestor(exp.Subquery):
            continue
        owners = [ref for name, ref in tables if column.name.lower() in schema.get(name, set())]
        if len(owners) > 1:
            column.set("table", exp.to_identifier(owners[0]))
            changed = True
    return changed


def _abbreviates(short: str, long: str) -> bool:
    """`yr` abbreviates `year`: same first letter, its letters in order within the longer name."""
    if not short or short[0] != long[0] or len(short) >= len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def _aliases(tree: exp.Select, schema: dict[str, set[str]], known: set[str]) -> bool:
    aliases = [a.alias for a in tree.expressions if a.alias]
    lowered = {a.lower() for a in aliases}
    changed = False
    for clause in ("order", "group", "having"):
        node = tree.args.get(clause)
        for column in list(node.find_all(exp.Column)) if node else []:
            name = column.name.lower()
            if column.table or name in known or name in lowered:
                continue
            close = [a for a in aliases if _abbreviates(name, a.lower())]
            close = close if len(close) == 1 else difflib.get_close_matches(column.name, aliases, n=1, cutoff=0.7)
            if close:
                column.replace(exp.column(close[0]))
                changed = True
    return changed


def _group_by(tree: exp.Select, schema: dict[str, set[str]], known: set[str]) -> bool:
    group = tree.args.get("group")
    if group is None or not any(_has_aggregate(e) for e in tree.expressions):
        return False
    grouped = {g.sql().lower() for g in group.expressions}
    grouped |= {g.name.lower() for g in group.expressions if isinstance(g, exp.Column)}
    missing = []
    for expression in tree.expressions:
        inner = expression.this if isinstance(expression, exp.Alias) else expression
        if _has_aggregate(inner) or isinstance(inner, (exp.Literal, exp.Star)):
            continue
        if {inner.sql().lower(), (expression.alias or "").lower()} & grouped:
            continue
        if isinstance(inner, exp.Column) and inner.name.lower() in grouped:
            continue
        missing.append(inner.copy())
    if not missing:
        return False
    group.set("expressions", [*group.expressions, *missing])
    return True
