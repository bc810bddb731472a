"""PostgreSQL catalogs beyond `public`: schemas and quoted names carried through inspect, DDL, validate, run."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.catalog.conftest import fresh_database
from tools.catalog import load_catalog
from tools.catalog.model import Catalog
from tools.catalog.render import render_catalog
from tools.sql.validate import SqlValidator

pytestmark = pytest.mark.postgres

OPS = """
CREATE SCHEMA ops;
CREATE TABLE ops.machines (id integer PRIMARY KEY, name text NOT NULL, "Registered" date);
CREATE TABLE ops.maintenance (
    id integer PRIMARY KEY, machine_id integer REFERENCES ops.machines (id), cost numeric(10,2), done_at timestamp);
CREATE TABLE notes (id bigint PRIMARY KEY, body varchar(200));
INSERT INTO ops.machines VALUES (1, 'lathe', '2024-01-02'), (2, 'press', '2024-03-04');
INSERT INTO ops.maintenance VALUES (1, 1, 120.50, '2024-05-01'), (2, 2, 80.25, '2024-06-01');
"""


@pytest.fixture(scope="module")
def ops_pg(pg_database: str) -> str:
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(OPS)
    return pg_database

def duckdb_spelling(type_sql: str, dialect: str) -> str:
    """A type in DuckDB's spelling, so engines compare; DuckDB keeps no VARCHAR length."""
    from sqlglot import exp

    kind = exp.DataType.build(type_sql, dialect=dialect)
    if kind.this in exp.DataType.TEXT_TYPES:
        kind.set("expressions", [])
    return kind.sql("duckdb")


def shape(catalog: Catalog, type_dialect: str) -> set[tuple]:
    """Names, schemas, types, nullability and keys."""
    return {
        (
            t.schema,
            t.name,
            tuple((c.name, duckdb_spelling(c.type, type_dialect), c.nullable) for c in t.columns),
            tuple(t.primary_key),
            tuple((fk.columns, fk.ref_schema, fk.ref_table, fk.ref_columns) for fk in t.foreign_keys),
        )
        for t in catalog.tables
    }


def test_ddl_from_inspect_rebuilds_the_same_catalog_in_postgres(ops_pg: str, pg_dsn: str) -> None:
    original = load_catalog([ops_pg])
    ddl = render_catalog(original, "ddl", dialect="postgres")
    assert "CREATE SCHEMA IF NOT EXISTS ops;" in ddl and '"Registered" DATE' in ddl
    with fresh_database(pg_dsn) as copy:
        with psycopg.connect(copy, autocommit=True) as conn:
            conn.execute(ddl)
        rebuilt = load_catalog([copy])
    assert shape(rebuilt, "postgres") == shape(original, "postgres")
    assert [c.type for c in rebuilt.table("ops.maintenance").columns] == [
        "integer",
        "integer",
        "numeric(10,2)",
        "timestamp without time zone",
    ]


def test_ddl_from_inspect_rebuilds_the_same_catalog_in_duckdb(ops_pg: str, tmp_path: Path) -> None:
    import duckdb

    original = load_catalog([ops_pg])
    target = tmp_path / "copy.duckdb"
    conn = duckdb.connect(str(target))
    conn.execute(render_catalog(original, "ddl", dialect="duckdb"))
    conn.close()
    assert shape(load_catalog([str(target)]), "duckdb") == shape(original, "postgres")


def test_validate_knows_tables_by_schema_and_quoted_names_by_case(ops_pg: str) -> None:
    validator = SqlValidator(load_catalog([ops_pg]), "postgres")
    sql = 'SELECT m."Registered", x.cost FROM ops.machines m JOIN ops.maintenance x ON x.machine_id = m.id'
    assert validator.validate(sql).valid
    [bare] = validator.validate("SELECT cost FROM maintenance").diagnostics
    assert (bare.code, bare.suggestion) == ("DEA-SQL-UNKNOWN-TABLE", "did you mean ops.maintenance?")
    [folded] = validator.validate("SELECT Registered FROM ops.machines").diagnostics
    assert folded.code == "DEA-SQL-UNKNOWN-COLUMN"


def test_run_reads_tables_in_their_schema(ops_pg: str, run_cli) -> None:
    from tests.conftest import read_only_role

    sql = 'SELECT m."Registered", x.cost FROM ops.machines m JOIN ops.maintenance x ON x.machine_id = m.id ORDER BY 2'
    with read_only_role(ops_pg) as reader:
        result = run_cli("run", "--source", reader, "--format", "csv", input=sql)
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["Registered,cost", "2024-03-04,80.25", "2024-01-02,120.50"]


def test_profile_keeps_the_declared_postgres_types(ops_pg: str, run_cli) -> None:
    import json

    from tests.conftest import read_only_role

    with read_only_role(ops_pg) as reader:
        result = run_cli("profile", reader, "--format", "json")
    assert result.code == 0, result.err
    tables = {t.get("schema", "") + "." + t["name"]: t for t in json.loads(result.out)["tables"]}
    types = {c["name"]: c["type"] for c in tables["ops.maintenance"]["profile"]["columns"]}
    assert types == {"id": "INTEGER", "machine_id": "INTEGER", "cost": "DECIMAL(10,2)", "done_at": "TIMESTAMP"}


def test_profile_refuses_a_superuser_unless_the_user_opts_in(ops_pg: str, run_cli, tmp_path: Path) -> None:
    """Reading a view runs its definition as the connected role: the role `run` refuses, profile refuses."""
    refused = run_cli("profile", ops_pg, "--table", "ops.machines", "--format", "json")
    assert refused.code == 2 and refused.err.count("\n") == 1 and "Traceback" not in refused.err
    assert refused.err.startswith("error DEA-SQL-PRIVILEGED-ROLE: role postgres is a superuser")
    assert refused.out == ""
    flagged = run_cli("profile", ops_pg, "--table", "ops.machines", "--format", "json", "--allow-privileged-role")
    assert flagged.code == 0, flagged.err
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.deassist.sql]\nallow-privileged-role = true\n", encoding="utf-8")
    configured = run_cli("profile", ops_pg, "--table", "ops.machines", "--format", "json", cwd=project)
    assert configured.code == 0, configured.err
    assert configured.out == flagged.out and '"lathe"' in configured.out


def test_ask_writes_tables_in_their_schema(ops_pg: str, run_cli) -> None:
    import json

    result = run_cli("ask", "what is the total maintenance cost?", "--data", ops_pg, "--json")
    answer = json.loads(result.out)
    assert result.code == 0, result.err
    assert [" ".join(sql.split()) for sql in answer["validated_sql"]] == [
        "SELECT SUM(maintenance.cost) AS total_cost FROM ops.maintenance"
    ]
    assert answer["failed_sql"] == []


def test_tables_in_public_are_found_bare_or_qualified_as_postgres_finds_them(ops_pg: str) -> None:
    validator = SqlValidator(load_catalog([ops_pg]), "postgres")
    assert validator.validate("SELECT n.body FROM public.notes n JOIN notes m ON m.id = n.id").valid
    assert not validator.validate("SELECT body FROM main.notes").valid
