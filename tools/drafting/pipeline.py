"""Draft a medallion pipeline in DuckDB SQL: bronze (raw + load metadata), silver (typed,
deduplicated, upserted with MERGE, checked), SCD type 2 history of the dimensions, and gold
aggregates for the grain.

Incremental by watermark: bronze reads only source rows at or after its latest load timestamp
minus a lookback window (so late and out-of-order rows are still picked up) and skips rows it
already holds (by row hash), so re-running on the same input inserts nothing and every later
layer sees no change. Each later layer keeps its own watermark (the last bronze/silver batch it
processed) in `meta.watermarks`. Gold is recomputed only for the date partitions the changed rows
fall in, old and new, so a late row lands in its own day.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from tools.drafting.dbt import Draft, choose_grain, staging_select
from tools.drafting.names import quote
from tools.drafting.orchestration import airflow_dag
from tools.drafting.plan import PlannedColumn, SourcePlan, TablePlan
from tools.drafting.quality import draft_checks
from tools.drafting.spec import CHECKS_FILE, SPEC_FILE, PipelineSpec, Step
from tools.errors import DeassistError

DEFAULT_LOOKBACK = "3 days"
LOOKBACK = re.compile(r"^\d{1,4} (minute|hour|day|week)s?$")
BATCH = "getvariable('deassist_batch')"
STARTED = "getvariable('deassist_started')"


@dataclass(frozen=True)
class PipelineOptions:
    """What a request may say about the pipeline: the tables to keep SCD2 history for (default: the
    dimensions the fact links to), the columns whose change opens a new version (default: any
    column), and the event-time column incremental loads keep their watermark on (default: each
    table's load timestamp)."""

    history: tuple[str, ...] | None = None
    track: tuple[str, ...] = ()
    event_time: str | None = None


def draft_pipeline(
    plan: SourcePlan,
    *,
    grain: str | None = None,
    name: str = "warehouse",
    lookback: str = DEFAULT_LOOKBACK,
    options: PipelineOptions = PipelineOptions(),
) -> Draft:
    if not LOOKBACK.match(lookback):
        raise DeassistError("DEA-DRAFT-LOOKBACK", f"lookback {lookback!r}: give a number and a unit, e.g. '3 days' or '12 hours'")
    fact = choose_grain(plan, grain)
    dims = list(dict.fromkeys(link.parent for link in fact.links))
    if options.history is not None:
        dims = [plan.table(t).name for t in options.history]
    track = {dim: _tracked(plan.table(dim), options.track) for dim in dims}
    files: dict[str, str] = {"sql/setup.sql": _setup(plan, fact, dims)}
    steps: list[Step] = []
    for table in plan.tables:
        files[f"sql/bronze/{table.name}.sql"] = _bronze(table, lookback, _watermark(table, options.event_time))
        steps.append(Step(f"bronze_{table.name}", f"sql/bronze/{table.name}.sql"))
    for table in plan.tables:
        parents = [f"silver_{link.parent}" for link in table.links if link.parent != table.name]
        files[f"sql/silver/{table.name}.sql"] = _silver(table, table is fact)
        steps.append(
            Step(f"silver_{table.name}", f"sql/silver/{table.name}.sql", [f"bronze_{table.name}", *dict.fromkeys(parents)], [table.name])
        )
    for dim in dims:
        files[f"sql/scd2/{dim}.sql"] = _scd2(plan.table(dim), track[dim])
        steps.append(Step(f"scd2_{dim}", f"sql/scd2/{dim}.sql", [f"silver_{dim}"]))
    files[f"sql/gold/{fact.name}.sql"] = _gold(fact)
    steps.append(Step(f"gold_{fact.name}", f"sql/gold/{fact.name}.sql", [f"silver_{fact.name}"]))
    spec = PipelineSpec(
        name=name,
        warehouse="warehouse.duckdb",
        attach={alias: path for path, alias in plan.attachments.items()},
        lookback=lookback,
        steps=_in_dependency_order(steps),
        relations={t.name: f"silver.{quote(t.name)}" for t in plan.tables},
        pii={t.name: [c.name for c in t.columns if c.profile.pii] for t in plan.tables},
        sources=sorted({os.path.abspath(t.table.source.location) for t in plan.tables if t.table.source.kind == "files"}),
    )
    files[SPEC_FILE] = spec.to_json()
    files[CHECKS_FILE] = json.dumps([c.to_dict() for c in draft_checks(plan)], indent=2) + "\n"
    files[f"dags/{name}_pipeline.py"] = airflow_dag(spec)
    files[".gitignore"] = "*.duckdb\n*.duckdb.wal\nstate/\n"
    partition = fact.event_date or fact.loaded_at
    what = f"per day of {partition}" if partition else "as totals (no date column to partition by)"
    notes = [*plan.notes, f"gold: {_gold_name(fact)} aggregates {fact.name} {what}"]
    for table in plan.tables:
        mark = _watermark(table, options.event_time)
        if mark:
            notes.append(f"{table.name}: incremental on {mark.name} (watermark, {lookback} lookback for late rows)")
    for dim in dims:
        changes = ", ".join(track[dim]) if track[dim] else "any column"
        notes.append(f"{dim}: SCD2 history in silver.{dim}_history (valid_from, valid_to, is_current); a change to {changes} opens a version")
    return Draft(files, [s.name for s in spec.steps], notes)


def _watermark(table: TablePlan, event_time: str | None) -> PlannedColumn | None:
    """The column bronze keeps its watermark on: the named event time where the table has it, else the load time."""
    named = [c for c in table.columns if event_time and event_time.lower() in {c.name, c.source.lower()}]
    if named and not named[0].temporal:
        raise DeassistError("DEA-DRAFT-COLUMN", f"{table.name}.{named[0].name} is {named[0].type}, not a date or timestamp: it cannot be an event time")
    if named:
        return named[0]
    return table.column(table.loaded_at) if table.loaded_at else None


def _tracked(table: TablePlan, track: tuple[str, ...]) -> list[str]:
    """The named columns of `table` whose change opens a history version ([]: any column)."""
    names = {c.name for c in table.columns}
    found = [c for c in (t.lower() for t in track) if c in names]
    if track and not found:
        raise DeassistError("DEA-DRAFT-COLUMN", f"{table.name} has none of the columns to track ({', '.join(track)}); columns: {', '.join(sorted(names))}")
    return found


def _in_dependency_order(steps: list[Step]) -> list[Step]:
    """Steps sorted so each comes after what it depends on (drafting order kept where free)."""
    done: set[str] = set()
    ordered: list[Step] = []
    pending = list(steps)
    while pending:
        ready = next(s for s in pending if set(s.depends_on) <= done)
        ordered.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return ordered


def _gold_name(fact: TablePlan) -> str:
    return f"gold.{quote(fact.name + '_daily')}" if _partition(fact) else f"gold.{quote(fact.name + '_summary')}"


def _partition(fact: TablePlan) -> str | None:
    column = fact.event_date or fact.loaded_at
    return f"cast({quote(column)} as date)" if column else None


def _identity(table: TablePlan) -> list[str]:
    """What identifies a row in silver: the key, or the whole row's hash when there is none."""
    return table.key or ["_row_hash"]


def _row_hash(columns: list[str], prefix: str = "") -> str:
    return "hash(" + ", ".join(prefix + quote(c) for c in columns) + ")"


# -- setup ---------------------------------------------------------------------------------------


def _setup(plan: SourcePlan, fact: TablePlan, dims: list[str]) -> str:
    out = [
        "-- drafted by deassist: schemas and tables, created once (every statement is idempotent)",
        "CREATE SCHEMA IF NOT EXISTS bronze;",
        "CREATE SCHEMA IF NOT EXISTS silver;",
        "CREATE SCHEMA IF NOT EXISTS gold;",
        "CREATE SCHEMA IF NOT EXISTS meta;",
        "CREATE TABLE IF NOT EXISTS meta.batches (batch_id BIGINT PRIMARY KEY, started_at TIMESTAMP, steps VARCHAR);",
        "CREATE TABLE IF NOT EXISTS meta.watermarks (step VARCHAR PRIMARY KEY, batch_id BIGINT);",
        "CREATE TABLE IF NOT EXISTS meta.affected_partitions (tbl VARCHAR, batch_id BIGINT, day DATE);",
    ]
    for table in plan.tables:
        raw = ", ".join(f"{quote(c.source)} {c.profile.type}" for c in table.columns)
        out.append(
            f"CREATE TABLE IF NOT EXISTS bronze.{quote(table.name)} ({raw}, "
            "_row_hash UBIGINT, _batch_id BIGINT, _loaded_at TIMESTAMP, _source VARCHAR);"
        )
        typed = ", ".join(f"{quote(c.name)} {c.type}" for c in table.columns)
        out.append(
            f"CREATE TABLE IF NOT EXISTS silver.{quote(table.name)} ({typed}, "
            "_row_hash UBIGINT, _batch_id BIGINT, _updated_at TIMESTAMP);"
        )
    for dim in dims:
        table = plan.table(dim)
        typed = ", ".join(f"{quote(c.name)} {c.type}" for c in table.columns)
        out.append(
            f"CREATE TABLE IF NOT EXISTS silver.{quote(dim + '_history')} ({typed}, "
            "valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN, _row_hash UBIGINT);"
        )
    measures = "".join(f", {quote(m.name + '_sum')} {_sum_type(m.type)}" for m in fact.measures)
    if _partition(fact):
        out.append(f"CREATE TABLE IF NOT EXISTS {_gold_name(fact)} (date_day DATE PRIMARY KEY, row_count BIGINT{measures});")
    else:
        out.append(f"CREATE TABLE IF NOT EXISTS {_gold_name(fact)} (row_count BIGINT{measures});")
    return "\n".join(out) + "\n"


def _sum_type(kind: str) -> str:
    return "DOUBLE" if kind in {"DOUBLE", "FLOAT", "REAL"} else "HUGEINT" if "INT" in kind else "DECIMAL(38, 2)" if kind.startswith("DECIMAL") else "DOUBLE"


# -- bronze --------------------------------------------------------------------------------------


def _bronze(table: TablePlan, lookback: str, watermark: PlannedColumn | None) -> str:
    target = f"bronze.{quote(table.name)}"
    raw_hash = _row_hash([c.source for c in table.columns], "src.")
    display = table.table.source.display.replace("'", "''")
    since = "getvariable('deassist_since')"
    if watermark is not None:

        def at(prefix: str) -> str:  # text holding timestamps is compared as timestamps
            column = prefix + quote(watermark.source)
            return f"try_cast({column} AS {watermark.type})" if watermark.lenient else column

        w = at("")
        out = [
            f"-- {table.name}: source rows with {watermark.name} at or after the watermark minus {lookback}, not yet in bronze",
            f"SET VARIABLE deassist_since = (SELECT max({w}) - INTERVAL '{lookback}' FROM {target});",
        ]
        window = f"{since} IS NULL OR {at('src.')} IS NULL OR {at('src.')} >= {since}"
        held = f"(SELECT _row_hash FROM {target} WHERE {since} IS NULL OR {w} IS NULL OR {w} >= {since})"
    else:
        out = [f"-- {table.name}: no load timestamp, so every source row is compared with bronze by its hash"]
        window = "true"
        held = f"(SELECT _row_hash FROM {target})"
    out.append(
        f"INSERT INTO {target} BY NAME\n"
        f"SELECT incoming.*, {BATCH} AS _batch_id, {STARTED} AS _loaded_at, '{display}' AS _source\n"
        f"FROM (\n    SELECT src.*, {raw_hash} AS _row_hash\n    FROM {table.read_sql} AS src\n    WHERE {window}\n) AS incoming\n"
        f"ANTI JOIN {held} AS held ON held._row_hash = incoming._row_hash;"
    )
    return "\n".join(out) + "\n"


# -- silver --------------------------------------------------------------------------------------


def _silver(table: TablePlan, is_fact: bool) -> str:
    name = table.name
    target = f"silver.{quote(name)}"
    step = f"silver_{name}"
    batches = (
        f"(SELECT * FROM bronze.{quote(name)} WHERE _batch_id > "
        f"(SELECT coalesce(max(batch_id), -1) FROM meta.watermarks WHERE step = '{step}'))"
    )
    select = "\n".join(f"    {line}" if line else "" for line in staging_select(table, batches, row_hash=True).rstrip().split("\n"))
    identity = _identity(table)
    on = " AND ".join(f"t.{quote(k)} = c.{quote(k)}" for k in identity)
    older = f" AND NOT coalesce(t.{quote(table.loaded_at)} > c.{quote(table.loaded_at)}, false)" if table.loaded_at else ""
    out = [f"-- {name}: typed, deduplicated rows of the bronze batches not merged yet"]
    partition = _partition(table) if is_fact else None
    if partition and table.key:
        keys = ", ".join(table.column(k).cast for k in table.key)
        joined = " AND ".join(f"s.{quote(k)} = b.{quote(k)}" for k in table.key)
        out.append(
            "-- the gold partitions the incoming rows' keys leave (recomputing a few extra is harmless)\n"
            f"INSERT INTO meta.affected_partitions\nSELECT DISTINCT '{name}', {BATCH}, day FROM (\n"
            f"    SELECT {partition.replace('cast(', 'cast(s.', 1)} AS day FROM {target} s\n"
            f"    SEMI JOIN (SELECT {keys} FROM {batches}) b ON {joined}\n) WHERE day IS NOT NULL;"
        )
    out.append(
        "-- upsert: a row silver already holds unchanged, or holds in a newer version (an out-of-order\n"
        "-- arrival), is left alone\n"
        f"MERGE INTO {target} AS t\nUSING (\n    SELECT *, {BATCH} AS _batch_id, {STARTED} AS _updated_at FROM (\n{select}\n    )\n) AS c\n"
        f"ON {on}\nWHEN MATCHED AND t._row_hash <> c._row_hash{older} THEN UPDATE\nWHEN NOT MATCHED THEN INSERT BY NAME;"
    )
    if partition:
        out.append(
            "-- and the partitions they enter\n"
            f"INSERT INTO meta.affected_partitions\nSELECT DISTINCT '{name}', {BATCH}, {partition} AS day FROM {target}\n"
            f"WHERE _batch_id = {BATCH} AND {partition} IS NOT NULL;"
        )
    out.append(f"INSERT OR REPLACE INTO meta.watermarks\nSELECT '{step}', coalesce(max(_batch_id), -1) FROM bronze.{quote(name)};")
    return "\n".join(out) + "\n"


# -- SCD2 ----------------------------------------------------------------------------------------


def _scd2(table: TablePlan, track: list[str]) -> str:
    name = table.name
    history = f"silver.{quote(name + '_history')}"
    versions = quote(f"versions_{name}")
    step = f"scd2_{name}"
    key = table.key or ["_row_hash"]
    same = " AND ".join(f"h.{quote(k)} = s.{quote(k)}" for k in key)
    unchanged = f"{_row_hash(track, 'h.')} = {_row_hash(track, 's.')}" if track else "h._row_hash = s._row_hash"
    detects = f"a change to {', '.join(track)}" if track else "any changed column"
    on = " AND ".join(f"h.{quote(k)} = v.{quote(k)}" for k in key)
    valid = f"coalesce(s.{quote(table.loaded_at)}, s._updated_at)" if table.loaded_at else "s._updated_at"
    columns = ", ".join(quote(c.name) for c in table.columns)
    return (
        f"-- {name}: a new history version for every row with {detects} since the last run\n"
        f"CREATE OR REPLACE TEMP TABLE {versions} AS\n"
        f"SELECT s.*, {valid} AS valid_from FROM silver.{quote(name)} s\n"
        f"WHERE s._batch_id > (SELECT coalesce(max(batch_id), -1) FROM meta.watermarks WHERE step = '{step}')\n"
        f"  AND NOT EXISTS (SELECT 1 FROM {history} h WHERE {same} AND h.is_current AND {unchanged});\n"
        f"MERGE INTO {history} AS h\nUSING {versions} AS v\nON {on} AND h.is_current\n"
        "WHEN MATCHED THEN UPDATE SET valid_to = v.valid_from, is_current = false;\n"
        f"INSERT INTO {history} ({columns}, valid_from, valid_to, is_current, _row_hash)\n"
        f"SELECT {columns}, valid_from, NULL, true, _row_hash FROM {versions};\n"
        f"INSERT OR REPLACE INTO meta.watermarks\nSELECT '{step}', coalesce(max(_batch_id), -1) FROM silver.{quote(name)};\n"
    )


# -- gold ----------------------------------------------------------------------------------------


def _gold(fact: TablePlan) -> str:
    name = fact.name
    target = _gold_name(fact)
    step = f"gold_{name}"
    sums = "".join(f", sum({quote(m.name)}) AS {quote(m.name + '_sum')}" for m in fact.measures)
    partition = _partition(fact)
    if not partition:
        return (
            f"-- {name}: totals, recomputed whole (there is no date to partition by)\n"
            f"CREATE OR REPLACE TABLE {target} AS SELECT count(*) AS row_count{sums} FROM silver.{quote(name)};\n"
        )
    days = quote(f"days_{name}")
    return (
        f"-- {name}: daily aggregates, recomputed only for the days the changed rows touch\n"
        f"CREATE OR REPLACE TEMP TABLE {days} AS\n"
        f"SELECT DISTINCT day FROM meta.affected_partitions WHERE tbl = '{name}'\n"
        f"  AND batch_id > (SELECT coalesce(max(batch_id), -1) FROM meta.watermarks WHERE step = '{step}');\n"
        f"MERGE INTO {target} AS g\n"
        f"USING (\n    SELECT {partition} AS date_day, count(*) AS row_count{sums}\n    FROM silver.{quote(name)}\n"
        f"    WHERE {partition} IN (SELECT day FROM {days})\n    GROUP BY ALL\n) AS a\n"
        "ON g.date_day = a.date_day\n"
        "WHEN MATCHED THEN UPDATE\n"
        "WHEN NOT MATCHED THEN INSERT BY NAME\n"
        f"WHEN NOT MATCHED BY SOURCE AND g.date_day IN (SELECT day FROM {days}) THEN DELETE;\n"
        f"INSERT OR REPLACE INTO meta.watermarks\n"
        f"SELECT '{step}', coalesce(max(batch_id), -1) FROM meta.affected_partitions WHERE tbl = '{name}';\n"
    )
