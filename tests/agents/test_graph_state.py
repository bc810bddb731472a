"""The graph state's reducers under LangGraph: agents running in parallel merge, a new request starts empty."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from assistant.graph.state import AgentNote, GraphState

START_OF_REQUEST: dict[str, Any] = {"notes": None, "validated_sql": None, "failed_sql": None, "commit_message": None}


def _graph() -> Any:
    """Two agents at once, as collaborators run: both write every reducer key in the same step."""

    def fan_out(state: GraphState) -> list[Send]:
        return [Send("agent", {"request": state["request"], "lead": name}) for name in ("a", "b")]

    def agent(state: GraphState) -> GraphState:
        name = state["lead"]
        said = state["request"]
        return {
            "notes": [AgentNote(agent=name, role="collaborator", text=said, truncated=False)],
            "validated_sql": ["SELECT 1", f"SELECT '{name}{said}'"],
            "failed_sql": [],
            "commit_message": f"feat: {name}{said}",
        }

    graph = StateGraph(GraphState)
    graph.add_node("agent", agent)
    graph.add_conditional_edges(START, fan_out, ["agent"])
    graph.add_edge("agent", END)
    return graph.compile(checkpointer=InMemorySaver())


def test_parallel_agents_merge_and_each_request_starts_empty() -> None:
    graph = _graph()
    thread = {"configurable": {"thread_id": "t"}}
    first = graph.invoke({"request": "1", **START_OF_REQUEST}, thread)
    assert sorted(n["agent"] for n in first["notes"]) == ["a", "b"]
    assert sorted(first["validated_sql"]) == ["SELECT 'a1'", "SELECT 'b1'", "SELECT 1"]  # each SQL once
    assert first["commit_message"] in {"feat: a1", "feat: b1"} and first["failed_sql"] == []

    second = graph.invoke({"request": "2", **START_OF_REQUEST}, thread)
    assert [n["text"] for n in second["notes"]] == ["2", "2"]
    assert sorted(second["validated_sql"]) == ["SELECT 'a2'", "SELECT 'b2'", "SELECT 1"]
    assert second["commit_message"] in {"feat: a2", "feat: b2"}


def test_a_request_without_a_proposed_commit_message_keeps_none() -> None:
    graph = StateGraph(GraphState)
    graph.add_node("agent", lambda state: {"validated_sql": ["SELECT 1"]})
    graph.add_edge(START, "agent")
    graph.add_edge("agent", END)
    compiled = graph.compile(checkpointer=InMemorySaver())
    thread = {"configurable": {"thread_id": "t"}}
    compiled.invoke({"request": "1", **START_OF_REQUEST, "commit_message": "feat: earlier"}, thread)
    after = compiled.invoke({"request": "2", **START_OF_REQUEST}, thread)
    assert after["commit_message"] is None and after["validated_sql"] == ["SELECT 1"]
