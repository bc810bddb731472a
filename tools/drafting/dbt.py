"""Draft a dbt project from a source plan: staging, marts for a grain, tests. dbt-duckdb for files
and DuckDB databases; dbt-postgres for a PostgreSQL database, building into its own schema.

Staging models rename to snake_case, cast every column explicitly and keep one row per key (the
latest by the load timestamp when there is one). Marts: a fact at the grain the user names (with
the children of that table aggregated onto it), a dimension per table the fact links to, and a
date dimension. Tests come from the profile (not_null, unique, accepted_values, relationships)
and the drafted quality checks (singular tests). Every model is validated by `tools.sql` in the
project's dialect before a file exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from tools.catalog.model import Column
from tools.drafting.binding import SourceRelation, bind_models
from tools.drafting.names import quote, snake_case
from tools.drafting.plan import SourcePlan, TablePlan
from tools.drafting.quality import dbt_tests, draft_checks, table_checks


RESERVED_PROJECTS = {"dbt", "dbt_core"}


@dataclass
class Draft:
    """Files to write (relative path -> text), what was drafted, and what the user should know."""

    files: dict[str, str]
    models: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def choose_grain(plan: SourcePlan, grain: str | None) -> TablePlan:
    """The named table, else one with a business date and the most links out (a fact), then the most rows."""
    if grain:
        return plan.table(grain)
    return max(plan.tables, key=lambda t: (bool(t.event_date), len(t.links), t.profile.row_count))


def draft_dbt(plan: SourcePlan, *, grain: str | None = None, project: str = "warehouse") -> Draft:
    name = snake_case(project)
    if name in RESERVED_PROJECTS:  # dbt's own packages: a project of that name shadows them and fails to parse
        name = f"{name}_project"
    fact = choose_grain(plan, grain)
    dialect = "postgres" if _on_postgres(plan) else "duckdb"
    models: list[tuple[str, str, str]] = []  # (name, folder, sql)
    for table in plan.tables:
        models.append((f"stg_{table.name}", "staging", _staging_sql(plan, table, dialect)))
    dims = list(dict.fromkeys(link.parent for link in fact.links))
    for parent in dims:
        models.append((f"dim_{parent}", "marts", f"select * from {{{{ ref('stg_{parent}') }}}}\n"))
    if fact.event_date:
        models.append(("dim_date", "marts", _postgres_date_sql(fact) if dialect == "postgres" else _date_sql(fact)))
    models.append((f"fct_{fact.name}", "marts", _fact_sql(plan, fact)))
    bound = bind_models(_source_relations(plan), [(m, sql) for m, _, sql in models], dialect)

    files = {
        "dbt_project.yml": _dump(
            {
                "name": name,
                "version": "1.0.0",
                "profile": name,
                "model-paths": ["models"],
                "test-paths": ["tests"],
                "models": {name: {"staging": {"+materialized": "view"}, "marts": {"+materialized": "table"}}},
            }
        ),
        "profiles.yml": _postgres_profiles(plan, name) if dialect == "postgres" else _profiles(plan, name),
        "models/staging/_sources.yml": _dump({"version": 2, "sources": _sources(plan)}),
        "models/staging/_staging.yml": _dump({"version": 2, "models": [_staging_tests(plan, t) for t in plan.tables]}),
        "models/marts/_marts.yml": _dump({"version": 2, "models": _mart_tests(plan, fact, dims, bound)}),
        ".gitignore": "target/\ndbt_packages/\nlogs/\n*.duckdb\n*.duckdb.wal\n",
    }
    for model, folder, sql in models:
        files[f"models/{folder}/{model}.sql"] = sql
    checks = [c for c in draft_checks(plan) if c.kind in {"range", "completeness"}]
    files.update(dbt_tests(checks, lambda table: f"stg_{table}"))
    notes = [*plan.notes, f"grain: one row per {fact.name} ({', '.join(fact.key) or 'whole row'}) in fct_{fact.name}"]
    if not fact.event_date:
        notes.append(f"{fact.name} has no date or timestamp column: no date dimension drafted")
    return Draft(files, [m for m, _, _ in models], notes)


# -- SQL -----------------------------------------------------------------------------------------


def _on_postgres(plan: SourcePlan) -> bool:
    return any(t.table.source.kind == "postgres" for t in plan.tables)


def _postgres_schema(table: TablePlan) -> str:
    return table.table.schema or "public"  # the catalog names tables in `public` bare


def _source_name(plan: SourcePlan, table: TablePlan) -> str:
    if table.table.source.kind == "files":
        return "raw"
    if table.table.source.kind == "postgres":
        return snake_case(_postgres_schema(table))
    alias = plan.attachments[table.table.source.location]
    return alias if (table.table.schema or "main") == "main" else f"{alias}_{snake_case(table.table.schema or '')}"


def _source_relations(plan: SourcePlan) -> list[SourceRelation]:
    return [
        SourceRelation(_source_name(plan, t), t.name, [Column(c.source, c.profile.type) for c in t.columns])
        for t in plan.tables
    ]


def staging_select(table: TablePlan, relation: str, *, row_hash: bool = False) -> str:
    """Typed, renamed, one row per key: the body of a staging model (and of a silver load).

    With `row_hash` the rows carry `_row_hash` (of every typed column), which also breaks ties
    between versions loaded at the same time; without, the hash is computed only for the tie-break.
    """
    columns = ", ".join(quote(c.name) for c in table.columns)
    casts = ",\n        ".join(c.cast for c in table.columns)
    body = f"with source as (\n    select * from {relation}\n),\n\ntyped as (\n    select\n        {casts}\n    from source\n)\n\n"
    head = f"select *, hash({columns}) as _row_hash from typed" if row_hash else "select * from typed"
    if not table.key:
        return body + ("select distinct " + head[len("select "):] if row_hash else "select distinct * from typed") + "\n"
    keys = ", ".join(quote(k) for k in table.key)
    order = [f"{quote(table.loaded_at)} desc nulls last"] if table.loaded_at else []
    order.append("_row_hash" if row_hash else f"hash({columns})")
    not_null = " and ".join(f"{quote(k)} is not null" for k in table.key)
    return (
        body + f"{head}\nwhere {not_null}\n"
        f"qualify row_number() over (partition by {keys} order by {', '.join(order)}) = 1\n"
    )


def postgres_staging_select(table: TablePlan, relation: str) -> str:
    """`staging_select` in PostgreSQL: no QUALIFY or hash(), so the latest row per key is ranked in a
    CTE (ties broken by the md5 of the typed row) and the rank is left out of the result."""
    columns = ", ".join(quote(c.name) for c in table.columns)
    casts = ",\n        ".join(c.postgres_cast for c in table.columns)
    body = f"with source as (\n    select * from {relation}\n),\n\ntyped as (\n    select\n        {casts}\n    from source\n)\n\n"
    if not table.key:
        return body + "select distinct * from typed\n"
    keys = ", ".join(quote(k) for k in table.key)
    order = [f"{quote(table.loaded_at)} desc nulls last"] if table.loaded_at else []
    order.append(f"md5(cast(row({columns}) as text))")
    not_null = " and ".join(f"{quote(k)} is not null" for k in table.key)
    return (
        body.rstrip() + f",\n\nranked as (\n    select *, row_number() over (partition by {keys} order by {', '.join(order)}) as _row_number\n"
        f"    from typed\n    where {not_null}\n)\n\nselect {columns}\nfrom ranked\nwhere _row_number = 1\n"
    )


def _staging_sql(plan: SourcePlan, table: TablePlan, dialect: str) -> str:
    what = f"one row per {', '.join(table.key)}" if table.key else "duplicate rows removed (no key candidate)"
    relation = f"{{{{ source('{_source_name(plan, table)}', '{table.name}') }}}}"
    body = postgres_staging_select(table, relation) if dialect == "postgres" else staging_select(table, relation)
    return f"-- drafted by deassist from {table.table.source.display}: typed, snake_case, {what}\n" + body


def _date_sql(fact: TablePlan) -> str:
    col = quote(fact.event_date or "")
    return (
        "with bounds as (\n"
        f"    select min(cast({col} as date)) as first_day, max(cast({col} as date)) as last_day\n"
        f"    from {{{{ ref('stg_{fact.name}') }}}}\n"
        "),\n\ndays as (\n"
        "    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as date_day\n"
        "    from bounds\n)\n\n"
        "select\n    date_day,\n    year(date_day) as year,\n    quarter(date_day) as quarter,\n"
        "    month(date_day) as month,\n    monthname(date_day) as month_name,\n    day(date_day) as day_of_month,\n"
        "    isodow(date_day) as day_of_week,\n    dayname(date_day) as day_name,\n"
        "    isodow(date_day) >= 6 as is_weekend\nfrom days\n"
    )


def _postgres_date_sql(fact: TablePlan) -> str:
    col = quote(fact.event_date or "")
    return (
        "with bounds as (\n"
        f"    select min(cast({col} as date)) as first_day, max(cast({col} as date)) as last_day\n"
        f"    from {{{{ ref('stg_{fact.name}') }}}}\n"
        "),\n\ndays as (\n"
        "    select cast(day as date) as date_day\n"
        "    from bounds, generate_series(first_day, last_day, interval '1 day') as series(day)\n)\n\n"
        "select\n    date_day,\n    cast(extract(year from date_day) as integer) as year,\n"
        "    cast(extract(quarter from date_day) as integer) as quarter,\n"
        "    cast(extract(month from date_day) as integer) as month,\n    trim(to_char(date_day, 'Month')) as month_name,\n"
        "    cast(extract(day from date_day) as integer) as day_of_month,\n"
        "    cast(extract(isodow from date_day) as integer) as day_of_week,\n    trim(to_char(date_day, 'Day')) as day_name,\n"
        "    extract(isodow from date_day) >= 6 as is_weekend\nfrom days\n"
    )


def child_aggregates(plan: SourcePlan, fact: TablePlan) -> list[tuple[TablePlan, str, list[tuple[str, str]]]]:
    """Per child table linking to the fact: (child, its link column, [(output name, aggregate SQL)])."""
    result = []
    for child, link in plan.children(fact.name):
        if len(fact.key) != 1:
            continue
        aggregates = [(f"{child.name}_count", "count(*)")]
        aggregates += [(f"{child.name}_{m.name}_sum", f"sum({quote(m.name)})") for m in child.measures]
        result.append((child, link.column, aggregates))
    return result


def _fact_sql(plan: SourcePlan, fact: TablePlan) -> str:
    ctes = [f"base as (\n    select * from {{{{ ref('stg_{fact.name}') }}}}\n)"]
    selects = ["base.*"]
    joins = []
    if fact.event_date:
        selects.append(f"cast(base.{quote(fact.event_date)} as date) as date_day")
    for child, column, aggregates in child_aggregates(plan, fact):
        alias = f"agg_{child.name}"
        body = ",\n        ".join(f"{sql} as {quote(out)}" for out, sql in aggregates)
        ctes.append(
            f"{alias} as (\n    select\n        {quote(column)},\n        {body}\n"
            f"    from {{{{ ref('stg_{child.name}') }}}}\n    group by {quote(column)}\n)"
        )
        joins.append(f"left join {alias} on {alias}.{quote(column)} = base.{quote(fact.key[0])}")
        for out, sql in aggregates:
            default = "0" if sql == "count(*)" else None
            expr = f"{alias}.{quote(out)}"
            selects.append(f"coalesce({expr}, {default}) as {quote(out)}" if default else f"{expr}")
    return (
        "with " + ",\n\n".join(ctes) + "\n\nselect\n    " + ",\n    ".join(selects) + "\nfrom base\n"
        + "".join(j + "\n" for j in joins)
    )


# -- YAML ----------------------------------------------------------------------------------------


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def _profiles(plan: SourcePlan, name: str) -> str:
    output: dict[str, Any] = {
        "type": "duckdb",
        "path": "{{ env_var('DEASSIST_DBT_DATABASE', 'warehouse.duckdb') }}",
        "threads": 1,
    }
    if plan.attachments:
        output["attach"] = [{"path": path, "alias": alias, "read_only": True} for path, alias in plan.attachments.items()]
    return _dump({name: {"target": "dev", "outputs": {"dev": output}}})


def _postgres_profiles(plan: SourcePlan, name: str) -> str:
    """dbt-postgres on the source's database, building into a schema of its own (`dbt_<project>`, or
    `$DEASSIST_DBT_SCHEMA`) so no source table is written. The password is never written: dbt reads
    it from `$PGPASSWORD`."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(plan.tables[0].table.source.location)
    schemas = {_postgres_schema(t) for t in plan.tables}
    schema = f"dbt_{name}"
    while schema in schemas:
        schema += "_build"
    output: dict[str, Any] = {
        "type": "postgres",
        "host": str(params.get("host") or "localhost"),
        "port": int(params.get("port") or 5432),
        "user": str(params.get("user") or "postgres"),
        "password": "{{ env_var('PGPASSWORD', '') }}",
        "dbname": str(params.get("dbname") or params.get("user") or "postgres"),
        "schema": f"{{{{ env_var('DEASSIST_DBT_SCHEMA', '{schema}') }}}}",
        "threads": 1,
    }
    if params.get("sslmode"):
        output["sslmode"] = str(params["sslmode"])
    return _dump({name: {"target": "dev", "outputs": {"dev": output}}})


