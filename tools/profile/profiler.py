"""Profile catalog tables with shared scans.

Per table the work is a fixed number of passes, whatever the column count: one aggregate query for
every column's counts, distincts, ranges, moments and lengths; one for top values and exact key
checks on the few columns that need them; one sample. Duplicate rows are only counted when no
column is unique (a unique column rules them out). Across tables, foreign-key candidates are
checked by value inclusion only where names suggest a link.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from tools.catalog.model import Catalog, Table
from tools.errors import DeassistError
from tools.profile.engine import ProfileEngine, quote_ident, read_error
from tools.profile.model import ColumnProfile, ForeignKeyCandidate, TableProfile, TopValue
from tools.profile.semantic import is_pii, mask, semantic_type_of
from tools.sql.policy import SqlPolicy
from tools.words import singular

DEFAULT_SAMPLE = 5
# Up to this many rows, distinct counts are exact; above, HyperLogLog estimates (a few % off).
EXACT_DISTINCT_ROWS = 200_000
# Columns with at most this many distinct values get exact top values (a histogram); others, from the sample.
HISTOGRAM_LIMIT = 1_000
TOP_VALUES = 5
# Values sampled per table for semantic types; rows copied from SQLite/PostgreSQL before profiling.
SEMANTIC_SAMPLE_ROWS = 2_000
DB_ROW_LIMIT = 1_000_000
# Aggregate expressions per SELECT: a wide table is scanned once per batch (see _aggregate_row).
AGGREGATE_BATCH = 200
FK_INCLUSION = 0.99
MAX_COMPOSITE_CHECKS = 20
COMPOSITE_COLUMNS = 40

NUMERIC = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$"
)
ORDERABLE = re.compile(r"^(BOOLEAN|DATE|TIME.*|TIMESTAMP.*|INTERVAL|UUID|VARCHAR)$")
KEYABLE = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DECIMAL.*|VARCHAR|UUID|DATE|TIMESTAMP.*)$"
)

Progress = Callable[[str], None]


def profile_catalog(
    catalog: Catalog,
    *,
    tables: Sequence[str] | None = None,
    sample: int = DEFAULT_SAMPLE,
    show_pii: bool = False,
    row_limit: int = DB_ROW_LIMIT,
    on_progress: Progress | None = None,
    policy: SqlPolicy | None = None,
) -> list[TableProfile]:
    """Profile the named tables (all by default).

    Personal data in the values a profile shows (min/max, top values, sample rows) is masked unless
    `show_pii`; `on_progress` hears a label before each table and before the foreign-key checks;
    `policy` says whether a privileged PostgreSQL role may be used (`tools.sql.policy`).
    """
    import duckdb

    chosen = _choose(catalog, tables)
    engine = ProfileEngine(row_limit=row_limit, tables=chosen, policy=policy)
    try:
        relations: dict[int, str] = {}
        profiles = []
        for table in chosen:
            if on_progress:
                on_progress(f"profiling {table.name}")
            relation, notes = engine.relation(table)
            relations[id(table)] = relation
            try:
                profile = _profile_table(engine, table, relation, sample)
            except duckdb.Error as exc:
                raise read_error(table, exc) from None
            profile.notes.extend(notes)
            profiles.append(profile)
        if on_progress:
            on_progress("checking foreign-key candidates")
        _foreign_key_candidates(engine, profiles, relations)
    finally:
        engine.close()
    if not show_pii:
        for profile in profiles:
            _mask_profile(profile)
    return profiles


def _choose(catalog: Catalog, names: Sequence[str] | None) -> list[Table]:
    if not names:
        return list(catalog.tables)
    chosen = []
    for name in names:
        table = catalog.table(name)
        if table is None:
            known = ", ".join(t.name for t in catalog.tables[:20])
            raise DeassistError("DEA-PROFILE-UNKNOWN-TABLE", f"no table {name} in the sources (tables: {known})")
        chosen.append(table)
    return chosen


def _profile_table(engine: ProfileEngine, table: Table, relation: str, sample: int) -> TableProfile:
    conn = engine.conn
    described = [(row[0], row[1]) for row in conn.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    stats, row_count, sampled = _aggregate_pass(conn, relation, described, engine.estimated_rows(table, relation))
    columns = [_column_profile(name, dtype, stats[name], row_count) for name, dtype in described]
    profile = TableProfile(table, row_count, columns)
    _keys_and_top_values(conn, relation, profile)
    _semantics_and_sample(conn, relation, profile, sample, sampled)
    return profile


def _aggregate_pass(conn, relation: str, described, estimated_rows: int | None):  # noqa: ANN001, ANN202
    """Every column's statistics in one scan of the table (and, for a large table, its sample rows)."""
    exact = estimated_rows is not None and estimated_rows <= EXACT_DISTINCT_ROWS
    expressions = ["count(*)"]
    slots: dict[str, dict[str, int]] = {}
    for name, dtype in described:
        col = quote_ident(name)
        wanted = {"count": f"count({col})"}
        if not _groupable(dtype):
            wanted["distinct"] = f"approx_count_distinct({col}::VARCHAR)"
        else:
            wanted["distinct"] = f"count(DISTINCT {col})" if exact else f"approx_count_distinct({col})"
        if NUMERIC.match(dtype) or ORDERABLE.match(dtype):
            wanted |= {"min": f"min({col})", "max": f"max({col})"}
        if NUMERIC.match(dtype):
            wanted |= {"mean": f"avg({col})::DOUBLE", "stddev": f"stddev_samp({col})::DOUBLE"}
        if dtype == "VARCHAR":
            wanted |= {
                "min_length": f"min(length({col}))",
                "max_length": f"max(length({col}))",
                "mean_length": f"avg(length({col}))",
            }
        slots[name] = {}
        for stat, expression in wanted.items():
            slots[name][stat] = len(expressions)
            expressions.append(expression)
    sample_slot = None
    if described and estimated_rows and estimated_rows > 50 * SEMANTIC_SAMPLE_ROWS:
        # A large table's sample rides along in this scan: rows whose hash falls in one bucket of
        # rows/2,000 (deterministic, spread over the whole table; a reservoir would scan again).
        sample_slot = len(expressions)
        fields = ", ".join(f"c{i} := {quote_ident(name)}" for i, (name, _) in enumerate(described))
        every = ", ".join(quote_ident(name) for name, _ in described)
        buckets = estimated_rows // SEMANTIC_SAMPLE_ROWS
        expressions.append(f"list(struct_pack({fields})) FILTER (WHERE hash({every}) % {buckets} = 0)")
    row = _aggregate_row(conn, relation, expressions)
    sampled = [tuple(item.values()) for item in row[sample_slot] or []][:SEMANTIC_SAMPLE_ROWS] if sample_slot else None
    stats = {
        name: {stat: row[i] for stat, i in slots[name].items()} | {"exact": exact and _groupable(dtype)}
        for name, dtype in described
    }
    return stats, row[0], sampled


