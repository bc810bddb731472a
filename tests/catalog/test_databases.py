"""BIRD schemas as real catalogs in PostgreSQL, DuckDB and SQLite, read back through `load_catalog`."""

from __future__ import annotations

import dataclasses

import sqlite3
from pathlib import Path

import duckdb
import pytest

from tools.catalog import load_catalog
from tools.catalog.model import Catalog
from tools.catalog.render import render_catalog


def _keys(catalog: Catalog, schema: str | None = None) -> tuple[dict, set]:
    tables = [t for t in catalog.tables if schema is None or t.schema == schema]
    primary = {t.name: [c.lower() for c in t.primary_key] for t in tables if t.primary_key}
    foreign = {
        (t.name, fk.columns[0].lower(), fk.ref_table, fk.ref_columns[0].lower())
        for t in tables
        for fk in t.foreign_keys
    }
    return primary, foreign


def _expected(schema) -> tuple[dict, set]:  # noqa: ANN001
    primary = {t: [c.lower() for c in key] for t, key in schema.primary_keys.items()}
    foreign = {(c, col.lower(), p, key.lower()) for c, col, p, key in schema.foreign_keys}
    return primary, foreign


@pytest.mark.postgres
def test_postgres_reads_every_bird_schema_with_its_keys_and_comments(bird_pg, bird_schemas):
    catalog = load_catalog([bird_pg])
    for name, schema in bird_schemas.items():
        tables = {t.name: t for t in catalog.tables if t.schema == name}
        assert set(tables) == set(schema.tables)
        for table, columns in schema.tables.items():
            assert [c.name.lower() for c in tables[table].columns] == [c.lower() for c in columns]
        assert _keys(catalog, name) == _expected(schema)
        assert tables[next(iter(schema.tables))].comment == f"from BIRD {name}"
    superhero = catalog.table("superhero.superhero")
    assert superhero.column("id").nullable is False  # a primary key column is NOT NULL in PostgreSQL
    assert superhero.column("height_cm").type == "integer"
    dbname = bird_pg.rsplit("dbname=", 1)[1].split()[0]
    assert {t.source.display for t in catalog.tables} == {f"postgresql://postgres@127.0.0.1:5432/{dbname}"}


@pytest.mark.postgres
def test_bird_round_trips_through_ddl_into_duckdb_and_sqlite(bird_pg, bird_schemas, tmp_path: Path):
    """PostgreSQL's catalog written as DuckDB and SQLite DDL builds databases whose catalogs match."""
    for name, schema in bird_schemas.items():
        pg = Catalog([t for t in load_catalog([bird_pg]).tables if t.schema == name])
        for table in pg.tables:  # flattened into one default schema, references with them
            table.schema = None
            table.foreign_keys = [dataclasses.replace(fk, ref_schema=None) for fk in table.foreign_keys]
        duck_path = tmp_path / f"{name}.duckdb"
        with duckdb.connect(str(duck_path)) as conn:
            conn.execute(render_catalog(pg, "ddl", dialect="duckdb"))
        lite_path = tmp_path / f"{name}.sqlite"
        with sqlite3.connect(lite_path) as conn:
            conn.executescript(render_catalog(pg, "ddl", dialect="sqlite"))
        for path in (duck_path, lite_path):
            read = load_catalog([str(path)])
            assert {t.name for t in read.tables} == set(schema.tables)
            assert _keys(read) == _expected(schema), path.name
            for table in pg.tables:
                assert [(c.name, c.nullable) for c in read.table(table.name).columns] == [
                    (c.name, c.nullable) for c in table.columns
                ], f"{path.name}: {table.name}"


@pytest.mark.parametrize("db", ["debit_card_specializing", "student_club", "superhero", "toxicology"])
def test_published_bird_ddl_agrees_with_the_engines_that_load_it(bird: Path, bird_schemas, tmp_path: Path, db: str):
    """The same DDL read by sqlglot, by SQLite and by DuckDB names the same tables and columns."""
    schema = bird_schemas[db]
    lite = tmp_path / "bird.sqlite"
    with sqlite3.connect(lite) as conn:
        conn.executescript((bird / db / "schema.sqlite.sql").read_text())
    duck = tmp_path / "bird.duckdb"
    with duckdb.connect(str(duck)) as conn:
        conn.execute((bird / db / "schema.pg.sql").read_text())
    from_ddl = load_catalog([str(bird / db / "schema.sqlite.sql")], "sqlite")
    for catalog in (from_ddl, load_catalog([str(lite)]), load_catalog([str(duck)])):
        columns = {t.name: [c.name.lower() for c in t.columns] for t in catalog.tables}
        assert columns == {t: [c.lower() for c in cols] for t, cols in schema.tables.items()}
    both = load_catalog([str(lite), str(duck)])
    assert {t.source.kind for t in both.tables} == {"sqlite", "duckdb"}
    # The engine SQL over each is checked and run in; a DDL file's tables are checked in DuckDB.
    dialects = [c.dialect for c in (from_ddl, load_catalog([str(lite)]), load_catalog([str(duck)]), both)]
    assert dialects == ["duckdb", "sqlite", "duckdb", "duckdb"]


def test_duckdb_file_is_opened_read_only_and_reports_views_counts_and_comments(tmp_path: Path):
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR NOT NULL)")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id))")
        conn.execute("CREATE SCHEMA staging")
        conn.execute("CREATE TABLE staging.raw_orders AS SELECT range AS id FROM range(1234)")
        conn.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 10")
        conn.execute("COMMENT ON TABLE customers IS 'people who buy'")
        conn.execute("COMMENT ON COLUMN customers.email IS 'login'")
    catalog = load_catalog([str(path)])
    assert catalog.table("customers").comment == "people who buy"
    assert catalog.table("customers").column("email").comment == "login"
    assert catalog.table("customers").column("email").nullable is False
    assert catalog.table("orders").foreign_keys[0].to_dict() == {
        "columns": ["customer_id"],
        "references": {"table": "customers", "columns": ["id"]},
    }
    assert catalog.table("staging.raw_orders").row_count == 1234
    assert catalog.table("big_orders").kind == "view"
    with duckdb.connect(str(path)) as writer:  # nothing held the file open or locked it
        writer.execute("INSERT INTO customers VALUES (1, 'a@b.co')")


@pytest.mark.postgres
def test_empty_bird_tables_profile_cleanly(bird_pg, bird_schemas):
    from tests.conftest import read_only_role
    from tools.profile import profile_catalog

    names = [f"student_club.{t}" for t in bird_schemas["student_club"].tables]
    with read_only_role(bird_pg) as reader:
        profiles = profile_catalog(load_catalog([reader]), tables=names)
    assert [p.name for p in profiles] == list(bird_schemas["student_club"].tables)
    for profile in profiles:
        assert profile.row_count == 0 and profile.duplicate_rows is None
        assert profile.primary_key_candidates == [] and profile.foreign_key_candidates == []
        assert all(c.count == 0 and c.null_fraction == 0.0 for c in profile.columns)
    member = next(p for p in profiles if p.name == "member")
    assert member.column("email").pii and member.column("phone").pii  # by name, with no values to see


def test_a_database_without_tables_says_so(tmp_path: Path):
    from tools.errors import DeassistError

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(empty)])
    assert (caught.value.code, caught.value.message) == ("DEA-SOURCE-EMPTY", f"{empty}: holds no tables or views")
