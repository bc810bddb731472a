"""What drafting knows about a source before writing anything: per table its model name, typed
columns, the key to deduplicate on, the load timestamp, the business date, measures and links.

dbt projects, medallion pipelines and quality checks are all rendered from this one plan, so they
agree on names, keys and types. The plan is read from the catalog and its profile; where the raw
data has duplicates (so the profile finds no unique key) an id-like column still becomes the key
to deduplicate on, and links to such keys are checked by value inclusion here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.catalog.model import Catalog, Table
from tools.drafting.names import quote, safe_name, snake_case, unique
from tools.errors import DeassistError
from tools.profile.model import ColumnProfile, TableProfile
from tools.sql.policy import SqlPolicy
from tools.words import singular

NUMERIC = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$")
TEMPORAL = re.compile(r"^(DATE|TIMESTAMP.*)$")
ISO_TEXT = r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$"
LOAD_TIME = re.compile(r"(^|_)(loaded|load|ingested|ingest|inserted|updated|modified|synced|extracted|changed)(_|$)")
ID_LIKE = re.compile(r"(^|_)(id|key|uuid|code)$")
# A link (a column named for a parent's key, or declared) is kept when at least this share of the
# child's distinct values is found among the parent's keys: orphans are a fault the checks report,
# not a reason to drop the relationship, but a name match with few values in common is no link.
LINK_INCLUSION = 0.5
DRAFTABLE = {"files", "duckdb"}  # what drafted pipelines read themselves
DBT_DRAFTABLE = {*DRAFTABLE, "postgres"}  # dbt projects: dbt-duckdb, or dbt-postgres over one PostgreSQL database
CHECKABLE = {"files", "duckdb", "sqlite", "postgres"}  # what quality checks read (databases read-only)


@dataclass(frozen=True)
class PlannedColumn:
    source: str  # the name in the source
    name: str  # the snake_case name in every drafted model
    type: str  # the DuckDB type it is cast to
    lenient: bool  # text read as a date/timestamp: TRY_CAST, unparsable values become NULL
    profile: ColumnProfile

    @property
    def cast(self) -> str:
        """The explicit cast from the source column to the drafted one."""
        function = "try_cast" if self.lenient else "cast"
        return f"{function}({quote(self.source)} as {self.type}) as {quote(self.name)}"

    @property
    def postgres_cast(self) -> str:
        """The same cast in PostgreSQL, which has no TRY_CAST: text not shaped like an ISO date or
        timestamp becomes NULL (a value shaped like one but not a real date still fails the build)."""
        from sqlglot import exp

        kind = exp.DataType.build(self.type, dialect="duckdb").sql("postgres")
        cast = f"cast({quote(self.source)} as {kind})"
        if self.lenient:
            cast = f"case when {quote(self.source)} ~ '{ISO_TEXT}' then {cast} end"
        return f"{cast} as {quote(self.name)}"

    @property
    def not_null(self) -> bool:
        return self.profile.count > 0 and self.profile.null_fraction == 0 and not self.lenient

    @property
    def numeric(self) -> bool:
        return NUMERIC.match(self.type) is not None

    @property
    def temporal(self) -> bool:
        return TEMPORAL.match(self.type) is not None


@dataclass(frozen=True)
class Violation:
    """Rows the source already holds that break a drafted check, with a few masked example values."""

    check: str  # the check's name, e.g. trips.fare.range
    kind: str
    column: str | None
    count: int
    examples: list[Any] = field(default_factory=list)

    @property
    def note(self) -> str:
        shown = ", ".join(repr(v) for v in self.examples)
        return f"{self.check}: {self.count} rows already violate it{f' (e.g. {shown})' if shown else ''}; the check is kept as it should be and warns"


@dataclass(frozen=True)
class Link:
    column: str  # child column (drafted name)
    parent: str  # parent table plan name
    parent_column: str
    inclusion: float


@dataclass
class TablePlan:
    table: Table
    profile: TableProfile
    name: str  # snake_case table name: stg_<name>, silver.<name>
    columns: list[PlannedColumn]
    key: list[str] = field(default_factory=list)  # drafted names; empty when the data has no key candidate
    key_unique_in_source: bool = False
    loaded_at: str | None = None  # a load / update timestamp: freshness, watermark, latest-wins dedup
    event_date: str | None = None  # the business date: date dimension, gold partitions
    links: list[Link] = field(default_factory=list)
    read_sql: str = ""  # how DuckDB reads the source rows (a table function or an attached table)
    violations: dict[str, Violation] = field(default_factory=dict)  # check name -> what the data breaks now

    def column(self, name: str) -> PlannedColumn:
        return next(c for c in self.columns if c.name == name)

    @property
    def measures(self) -> list[PlannedColumn]:
        linked = {link.column for link in self.links}
        return [
            c
            for c in self.columns
            if c.numeric
            and c.name not in self.key
            and c.name not in linked
            and not ID_LIKE.search(c.name)
            and not c.profile.pii
        ]


@dataclass
class SourcePlan:
    tables: list[TablePlan]
    attachments: dict[str, str]  # DuckDB database file -> alias it is attached as (read-only)
    notes: list[str] = field(default_factory=list)
    policy: SqlPolicy | None = None  # how the sources may be read again (checks, violations)

    def table(self, name: str) -> TablePlan:
        wanted = {name, name.lower(), snake_case(name)}
        found = next((t for t in self.tables if t.name in wanted or t.table.name.lower() in wanted), None)
        if found is None:
            known = ", ".join(t.name for t in self.tables)
            raise DeassistError("DEA-DRAFT-GRAIN", f"no table {name} in the source (tables: {known})")
        return found

    def children(self, parent: str) -> list[tuple[TablePlan, Link]]:
        return [(t, link) for t in self.tables for link in t.links if link.parent == parent]


def absolute_sources(sources: Sequence[str]) -> list[str]:
    """Paths made absolute, so drafted projects read the same data from their own directory."""
    return [str(Path(s).resolve()) if os.path.exists(s) else s for s in sources]


def load_plan(
    sources: Sequence[str], *, tables: Sequence[str] = (), kinds: set[str] = DRAFTABLE, policy: SqlPolicy | None = None
) -> SourcePlan:
    """Read, profile and plan the sources (of `kinds`), or only the named tables of them; `policy` says
    whether a privileged PostgreSQL role may read them (`tools.sql.policy`)."""
    from tools.catalog import load_catalog
    from tools.profile import profile_catalog

    catalog = load_catalog(absolute_sources(sources))
    if tables:
        catalog = Catalog(_named(catalog, tables))
    read = {t.source.kind for t in catalog.tables}
    unread = read - kinds
    if unread:
        also = "; dbt projects (draft dbt) also read PostgreSQL" if "postgres" in unread and "postgres" in DBT_DRAFTABLE - kinds else ""
        raise DeassistError(
            "DEA-DRAFT-SOURCE",
            f"this draft reads CSV/Parquet/JSON files and DuckDB databases{' and PostgreSQL' if 'postgres' in kinds else ''}, "
            f"not {', '.join(sorted(unread))}{also}; copy the tables into DuckDB first",
        )
    if "postgres" in read and kinds == DBT_DRAFTABLE and (len(read) > 1 or len({t.source.location for t in catalog.tables}) > 1):
        raise DeassistError(
            "DEA-DRAFT-SOURCE",
            "a dbt project over PostgreSQL reads one PostgreSQL database only (one adapter, one connection); "
            "draft the other sources separately",
        )
    return plan_sources(catalog, profile_catalog(catalog, sample=0, show_pii=False, policy=policy), policy)


def _named(catalog: Catalog, names: Sequence[str]) -> list[Table]:
    """The catalog's tables `names` names (as written or in snake_case), in catalog order."""
    wanted = {snake_case(n) for n in names}
    found = [t for t in catalog.tables if snake_case(t.name) in wanted]
    missing = wanted - {snake_case(t.name) for t in found}
    if missing:
        known = ", ".join(t.name for t in catalog.tables)
        raise DeassistError("DEA-DRAFT-TABLE", f"no table {sorted(missing)[0]} in the sources (tables: {known})")
    return found