def _aggregate_row(conn, relation: str, expressions: list[str]) -> tuple:  # noqa: ANN001
    """The one row of `SELECT expressions FROM relation`, computed AGGREGATE_BATCH expressions at a time:
    DuckDB keeps every aggregate's state at once, and thousands in one SELECT exhaust memory or crash it."""
    row: tuple = ()
    for start in range(0, len(expressions), AGGREGATE_BATCH):
        batch = expressions[start : start + AGGREGATE_BATCH]
        row += conn.execute(f"SELECT {', '.join(batch)} FROM {relation}").fetchone()
    return row


def _column_profile(name: str, dtype: str, stats: dict[str, Any], rows: int) -> ColumnProfile:
    count = stats["count"] or 0
    distinct = min(stats["distinct"] or 0, count)
    return ColumnProfile(
        name=name,
        type=dtype,
        count=count,
        null_fraction=(rows - count) / rows if rows else 0.0,
        distinct=distinct,
        distinct_approximate=not stats["exact"],
        min=stats.get("min"),
        max=stats.get("max"),
        mean=stats.get("mean"),
        stddev=stats.get("stddev"),
        min_length=stats.get("min_length"),
        max_length=stats.get("max_length"),
        mean_length=stats.get("mean_length"),
    )


def _keys_and_top_values(conn, relation: str, profile: TableProfile) -> None:  # noqa: ANN001
    """Exact top values of low-cardinality columns and exact uniqueness of likely keys, in one query."""
    rows = profile.row_count
    expressions: list[str] = []
    top_slots: dict[str, int] = {}
    key_slots: dict[str, int] = {}
    for column in profile.columns:
        col = quote_ident(column.name)
        if 0 < column.distinct < column.count and column.distinct <= HISTOGRAM_LIMIT and _groupable(column.type):
            top_slots[column.name] = len(expressions)
            expressions.append(f"histogram({col})")
        if _key_like(column, rows) and column.distinct_approximate:
            # Distinct 64-bit hashes, grouped in parallel: a collision can only lower the count, so
            # reaching the row count proves the values unique, in far less memory than the values.
            key_slots[column.name] = len(expressions)
            expressions.append(f"(SELECT count(*) FROM (SELECT DISTINCT hash({col}) FROM {relation}))")
    row = _aggregate_row(conn, relation, expressions)
    for name, slot in top_slots.items():
        ranked = sorted((row[slot] or {}).items(), key=lambda kv: (-kv[1], str(kv[0])))[:TOP_VALUES]
        profile.column(name).top_values = [TopValue(value, count) for value, count in ranked]
    for name, slot in key_slots.items():
        if row[slot] == rows:
            profile.column(name).distinct = rows
            profile.column(name).distinct_approximate = False
    unique = [
        c.name for c in profile.columns if _key_like(c, rows) and c.distinct == rows and not c.distinct_approximate
    ]
    profile.primary_key_candidates = [[name] for name in unique]
    if rows and not unique:
        profile.primary_key_candidates = _composite_keys(conn, relation, profile)
        duplicates = conn.execute(
            f"SELECT {rows} - (SELECT count(*) FROM (SELECT DISTINCT * FROM {relation}))"
        ).fetchone()[0]
        profile.duplicate_rows = duplicates
    elif rows:
        profile.duplicate_rows = 0