def _sources(plan: SourcePlan) -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for table in plan.tables:
        source_name = _source_name(plan, table)
        entry = grouped.setdefault(source_name, {"name": source_name, "tables": []})
        if table.table.source.kind == "duckdb":
            entry["database"] = plan.attachments[table.table.source.location]
            entry["schema"] = table.table.schema or "main"
        elif table.table.source.kind == "postgres":
            entry["schema"] = _postgres_schema(table)
        item: dict[str, Any] = {"name": table.name}
        if table.table.source.kind == "files":
            item["meta"] = {"external_location": table.read_sql.replace("{", "{{").replace("}", "}}")}
        elif table.table.name != table.name:
            item["identifier"] = table.table.name
            item["quoting"] = {"identifier": True}
        if table.loaded_at:
            column = table.column(table.loaded_at)
            item["loaded_at_field"] = quote(column.source) if column.source != column.name else column.source
            item["freshness"] = {"warn_after": {"count": 24, "period": "hour"}}
        entry["tables"].append(item)
    return list(grouped.values())


def _column_tests(table: TablePlan) -> list[dict[str, Any]]:
    checks = table_checks(table)
    columns = []
    for column in table.columns:
        tests: list[Any] = []
        if column.name in table.key and len(table.key) == 1:
            tests += ["unique", "not_null"]
        elif column.not_null or column.name in table.key:
            tests.append("not_null")
        link = next((lk for lk in table.links if lk.column == column.name), None)
        if link is not None:
            relationship: dict[str, Any] = {"arguments": {"to": f"ref('stg_{link.parent}')", "field": link.parent_column}}
            if link.inclusion < 1:
                relationship["config"] = {"severity": "warn"}
            tests.append({"relationships": relationship})
        accepted = next((c for c in checks if c.kind == "accepted_values" and c.column == column.name), None)
        if accepted is not None:
            values: dict[str, Any] = {"arguments": {"values": accepted.params["values"]}}
            if accepted.known_violations:  # the data holds other values now: reported, the values stay strict
                values["config"] = {"severity": "warn"}
            tests.append({"accepted_values": values})
        entry: dict[str, Any] = {"name": column.name}
        if tests:
            entry["data_tests"] = tests
        columns.append(entry)
    return columns


