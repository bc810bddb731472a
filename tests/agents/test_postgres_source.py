"""An ask against the real PostgreSQL server: validated as PostgreSQL, run in a read-only transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import events as ev
from tests.agents.conftest import final
from tests.conftest import read_only_role

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shop_pg(pg_dsn: str) -> Iterator[str]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"deassist_agents_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(pg_dsn) | {"dbname": name}))
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            """
            CREATE TABLE customers (customer_id int PRIMARY KEY, country text NOT NULL);
            CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int REFERENCES customers, status text, amount numeric(10, 2));
            INSERT INTO customers SELECT g, (ARRAY['FR', 'JP', 'BR'])[1 + g % 3] FROM generate_series(1, 30) g;
            INSERT INTO orders SELECT g, 1 + g % 30, (ARRAY['completed', 'refunded'])[1 + g % 2], g * 10 FROM generate_series(1, 90) g;
            ANALYZE;
            """
        )
    try:
        with read_only_role(dsn) as reader:
            yield reader
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_question_over_postgresql(ask, shop_pg: str) -> None:
    import psycopg

    with psycopg.connect(shop_pg) as conn:
        expected = conn.execute(
            "SELECT c.country, sum(o.amount) FROM orders o JOIN customers c USING (customer_id)"
            " WHERE o.status = 'refunded' GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    events = ask("Total amount of refunded orders per country", [shop_pg], auto_approve=True)
    answer = final(events)
    checks = [e for e in events if isinstance(e, ev.ValidationResult)]
    assert checks and all(c.dialect == "postgres" and c.valid for c in checks)
    for country, total in expected:
        assert f"| {country} | {float(total):,.2f} |" in answer.text
    approval = next(
        e for e in events if isinstance(e, ev.ApprovalRequest) and e.kind == "run_sql" and "SUM" in e.detail
    )
    assert "postgresql://" in approval.summary and "password" not in approval.summary


def test_the_profile_tool_checks_the_role_with_the_sessions_policy(shop_pg: str, tmp_path: Path) -> None:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from assistant.toolbox import ToolContext, call_tool, toolbox
    from tools.catalog import load_catalog
    from tools.sql.policy import SqlPolicy

    superuser = make_conninfo(**(conninfo_to_dict(shop_pg) | {"user": "postgres"}))
    outcomes = {}
    for name, dsn, policy in [
        ("reader", shop_pg, SqlPolicy()),
        ("superuser", superuser, SqlPolicy()),
        ("opted in", superuser, SqlPolicy(allow_privileged_role=True)),
    ]:
        context = ToolContext(load_catalog([dsn]), tmp_path, sql_policy=policy)
        outcomes[name] = call_tool(toolbox()["profile"], context, {"tables": ["customers"], "sample": 0})
        context.close()
    assert outcomes["superuser"].is_error
    assert outcomes["superuser"].data.startswith("DEA-SQL-PRIVILEGED-ROLE: role postgres is a superuser")
    for name in ("reader", "opted in"):
        assert not outcomes[name].is_error, outcomes[name].data
        assert outcomes[name].data["tables"][0]["row_count"] == 30