def _groupable(dtype: str) -> bool:
    return not (dtype.endswith("]") or dtype.startswith(("STRUCT", "MAP", "UNION")) or dtype == "BLOB")


def _key_like(column: ColumnProfile, rows: int) -> bool:
    """Could be unique: no nulls, a key-able type, and a distinct count near the row count."""
    return (
        bool(rows)
        and column.count == rows
        and KEYABLE.match(column.type) is not None
        and column.distinct >= 0.95 * rows
    )


def _composite_keys(conn, relation: str, profile: TableProfile) -> list[list[str]]:  # noqa: ANN001
    """Unique, non-null combinations of two, then three columns, smallest first; checked in one scan."""
    rows = profile.row_count
    eligible = [c for c in profile.columns if c.count == rows and KEYABLE.match(c.type) and c.distinct > 1]
    if len(eligible) > COMPOSITE_COLUMNS:
        # Triples of a wide table's columns run to billions: only the first columns are paired.
        profile.notes.append(f"composite keys looked for among the first {COMPOSITE_COLUMNS} key-like columns")
        eligible = eligible[:COMPOSITE_COLUMNS]
    combos: list[tuple[str, ...]] = []
    for size in (2, 3):
        for group in itertools.combinations(eligible, size):
            product = 1
            for column in group:
                product *= column.distinct
            if product >= rows:
                combos.append(tuple(c.name for c in group))
                if len(combos) == MAX_COMPOSITE_CHECKS:
                    break
        if combos:
            break
    if not combos:
        return []
    expressions = ", ".join(f"count(DISTINCT ({', '.join(quote_ident(n) for n in combo)}))" for combo in combos)
    counts = conn.execute(f"SELECT {expressions} FROM {relation}").fetchone()
    return [list(combo) for combo, distinct in zip(combos, counts, strict=True) if distinct == rows]


