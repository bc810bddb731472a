"""From a simple analytic question to SQL over a known schema, by name matching.

The question's words are mapped onto tables, columns and (when the data was profiled) values; an
aggregate, a grouping, a ranking and filters are read from its wording; tables are joined along
declared foreign keys, or columns named after another table's key. Anything it cannot map it
reports rather than guesses.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from assistant.planner.text import related, tokens
from assistant.toolbox.catalog import singular, words

NUMERIC = re.compile(r"INT|DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL|HUGEINT|MONEY", re.IGNORECASE)
AGGREGATES = {
    "count": ("how many", "count", "number of", "amount of orders"),
    "sum": ("total", "sum", "revenue", "overall"),
    "avg": ("average", "avg", "mean"),
    "max": ("maximum", "max", "highest", "largest", "biggest", "most expensive", "latest"),
    "min": ("minimum", "min", "lowest", "smallest", "cheapest", "earliest"),
}
MONEY_WORDS = {"value", "revenue", "sale", "spend", "spending", "amount", "price", "cost", "total", "money", "worth"}
MONEY_COLUMNS = ("amount", "total", "revenue", "value", "sales", "cost", "price")
LABEL_COLUMNS = ("name", "title", "label", "email", "code")
VERBS = {"sum": "summed", "avg": "averaged", "max": "took the maximum of", "min": "took the minimum of"}
QUESTION_WORDS = {
    "time",
    "multiplied",
    "top",
    "best",
    "first",
    "much",
    "many",
    "number",
    "ranked",
    "rank",
    "highest",
    "lowest",
    "order",
    "ordered",
}


@dataclass
class TableInfo:
    name: str
    columns: list[tuple[str, str]]  # (name, type)
    primary_key: list[str]
    foreign_keys: list[tuple[str, str, str]]  # (column, ref_table, ref_column)

    @classmethod
    def of(cls, data: dict[str, Any]) -> TableInfo:
        fks = [
            (fk["columns"][0], fk["references"]["table"], fk["references"]["columns"][0])
            for fk in data.get("foreign_keys", [])
            if len(fk["columns"]) == 1
        ]
        return cls(
            data["name"], [(c["name"], c["type"]) for c in data["columns"]], list(data.get("primary_key") or []), fks
        )

    def key(self) -> str | None:
        if self.primary_key:
            return self.primary_key[0]
        for candidate in (f"{singular(self.name.lower())}_id", "id"):
            if any(c.lower() == candidate for c, _ in self.columns):
                return next(c for c, _ in self.columns if c.lower() == candidate)
        return None

    def numeric(self, column: str) -> bool:
        return any(c == column and NUMERIC.search(t) for c, t in self.columns)


@dataclass
class Query:
    sql: str
    steps: list[str] = field(default_factory=list)  # how the question was read, for the answer
    unmatched: list[str] = field(default_factory=list)


def _mentions(question: str, names: list[str]) -> list[tuple[int, str]]:
    """(position, name) for each name whose words appear in the question, in order of appearance."""
    asked = tokens(question)
    found = []
    for name in names:
        parts = [w for w in words(name) if w not in {"id"}]
        for i, word in enumerate(asked):
            if (
                parts
                and related(word, parts[0])
                and all(any(related(a, p) for a in asked[i : i + len(parts) + 1]) for p in parts)
            ):
                found.append((i, name))
                break
    return sorted(found)


def _aggregate(question: str) -> str | None:
    """The aggregate asked for; "highest total" ranks a total, so the total wins over the ranking word."""
    lowered = question.lower()
    hits = [(lowered.find(k), agg) for agg, keys in AGGREGATES.items() for k in keys if re.search(rf"\b{k}\b", lowered)]
    if not hits and not re.search(r"\b(most|fewest)\b", lowered):
        return None
    found = {agg for _, agg in hits}
    if not found & {"sum", "avg"} and re.search(r"\b(most|fewest|least)\s+[a-z]", lowered):
        return "count"  # "the most customers": a count, ranked
    for agg in ("sum", "avg", "count"):
        if agg in found and found & {"max", "min"}:
            return agg
    return min(hits)[1] if hits else "count"


def _limit(question: str) -> int | None:
    found = re.search(
        r"\b(?:top|first|best|biggest|largest|which|what)\s+(\d+)\b|\b(\d+)\s+(?:top|best|biggest|largest|most)\b",
        question.lower(),
    )
    if found:
        return int(found.group(1) or found.group(2))
    return 10 if re.search(r"\btop\b", question.lower()) else None


def _join_graph(tables: dict[str, TableInfo]) -> dict[str, list[tuple[str, str, str]]]:
    """table -> [(other table, this column, other column)], from declared keys and key-named columns."""
    edges: dict[str, list[tuple[str, str, str]]] = {t: [] for t in tables}

    def add(a: str, ca: str, b: str, cb: str) -> None:
        if (b, ca, cb) not in edges[a]:
            edges[a].append((b, ca, cb))
            edges[b].append((a, cb, ca))

    for table in tables.values():
        for column, ref_table, ref_column in table.foreign_keys:
            if ref_table in tables:
                add(table.name, column, ref_table, ref_column)
        for column, _ in table.columns:
            for other in tables.values():
                key = other.key()
                if other.name == table.name or key is None:
                    continue
                stem = singular(other.name.lower())
                if column.lower() in {f"{stem}_id", f"{stem}_{key.lower()}"} or (
                    column.lower() == key.lower() and key.lower() != "id" and table.key() != column
                ):
                    add(table.name, column, other.name, key)
    return edges


def _path(
    edges: dict[str, list[tuple[str, str, str]]], start: str, goal: str
) -> list[tuple[str, str, str, str]] | None:
    """Join steps (from table, from column, to table, to column) from `start` to `goal`, shortest first."""
    queue: deque[tuple[str, list[tuple[str, str, str, str]]]] = deque([(start, [])])
    seen = {start}
    while queue:
        table, path = queue.popleft()
        if table == goal:
            return path
        for other, column, other_column in edges.get(table, []):
            if other not in seen:
                seen.add(other)
                queue.append((other, [*path, (table, column, other, other_column)]))
    return None


def plan_query(
    question: str,
    table_data: list[dict[str, Any]],
    values: dict[tuple[str, str], list[str]] | None = None,
    dialect: str = "duckdb",
) -> Query | None:
    """SQL answering `question` over `table_data` (inspect's table objects), or None when it does not map."""
    tables = {t["name"]: TableInfo.of(t) for t in table_data}
    if not tables:
        return None
    steps: list[str] = []
    table_hits = _mentions(question, list(tables))
    column_hits = [
        (pos, table.name, column)
        for table in tables.values()
        for pos, column in _mentions(question, [c for c, _ in table.columns])
    ]
    agg = _aggregate(question)
    limit = _limit(question)
    lowered = question.lower()
    asked = tokens(question)

    subject = table_hits[0][1] if table_hits else None
    negated = _negated(lowered, list(tables), subject)
    if negated:
        table_hits = [hit for hit in table_hits if hit[1] != negated]
    measure: tuple[str, str] | None = None
    if agg in {"sum", "avg", "max", "min"} or (agg is None and limit):
        measure = _measure(asked, tables, table_hits, column_hits)
        if measure and agg is None:
            agg = "sum"
    factor: str | None = None
    product = _product(lowered, tables)
    if product:
        measure, factor = (product[0], product[1]), product[2]
        agg = agg if agg in {"sum", "avg", "max", "min"} else "sum"
    if subject is None and measure:
        subject = measure[0]
    if subject is None:
        return None

    group: tuple[str, str] | None = None
    by = re.search(r"\b(?:by|per|for each|each|grouped by)\s+(?:the\s+)?([a-z_ ]+)", lowered)
    if by:
        group = _group_column(tokens(by.group(1))[:2], tables, column_hits, measure, agg)
    which = re.search(r"\b(?:which|what)\s+(?:\d+\s+)?([a-z_]+)", lowered)
    if (
        group is None
        and which
        and not any(related(singular(which.group(1)), w) for _, t in table_hits for w in words(t))
    ):
        group = _group_column([singular(which.group(1))], tables, column_hits, measure, agg)
        if group and limit is None:
            limit = 1

    period = _period(lowered, tables, subject, measure, dialect) if group is None else None
    year = re.search(r"\b(?:in|during|for|of)\s+((?:19|20)\d\d)\b", lowered)
    dated = _date_column(tables, subject, measure) if (period or year) else None
    if period:
        period_words = {period, *(w for w in asked if PERIODS.get(w) == period)}
    else:
        period_words = set()

    filters: list[tuple[str, str, str]] = []
    used = {w for _, name in table_hits for w in words(name)} | {w for _, _, c in column_hits for w in words(c)}
    used |= period_words
    for word in asked:
        if word in used or word in MONEY_WORDS or word in QUESTION_WORDS:
            continue
        for (table, column), seen in (values or {}).items():
            match = next((v for v in seen if isinstance(v, str) and related(word, singular(v.lower()))), None)
            if match and (table, column) != group:
                filters.append((table, column, match))
                used.add(word)
                break

    needed = [
        subject,
        *([measure[0]] if measure else []),
        *([group[0]] if group else []),
        *([dated[0]] if dated else []),
        *(f[0] for f in filters),
    ]
    edges = _join_graph(tables)
    anti = None
    if negated:  # the negated table itself, else a neighbour named like it (products <- order_items)
        near = edges.get(subject, [])
        anti = next((e for e in near if e[0] == negated), None) or next(
            (e for e in near if set(words(e[0])) & set(words(negated))), None
        )
    if negated and anti is None:
        return None
    joins: list[tuple[str, str, str, str]] = []
    joined = [subject]
    for table in needed:
        if table in joined:
            continue
        path = _path(edges, subject, table)
        if path is None:
            return None
        for step in path:
            if step[2] not in joined:
                joins.append(step)
                joined.append(step[2])
    alias = _aliases(joined)

    def ref(table: str, column: str) -> str:
        return f"{alias[table]}.{column}" if len(joined) > 1 else column

    select: list[str] = []
    group_by: list[str] = []
    order = ""
    subject_info = tables[subject]
    if group:
        select.append(ref(*group))
        group_by.append(ref(*group))
        steps.append(f"grouped by {group[0]}.{group[1]}")
    elif period and dated:
        select.append(f"{_date_part(period, ref(*dated), dialect)} AS {period}")
        group_by.append(period)
        steps.append(f"grouped by the {period} of {dated[0]}.{dated[1]}")
    elif (
        agg
        and (limit or re.search(r"\b(which|who|what)\b", lowered))
        and (measure is None or measure[0] != subject or agg == "count")
    ):
        key = subject_info.key()
        label = next(
            (c for c, _ in subject_info.columns if any(c.lower().endswith(suffix) for suffix in LABEL_COLUMNS)), None
        )
        for column in [key, label]:
            if column:
                select.append(ref(subject, column))
                group_by.append(ref(subject, column))
        steps.append(f"one row per {subject}")
    if agg == "count":
        counted = tables[table_hits[0][1]] if table_hits else subject_info
        if group or group_by:
            counted = next((tables[t] for _, t in table_hits if t != subject and t in joined), counted)
        target = (
            f"COUNT(DISTINCT {ref(counted.name, counted.key())})" if counted.key() and len(joined) > 1 else "COUNT(*)"
        )
        name = f"{singular(counted.name.lower())}_count"
        select.append(f"{target} AS {name}")
        steps.append(f"counted {counted.name}")
        order = name
    elif agg and measure:
        money = next((w for w in asked if w in MONEY_WORDS and w not in {"amount", "price", "total"}), None)
        if factor:
            name = money or f"{agg}_{measure[1]}_x_{factor}"
            select.append(f"{agg.upper()}({ref(*measure)} * {ref(measure[0], factor)}) AS {name}")
            steps.append(f"{VERBS[agg]} {measure[0]}.{measure[1]} × {measure[0]}.{factor}")
        else:
            name = f"{agg}_{measure[1]}" if agg != "sum" else f"total_{measure[1]}"
            select.append(f"{agg.upper()}({ref(*measure)}) AS {name}")
            steps.append(f"{VERBS[agg]} {measure[0]}.{measure[1]}")
        order = name
    elif not select:
        select.append("*" if len(joined) == 1 else f"{alias[subject]}.*")
    if not group_by and agg and not group:
        order = ""
    lines = ["SELECT " + ", ".join(select), f"FROM {subject}" + (f" AS {alias[subject]}" if len(joined) > 1 else "")]
    for table, column, other, other_column in joins:
        lines.append(f"JOIN {other} AS {alias[other]} ON {alias[other]}.{other_column} = {alias[table]}.{column}")
        steps.append(f"joined {other} on {other}.{other_column} = {table}.{column}")
    conditions = [f"{ref(t, c)} = '{v.replace(chr(39), chr(39) * 2)}'" for t, c, v in filters]
    if anti:
        other, column, other_column = anti
        conditions.append(
            f"{ref(subject, column)} NOT IN (SELECT {other_column} FROM {other} WHERE {other_column} IS NOT NULL)"
        )
        steps.append(f"kept the {subject} with no row in {other} ({other}.{other_column} = {subject}.{column})")
        used.update({*words(other), *words(negated or ""), "never", "without"})
    steps.extend(f"kept {t}.{c} = '{v}' (a value found in the data)" for t, c, v in filters)
    if year and dated:
        conditions.append(f"{_date_part('year', ref(*dated), dialect)} = {year.group(1)}")
        steps.append(f"kept {year.group(1)} by {dated[0]}.{dated[1]}")
        used.add(year.group(1))
    if conditions:
        lines.append("WHERE " + " AND ".join(conditions))
    if group_by:
        lines.append("GROUP BY " + ", ".join(group_by))
    if period and dated and not limit:
        order = f"{period} ASC"  # a time series reads in time order
    if order.endswith(" ASC"):
        lines.append(f"ORDER BY {order}")
    elif order:
        descending = agg != "min" and not re.search(r"\b(lowest|least|fewest|bottom|smallest|cheapest)\b", lowered)
        lines.append(f"ORDER BY {order} {'DESC' if descending else 'ASC'}")
    if limit:
        lines.append(f"LIMIT {limit}")
        steps.append(f"kept the top {limit}")
    elif not agg or group_by:
        lines.append("LIMIT 50" if not agg else "")
    sql = "\n".join(line for line in lines if line)
    unmatched = [
        w
        for w in asked
        if w not in used
        and w not in MONEY_WORDS
        and w not in QUESTION_WORDS
        and not any(related(w, k.split()[0]) for keys in AGGREGATES.values() for k in keys)
    ]
    return Query(sql, steps, unmatched)


PERIODS = {
    "month": "month",
    "monthly": "month",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "day": "day",
    "daily": "day",
    "quarter": "quarter",
    "quarterly": "quarter",
    "week": "week",
    "weekly": "week",
}
SQLITE_PARTS = {"month": "%m", "year": "%Y", "day": "%d", "week": "%W"}
DATE_TYPES = re.compile(r"DATE|TIMESTAMP", re.IGNORECASE)


def _period(
    lowered: str, tables: dict[str, TableInfo], subject: str | None, measure: tuple[str, str] | None, dialect: str
) -> str | None:
    """ "per month", "each year", "monthly": the calendar part to group by (when a date column exists)."""
    found = re.search(
        r"\b(?:per|by|each|every|in each|for each)\s+(month|year|day|quarter|week)\b|\b(monthly|yearly|annual|daily|quarterly|weekly)\b",
        lowered,
    )
    if not found:
        return None
    period = PERIODS[found.group(1) or found.group(2)]
    if dialect == "sqlite" and period not in SQLITE_PARTS:
        return None
    return period if _date_column(tables, subject, measure) else None


def _date_column(
    tables: dict[str, TableInfo], subject: str | None, measure: tuple[str, str] | None
) -> tuple[str, str] | None:
    """The date or timestamp column of the subject's table (else the measure's): when the rows happened."""
    for name in [subject, measure[0] if measure else None, *tables]:
        if name in tables:
            column = next((c for c, t in tables[name].columns if DATE_TYPES.search(t)), None)
            if column:
                return name, column
    return None


def _date_part(part: str, column: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"CAST(strftime('{SQLITE_PARTS[part]}', {column}) AS INTEGER)"
    return f"EXTRACT({part} FROM {column})"


def _product(lowered: str, tables: dict[str, TableInfo]) -> tuple[str, str, str] | None:
    """ "quantity times unit price": (table, column, column) when both name numeric columns of one table."""
    found = re.search(
        r"([a-z_]+(?: [a-z_]+)?)\s+(?:times|multiplied by|\*)\s+(?:the\s+)?([a-z_]+(?: [a-z_]+)?)", lowered
    )
    if not found:
        return None
    left, right = tokens(found.group(1)), tokens(found.group(2))
    for table in tables.values():
        a = _numeric_named(table, left[-1:] if left else [])
        b = _numeric_named(table, right)
        if a and b and a != b:
            return table.name, a, b
    return None


def _numeric_named(table: TableInfo, phrase: list[str]) -> str | None:
    """A numeric column whose every word is in the phrase (unit price -> unit_price)."""
    for column, _ in table.columns:
        parts = [w for w in words(column) if w != "id"]
        if parts and table.numeric(column) and all(any(related(p, w) for w in phrase) for p in parts):
            return column
    return None


def _negated(lowered: str, names: list[str], subject: str | None) -> str | None:
    """The table a "never / without / no" phrase points at ("customers who never placed an order")."""
    found = re.search(r"\b(never|without|no|not|don't|didn't|haven't|hasn't)\b", lowered)
    if not found or subject is None:
        return None
    after = _mentions(lowered[found.end() :], names)
    return next((name for _, name in after if name != subject), None)


def _group_column(
    phrase: list[str],
    tables: dict[str, TableInfo],
    column_hits: list[tuple[int, str, str]],
    measure: tuple[str, str] | None,
    agg: str | None,
) -> tuple[str, str] | None:
    """The column a "by/per/which X" phrase names; the phrase's last word is its head (customer country)."""
    for word in reversed(phrase):
        for _, table, column in column_hits:
            if (table, column) == measure or not any(related(word, w) for w in words(column)):
                continue
            if not tables[table].numeric(column) or agg == "count":
                return table, column
    return None


def _measure(
    asked: list[str],
    tables: dict[str, TableInfo],
    table_hits: list[tuple[int, str]],
    column_hits: list[tuple[int, str, str]],
) -> tuple[str, str] | None:
    """The numeric column the question aggregates: one it names, else a money-like column of a named table."""
    for _, table, column in column_hits:
        if tables[table].numeric(column) and column != tables[table].key() and not column.lower().endswith("_id"):
            return table, column
    if not any(w in MONEY_WORDS for w in asked):
        return None
    ranked = [t for _, t in reversed(table_hits)] + [t for t in tables if t not in {n for _, n in table_hits}]
    for money in MONEY_COLUMNS:
        for table in ranked:
            for column, ctype in tables[table].columns:
                if NUMERIC.search(ctype) and money in column.lower():
                    return table, column
    return None


def _aliases(tables: list[str]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for table in tables:
        base = "".join(w[0] for w in words(table)) or "t"
        alias, n = base, 1
        while alias in aliases.values():
            n += 1
            alias = f"{base}{n}"
        aliases[table] = alias
    return aliases


def needs_values(question: str, query: Query | None) -> bool:
    """Whether words are left that only the data's values could explain (a filter such as 'completed')."""
    return query is None or bool(query.unmatched)
