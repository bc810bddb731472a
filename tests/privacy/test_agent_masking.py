"""What reaches the model from run_sql: the real SDK against the local Messages API stub."""

from __future__ import annotations

import csv
import json

from tests.agents.conftest import ask, final  # noqa: F401 (the ask fixture)
from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.conftest import SHOP

QUERY = (
    "SELECT c.name AS customer, replace(c.email, '@', ' at ') AS contact, name || '' AS again,"
    " count(c.email) OVER () AS with_email, c.country FROM customers c ORDER BY c.customer_id LIMIT 5"
)


def _tool_use(call_id: str, name: str, arguments: dict) -> Reply:
    return Reply.message_of([{"type": "tool_use", "id": call_id, "name": name, "input": arguments}], "tool_use")


def test_rows_from_run_sql_reach_the_model_masked_by_lineage(ask) -> None:  # noqa: F811
    from assistant.backends.anthropic import AnthropicBackend

    with StubMessagesAPI() as stub:
        stub.script(
            _tool_use("toolu_route", "route", {"lead": "data-engineer", "collaborators": [], "reason": "data"}),
            _tool_use("toolu_run", "run_sql", {"sql": QUERY}),
            Reply.text("Done."),
        )
        backend = AnthropicBackend("sonnet", api_key="sk-ant-test", base_url=stub.url, retries=0)
        answer = final(ask("Show me some customers", [SHOP], backend=backend, auto_approve=True))
        sent = json.dumps([r.body for r in stub.requests])
    assert answer.text == "Done."
    result = stub.requests[2].body["messages"][-1]["content"][0]
    assert result["tool_use_id"] == "toolu_run"
    data = json.loads(result["content"] if isinstance(result["content"], str) else result["content"][0]["text"])
    assert data["ran"] and data["masked"] == ["customer", "contact", "again"]
    with (SHOP / "customers.csv").open(encoding="utf-8") as handle:
        everyone = list(csv.DictReader(handle))
    people = everyone[:5]
    for person in people:
        assert person["name"] not in sent and person["email"] not in sent
        assert person["email"].replace("@", " at ") not in sent
    assert [row[3] for row in data["rows"]] == [len(everyone)] * 5
    assert [row[4] for row in data["rows"]] == [p["country"] for p in people]