def _semantics_and_sample(conn, relation: str, profile: TableProfile, sample: int, sampled: list[tuple] | None) -> None:  # noqa: ANN001
    """Semantic types and PII from a sample (names alone still flag PII in an empty table), and sample rows."""
    if sampled is None:
        sampled = (
            conn.execute(
                f"SELECT * FROM {relation} USING SAMPLE reservoir({SEMANTIC_SAMPLE_ROWS} ROWS) REPEATABLE (42)"
            ).fetchall()
            if profile.row_count
            else []
        )
    names = [c.name for c in profile.columns]
    for index, column in enumerate(profile.columns):
        values = [r[index] for r in sampled if r[index] is not None]
        found = semantic_type_of(column.name, column.type, values)
        if found is not None:
            column.semantic_type, column.violations = found.name, found.violations
            column.violations_checked, column.violation_examples = found.checked, found.violation_examples
        column.pii = is_pii(column.name, column.semantic_type, profile.name)
        if not column.top_values and column.distinct < column.count and _groupable(column.type):
            # Too many distinct values for an exact histogram: rank what repeats in the sample, no counts.
            repeated = Counter(values).most_common(TOP_VALUES)
            column.top_values = [TopValue(value, None) for value, seen in repeated if seen > 1]
    profile.sample_rows = [dict(zip(names, r, strict=True)) for r in sampled[:sample]]


def _mask_profile(profile: TableProfile) -> None:
    for column in profile.columns:
        if not column.pii:
            continue
        column.min, column.max = mask(column.min), mask(column.max)
        column.top_values = [TopValue(mask(t.value), t.count) for t in column.top_values]
        for row in profile.sample_rows:
            row[column.name] = mask(row.get(column.name))


def _name_affinity(child_column: str, parent_table: str, parent_column: str) -> bool:
    """Does a child column's name point at a parent's key (customer_id -> customers.customer_id/id)?"""
    child, key = child_column.lower(), parent_column.lower()
    names = {parent_table.lower(), singular(parent_table)}
    if child == key and key != "id":
        return True
    if any(child in {f"{n}_{key}", f"{n}{key}", f"{n}_id", f"{n}id"} for n in names):
        return True
    tokens = set(re.split(r"[_\W]+", child))
    return key.endswith("id") and bool(names & tokens) and child != key


def _type_family(dtype: str) -> str:
    if NUMERIC.match(dtype):
        return "number"
    if dtype in {"VARCHAR", "UUID"}:
        return "text"
    return dtype


def _foreign_key_candidates(engine: ProfileEngine, profiles: list[TableProfile], relations: dict[int, str]) -> None:
    keys = [
        (parent, column)
        for parent in profiles
        for column in parent.columns
        if [column.name] in parent.primary_key_candidates or parent.table.primary_key == [column.name]
    ]
    for child in profiles:
        declared = {(fk.columns, fk.ref_table.lower(), fk.ref_columns) for fk in child.table.foreign_keys}
        for column in child.columns:
            if not column.count:
                continue
            for parent, key in keys:
                if parent is child or _type_family(column.type) != _type_family(key.type):
                    continue
                if not _name_affinity(column.name, parent.name, key.name):
                    continue
                inclusion = _inclusion(
                    engine, relations[id(child.table)], column.name, relations[id(parent.table)], key.name
                )
                if inclusion >= FK_INCLUSION:
                    child.foreign_key_candidates.append(
                        ForeignKeyCandidate(
                            (column.name,),
                            parent.name,
                            (key.name,),
                            inclusion,
                            ((column.name,), parent.name.lower(), (key.name,)) in declared,
                        )
                    )


def _inclusion(engine: ProfileEngine, child: str, column: str, parent: str, key: str) -> float:
    c, k = quote_ident(column), quote_ident(key)
    total, found = engine.conn.execute(
        f"SELECT count(*), count(p.k) FROM (SELECT DISTINCT {c}::VARCHAR AS v FROM {child} WHERE {c} IS NOT NULL) d "
        f"LEFT JOIN (SELECT DISTINCT {k}::VARCHAR AS k FROM {parent}) p ON d.v = p.k"
    ).fetchone()
    return found / total if total else 0.0
