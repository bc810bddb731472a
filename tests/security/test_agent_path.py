"""The agents' tools hold the same lines: a model asking for a hostile view, or for a server file on
PostgreSQL, gets a refusal, and nothing outside the sources reaches the Messages API (local stub)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agents.conftest import ask  # noqa: F401 - the fixture, re-exported
from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.conftest import read_only_role

SECRET = "deassist-canary-secret"


def _route() -> Reply:
    call = {"lead": "data-engineer", "collaborators": [], "reason": "SQL work"}
    return Reply.message_of([{"type": "tool_use", "id": "toolu_route", "name": "route", "input": call}], "tool_use")


def _calls(*calls: tuple[str, dict]) -> list[Reply]:
    return [
        Reply.message_of([{"type": "tool_use", "id": f"toolu_{i}", "name": name, "input": args}], "tool_use")
        for i, (name, args) in enumerate(calls)
    ]


def _converse(ask, sources: list[str], *calls: tuple[str, dict], **config) -> tuple[list[str], list[dict]]:  # noqa: ANN001
    """Script the model to make `calls`; returns what each request sent and the tool results it read."""
    from assistant.backends.anthropic import AnthropicBackend

    with StubMessagesAPI() as stub:
        stub.script(_route(), *_calls(*calls), Reply.text("Done."))
        backend = AnthropicBackend("sonnet", api_key="sk-ant-test", base_url=stub.url, retries=0)
        ask("Show me what is in the data", sources, backend=backend, auto_approve=True, **config)
        sent = [json.dumps(r.body) for r in stub.requests]
    results = [  # the last request carries the whole conversation
        block
        for message in stub.requests[-1].body["messages"]
        if isinstance(message["content"], list)
        for block in message["content"]
        if block.get("type") == "tool_result"
    ]
    return sent, results


def test_a_hostile_view_never_reaches_the_model(ask, tmp_path: Path) -> None:  # noqa: F811
    import duckdb

    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(f"key,value\napi_key,{SECRET}\n")
    source = tmp_path / "shop.duckdb"
    with duckdb.connect(str(source)) as conn:
        conn.execute("CREATE TABLE orders AS SELECT 1 AS id, 9.5 AS amount")
        conn.execute(f"CREATE VIEW leak AS SELECT * FROM read_csv('{secret}')")
    sent, results = _converse(
        ask,
        [str(source)],
        ("inspect", {"tables": ["leak"]}),
        ("profile", {"tables": ["leak"]}),
        ("run_sql", {"sql": "SELECT * FROM leak"}),
        ("run_sql", {"sql": "SELECT sum(amount) FROM orders"}),
    )
    assert not any(SECRET in body for body in sent)
    shown = [json.dumps(r["content"]) for r in results]
    assert "DEA-SOURCE-EXTERNAL" in shown[0]  # inspect lists the view with its note
    assert all(r.get("is_error") for r in results[1:3]) and all("DEA-SOURCE-EXTERNAL" in s for s in shown[1:3])
    assert not results[3].get("is_error") and "9.5" in shown[3]  # the control still runs


@pytest.fixture(scope="module")
def shop_pg(pg_dsn: str) -> Iterator[str]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"deassist_agent_security_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_conninfo(**(conninfo_to_dict(pg_dsn) | {"dbname": name}))
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE orders AS SELECT g AS id, g * 1.5 AS amount FROM generate_series(1, 4) g")
        yield dsn
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_run_sql_on_postgres_checks_the_role_and_the_functions(ask, shop_pg: str) -> None:  # noqa: F811
    read_file = ("run_sql", {"sql": "SELECT pg_read_file('/etc/passwd')"})
    total = ("run_sql", {"sql": "SELECT sum(amount) FROM orders"})

    sent, results = _converse(ask, [shop_pg], read_file, total)
    assert all("DEA-SQL-PRIVILEGED-ROLE" in json.dumps(r["content"]) for r in results)

    sent, results = _converse(ask, [shop_pg], read_file, total, allow_privileged_role=True)
    assert "DEA-SQL-DENIED-FUNCTION" in json.dumps(results[0]["content"]) and "15.0" in json.dumps(results[1]["content"])
    assert not any("root:" in body for body in sent)

    with read_only_role(shop_pg) as reader:
        sent, results = _converse(ask, [reader], read_file, total)
    assert "DEA-SQL-DENIED-FUNCTION" in json.dumps(results[0]["content"]) and "15.0" in json.dumps(results[1]["content"])
    assert not any("root:" in body for body in sent)
