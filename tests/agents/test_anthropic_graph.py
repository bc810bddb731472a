"""The graph driving the anthropic backend (real SDK) against the local Messages API stub."""

from __future__ import annotations

import json

from assistant import events as ev
from tests.agents.conftest import final
from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.conftest import SHOP


def test_a_tool_use_round_trip_through_the_graph(ask) -> None:
    from assistant.backends.anthropic import AnthropicBackend

    with StubMessagesAPI() as stub:
        stub.script(
            Reply.message_of(
                [
                    {
                        "type": "tool_use",
                        "id": "toolu_route",
                        "name": "route",
                        "input": {"lead": "data-engineer", "collaborators": [], "reason": "SQL work"},
                    }
                ],
                "tool_use",
            ),
            Reply.message_of(
                [
                    {"type": "text", "text": "Let me look."},
                    {"type": "tool_use", "id": "toolu_look", "name": "inspect", "input": {"tables": ["orders"]}},
                ],
                "tool_use",
            ),
            Reply.text("Orders carry `amount`:\n\n```sql\nSELECT SUM(amount) AS revenue FROM orders\n```"),
        )
        backend = AnthropicBackend("sonnet", api_key="sk-ant-test", base_url=stub.url, retries=0)
        events = ask("What is our revenue?", [SHOP], backend=backend)
        sent = [r.body for r in stub.requests]
    answer = final(events)
    assert answer.text.startswith("Orders carry") and answer.validated_sql == [
        "SELECT SUM(amount) AS revenue FROM orders"
    ]
    assert [t["name"] for t in sent[0]["tools"]] == ["route"]
    assert "data-engineer" in json.dumps(sent[0]["messages"])
    lead_tools = {t["name"] for t in sent[1]["tools"]}
    assert {"inspect", "profile", "validate_sql", "run_sql", "transpile_sql"} <= lead_tools
    assert "lead data engineer" in json.dumps(sent[1]["system"])
    result = sent[2]["messages"][-1]["content"][0]
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_look"
    assert "customer_id" in json.dumps(result["content"])
    deltas = "".join(e.text for e in events if isinstance(e, ev.TextDelta))
    assert "Let me look." in deltas and "SUM(amount)" in deltas
    assert sum(e.usage.input_tokens for e in events if isinstance(e, ev.Usage)) == 30
