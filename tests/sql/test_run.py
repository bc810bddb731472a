"""`run_query` against real engines: DuckDB files, and PostgreSQL in a READ ONLY transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import read_only_role
from tools.catalog import Catalog, Column, Source, Table, load_catalog
from tools.errors import DeassistError
from tools.sql import run_query
from tools.sql.policy import SqlPolicy, load_sql_policy


def test_duckdb_file_is_opened_read_only(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE t AS SELECT range AS n FROM range(5)")
    result = run_query("SELECT sum(n) FROM t", load_catalog([str(path)]))
    assert result.rows == [(10,)] and not result.truncated


@pytest.fixture(scope="module")
def scratch_pg(pg_dsn: str) -> Iterator[str]:
    """A fresh database holding a table and a sequence; yields the superuser's connection string."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"deassist_run_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(pg_dsn) | {"dbname": name}))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE t AS SELECT g AS n FROM generate_series(1, 50) g; CREATE SEQUENCE s")
        yield dsn
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _catalog(dsn: str) -> Catalog:
    return Catalog([Table("t", Source("postgres", dsn, "scratch"), [Column("n", "integer")])])


@pytest.mark.postgres
def test_postgres_runs_read_only_with_a_timeout_as_a_read_only_role(scratch_pg: str) -> None:
    with read_only_role(scratch_pg) as reader:
        catalog = _catalog(reader)
        result = run_query("SELECT n FROM t ORDER BY n", catalog, limit=10)
        assert result.columns == ["n"] and [r[0] for r in result.rows] == list(range(1, 11)) and result.truncated

        with pytest.raises(DeassistError) as timed_out:
            run_query("SELECT count(*) FROM generate_series(1, 10000000000)", catalog, timeout_s=0.3)
        assert timed_out.value.code == "DEA-SQL-TIMEOUT"

        with pytest.raises(DeassistError) as wrote:
            run_query("SELECT nextval('s')", catalog)
        assert wrote.value.code == "DEA-SQL-DENIED-FUNCTION" and "nextval" in wrote.value.message


@pytest.mark.postgres
def test_a_superuser_is_refused_unless_the_user_opts_in(scratch_pg: str) -> None:
    with pytest.raises(DeassistError) as refused:
        run_query("SELECT count(*) FROM t", _catalog(scratch_pg))
    assert refused.value.code == "DEA-SQL-PRIVILEGED-ROLE"
    for statement in ("CREATE ROLE", "GRANT pg_read_all_data", "--allow-privileged-role"):
        assert statement in refused.value.message

    opted_in = SqlPolicy(allow_privileged_role=True)
    assert run_query("SELECT count(*) FROM t", _catalog(scratch_pg), policy=opted_in).rows == [(50,)]
    with pytest.raises(DeassistError) as still_checked:  # the opt-in does not lift the function check
        run_query("SELECT pg_read_file('/etc/passwd')", _catalog(scratch_pg), policy=opted_in)
    assert still_checked.value.code == "DEA-SQL-DENIED-FUNCTION"