def plan_sources(catalog: Catalog, profiles: list[TableProfile], policy: SqlPolicy | None = None) -> SourcePlan:
    attachments: dict[str, str] = {}
    for table in catalog.tables:
        if table.source.kind == "duckdb" and table.source.location not in attachments:
            attachments[table.source.location] = f"src{len(attachments) + 1}"
    names = unique([snake_case(p.table.name) for p in profiles])
    plans = [_plan_table(p, name, attachments) for p, name in zip(profiles, names, strict=True)]
    plan = SourcePlan(plans, attachments, policy=policy)
    for table in plans:
        if table.key and not table.key_unique_in_source:
            plan.notes.append(
                f"{table.name}: {', '.join(table.key)} repeats in the source; drafts keep one row per key "
                f"({'the latest by ' + table.loaded_at if table.loaded_at else 'chosen by row hash'})"
            )
        if not table.key:
            plan.notes.append(
                f"{table.name}: no key candidate (no unique or id-like column); rows are deduplicated as whole rows "
                "and no unique test is drafted"
            )
    _find_links(plan)
    return plan


def _plan_table(profile: TableProfile, name: str, attachments: dict[str, str]) -> TablePlan:
    table = profile.table
    context = singular(name)
    targets = unique([safe_name(c.name, context) for c in profile.columns])
    columns = []
    for column, target in zip(profile.columns, targets, strict=True):
        kind, lenient = column.type, False
        if column.type == "VARCHAR" and column.semantic_type in {"date", "timestamp"}:
            kind, lenient = column.semantic_type.upper(), True
        columns.append(PlannedColumn(column.name, target, kind, lenient, column))
    plan = TablePlan(table, profile, name, columns, read_sql=_read_sql(table, attachments))
    plan.key, plan.key_unique_in_source = _choose_key(profile, plan)
    temporal = [c for c in columns if c.temporal]
    loaded = [c for c in temporal if LOAD_TIME.search(c.name)]
    plan.loaded_at = loaded[0].name if loaded else None
    business = [c for c in temporal if c.name != plan.loaded_at]
    own = [c for c in business if context in c.name or c.name.startswith(context[:5])]
    chosen = (own or business or [None])[0]
    plan.event_date = chosen.name if chosen else None
    return plan


