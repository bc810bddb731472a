"""Rewrites that carry a construct into a dialect lacking it, where an equivalent exists.

sqlglot translates most constructs itself; these cover the ones it copies unchanged into a target
that rejects them. Each rewrite works on the parsed tree (never on text) and says what it did, so
transpile can report it instead of warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp

# Dialects whose engines accept `GROUP BY ALL`.
GROUP_BY_ALL = {"duckdb", "snowflake", "databricks", "spark", "clickhouse", "bigquery"}
# Dialects whose engines have ILIKE (sqlglot already lowers it for most others).
ILIKE = {"duckdb", "postgres", "snowflake", "redshift", "databricks", "spark", "trino", "presto", "clickhouse"}

# SQLite date truncation by unit: the DATETIME modifiers that reach the start of the unit.
SQLITE_TRUNC = {
    "YEAR": ("start of year",),
    "MONTH": ("start of month",),
    "WEEK": ("-6 days", "weekday 1"),  # back to Monday, as PostgreSQL and DuckDB count weeks
    "DAY": ("start of day",),
}
SQLITE_TRUNC_FORMAT = {"HOUR": "%Y-%m-%d %H:00:00", "MINUTE": "%Y-%m-%d %H:%M:00", "SECOND": "%Y-%m-%d %H:%M:%S"}
# EXTRACT(unit FROM x) in SQLite: the STRFTIME field, read as an integer.
SQLITE_EXTRACT = {
    "YEAR": "%Y", "MONTH": "%m", "DAY": "%d", "HOUR": "%H", "MINUTE": "%M", "SECOND": "%S", "DOW": "%w", "DOY": "%j"
}
INTERVAL_UNITS = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "WEEK", "QUARTER"}
# Dialects whose HAVING may name a select-list alias.
HAVING_ALIAS = {"duckdb", "sqlite", "mysql", "bigquery", "snowflake", "clickhouse", "databricks", "spark", "doris"}
# Dialects whose FROM insists on an alias for every subquery (PostgreSQL before 16, MySQL, T-SQL).
DERIVED_ALIAS = {"postgres", "redshift", "mysql", "tsql"}
# Dialects whose SUM/AVG take no boolean (SQLite and MySQL count a true condition as 1).
NO_BOOLEAN_SUM = {"postgres", "redshift", "tsql", "oracle", "trino", "presto"}
# Of those, the ones that cast a boolean to an integer.
BOOLEAN_CASTS = {"postgres", "redshift", "trino", "presto"}
# Dialects whose ROUND(x, digits) takes only NUMERIC, not double precision.
ROUND_NUMERIC = {"postgres", "redshift"}
# Dialects with ASOF joins.
ASOF = {"duckdb", "snowflake", "clickhouse"}


def rewrite_for(expression: exp.Expression, write: str) -> list[str]:
    """Rewrite `expression` in place for dialect `write`; one line per construct rewritten."""
    done: list[str] = []
    for rewrite in REWRITES:
        note = rewrite(expression, write)
        if note:
            done.append(note)
    return done


def expand_group_by_all(expression: exp.Expression, write: str) -> str | None:
    """`GROUP BY ALL` spelled out as the selected expressions that hold no aggregate."""
    from sqlglot import exp

    if write in GROUP_BY_ALL:
        return None
    changed = False
    for select in expression.find_all(exp.Select):
        group = select.args.get("group")
        if group is None or not group.args.get("all"):
            continue
        keys = [e.this if isinstance(e, exp.Alias) else e for e in select.expressions]
        keys = [k.copy() for k in keys if not _has_aggregate(k) and not isinstance(k, (exp.Literal, exp.Star))]
        select.set("group", exp.Group(expressions=keys) if keys else None)
        changed = True
    return "GROUP BY ALL written as the explicit list of grouped expressions" if changed else None


def inline_having_aliases(expression: exp.Expression, write: str) -> str | None:
    """A select alias named in HAVING replaced by its expression, for targets whose HAVING sees only columns."""
    from sqlglot import exp

    if write in HAVING_ALIAS:
        return None
    changed = False
    for select in expression.find_all(exp.Select):
        having = select.args.get("having")
        if having is None:
            continue
        plain = {e.name.lower() for e in select.expressions if isinstance(e, exp.Column)}
        aliases = {
            e.alias.lower(): e.this for e in select.expressions if isinstance(e, exp.Alias) and e.alias.lower() not in plain
        }
        for column in list(having.find_all(exp.Column)):
            target = aliases.get(column.name.lower()) if not column.table else None
            if target is not None and column.find_ancestor(exp.Select) is select:
                column.replace(target.copy())
                changed = True
    return "aliases in HAVING written as the expressions they name" if changed else None


def alias_derived_tables(expression: exp.Expression, write: str) -> str | None:
    """A subquery in FROM or JOIN without an alias gets one (`AS _q1`), which the target requires."""
    from sqlglot import exp

    if write not in DERIVED_ALIAS:
        return None
    count = 0
    for subquery in list(expression.find_all(exp.Subquery)):
        if subquery.alias or not isinstance(subquery.parent, (exp.From, exp.Join)):
            continue
        count += 1
        subquery.set("alias", exp.TableAlias(this=exp.to_identifier(f"_q{count}")))
    return "subqueries in FROM given the alias the target requires" if count else None


def count_conditions(expression: exp.Expression, write: str) -> str | None:
    """`SUM(a = b)` (a condition counted as 1, unknown ignored) as `SUM(CAST(a = b AS INT))`, or, where
    a condition cannot be cast, `SUM(CASE WHEN c THEN 1 WHEN NOT c THEN 0 END)`."""
    from sqlglot import exp

    if write not in NO_BOOLEAN_SUM:
        return None
    changed = False
    for aggregate in list(expression.find_all(exp.Sum, exp.Avg)):
        condition = aggregate.this
        if not isinstance(condition, (exp.Predicate, exp.Connector, exp.Not)):
            continue
        if write in BOOLEAN_CASTS:
            counted: exp.Expression = exp.cast(condition.copy(), exp.DataType.build("INT"))
        else:
            counted = (
                exp.case()
                .when(condition.copy(), exp.Literal.number(1))
                .when(exp.not_(condition.copy()), exp.Literal.number(0))
            )
        aggregate.set("this", counted)
        changed = True
    return "conditions inside SUM/AVG counted as 1 and 0" if changed else None


def round_numeric(expression: exp.Expression, write: str) -> str | None:
    """`ROUND(x, n)` as `ROUND(CAST(x AS NUMERIC), n)` where only NUMERIC rounds to digits."""
    from sqlglot import exp

    if write not in ROUND_NUMERIC:
        return None
    changed = False
    for node in list(expression.find_all(exp.Round)):
        if node.args.get("decimals") is None or node.this.is_type(exp.DataType.Type.DECIMAL):
            continue
        if isinstance(node.this, exp.Cast) and node.this.to.this == exp.DataType.Type.DECIMAL:
            continue
        node.set("this", exp.cast(node.this.copy(), exp.DataType.build("DECIMAL")))
        changed = True
    return "ROUND(x, digits) given the NUMERIC argument the target requires" if changed else None


def lower_ilike(expression: exp.Expression, write: str) -> str | None:
    """`a ILIKE b` as `LOWER(a) LIKE LOWER(b)` where the target has no ILIKE and sqlglot keeps it."""
    from sqlglot import exp

    if write in ILIKE:
        return None
    found = list(expression.find_all(exp.ILike))
    for node in found:
        node.replace(exp.Like(this=exp.Lower(this=node.this.copy()), expression=exp.Lower(this=node.expression.copy())))
    return "ILIKE written as LOWER(...) LIKE LOWER(...)" if found else None


def date_arithmetic(expression: exp.Expression, write: str) -> str | None:
    """`x ± INTERVAL 'n' unit` as the target's date function (DATEADD in T-SQL, DATETIME in SQLite)."""
    from sqlglot import exp

    if write not in {"tsql", "sqlite"}:
        return None
    changed = False
    for node in list(expression.find_all(exp.Add, exp.Sub)):
        interval = node.expression
        if not isinstance(interval, exp.Interval):
            continue
        amount, unit = _interval_parts(interval)
        if amount is None or unit is None:
            continue
        signed = -amount if isinstance(node, exp.Sub) else amount
        if write == "tsql":
            replacement: exp.Expression = exp.DateAdd(
                this=node.this.copy(), expression=exp.Literal.number(signed), unit=exp.var(unit)
            )
        elif unit in {"WEEK", "QUARTER"}:
            continue
        else:
            modifier = f"{signed:+g} {unit.lower()}s"
            replacement = exp.Anonymous(this="DATETIME", expressions=[node.this.copy(), exp.Literal.string(modifier)])
        node.replace(replacement)
        changed = True
    return "interval arithmetic written with the target's date function" if changed else None


