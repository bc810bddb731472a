"""A `Reading` as SQL: a sqlglot expression tree rendered in the catalog's dialect, never an f-string."""

from __future__ import annotations

from sqlglot import exp

from assistant.backends.offline.schema import SchemaIndex
from assistant.reading import Dimension, Filter, Measure, Reading
from tools.words import singular

COMPARE = {"=": exp.EQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
SQLITE_FORMAT = {"day": "%Y-%m-%d", "week": None, "month": "%Y-%m", "quarter": None, "year": "%Y"}
LISTING_LIMIT = 50


def reading_sql(reading: Reading, schema: SchemaIndex, dialect: str) -> str:
    return build(reading, schema, dialect).sql(dialect=dialect, pretty=True)


def build(reading: Reading, schema: SchemaIndex, dialect: str) -> exp.Select:
    subject = _table(reading.subject, schema)
    if not reading.measures:
        query = exp.select("*").from_(subject)
        for f in reading.filters:
            query = query.where(_condition(f, dialect))
        return query.limit(reading.limit or LISTING_LIMIT)
    dims = [(_dimension(d, dialect), _dim_alias(d)) for d in reading.dimensions]
    measures = [(_measure(m, dialect), measure_alias(m)) for m in reading.measures]
    query = exp.select(*(e.as_(a) for e, a in dims), *(e.as_(a) for e, a in measures)).from_(subject)
    for join in reading.joins:
        on = exp.EQ(this=exp.column(join.left_column, join.left), expression=exp.column(join.right_column, join.right))
        # A left join along a many-to-one key keeps every subject row, orphans included.
        query = query.join(_table(join.right, schema), on=on, join_type="left")
    for f in reading.filters:
        query = query.where(_condition(f, dialect))
    if dims:
        query = query.group_by(*(e.copy() for e, _ in dims))
    first = measures[0][0]
    for h in reading.having:
        query = query.having(COMPARE[h.op](this=first.copy(), expression=_number(h.value)))
    if reading.count_groups:
        inner = query.subquery("groups")
        return exp.select(exp.Count(this=exp.Star()).as_(f"{reading.dimensions[0].column}_count")).from_(inner)
    if reading.order:
        query = query.order_by(exp.Ordered(this=exp.column(measures[0][1]), desc=reading.order == "desc"))
    elif dims:
        query = query.order_by(*(exp.column(a) for _, a in dims))
    if reading.limit:
        query = query.limit(reading.limit)
    return query


def measure_alias(m: Measure) -> str:
    if m.function == "count":
        return f"{singular(m.table.lower())}_count"
    column = (m.column or "").replace(" * ", "_times_")
    return {"count_distinct": f"distinct_{column}", "avg": f"avg_{column}", "sum": f"total_{column}"}.get(
        m.function, f"{m.function}_{column}"
    )


def _dim_alias(d: Dimension) -> str:
    return d.column if d.grain is None else f"{d.column}_{d.grain}"


def _table(name: str, schema: SchemaIndex) -> exp.Table:
    table = schema.table(name)
    return exp.table_(exp.to_identifier(table.name), db=exp.to_identifier(table.schema) if table.schema else None)


def _measure(m: Measure, dialect: str) -> exp.Expression:
    if m.function == "count":
        return exp.Count(this=exp.Star())
    assert m.column is not None
    parts = [exp.column(c, m.table) for c in m.column.split(" * ")]
    value: exp.Expression = parts[0] if len(parts) == 1 else exp.Mul(this=parts[0], expression=parts[1])
    if m.function == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[value]))
    return {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max, "median": exp.Median}[m.function](this=value)


def _dimension(d: Dimension, dialect: str) -> exp.Expression:
    column = exp.column(d.column, d.table)
    if d.grain is None:
        return column
    if d.grain == "month_of_year":
        return _part("MONTH", column, dialect)
    if dialect == "sqlite":
        fmt = SQLITE_FORMAT[d.grain]
        if fmt is None:
            return exp.Anonymous(this="date", expressions=[column, exp.Literal.string("weekday 0"), exp.Literal.string("-6 days")])
        return exp.Anonymous(this="strftime", expressions=[exp.Literal.string(fmt), column])
    # Truncation keeps the year: March 2024 and March 2025 are two buckets; a week is its start date.
    return exp.DateTrunc(this=column, unit=exp.Literal.string(d.grain.upper()))


def _condition(f: Filter, dialect: str) -> exp.Expression:
    column = exp.column(f.column, f.table)
    if f.op == "year":
        return exp.EQ(this=_part("YEAR", column, dialect), expression=_number(f.value))
    if f.op == "is_null":
        return exp.Is(this=column, expression=exp.Null())
    if f.op == "not_in":
        # Rows with no related row; the related key's NULLs are left out, or NOT IN would match nothing.
        table, key = str(f.value).split(".")
        related = exp.column(key, table)
        subquery = exp.select(related).from_(table).where(exp.Not(this=exp.Is(this=related.copy(), expression=exp.Null())))
        return column.isin(query=subquery).not_()
    value = _number(f.value) if isinstance(f.value, int | float) else exp.Literal.string(str(f.value))
    return COMPARE[f.op](this=column, expression=value)


def _part(part: str, column: exp.Expression, dialect: str) -> exp.Expression:
    """The year or month of a date as a number; SQLite has no EXTRACT."""
    if dialect == "sqlite":
        code = {"YEAR": "%Y", "MONTH": "%m"}[part]
        return exp.cast(exp.Anonymous(this="strftime", expressions=[exp.Literal.string(code), column]), "INTEGER")
    return exp.Extract(this=exp.var(part), expression=column)


def _number(value: object) -> exp.Literal:
    number = float(str(value))
    return exp.Literal.number(int(number) if number.is_integer() else number)
