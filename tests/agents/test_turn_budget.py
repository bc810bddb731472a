"""The tool loop's turn budget: a model that keeps calling tools ends in DEA-ASK-TOO-LONG, exit 1."""

from __future__ import annotations

from assistant.graph.build import MAX_TURNS
from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.conftest import SHOP


def _tool_use(call_id: str, name: str, arguments: dict) -> Reply:
    return Reply.message_of([{"type": "tool_use", "id": call_id, "name": name, "input": arguments}], "tool_use")


def _script(stub: StubMessagesAPI, last: Reply) -> None:
    stub.script(_tool_use("toolu_route", "route", {"lead": "data-engineer", "collaborators": [], "reason": "data"}))
    stub.script(*[_tool_use(f"toolu_{n}", "inspect", {"tables": ["orders"]}) for n in range(MAX_TURNS)], last)


def _env(stub: StubMessagesAPI) -> dict[str, str]:
    return {"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": stub.url, "DEASSIST_MODEL_RETRIES": "0"}


def test_a_model_still_calling_tools_at_the_budget_ends_in_too_long(run_cli) -> None:
    with StubMessagesAPI() as stub:
        _script(stub, _tool_use("toolu_again", "inspect", {"tables": ["orders"]}))
        done = run_cli("ask", "what is in orders?", "--data", str(SHOP), env=_env(stub))
        bodies = [r.body for r in stub.requests]
    assert done.code == 1, done.err
    assert done.err.strip().splitlines()[-1].startswith("error DEA-ASK-TOO-LONG:")
    assert len(bodies) == MAX_TURNS + 2
    for body in bodies:
        holds_tool_use = any(
            isinstance(m["content"], list) and any(b.get("type") == "tool_use" for b in m["content"])
            for m in body["messages"]
        )
        assert not holds_tool_use or body.get("tools"), "a request held tool_use blocks without tools"


def test_a_model_that_answers_at_the_budget_is_heard(run_cli) -> None:
    with StubMessagesAPI() as stub:
        _script(stub, Reply.text("Orders hold amounts and statuses."))
        done = run_cli("ask", "what is in orders?", "--data", str(SHOP), env=_env(stub))
        last = stub.requests[-1].body
    assert done.code == 0, done.err
    assert "Orders hold amounts" in done.out
    assert last["tools"] and "write your answer now" in str(last["messages"][-1])
