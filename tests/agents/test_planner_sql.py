"""Question -> SQL from fixture files, and every answered reading's SQL run on real engines.

The SQL is a sqlglot tree rendered in the catalog's dialect: it must match the fixture, run on the
shop data in DuckDB, and (for the generated schemas) run on empty tables in DuckDB and SQLite.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml

from assistant.backends.offline.lexicon import lexicon
from assistant.backends.offline.to_sql import reading_sql
from assistant.backends.offline.understand import Decline, read
from tests.agents.test_planner_readings import CASES, FIXTURES, SHOP, schema

PAIRS = yaml.safe_load((Path(__file__).parent / "fixtures" / "planner_sql.yaml").read_text(encoding="utf-8"))


def shop_connection() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    for csv in sorted(SHOP.glob("*.csv")):
        conn.execute(f"CREATE VIEW {csv.stem} AS SELECT * FROM read_csv_auto('{csv}')")
    return conn


@pytest.mark.parametrize("pair", PAIRS, ids=[p["question"] for p in PAIRS])
def test_the_question_becomes_the_fixture_sql_and_runs(pair: dict[str, str]) -> None:
    found = read(pair["question"], lexicon("en"), schema("shop"))
    assert not isinstance(found, Decline), found
    sql = reading_sql(found, schema("shop"), "duckdb")
    assert sqlglot.parse_one(sql, read="duckdb") == sqlglot.parse_one(pair["sql"], read="duckdb"), sql
    shop_connection().execute(sql).fetchall()


ANSWERED = [c for c in CASES if not c.values[2].startswith("decline:") and "@" not in c.values[0]]


@pytest.mark.parametrize(("schema_name", "question", "expected"), ANSWERED)
def test_every_answered_reading_runs_on_duckdb_and_sqlite(schema_name: str, question: str, expected: str) -> None:
    index = schema(schema_name)
    found = read(question, lexicon("en"), index)
    assert not isinstance(found, Decline)
    if schema_name == "shop":
        shop_connection().execute(reading_sql(found, index, "duckdb")).fetchall()
        return
    ddl = FIXTURES["schemas"][schema_name]["ddl"]
    conn = duckdb.connect()
    conn.execute(ddl)
    conn.execute(reading_sql(found, index, "duckdb")).fetchall()
    lite = sqlite3.connect(":memory:")
    lite.executescript(";\n".join(s.sql("sqlite") for s in sqlglot.parse(ddl, read="duckdb") if s))
    if not any(m.function == "median" for m in found.measures):  # SQLite has no median
        lite.execute(reading_sql(found, index, "sqlite")).fetchall()