@pytest.mark.postgres
def test_user_defined_functions_run_only_when_configured(scratch_pg: str, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(scratch_pg, autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE FUNCTION public.twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 2 * x'")
    with read_only_role(scratch_pg) as reader:
        with pytest.raises(DeassistError) as refused:
            run_query("SELECT twice(n) FROM t WHERE n = 2", _catalog(reader))
        assert refused.value.code == "DEA-SQL-DENIED-FUNCTION" and "public.twice" in refused.value.message

        (tmp_path / "pyproject.toml").write_text('[tool.deassist.sql]\nallowed-functions = ["public.twice"]\n')
        policy = load_sql_policy(tmp_path)
        assert run_query("SELECT twice(n) FROM t WHERE n = 2", _catalog(reader), policy=policy).rows == [(4,)]


def test_a_bad_sql_setting_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".deassist.toml").write_text("[sql]\nallow-privileged-role = 'yes'\n")
    with pytest.raises(DeassistError) as bad:
        load_sql_policy(tmp_path)
    assert bad.value.code == "DEA-SQL-CONFIG" and "true or false" in bad.value.message


@pytest.mark.postgres
def test_limit_streams_rows_instead_of_reading_the_whole_result(scratch_pg: str, tmp_path: Path) -> None:
    """Ten billion rows cannot be materialised inside the timeout: only streaming returns the first ones."""
    import sqlite3

    endless = "SELECT generate_series(1, 10000000000) AS g"  # in the select list: produced row by row
    with read_only_role(scratch_pg) as reader:
        result = run_query(endless, _catalog(reader), limit=2, timeout_s=30)
    assert result.rows == [(1,), (2,)] and result.truncated

    duck = run_query("SELECT range AS g FROM range(10000000000000)", load_catalog([str(_duckdb_file(tmp_path))]), limit=2)
    assert duck.rows == [(0,), (1,)] and duck.truncated

    lite_path = tmp_path / "lite.sqlite"
    with sqlite3.connect(lite_path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
    counting = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"
    lite = run_query(counting, load_catalog([str(lite_path)]), limit=2, timeout_s=60)
    assert lite.rows == [(1,), (2,)] and lite.truncated


def _duckdb_file(tmp_path: Path) -> Path:
    import duckdb

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE t AS SELECT 1 AS n")
    return path


def test_json_output_is_json_and_terminal_output_shows_control_bytes_escaped(run_cli, tmp_path: Path) -> None:
    import json

    source = _duckdb_file(tmp_path)
    numbers = "SELECT 'nan'::DOUBLE AS a, 'inf'::DOUBLE AS b, '-inf'::DOUBLE AS c, 1.5::DOUBLE AS d"
    result = run_cli("run", "--source", str(source), "--format", "json", input=numbers)
    assert result.code == 0, result.err
    assert json.loads(result.out)["rows"] == [[None, None, None, 1.5]]

    hostile = "SELECT chr(27) || ']0;owned' || chr(7) || chr(27) || '[2J' || chr(13) || 'x' || chr(8238) AS v"
    for fmt in ("table", "csv"):
        shown = run_cli("run", "--source", str(source), "--format", fmt, input=hostile + ", '[bold]m[/bold]' AS w")
        assert shown.code == 0, shown.err
        assert not any(ch in shown.out for ch in "\x1b\x07\r\u202e"), repr(shown.out)
        assert r"\x1b]0;owned\x07\x1b[2J\x0dx\u202e" in shown.out and "[bold]m[/bold]" in shown.out


@pytest.mark.postgres
def test_the_cli_refuses_a_superuser_until_the_flag_or_the_setting_says_otherwise(
    run_cli, scratch_pg: str, tmp_path: Path
) -> None:
    refused = run_cli("run", "--source", scratch_pg, input="SELECT count(*) FROM t")
    assert refused.code == 2 and refused.err.startswith("error DEA-SQL-PRIVILEGED-ROLE:") and len(refused.err.splitlines()) == 1

    flagged = run_cli("run", "--source", scratch_pg, "--allow-privileged-role", "--format", "csv", input="SELECT count(*) FROM t")
    assert flagged.code == 0 and flagged.out.splitlines()[1] == "50"

    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.deassist.sql]\nallow-privileged-role = true\n")
    configured = run_cli("run", "--source", scratch_pg, "--format", "csv", input="SELECT count(*) FROM t", cwd=project)
    assert configured.code == 0 and configured.out.splitlines()[1] == "50"


def test_a_fifo_named_like_a_data_file_is_refused_in_one_line(run_cli, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "x.csv"
    os.mkfifo(fifo)
    result = run_cli("inspect", str(fifo))
    assert result.code == 2 and result.err.strip() == f"error DEA-SOURCE-UNREADABLE: {fifo}: not a regular file (a FIFO, socket or device)"
