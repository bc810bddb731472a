"""Sessions: approvals behind LangGraph interrupts, conversations resumed from the SQLite checkpointer,
and the repair loop that sends failing SQL back to the agent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant import events as ev
from assistant.backends.base import ModelRequest, ModelTurn, TextBlock, ToolUseBlock
from assistant.session import Session, SessionConfig
from tests.agents.conftest import RecordingBackend, final
from tests.conftest import SHOP

QUESTION = "Who are the top 5 customers by total order value?"


def test_an_approved_query_runs_and_its_rows_reach_the_answer(ask) -> None:
    asked: list[ev.ApprovalRequest] = []
    events = ask(QUESTION, [SHOP], approve=lambda request: asked.append(request) or True)
    assert [a.kind for a in asked] == ["run_sql"]
    assert "SUM(orders.amount)" in asked[0].detail and "customers.csv" in asked[0].summary
    decisions = [e for e in events if isinstance(e, ev.ApprovalDecision)]
    assert decisions == [ev.ApprovalDecision(asked[0].approval_id, True)]
    result = next(e for e in events if isinstance(e, ev.ToolResult) and e.name == "run_sql")
    assert not result.is_error and len(result.output["rows"]) == 5
    assert "| customer_id | name | total_amount |" in final(events).text


def test_a_rejected_query_does_not_run_and_the_answer_says_so(ask) -> None:
    events = ask(QUESTION, [SHOP], approve=lambda request: False)
    result = next(e for e in events if isinstance(e, ev.ToolResult) and e.name == "run_sql")
    assert result.is_error and "declined" in result.output
    answer = final(events)
    assert "validated but not run" in answer.text and "--yes" in answer.text
    assert answer.validated_sql  # the SQL was still checked and shown


def test_without_an_approver_nothing_runs(ask) -> None:
    events = ask(QUESTION, [SHOP])
    assert [e.approved for e in events if isinstance(e, ev.ApprovalDecision)] == [False]


def test_a_named_session_continues_from_the_checkpointer(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = Session(
        SessionConfig(sources=[str(SHOP)], session="shop-talk", home=home, auto_approve=True), RecordingBackend()
    )
    final(list(first.ask(QUESTION)))
    first.close()
    assert (home / "sessions.sqlite").exists()

    backend = RecordingBackend()
    again = Session(SessionConfig(sources=[str(SHOP)], session="shop-talk", home=home, auto_approve=True), backend)
    assert [turn["request"] for turn in again.history()] == [QUESTION]
    final(list(again.ask("How many orders per status?")))
    assert [turn["request"] for turn in again.history()] == [QUESTION, "How many orders per status?"]
    lead_request = next(r for r in backend.requests if not any(t.name == "route" for t in r.tools))
    earlier = [b.text for m in lead_request.messages[:2] for b in m.content if isinstance(b, TextBlock)]
    assert earlier[0] == QUESTION and "| 57 | D*** | 11,417.10 |" in earlier[1]
    again.close()
    stored = (home / "sessions.sqlite").read_bytes()
    assert b"11,417.10" in stored and b"Donald Johnson" not in stored and b"@example.com" not in stored
    threads = sqlite3.connect(home / "sessions.sqlite").execute("SELECT DISTINCT thread_id FROM checkpoints").fetchall()
    assert threads == [("shop-talk",)]


def test_an_approval_pending_when_the_process_stopped_is_asked_again(tmp_path: Path) -> None:
    """The interrupt is checkpointed: a new Session on the same thread resumes at the same question."""
    home = tmp_path / "home"
    config = SessionConfig(sources=[str(SHOP)], session="paused", home=home)
    first = Session(config, RecordingBackend())
    stream = first.ask(QUESTION)
    request = next(e for e in stream if isinstance(e, ev.ApprovalRequest))
    stream.close()  # the face went away before answering
    first.close()
    again = Session(config, RecordingBackend())
    events = list(again.resume(approve=lambda r: r.approval_id == request.approval_id))
    again.close()
    assert "| customer_id | name | total_amount |" in final(events).text


class ScriptedModel:
    """A stand-in for the remote model: routes to the lead alone and answers from a script."""

    name = "scripted"

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.requests: list[ModelRequest] = []

    def complete(self, request: ModelRequest, on_text=None) -> ModelTurn:  # noqa: ANN001
        self.requests.append(request)
        if any(t.name == "route" for t in request.tools):
            return ModelTurn(
                [ToolUseBlock("toolu_route", "route", {"lead": "data-engineer", "collaborators": []})], "tool_use"
            )
        return ModelTurn([TextBlock(self.answers.pop(0))], "end_turn")


def test_failing_sql_goes_back_to_the_agent_until_it_validates(ask) -> None:
    model = ScriptedModel(
        "Try:\n```sql\nSELECT nmae FROM customers\n```", "Fixed:\n```sql\nSELECT name FROM customers\n```"
    )
    events = ask("names of customers", [SHOP], backend=model)
    checks = [(e.sql, e.valid) for e in events if isinstance(e, ev.ValidationResult)]
    assert checks == [("SELECT nmae FROM customers", False), ("SELECT name FROM customers", True)]
    feedback = model.requests[-1].messages[-1].content[0].text
    assert "DEA-SQL-UNKNOWN-COLUMN" in feedback and "did you mean name" in feedback
    answer = final(events)
    assert answer.text.startswith("Fixed:") and answer.validated_sql == ["SELECT name FROM customers"]
    assert answer.failed_sql == []


def test_sql_still_failing_after_three_repairs_is_flagged_plainly(ask) -> None:
    model = ScriptedModel(*["```sql\nSELECT nmae FROM customers\n```"] * 4)
    answer = final(ask("names of customers", [SHOP], backend=model))
    assert len(model.requests) == 1 + 4  # the route, the first answer and three repairs
    assert "did not pass validation" in answer.text and "do not run it" in answer.text
    assert answer.failed_sql == ["SELECT nmae FROM customers"] and answer.validated_sql == []


def test_a_cancelled_request_ends_with_an_error_event(tmp_path: Path) -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    session = Session(SessionConfig(sources=[str(SHOP)], home=tmp_path / "home"), RecordingBackend())
    events = list(session.ask(QUESTION, cancel=cancel))
    session.close()
    assert events[-1] == ev.ErrorEvent("DEA-ASK-CANCELLED", "the request was cancelled", 1)
    assert not any(isinstance(e, ev.FinalAnswer) for e in events)


class TwoCollaborators:
    """A scripted model: two collaborators, each asking to run a query, then the lead answers."""

    name = "scripted"

    def complete(self, request: ModelRequest, on_text=None) -> ModelTurn:  # noqa: ANN001
        if any(t.name == "route" for t in request.tools):
            route = {"lead": "data-engineer", "collaborators": ["database-admin", "security-auditor"]}
            return ModelTurn([ToolUseBlock("toolu_route", "route", route)], "tool_use")
        results = [b for m in request.messages for b in m.content if getattr(b, "tool_use_id", None)]
        brief = request.messages[-1].content[0].text if not results else ""
        if "<role>collaborator</role>" in brief:
            call = ToolUseBlock(
                f"toolu_{abs(hash(request.system)) % 10**8}", "run_sql", {"sql": "SELECT count(*) AS n FROM orders"}
            )
            return ModelTurn([call], "tool_use")
        if results:
            return ModelTurn([TextBlock(f"counted: {results[-1].content}")], "end_turn")
        return ModelTurn([TextBlock("the lead's answer")], "end_turn")


def test_parallel_collaborators_each_wait_for_their_own_approval(ask) -> None:
    asked: list[ev.ApprovalRequest] = []
    events = ask(
        "check orders",
        [SHOP],
        backend=TwoCollaborators(),
        approve=lambda r: asked.append(r) or r.agent == "database-admin",
    )
    assert sorted(a.agent for a in asked) == ["database-admin", "security-auditor"]
    assert len({a.approval_id for a in asked}) == 2
    results = {e.agent: e for e in events if isinstance(e, ev.ToolResult) and e.name == "run_sql"}
    assert results["database-admin"].output["rows"] == [[300]] and not results["database-admin"].is_error
    assert results["security-auditor"].is_error and "declined" in results["security-auditor"].output
    answer = final(events)
    assert answer.text == "the lead's answer"
    assert answer.agents == ["data-engineer", "database-admin", "security-auditor"]


def test_a_source_added_mid_conversation_joins_the_catalog(tmp_path: Path) -> None:
    extra = tmp_path / "refunds.csv"
    extra.write_text("refund_id,order_id,reason\n1,3,damaged\n2,8,late\n3,9,damaged\n")
    session = Session(SessionConfig(sources=[str(SHOP)], home=tmp_path / "home", auto_approve=True), RecordingBackend())
    session.add_source(str(extra))
    assert session.catalog.table("refunds") is not None and len(session.catalog.tables) == 5
    answer = final(list(session.ask("How many refunds per reason?")))
    session.close()
    assert "| damaged | 2 |" in answer.text and "| late | 1 |" in answer.text
