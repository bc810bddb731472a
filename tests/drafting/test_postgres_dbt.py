"""A dbt project drafted from a PostgreSQL database builds green with dbt-postgres against that
database, into a schema of its own, leaving the source tables as they were."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drafting.conftest import dbt_build

pytestmark = pytest.mark.postgres

PASSWORD = "not-a-real-secret"  # the server trusts local logins; the draft must never write it

SOURCE_SQL = """
CREATE TABLE customers (customer_id integer PRIMARY KEY, "CustomerName" text NOT NULL, email text,
                        signup_date date NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE orders (order_id integer NOT NULL, customer_id integer REFERENCES customers,
                     amount numeric(10, 2) NOT NULL, status text NOT NULL, ordered_at timestamptz NOT NULL,
                     shipped_on text, loaded_at timestamp NOT NULL);
INSERT INTO customers VALUES
  (1, 'Ada', 'ada@example.com', '2024-01-01', '2024-01-02 08:00'),
  (2, 'Bo', 'bo@example.com', '2024-02-01', '2024-02-03 08:00'),
  (3, 'Cy', NULL, '2024-02-11', '2024-02-12 08:00');
INSERT INTO orders VALUES
  (10, 1, 12.50, 'placed', '2024-03-01 10:00+00', '2024-03-02', '2024-03-01 11:00'),
  (10, 1, 12.50, 'shipped', '2024-03-01 10:00+00', '2024-03-02', '2024-03-02 11:00'),
  (11, 1, 3.00, 'placed', '2024-03-02 10:00+00', NULL, '2024-03-02 11:00'),
  (12, 2, 7.25, 'shipped', '2024-03-05 10:00+00', '2024-03-06', '2024-03-05 11:00'),
  (13, 3, 9.00, 'placed', '2024-03-05 12:00+00', NULL, '2024-03-05 13:00');
"""


@pytest.fixture
def shop_pg(pg_dsn: str) -> Iterator[str]:
    """A scratch database with two related tables (a repeated order id: a later version), its DSN carrying a password."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"deassist_pgdbt_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(pg_dsn) | {"dbname": name}))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(SOURCE_SQL)
        yield make_conninfo(dsn, password=PASSWORD)
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _snapshot(dsn: str) -> dict[str, object]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        public = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        ).fetchall()
        rows = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("customers", "orders")}
    return {"public": public, **rows}


def test_a_dbt_project_over_postgresql_builds_green_into_its_own_schema(shop_pg: str, run_cli, tmp_path: Path) -> None:
    import psycopg

    before = _snapshot(shop_pg)
    out = tmp_path / "shop_dbt"
    refused = run_cli("draft", "dbt", shop_pg, "--out", str(out), "--grain", "orders")
    assert refused.code == 2 and "DEA-SQL-PRIVILEGED-ROLE" in refused.err and not out.exists()
    # The build needs CREATE on the database, which a read-only role lacks: the user opts in.
    result = run_cli("draft", "dbt", shop_pg, "--out", str(out), "--grain", "orders", "--allow-privileged-role")
    assert result.code == 0, result.err

    profiles = (out / "profiles.yml").read_text()
    assert "type: postgres" in profiles and "schema: '{{ env_var(''DEASSIST_DBT_SCHEMA'', ''dbt_shop_dbt'') }}'" in profiles
    assert not any(PASSWORD in f.read_text() for f in out.rglob("*") if f.is_file())
    assert "schema: public" in (out / "models/staging/_sources.yml").read_text()

    results = dbt_build(out)
    assert results and {r["status"] for r in results} <= {"success", "pass"}, [
        (r["unique_id"], r["status"]) for r in results if r["status"] not in {"success", "pass"}
    ]
    assert _snapshot(shop_pg) == before  # the source tables are read, never written
    with psycopg.connect(shop_pg) as conn:
        built = {t for (t,) in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'dbt_shop_dbt'")}
        assert built == {"stg_customers", "stg_orders", "dim_customers", "dim_date", "fct_orders"}
        latest = conn.execute("SELECT order_id, status, shipped_on FROM dbt_shop_dbt.fct_orders ORDER BY 1").fetchall()
        assert [row[:2] for row in latest] == [(10, "shipped"), (11, "placed"), (12, "shipped"), (13, "placed")]
        assert latest[0][2] == datetime.date(2024, 3, 2)  # ISO date text, typed as a date
        assert conn.execute("SELECT count(*), min(date_day), max(date_day) FROM dbt_shop_dbt.dim_date").fetchone()[0] == 5
        assert conn.execute('SELECT "customer_name" FROM dbt_shop_dbt.dim_customers ORDER BY 1').fetchall() == [
            ("Ada",), ("Bo",), ("Cy",)
        ]


def test_a_pipeline_or_a_mixed_dbt_project_over_postgresql_is_refused(shop_pg: str, run_cli, tmp_path: Path) -> None:
    result = run_cli("draft", "pipeline", shop_pg, "--out", str(tmp_path / "p"))
    assert (result.code, result.err.split(":")[0]) == (2, "error DEA-DRAFT-SOURCE")
    assert "dbt projects (draft dbt) also read PostgreSQL" in result.err
    csv = tmp_path / "extra.csv"
    csv.write_text("id,name\n1,a\n")
    result = run_cli("draft", "dbt", shop_pg, str(csv), "--out", str(tmp_path / "d"))
    assert (result.code, result.err.split(":")[0]) == (2, "error DEA-DRAFT-SOURCE")
    assert "one PostgreSQL database only" in result.err
    assert not (tmp_path / "p").exists() and not (tmp_path / "d").exists()
