"""The attack corpus (YAML beside this file) against the real engines.

PostgreSQL: the local server, as a read-only role and as a superuser (refused outright, and with the
opt-in, where the function guard must still hold). DuckDB and SQLite: real files carrying hostile views
and macros, built here from the fixtures. Every file also lists controls: legitimate queries that must
keep working, so a sandbox that refused everything would fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import read_only_role
from tools.catalog import Catalog, load_catalog
from tools.errors import DeassistError
from tools.sql import run_query
from tools.sql.policy import SqlPolicy

HERE = Path(__file__).parent
LEAK_MARKERS = ("root:", "PATH=", "deassist-canary-secret")


@dataclass(frozen=True)
class Attack:
    klass: str
    sql: str
    expect: str  # a DEA- code, or "ok"

    @property
    def id(self) -> str:
        return f"{self.klass}: {self.sql[:60]}"


def _load(name: str) -> list[dict]:
    return yaml.safe_load((HERE / name).read_text())


POSTGRES = [Attack(e["class"], e["sql"], e["expect"]) for e in _load("postgres.yaml")]
DUCKDB = [Attack(e["class"], e["sql"], e["expect"]) for e in _load("duckdb_queries.yaml")]
OBJECTS = _load("hostile_objects.yaml")


def outcome(sql: str, catalog: Catalog, policy: SqlPolicy | None = None) -> tuple[str, str]:
    """("ok", rows as text) or (refusal code, message)."""
    try:
        result = run_query(sql, catalog, limit=20, timeout_s=20, policy=policy)
    except DeassistError as exc:
        return exc.code, exc.message
    return "ok", repr(result.rows)


def assert_no_leak(text: str) -> None:
    assert not any(marker in text for marker in LEAK_MARKERS), text


# -- PostgreSQL ------------------------------------------------------------------------------------


@dataclass
class Scratch:
    dsn: str  # the superuser's
    canary: object  # a psycopg connection that must survive every attack


@pytest.fixture(scope="module")
def scratch(pg_dsn: str) -> Iterator[Scratch]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"deassist_security_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(pg_dsn) | {"dbname": name}))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                """
                CREATE TABLE t AS SELECT g AS n FROM generate_series(1, 50) g;
                CREATE SEQUENCE s;
                CREATE FUNCTION public.evil() RETURNS int LANGUAGE sql AS 'SELECT 1';
                CREATE FUNCTION public.initcap(int) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1::text';
                CREATE FUNCTION public.always(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT true';
                CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = public.always);
                """
            )
        canary = psycopg.connect(dsn, autocommit=True, application_name="deassist-canary")
        yield Scratch(dsn, canary)
        canary.close()
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def reader(scratch: Scratch) -> Iterator[str]:
    with read_only_role(scratch.dsn) as dsn:
        yield dsn


def _pg_catalog(dsn: str) -> Catalog:
    from tools.catalog.model import Column, Source, Table

    return Catalog([Table("t", Source("postgres", dsn, "scratch"), [Column("n", "integer")])])


def assert_untouched(scratch: Scratch) -> None:
    """Nothing an attack tried took effect: the canary lives, the table and sequence are as created."""
    row = scratch.canary.execute("SELECT count(*), (SELECT last_value FROM s), (SELECT is_called FROM s) FROM t")
    assert row.fetchone() == (50, 1, False)
    assert not os.path.exists("/tmp/deassist_attack_lo")


@pytest.mark.postgres
@pytest.mark.parametrize("attack", POSTGRES, ids=lambda a: a.id)
def test_postgres_as_a_read_only_role(attack: Attack, scratch: Scratch, reader: str) -> None:
    code, text = outcome(attack.sql, _pg_catalog(reader))
    assert code == attack.expect, text
    assert_no_leak(text)
    assert_untouched(scratch)


@pytest.mark.postgres
@pytest.mark.parametrize("attack", POSTGRES, ids=lambda a: a.id)
def test_postgres_as_a_superuser_who_opted_in(attack: Attack, scratch: Scratch) -> None:
    code, text = outcome(attack.sql, _pg_catalog(scratch.dsn), SqlPolicy(allow_privileged_role=True))
    assert code == attack.expect, text
    assert_no_leak(text)
    assert_untouched(scratch)


@pytest.mark.postgres
@pytest.mark.parametrize("attack", POSTGRES, ids=lambda a: a.id)
def test_postgres_as_a_superuser_is_refused(attack: Attack, scratch: Scratch) -> None:
    code, text = outcome(attack.sql, _pg_catalog(scratch.dsn))
    assert code == ("DEA-SQL-REFUSED" if attack.expect == "DEA-SQL-REFUSED" else "DEA-SQL-PRIVILEGED-ROLE"), text
    assert_untouched(scratch)


# -- DuckDB queries over files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def file_sources(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    import duckdb

    folder = tmp_path_factory.mktemp("sources")
    (folder / "people.csv").write_text("id,name,age\n1,Ada,36\n2,Grace,45\n")
    with duckdb.connect(str(folder / "shop.duckdb")) as conn:
        conn.execute("CREATE TABLE orders AS SELECT * FROM (VALUES (1, 1, 9.5), (2, 2, 20.0)) v(id, person_id, amount)")
    return load_catalog([str(folder / "people.csv"), str(folder / "shop.duckdb")])


@pytest.mark.parametrize("attack", DUCKDB, ids=lambda a: a.id)
def test_duckdb_queries(attack: Attack, file_sources: Catalog) -> None:
    code, text = outcome(attack.sql, file_sources)
    assert code == attack.expect, text
    if code == "DEA-SQL-RUN":  # past the text checks: the engine's own lock held
        assert "disabled by configuration" in text or "does not exist" in text, text
    assert_no_leak(text)
    assert not os.path.exists("/tmp/deassist_attack.csv")


# -- hostile views and macros in source files ------------------------------------------------------


@pytest.fixture(scope="module")
def source_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One DuckDB and one SQLite file holding every object of the corpus (later ones may use earlier ones)."""
    import sqlite3

    import duckdb

    folder = tmp_path_factory.mktemp("hostile")
    secret = tmp_path_factory.mktemp("outside") / "secret.csv"
    secret.write_text("key,value\napi_key,deassist-canary-secret\n")
    duck, lite = folder / "hostile.duckdb", folder / "hostile.sqlite"
    with duckdb.connect(str(duck)) as conn:
        conn.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1), (2), (3)) v(a)")
        for entry in (e for e in OBJECTS if e["engine"] == "duckdb"):
            conn.execute(entry["create"].replace("{secret}", str(secret)))
    with sqlite3.connect(lite) as conn:
        conn.execute("CREATE TABLE t (a INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
        for entry in (e for e in OBJECTS if e["engine"] == "sqlite"):
            conn.execute(entry["create"])
    return {"duckdb": duck, "sqlite": lite}


@pytest.mark.parametrize("entry", OBJECTS, ids=lambda e: f"{e['engine']} {e['class']}: {e['object']}")
def test_hostile_objects_are_listed_and_never_evaluated(entry: dict, source_files: dict[str, Path]) -> None:
    from tools.catalog.render import render_catalog
    from tools.profile import profile_catalog

    os.environ.setdefault("DEASSIST_CANARY", "deassist-canary-secret")  # what /proc/self/environ would show
    catalog = load_catalog([str(source_files[entry["engine"]])])
    flagged = {o.name for o in catalog.external}
    listing = render_catalog(catalog, "text")
    code, text = outcome(entry["query"], catalog)
    assert code == entry["expect"], text
    assert_no_leak(text + listing)
    table = catalog.table(entry["object"])
    if entry["expect"] == "ok":
        assert entry["object"] not in flagged
        if table is not None:
            assert profile_catalog(catalog, tables=[entry["object"]], sample=0)[0].row_count > 0
        return
    assert entry["object"] in flagged
    assert any(
        line.strip().startswith("DEA-SOURCE-EXTERNAL:") and f" {entry['object']} reaches outside" in line
        for line in listing.splitlines()
    ), listing
    if table is not None:
        with pytest.raises(DeassistError) as refused:
            profile_catalog(catalog, tables=[entry["object"]], sample=0)
        assert refused.value.code == "DEA-SOURCE-EXTERNAL"
