"""PostgreSQL by connection string: what is read, how safely, and how failures read."""

from __future__ import annotations

import psycopg
import pytest

from tools.catalog import load_catalog
from tools.catalog.postgres import connect, is_postgres_dsn, redact_dsn
from tools.errors import DeassistError

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shop_pg(pg_database: str) -> str:
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            """
            CREATE TABLE customers (id serial PRIMARY KEY, email varchar(200) NOT NULL, name text);
            COMMENT ON COLUMN customers.email IS 'where receipts go';
            CREATE TABLE orders (
                id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id),
                amount numeric(10, 2), placed_at timestamptz);
            CREATE TABLE order_lines (order_id bigint, line int, sku text, PRIMARY KEY (order_id, line),
                FOREIGN KEY (order_id) REFERENCES orders (id));
            CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100;
            CREATE SCHEMA audit;
            CREATE TABLE audit.events (at timestamptz, what jsonb);
            INSERT INTO customers (email, name) SELECT 'c' || g || '@shop.test', 'C ' || g FROM generate_series(1, 40) g;
            ANALYZE customers;
            """
        )
    return pg_database


def test_tables_views_columns_keys_and_comments(shop_pg: str):
    catalog = load_catalog([shop_pg])
    assert {(t.schema, t.name, t.kind) for t in catalog.tables} == {
        (None, "customers", "table"),
        (None, "orders", "table"),
        (None, "order_lines", "table"),
        (None, "big_orders", "view"),
        ("audit", "events", "table"),
    }
    customers = catalog.table("customers")
    assert [(c.name, c.type, c.nullable) for c in customers.columns] == [
        ("id", "integer", False),
        ("email", "character varying(200)", False),
        ("name", "text", True),
    ]
    assert customers.column("email").comment == "where receipts go"
    assert customers.row_count == 40  # from pg_class.reltuples after ANALYZE: cheap, no scan
    lines = catalog.table("order_lines")
    assert lines.primary_key == ["order_id", "line"]
    assert [fk.to_dict() for fk in lines.foreign_keys] == [
        {"columns": ["order_id"], "references": {"table": "orders", "columns": ["id"]}}
    ]
    assert catalog.table("orders").column("amount").type == "numeric(10,2)"
    assert catalog.table("audit.events").column("what").type == "jsonb"
    assert catalog.table("big_orders").row_count is None


def test_the_connection_is_read_only(shop_pg: str):
    conn = connect(shop_pg)
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO customers (email) VALUES ('x@y.z')")
    finally:
        conn.close()


def test_key_value_connection_strings_are_recognised(shop_pg: str):
    assert is_postgres_dsn(shop_pg)  # the fixture's DSN is libpq key=value
    assert is_postgres_dsn("postgresql://u@h/db") and is_postgres_dsn("postgres://h/db")
    assert not is_postgres_dsn("data/orders.csv") and not is_postgres_dsn("s3://bucket/x.parquet")
    assert len(load_catalog([shop_pg]).tables) == 5


def test_passwords_never_reach_display_or_repr(shop_pg: str):
    secret = "hunter2-s3cret"
    with_password = shop_pg + f" password={secret}"  # trust auth ignores it, the catalog still loads
    catalog = load_catalog([with_password])
    assert secret not in repr(catalog)
    assert secret not in str(catalog.to_dict())
    assert redact_dsn(f"postgresql://bob:{secret}@db.internal:6543/sales") == "postgresql://bob@db.internal:6543/sales"


@pytest.mark.parametrize(
    ("dsn", "code", "fragment"),
    [
        (
            "postgresql://postgres:pw-LEAK-1@127.0.0.1:1/postgres",
            "DEA-PG-UNREACHABLE",
            "127.0.0.1:1/postgres: cannot reach",
        ),
        (
            "postgresql://postgres:pw-LEAK-2@127.0.0.1:5432/no_such_db_deassist",
            "DEA-PG-NOT-FOUND",
            "database no_such_db_deassist does not exist",
        ),
        ("postgresql://ghost:pw-LEAK-3@127.0.0.1:5432/postgres", "DEA-PG-NOT-FOUND", "role ghost does not exist"),
        ("postgresql://postgres:pw-LEAK-4@no-such-host.invalid/postgres", "DEA-PG-UNREACHABLE", "no-such-host.invalid"),
    ],
)
def test_connection_failures_are_one_line_naming_the_server(dsn: str, code: str, fragment: str):
    with pytest.raises(DeassistError) as caught:
        load_catalog([dsn])
    assert caught.value.code == code
    assert fragment in caught.value.message
    assert "LEAK" not in caught.value.message and "\n" not in caught.value.message


def test_a_rejected_password_is_reported_without_the_password(fake_pg_auth_server: int):
    dsn = f"postgresql://alice:wrong-LEAK@127.0.0.1:{fake_pg_auth_server}/sales?sslmode=disable"
    with pytest.raises(DeassistError) as caught:
        load_catalog([dsn])
    assert caught.value.code == "DEA-PG-AUTH"
    assert caught.value.message == (
        f"postgresql://alice@127.0.0.1:{fake_pg_auth_server}/sales: authentication failed for user alice; "
        "check the password"
    )