def _staging_tests(plan: SourcePlan, table: TablePlan) -> dict[str, Any]:
    model: dict[str, Any] = {"name": f"stg_{table.name}", "columns": _column_tests(table)}
    if len(table.key) > 1:
        expression = " || '|' || ".join(f"coalesce(cast({quote(k)} as varchar), '')" for k in table.key)
        model["data_tests"] = [{"unique": {"arguments": {"column_name": f"({expression})"}}}]
    return model


def _mart_tests(plan: SourcePlan, fact: TablePlan, dims: list[str], bound: dict[str, list[Column]]) -> list[dict[str, Any]]:
    models = []
    for parent in dims:
        key = plan.table(parent).key[0]
        models.append({"name": f"dim_{parent}", "columns": [{"name": key, "data_tests": ["unique", "not_null"]}]})
    if fact.event_date:
        models.append({"name": "dim_date", "columns": [{"name": "date_day", "data_tests": ["unique", "not_null"]}]})
    columns: list[dict[str, Any]] = []
    if len(fact.key) == 1:
        columns.append({"name": fact.key[0], "data_tests": ["unique", "not_null"]})
    for link in fact.links:
        relationship: dict[str, Any] = {"arguments": {"to": f"ref('dim_{link.parent}')", "field": link.parent_column}}
        if link.inclusion < 1:
            relationship["config"] = {"severity": "warn"}
        columns.append({"name": link.column, "data_tests": [{"relationships": relationship}]})
    if fact.event_date:
        columns.append({"name": "date_day", "data_tests": [{"relationships": {"arguments": {"to": "ref('dim_date')", "field": "date_day"}}}]})
    produced = {c.name for c in bound[f"fct_{fact.name}"]}
    models.append({"name": f"fct_{fact.name}", "columns": [c for c in columns if c["name"] in produced]})
    return models
