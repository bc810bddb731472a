"""`run_query` against real engines: DuckDB files, and PostgreSQL in a READ ONLY transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.catalog import Catalog, Column, Source, Table, load_catalog
from tools.errors import DeassistError
from tools.sql import run_query


def test_duckdb_file_is_opened_read_only(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE t AS SELECT range AS n FROM range(5)")
    result = run_query("SELECT sum(n) FROM t", load_catalog([str(path)]))
    assert result.rows == [(10,)] and not result.truncated


@pytest.mark.postgres
def test_postgres_runs_read_only_with_a_timeout(pg_dsn: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS deassist_sql_run_seq")
    source = Source("postgres", pg_dsn, "postgres")
    catalog = Catalog([Table("pg_class", source, [Column("relname", "name")])])

    result = run_query("SELECT n FROM generate_series(1, 50) AS g(n)", catalog, limit=10)
    assert result.columns == ["n"] and [r[0] for r in result.rows] == list(range(1, 11)) and result.truncated

    with pytest.raises(DeassistError) as timed_out:
        run_query("SELECT pg_sleep(5)", catalog, timeout_s=0.3)
    assert timed_out.value.code == "DEA-SQL-TIMEOUT"

    with pytest.raises(DeassistError) as wrote:
        run_query("SELECT nextval('deassist_sql_run_seq')", catalog)
    assert wrote.value.code == "DEA-SQL-RUN" and "read-only" in wrote.value.message
