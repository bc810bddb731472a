"""The graph driving the OpenAI-compatible backend (real openai SDK) against the local Chat Completions stub."""

from __future__ import annotations

import json

from assistant import events as ev
from tests.agents.conftest import final
from tests.backends.openai_stub import Reply, StubChatAPI
from tests.conftest import SHOP

ROUTE = {"lead": "data-engineer", "collaborators": [], "reason": "SQL work"}


def test_tool_calls_round_trip_through_the_graph_and_its_approval_gate(ask) -> None:
    from assistant.backends.openai import OpenAIBackend

    with StubChatAPI() as stub:
        stub.script(
            Reply.calls(("call_route", "route", ROUTE)),
            Reply.calls(("call_look", "inspect", {"tables": ["orders"]}), text="Let me look."),
            Reply.calls(("call_run", "run_sql", {"sql": "SELECT SUM(amount) AS revenue FROM orders"})),
            Reply.text("Orders carry `amount`:\n\n```sql\nSELECT SUM(amount) AS revenue FROM orders\n```"),
        )
        backend = OpenAIBackend("qwen3", provider="ollama", base_url=stub.url, retries=0)
        asked: list[ev.ApprovalRequest] = []
        events = ask("What is our revenue?", [SHOP], backend=backend, approve=lambda r: asked.append(r) or False)
        sent = [r.body for r in stub.requests]
    answer = final(events)
    assert answer.text.startswith("Orders carry") and answer.validated_sql == ["SELECT SUM(amount) AS revenue FROM orders"]
    assert [t["function"]["name"] for t in sent[0]["tools"]] == ["route"]
    assert {"inspect", "validate_sql", "run_sql", "remember"} <= {t["function"]["name"] for t in sent[1]["tools"]}
    assert sent[1]["messages"][0]["role"] == "system" and "data engineer" in sent[1]["messages"][0]["content"]
    inspected = sent[2]["messages"][-1]
    assert inspected["role"] == "tool" and inspected["tool_call_id"] == "call_look" and "customer_id" in inspected["content"]
    # run_sql needs approval: it was asked, declined, and the model was told it did not run.
    assert [a.kind for a in asked] == ["run_sql"]
    declined = sent[3]["messages"][-1]
    assert declined["tool_call_id"] == "call_run" and "declined" in declined["content"]
    deltas = "".join(e.text for e in events if isinstance(e, ev.TextDelta))
    assert "Let me look." in deltas and "SUM(amount)" in deltas
    usage = [e for e in events if isinstance(e, ev.Usage)]
    assert sum(u.usage.input_tokens for u in usage) == 40 and {u.usage.cost_usd for u in usage} == {0.0}
    assert {u.model for u in usage} == {"qwen3"}


def _config(tmp_path, url: str) -> dict[str, str]:
    (tmp_path / ".deassist.toml").write_text(f'model = "ollama:qwen3"\n[backends.ollama]\nbase-url = "{url}"\n')
    return {"DEASSIST_CONFIG": str(tmp_path / "no-user-config.toml")}


def test_ask_uses_the_configured_local_model(run_cli, tmp_path) -> None:
    with StubChatAPI() as stub:
        stub.script(Reply.calls(("call_r", "route", ROUTE)), Reply.text("Here:\n\n```sql\nSELECT 1 AS one\n```"))
        done = run_cli("ask", "say hi", "--json", env=_config(tmp_path, stub.url))
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["model"] == "ollama:qwen3" and document["validated_sql"] == ["SELECT 1 AS one"]
    assert document["usage"]["input_tokens"] == 20 and document["usage"]["cost_usd"] == 0


def test_a_model_without_tools_is_one_line_naming_it(run_cli, tmp_path) -> None:
    with StubChatAPI() as stub:
        stub.script(Reply(status=400, body={"error": "registry.ollama.ai/library/gemma2:2b does not support tools"}))
        done = run_cli("ask", "say hi", "--model", "ollama:gemma2:2b", env=_config(tmp_path, stub.url))
    assert done.code == 2 and done.out == ""
    errors = [line for line in done.err.splitlines() if line.startswith("error ")]
    assert len(errors) == 1 and errors[0].startswith("error DEA-MODEL-NO-TOOLS: gemma2:2b cannot call tools")