def sqlite_date_trunc(expression: exp.Expression, write: str) -> str | None:
    """DATE_TRUNC for SQLite, which has none: DATETIME modifiers or STRFTIME to the unit's start."""
    from sqlglot import exp

    if write != "sqlite":
        return None
    changed = False
    for node in list(expression.find_all(exp.TimestampTrunc, exp.DateTrunc)):
        unit = node.text("unit").upper()
        value = node.this.copy()
        replacement: exp.Expression
        if unit in SQLITE_TRUNC:
            modifiers = [exp.Literal.string(m) for m in SQLITE_TRUNC[unit]]
            function = "DATE" if isinstance(node, exp.DateTrunc) else "DATETIME"
            replacement = exp.Anonymous(this=function, expressions=[value, *modifiers])
        elif unit in SQLITE_TRUNC_FORMAT:
            replacement = exp.Anonymous(
                this="STRFTIME", expressions=[exp.Literal.string(SQLITE_TRUNC_FORMAT[unit]), value]
            )
        else:
            continue
        node.replace(replacement)
        changed = True
    return "date truncation written with SQLite's DATETIME/STRFTIME" if changed else None


@dataclass(frozen=True)
class Lacking:
    """A construct the target has no equivalent for; `keyword` is where it starts in the source text."""

    message: str
    keyword: str


