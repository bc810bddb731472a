"""`deassist ask` through the installed console script, as a user runs it."""

from __future__ import annotations

import json
import socket

from tests.backends.stub_server import Reply, StubMessagesAPI
from tests.conftest import SHOP

QUESTION = "Who are the top 5 customers by total order value?"


def test_ask_prints_the_answer_and_progress_separately(run_cli) -> None:
    done = run_cli("ask", QUESTION, "--data", str(SHOP), "--yes")
    assert done.code == 0, done.err
    assert "## Answer" in done.out and "| 57 | D*** | 11,417.10 |" in done.out and "Offline planner" in done.out
    assert "data-engineer → run_sql" in done.err and "11,417.10" not in done.err


def test_ask_json_is_one_document(run_cli) -> None:
    done = run_cli("ask", QUESTION, "--data", str(SHOP), "--yes", "--json")
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert set(document) >= {
        "answer",
        "agents",
        "tool_calls",
        "validated_sql",
        "commit_message",
        "usage",
        "model",
        "session",
        "outcome",
        "declined_reason",
        "reading",
    }
    assert document["agents"] == ["data-engineer"] and document["model"] == "offline"
    assert [c["name"] for c in document["tool_calls"]] == ["route", "validate_sql", "run_sql"]
    assert document["validated_sql"][0].startswith("SELECT\n  orders.customer_id")
    assert document["outcome"] == "answered" and document["declined_reason"] is None
    assert document["reading"]["measures"] == [{"function": "sum", "table": "orders", "column": "amount"}]
    assert document["usage"]["input_tokens"] == 0 and document["commit_message"] is None
    assert done.err == ""


def test_without_yes_or_a_terminal_the_query_is_not_run(run_cli) -> None:
    done = run_cli("ask", QUESTION, "--data", str(SHOP), "--json")
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["approvals"] == [{"id": document["tool_calls"][-1]["id"], "approved": False}]
    assert "validated but not run" in document["answer"]


def test_a_named_session_continues(run_cli) -> None:
    run_cli("ask", QUESTION, "--data", str(SHOP), "--yes", "--session", "shop")
    done = run_cli("ask", "How many orders per status?", "--data", str(SHOP), "--yes", "--session", "shop", "--json")
    assert json.loads(done.out)["session"] == "shop"


def test_a_commit_message_is_proposed_and_attributed(run_cli) -> None:
    done = run_cli("ask", "Write a commit message for adding the orders staging model", "--data", str(SHOP), "--json")
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["commit_message"] == "feat(orders): add the orders staging model - @data-engineer"
    assert document["commit_message"] in document["answer"]


def test_usage_errors_are_one_line(run_cli) -> None:
    for args, code in [
        (("ask", "  "), "DEA-ASK-EMPTY"),
        (("ask", "hi", "--model", "gpt-9"), "DEA-MODEL-UNKNOWN"),
        (("ask", "hi", "--model", "anthropic:sonnet"), "DEA-MODEL-NO-KEY"),
        (("ask", "hi", "--data", "missing.csv"), "DEA-SOURCE-MISSING"),
    ]:
        done = run_cli(*args)
        assert done.code == 2, (args, done.err)
        assert done.err.startswith(f"error {code}:") and done.err.count("\n") == 1, done.err


def test_a_network_failure_is_one_line_and_exit_1(run_cli) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "ANTHROPIC_API_KEY": "sk-ant-test",
        "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DEASSIST_MODEL_RETRIES": "0",
    }
    done = run_cli("ask", "hi", "--model", "anthropic:haiku", env=env)
    assert done.code == 1
    assert done.err.splitlines()[-1].startswith("error DEA-MODEL-NETWORK:")
    assert "sk-ant-test" not in done.err


def test_the_anthropic_backend_answers_through_the_console_script(run_cli) -> None:
    with StubMessagesAPI() as stub:
        stub.script(
            Reply.message_of(
                [
                    {
                        "type": "tool_use",
                        "id": "toolu_r",
                        "name": "route",
                        "input": {"lead": "data-engineer", "collaborators": []},
                    }
                ],
                "tool_use",
            ),
            Reply.text("Ask me again with --data.\n\n```sql\nSELECT 1 AS one\n```"),
        )
        env = {"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": stub.url}
        done = run_cli("ask", "say hi", "--json", env=env)
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["answer"].startswith("Ask me again") and document["validated_sql"] == ["SELECT 1 AS one"]
    assert document["model"].startswith("anthropic") and document["usage"]["input_tokens"] == 20


def test_ask_help_does_not_load_the_llm_stack() -> None:
    from tests.test_architecture import HEAVY, _modules_loaded_by

    assert not _modules_loaded_by(["ask", "--help"]) & set(HEAVY)


def test_an_answer_whose_sql_still_fails_exits_1_and_says_so(run_cli, tmp_path) -> None:
    route = {"lead": "data-engineer", "collaborators": []}
    bad = Reply.text("Here:\n\n```sql\nSELECT nmae FROM customers\n```")
    with StubMessagesAPI() as stub:
        stub.script(
            Reply.message_of([{"type": "tool_use", "id": "toolu_r", "name": "route", "input": route}], "tool_use")
        )
        stub.script(bad, bad, bad, bad)
        env = {"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": stub.url}
        done = run_cli("ask", "customer names", "--data", str(SHOP), "--json", env=env)
        repairs = [r.body["messages"][-1]["content"][0]["text"] for r in stub.requests[2:]]
    assert done.code == 1, done.err
    assert done.err.startswith("error DEA-ASK-SQL-INVALID:") and done.err.count("\n") == 1
    document = json.loads(done.out)
    assert document["failed_sql"] == ["SELECT nmae FROM customers"] and document["validated_sql"] == []
    assert "did not pass validation" in document["answer"]
    assert len(repairs) == 3 and all("did you mean name" in text for text in repairs)