def _read_sql(table: Table, attachments: dict[str, str]) -> str:
    if table.source.kind == "files" and table.reader:
        return table.reader
    if table.source.location not in attachments:
        return ""  # a SQLite or PostgreSQL table: quality checks read it through the profile engine
    alias = attachments[table.source.location]
    return f"{alias}.{quote(table.schema or 'main')}.{quote(table.name)}"


def _choose_key(profile: TableProfile, plan: TablePlan) -> tuple[list[str], bool]:
    """The declared key, else a unique id-like column, else the table's own id column even when it
    repeats (duplicates and versions are dropped on it), else a unique combination without
    timestamps, else any unique column."""
    by_source = {c.source.lower(): c for c in plan.columns}
    if profile.table.primary_key:
        return [by_source[k.lower()].name for k in profile.table.primary_key if k.lower() in by_source], True
    singles = [by_source[c[0].lower()] for c in profile.primary_key_candidates if len(c) == 1]
    singles = [c for c in singles if not c.temporal and c.type not in {"DOUBLE", "FLOAT", "REAL"}]
    own = {f"{singular(plan.name)}_id", f"{plan.name}_id", "id"}
    ranked = sorted(singles, key=lambda c: (c.name not in own, not ID_LIKE.search(c.name)))
    if ranked and ID_LIKE.search(ranked[0].name):
        return [ranked[0].name], True
    rows = profile.row_count
    for column in plan.columns:
        p = column.profile
        if column.name in own and rows and p.count >= 0.95 * rows and p.distinct >= 0.5 * p.count:
            return [column.name], False
    # a combination holding a timestamp identifies versions of a row, not the row
    composite = [[by_source[n.lower()] for n in c] for c in profile.primary_key_candidates if len(c) > 1]
    composite = [c for c in composite if not any(col.temporal for col in c)]
    if composite:
        return [col.name for col in composite[0]], True
    if ranked:
        return [ranked[0].name], True
    return [], False


def _find_links(plan: SourcePlan) -> None:
    """Links from a child column to a parent's single-column key, by name, kept when the values agree."""
    from tools.profile.engine import ProfileEngine

    parents = [t for t in plan.tables if len(t.key) == 1]
    candidates: list[tuple[TablePlan, PlannedColumn, TablePlan]] = []
    for child in plan.tables:
        declared = {fk.columns[0].lower(): fk.ref_table.lower() for fk in child.table.foreign_keys if len(fk.columns) == 1}
        for column in child.columns:
            if [column.name] == child.key and not declared.get(column.source.lower()):
                continue
            for parent in parents:
                if parent is child or not _same_family(column, parent.column(parent.key[0])):
                    continue
                named = declared.get(column.source.lower()) == parent.table.name.lower()
                if named or _points_at(column.name, parent.name, parent.key[0]):
                    candidates.append((child, column, parent))
    if not candidates:
        return
    engine = ProfileEngine(row_limit=10_000_000, tables=[t.table for t in plan.tables], policy=plan.policy)
    try:
        relations = {id(t): engine.relation(t.table)[0] for t in plan.tables}
        for child, column, parent in candidates:
            key = parent.column(parent.key[0])
            total, found = engine.conn.execute(
                f"SELECT count(*), count(p.k) FROM (SELECT DISTINCT {quote(column.source)}::VARCHAR AS v "
                f"FROM {relations[id(child)]} WHERE {quote(column.source)} IS NOT NULL) d LEFT JOIN "
                f"(SELECT DISTINCT {quote(key.source)}::VARCHAR AS k FROM {relations[id(parent)]}) p ON d.v = p.k"
            ).fetchone()
            inclusion = found / total if total else 0.0
            if inclusion >= LINK_INCLUSION and not any(link.column == column.name for link in child.links):
                child.links.append(Link(column.name, parent.name, key.name, inclusion))
    finally:
        engine.close()


def _points_at(child: str, parent_table: str, key: str) -> bool:
    """customer_id -> customers.customer_id / customers.id; link_to_member -> member.member_id."""
    names = {parent_table, singular(parent_table)}
    if child == key and key != "id":
        return True
    if any(child in {f"{n}_{key}", f"{n}_id"} for n in names):
        return True
    return key.endswith("id") and bool(names & set(child.split("_"))) and child != key


def _same_family(a: PlannedColumn, b: PlannedColumn) -> bool:
    def family(c: PlannedColumn) -> str:
        return "number" if c.numeric else "text" if c.type in {"VARCHAR", "UUID"} else c.type

    return family(a) == family(b)
