"""The agents use memory: what a request mentions enters their brief, and they recall and remember through tools.

Offline conversations: the offline planner drives the real graph, and Claude is replaced by the local
stub of the Messages API (real SDK, real wire format) where a model's own tool choices are needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import events
from assistant.backends.offline import OfflineBackend
from assistant.session import Session, SessionConfig
from tests.backends.stub_server import Reply, StubMessagesAPI, messages_stub  # noqa: F401 - the fixture
from tests.memory.conftest import PLATFORM
from tools.memory import MemoryStore


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    store = MemoryStore.for_project(root)
    for name, kind, observations, relations in PLATFORM:
        store.add(name, type=kind, observations=observations, relations=relations, date="2026-11-02")
    return root


def _ask(session: Session, request: str, approve=None) -> list[events.Event]:
    return list(session.ask(request, approve=approve))


def test_an_offline_conversation_recalls_what_memory_holds_about_the_request(project: Path):
    session = Session(SessionConfig(workdir=project, home=project / "home"), backend=OfflineBackend())
    got = _ask(session, "What feeds warehouse.orders, and what depends on it?")
    recalls = [e for e in got if isinstance(e, events.ToolCall) and e.name == "recall"]
    assert [c.input for c in recalls] == [{"entity": "warehouse.orders"}]
    result = next(e for e in got if isinstance(e, events.ToolResult) and e.name == "recall")
    assert result.output["upstream"] == ["kafka.orders", "orders_etl"]
    answer = got[-1]
    assert isinstance(answer, events.FinalAnswer)
    assert "## What project memory holds" in answer.text
    assert "2026-11-02: partitioned by order_date" in answer.text
    assert "Downstream: `churn_features`, `churn_model`, `revenue_dashboard`" in answer.text
    session.close()


def test_an_offline_design_carries_the_memory_of_what_it_mentions(project: Path):
    session = Session(SessionConfig(workdir=project, home=project / "home"), backend=OfflineBackend())
    answer = _ask(session, "Design a backfill for orders_etl")[-1]
    assert isinstance(answer, events.FinalAnswer)
    assert "- Known from project memory:" in answer.text and "Spark on EMR, 2-hour SLA" in answer.text
    session.close()


def test_a_request_that_mentions_nothing_known_gets_no_memory(project: Path):
    session = Session(SessionConfig(workdir=project, home=project / "home"), backend=OfflineBackend())
    got = _ask(session, "Design a CDC pipeline from MySQL")
    assert not [e for e in got if isinstance(e, events.ToolCall) and e.name == "recall"]
    assert "project memory" not in got[-1].text
    session.close()


def _route(stub: StubMessagesAPI) -> Reply:
    return Reply.message_of(
        [{"type": "tool_use", "id": stub.tool_id(), "name": "route", "input": {"lead": "data-engineer", "collaborators": []}}],
        "tool_use",
    )


def _remember(stub: StubMessagesAPI, arguments: dict) -> Reply:
    return Reply.message_of([{"type": "tool_use", "id": stub.tool_id(), "name": "remember", "input": arguments}], "tool_use")


@pytest.fixture
def claude_session(messages_stub: StubMessagesAPI, project: Path):
    from assistant.backends.anthropic import AnthropicBackend

    backend = AnthropicBackend("sonnet", api_key="sk-ant-test-0123456789", base_url=messages_stub.url, retries=0)
    session = Session(SessionConfig(workdir=project, home=project / "home"), backend=backend)
    yield session
    session.close()


def test_the_model_remembers_with_approval_and_the_next_request_sees_it(
    claude_session: Session, messages_stub: StubMessagesAPI, project: Path
):
    fact = {
        "entity": "clickstream",
        "type": "streaming_system",
        "observations": ["Kinesis, 40k events a second at peak"],
        "relations": [{"relation": "streams_features_to", "target": "churn_features"}],
    }
    messages_stub.script(_route(messages_stub), _remember(messages_stub, fact), Reply.text("Noted."))
    asked: list[events.ApprovalRequest] = []
    got = _ask(claude_session, "Remember: clickstream is our Kinesis stream feeding churn features", approve=lambda r: asked.append(r) or True)
    assert [(r.kind, r.summary) for r in asked] == [
        ("write_file", f"remember clickstream (streaming_system) in {MemoryStore.for_project(project).path}")
    ]
    assert "observe: Kinesis, 40k events a second at peak" in asked[0].detail
    assert isinstance(got[-1], events.FinalAnswer)
    stored = MemoryStore.for_project(project).entity("clickstream")
    assert [o.text for o in stored.observations] == ["Kinesis, 40k events a second at peak"]

    messages_stub.script(_route(messages_stub), Reply.text("It streams to churn_features."))
    _ask(claude_session, "What does clickstream feed?")
    brief = messages_stub.requests[-1].body["messages"][-1]["content"]
    text = brief if isinstance(brief, str) else "".join(b.get("text", "") for b in brief)
    assert "<memory>" in text and "- clickstream (streaming_system)" in text
    assert "Kinesis, 40k events a second at peak" in text and "clickstream streams_features_to churn_features" in text


def test_a_declined_remember_writes_nothing(claude_session: Session, messages_stub: StubMessagesAPI, project: Path):
    fact = {"entity": "clickstream", "type": "streaming_system", "observations": ["Kinesis"]}
    messages_stub.script(_route(messages_stub), _remember(messages_stub, fact), Reply.text("Not saved."))
    got = _ask(claude_session, "Remember clickstream", approve=lambda r: False)
    result = next(e for e in got if isinstance(e, events.ToolResult) and e.name == "remember")
    assert result.is_error and "declined" in result.output
    assert "clickstream" not in MemoryStore.for_project(project).names()


def test_personal_data_the_model_tries_to_remember_is_refused(claude_session: Session, messages_stub: StubMessagesAPI, project: Path):
    fact = {"entity": "orders_etl", "observations": ["pages ada@example.com when it fails"]}
    messages_stub.script(_route(messages_stub), _remember(messages_stub, fact), Reply.text("I will not store that."))
    got = _ask(claude_session, "Remember who orders_etl pages", approve=lambda r: True)
    result = next(e for e in got if isinstance(e, events.ToolResult) and e.name == "remember")
    assert result.is_error and result.output.startswith("DEA-MEMORY-PII: ") and "ada@" not in result.output
    assert all("ada@" not in o.text for o in MemoryStore.for_project(project).entity("orders_etl").observations)