def sqlite_quoted_strings(expression: exp.Expression, columns: set[str]) -> str | None:
    """SQLite reads a double-quoted name that matches no column as a string (`WHERE country = "SVK"`);
    other engines do not. Given the schema's column names (lower case), such names become strings."""
    from sqlglot import exp

    aliases = {a.alias.lower() for a in expression.find_all(exp.Alias)}
    changed = False
    for column in list(expression.find_all(exp.Column)):
        identifier = column.this
        if column.table or not isinstance(identifier, exp.Identifier) or not identifier.quoted:
            continue
        if identifier.name.lower() in columns or identifier.name.lower() in aliases:
            continue
        column.replace(exp.Literal.string(identifier.name))
        changed = True
    return 'double-quoted strings (SQLite reads "text" naming no column as a string) written as strings' if changed else None


def lacking(expression: exp.Expression, write: str) -> list[Lacking]:
    """Constructs with no equivalent in `write` that sqlglot copies anyway and the target's parser may
    even accept with another meaning (PostgreSQL reads `a ASOF JOIN b` as `a AS asof JOIN b`)."""
    from sqlglot import exp

    found = []
    if write not in ASOF and any(j.args.get("method") == "ASOF" for j in expression.find_all(exp.Join)):
        found.append(
            Lacking(f"ASOF JOIN has no equivalent in {write}: rewrite it as a LATERAL subquery ordered by time", "ASOF")
        )
    if write != "snowflake" and any(e.find(exp.Kwarg) for e in expression.find_all(exp.Explode, exp.Unnest)):
        found.append(
            Lacking(
                f"FLATTEN(input => ...) has no equivalent in {write}: unnest the array (or JSON array) with its own "
                "function",
                "FLATTEN",
            )
        )
    return found


def sqlite_functions(expression: exp.Expression, write: str) -> str | None:
    """LEFT, RIGHT, EXTRACT and CONCAT, which SQLite lacks, as SUBSTR, STRFTIME and `||`."""
    from sqlglot import exp

    if write != "sqlite":
        return None
    changed = False
    for node in list(expression.find_all(exp.Left, exp.Right, exp.Extract, exp.Concat)):
        replacement: exp.Expression
        if isinstance(node, exp.Left):
            replacement = exp.Substring(this=node.this.copy(), start=exp.Literal.number(1), length=node.expression.copy())
        elif isinstance(node, exp.Right):
            replacement = exp.Substring(this=node.this.copy(), start=exp.Neg(this=node.expression.copy()))
        elif isinstance(node, exp.Extract):
            field = SQLITE_EXTRACT.get(node.name.upper())
            if field is None:
                continue
            strftime = exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string(field), node.expression.copy()])
            replacement = exp.cast(strftime, exp.DataType.build("INT"))
        else:  # CONCAT skips NULLs where || would return NULL
            parts = [
                e.copy() if isinstance(e, exp.Literal) else exp.Coalesce(this=e.copy(), expressions=[exp.Literal.string("")])
                for e in node.expressions
            ]
            replacement = parts[0]
            for part in parts[1:]:
                replacement = exp.DPipe(this=replacement, expression=part)
        node.replace(replacement)
        changed = True
    return "LEFT, RIGHT, EXTRACT and CONCAT written with SQLite's SUBSTR, STRFTIME and ||" if changed else None


def _interval_parts(interval: exp.Interval) -> tuple[float | None, str | None]:
    """(amount, singular unit) of `INTERVAL '3' DAY` or PostgreSQL's `INTERVAL '3 days'`."""
    text = interval.this.name if interval.this is not None else ""
    unit = interval.text("unit").upper()
    if not unit and len(text.split()) == 2:
        text, unit = text.split()
        unit = unit.upper()
    unit = unit.removesuffix("S")
    try:
        amount = float(text)
    except ValueError:
        return None, None
    return (amount if not amount.is_integer() else int(amount)), (unit if unit in INTERVAL_UNITS else None)


def _has_aggregate(node: exp.Expression) -> bool:
    from sqlglot import exp

    # A window function is not a grouping key either.
    return node.find(exp.AggFunc, exp.Window) is not None


REWRITES: list[Callable[[exp.Expression, str], str | None]] = [
    expand_group_by_all,
    inline_having_aliases,
    alias_derived_tables,
    count_conditions,
    round_numeric,
    lower_ilike,
    date_arithmetic,
    sqlite_date_trunc,
    sqlite_functions,
]

__all__ = ["GROUP_BY_ALL", "Lacking", "lacking", "rewrite_for"]
