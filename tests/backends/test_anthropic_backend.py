"""The anthropic backend end to end through the real SDK against the local Messages API stub."""

from __future__ import annotations

import json
import socket

import pytest

from assistant.backends.anthropic import PRICES, cost_usd
from assistant.backends.base import (
    Message,
    ModelRequest,
    TextBlock,
    ToolResultBlock,
    ToolSpec,
    ToolUseBlock,
    TurnUsage,
)
from assistant.backends.models import MODEL_ALIASES
from tests.backends.conftest import API_KEY
from tests.backends.stub_server import Reply
from tools.errors import DeassistError

SYSTEM = "You are the lead data engineer inside deassist."
TOOLS = [
    ToolSpec("inspect", "List tables and columns of a source.", {"type": "object", "properties": {"source": {"type": "string"}}}),
    ToolSpec("validate_sql", "Validate SQL against the schema.", {
        "type": "object", "properties": {"sql": {"type": "string"}, "dialect": {"type": "string"}}, "required": ["sql"]}),
]


def ask(text: str, **overrides: object) -> ModelRequest:
    fields = {"system": SYSTEM, "messages": [Message("user", [TextBlock(text)])], "tools": TOOLS, **overrides}
    return ModelRequest(**fields)  # type: ignore[arg-type]


def test_a_streamed_answer_reaches_on_text_and_the_request_is_cached_and_complete(messages_stub, make_backend) -> None:
    answer = "Orders per customer: use a GROUP BY on customer_id."
    messages_stub.script(Reply.text(answer, input_tokens=1200, output_tokens=40, cache_read=900, cache_write=300))
    deltas: list[str] = []
    turn = make_backend().complete(ask("How many orders per customer?"), deltas.append)

    assert len(deltas) > 1 and "".join(deltas) == answer
    assert turn.content == [TextBlock(answer)] and turn.stop_reason == "end_turn"
    assert turn.model == MODEL_ALIASES["sonnet"]
    usage = turn.usage
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_write_tokens) == (1200, 40, 900, 300)
    price = PRICES[MODEL_ALIASES["sonnet"]]
    expected = (1200 * price.input + 40 * price.output + 900 * price.cache_read + 300 * price.cache_write) / 1e6
    assert usage.cost_usd == pytest.approx(expected) and usage.cost_usd > 0

    [sent] = messages_stub.requests
    assert sent.path == "/v1/messages" and "anthropic-version" in sent.headers
    # This SDK sends the key as a bearer token; earlier ones used x-api-key.
    assert API_KEY in (sent.headers.get("x-api-key"), sent.headers.get("authorization", "").removeprefix("Bearer "))
    body = sent.body
    assert body["model"] == "claude-sonnet-5-5" and body["stream"] is True and body["max_tokens"] == 4096
    assert body["system"] == [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}]
    assert [t["name"] for t in body["tools"]] == ["inspect", "validate_sql"]
    assert "cache_control" not in body["tools"][0]
    assert body["tools"][1] == {"name": "validate_sql", "description": "Validate SQL against the schema.",
                                "input_schema": TOOLS[1].input_schema, "cache_control": {"type": "ephemeral"}}
    assert body["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": "How many orders per customer?", "cache_control": {"type": "ephemeral"}}]}]
    # The API version this SDK speaks rejects sampling parameters: the persona's temperature stays home.
    assert "temperature" not in body


def test_tool_use_blocks_come_back_and_tool_results_go_out(messages_stub, make_backend) -> None:
    call_id = messages_stub.tool_id()
    sql = "SELECT customer_id, count(*) AS orders FROM orders GROUP BY customer_id"
    messages_stub.script(
        Reply.message_of([{"type": "text", "text": "Let me check the SQL."},
                          {"type": "tool_use", "id": call_id, "name": "validate_sql", "input": {"sql": sql, "dialect": "duckdb"}}],
                         "tool_use"),
        Reply.text("The query is valid."),
    )
    backend = make_backend("opus")
    first = backend.complete(ask("Orders per customer?"))
    assert first.stop_reason == "tool_use"
    assert first.content == [TextBlock("Let me check the SQL."),
                             ToolUseBlock(call_id, "validate_sql", {"sql": sql, "dialect": "duckdb"})]

    result = ToolResultBlock(call_id, json.dumps({"valid": True, "diagnostics": []}))
    follow_up = ask("Orders per customer?").messages + [Message("assistant", first.content), Message("user", [result])]
    second = backend.complete(ask("", messages=follow_up))
    assert second.content == [TextBlock("The query is valid.")]

    sent = messages_stub.requests[1].body
    assert sent["model"] == "claude-opus-5-5"
    assert sent["messages"][0]["content"][0] == {"type": "text", "text": "Orders per customer?"}
    assert sent["messages"][1] == {"role": "assistant", "content": [
        {"type": "text", "text": "Let me check the SQL."},
        {"type": "tool_use", "id": call_id, "name": "validate_sql", "input": {"sql": sql, "dialect": "duckdb"}}]}
    assert sent["messages"][2] == {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": call_id, "content": result.content, "is_error": False,
         "cache_control": {"type": "ephemeral"}}]}


def test_a_failed_tool_result_is_sent_as_an_error(messages_stub, make_backend) -> None:
    messages_stub.script(Reply.text("I will fix the column name."))
    call = ToolUseBlock("toolu_1", "validate_sql", {"sql": "SELECT nmae FROM customers"})
    error = ToolResultBlock("toolu_1", "DEA-SQL-UNKNOWN-COLUMN: nmae; did you mean name?", is_error=True)
    make_backend().complete(ask("", messages=[Message("user", [TextBlock("q")]), Message("assistant", [call]),
                                              Message("user", [error])]))
    block = messages_stub.requests[0].body["messages"][2]["content"][0]
    assert block["type"] == "tool_result" and block["is_error"] is True and "did you mean" in block["content"]


def test_thinking_blocks_go_back_with_their_assistant_turn(messages_stub, make_backend) -> None:
    call_id = messages_stub.tool_id()
    messages_stub.script(
        Reply.message_of([{"type": "thinking", "thinking": "The schema first.", "signature": "sig-abc"},
                          {"type": "tool_use", "id": call_id, "name": "inspect", "input": {"source": "shop.duckdb"}}],
                         "tool_use"),
        Reply.text("Two tables."),
    )
    backend = make_backend()
    first = backend.complete(ask("What is in shop.duckdb?"))
    assert first.content == [ToolUseBlock(call_id, "inspect", {"source": "shop.duckdb"})]
    history = ask("x").messages + [Message("assistant", first.content), Message("user", [ToolResultBlock(call_id, "orders, customers")])]
    backend.complete(ask("", messages=history))
    assistant = messages_stub.requests[1].body["messages"][1]["content"]
    assert assistant[0] == {"type": "thinking", "thinking": "The schema first.", "signature": "sig-abc"}
    assert assistant[1]["type"] == "tool_use" and assistant[1]["id"] == call_id


def test_a_429_is_retried_after_backoff_then_succeeds(messages_stub, make_backend, sleeps) -> None:
    messages_stub.script(Reply.error(429, "rate_limit_error", "Number of requests has exceeded your rate limit"),
                         Reply.text("done"))
    turn = make_backend().complete(ask("q"))
    assert turn.content == [TextBlock("done")]
    assert len(messages_stub.requests) == 2 and len(sleeps) == 1
    assert messages_stub.requests[0].body == messages_stub.requests[1].body


def test_retry_after_is_honoured_and_backoff_grows(messages_stub, make_backend, sleeps) -> None:
    messages_stub.script(Reply.error(529, "overloaded_error", "Overloaded"),
                         Reply.error(503, "api_error", "unavailable"),
                         Reply.error(429, "rate_limit_error", "slow down", **{"retry-after": "7"}),
                         Reply.text("ok"))
    make_backend(backoff=0.5).complete(ask("q"))
    assert len(sleeps) == 3
    assert 0.4 <= sleeps[0] <= 0.5 and 0.8 <= sleeps[1] <= 1.0 and sleeps[2] == 7.0


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Reply.error(529, "overloaded_error", "Overloaded"), "DEA-MODEL-OVERLOADED"),
        (Reply.stream_error("overloaded_error", "Overloaded"), "DEA-MODEL-OVERLOADED"),
        (Reply.error(500, "api_error", "Internal server error"), "DEA-MODEL-API"),
        (Reply.error(429, "rate_limit_error", "rate limited"), "DEA-MODEL-RATE-LIMIT"),
    ],
    ids=["http-529", "sse-overloaded", "http-500", "http-429"],
)
def test_transient_errors_are_retried_then_reported_in_one_line(messages_stub, make_backend, sleeps, reply, code) -> None:
    messages_stub.script(*[reply] * 4)
    with pytest.raises(DeassistError) as caught:
        make_backend(retries=3).complete(ask("q"))
    assert caught.value.code == code and caught.value.exit_code == 1
    assert len(messages_stub.requests) == 4 and len(sleeps) == 3
    assert "\n" not in caught.value.message and API_KEY not in caught.value.message


@pytest.mark.parametrize(
    "failure",
    [Reply.stream_error("overloaded_error", "Overloaded"), Reply.error(500, "api_error", "boom"),
     Reply.error(529, "overloaded_error", "Overloaded")],
    ids=["sse-overloaded", "http-500", "http-529"],
)
def test_a_transient_error_then_success(messages_stub, make_backend, failure) -> None:
    messages_stub.script(failure, Reply.text("recovered"))
    assert make_backend().complete(ask("q")).content == [TextBlock("recovered")]
    assert len(messages_stub.requests) == 2


def test_an_error_after_text_was_streamed_is_not_retried(messages_stub, make_backend) -> None:
    from tests.backends.stub_server import message_events

    events = message_events({"model": "claude-sonnet-5-5", "content": [{"type": "text", "text": "Partial answer here"}],
                             "stop_reason": "end_turn", "usage": {"input_tokens": 3, "output_tokens": 3}})
    started = [e for e in events if e[0] not in ("message_delta", "message_stop")]
    messages_stub.script(Reply.stream_error("overloaded_error", "Overloaded", after=started), Reply.text("again"))
    seen: list[str] = []
    with pytest.raises(DeassistError) as caught:
        make_backend().complete(ask("q"), seen.append)
    assert "".join(seen) == "Partial answer here"
    assert caught.value.code == "DEA-MODEL-OVERLOADED" and "broke off" in caught.value.message
    assert len(messages_stub.requests) == 1


def test_malformed_tool_input_is_a_clear_error(messages_stub, make_backend) -> None:
    messages_stub.script(Reply.message_of(
        [{"type": "tool_use", "id": "toolu_bad", "name": "validate_sql", "input": '{"sql": SELECT 1}'}], "tool_use"))
    with pytest.raises(DeassistError) as caught:
        make_backend().complete(ask("q"))
    assert caught.value.code == "DEA-MODEL-TOOL-INPUT" and caught.value.exit_code == 1
    assert "not JSON" in caught.value.message and "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("reply", "code", "exit_code"),
    [
        (Reply.error(401, "authentication_error", f"invalid x-api-key {API_KEY}"), "DEA-MODEL-AUTH", 2),
        (Reply.error(404, "not_found_error", "model: claude-sonnet-9"), "DEA-MODEL-NOT-FOUND", 2),
        (Reply.error(400, "invalid_request_error", "messages: text content blocks must be non-empty"), "DEA-MODEL-REQUEST", 1),
    ],
    ids=["401", "404", "400"],
)
def test_client_errors_are_not_retried(messages_stub, make_backend, sleeps, reply, code, exit_code) -> None:
    messages_stub.script(reply, Reply.text("never sent"))
    with pytest.raises(DeassistError) as caught:
        make_backend().complete(ask("q"))
    assert (caught.value.code, caught.value.exit_code) == (code, exit_code)
    assert len(messages_stub.requests) == 1 and sleeps == []
    assert API_KEY not in str(caught.value)


def test_a_closed_port_is_a_one_line_network_error(make_backend, sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(DeassistError) as caught:
        make_backend(base_url=url, retries=2).complete(ask("q"))
    assert caught.value.code == "DEA-MODEL-NETWORK" and caught.value.exit_code == 1
    assert url in caught.value.message and "\n" not in caught.value.message
    assert API_KEY not in caught.value.message and len(sleeps) == 2


def test_a_connection_dropped_mid_stream_is_retried(messages_stub, make_backend) -> None:
    messages_stub.script(Reply(message=Reply.text("lost").message, drop_after=1), Reply.text("whole"))
    assert make_backend().complete(ask("q")).content == [TextBlock("whole")]
    assert len(messages_stub.requests) == 2


def test_a_slow_server_times_out(messages_stub, make_backend) -> None:
    messages_stub.script(Reply(message=Reply.text("late").message, delay=2.0))
    with pytest.raises(DeassistError) as caught:
        make_backend(timeout=0.3, retries=0).complete(ask("q"))
    assert caught.value.code == "DEA-MODEL-TIMEOUT"


def test_an_empty_system_prompt_and_no_tools_are_left_out(messages_stub, make_backend) -> None:
    messages_stub.script(Reply.text("hi"))
    make_backend("claude-haiku-4-5-20251001").complete(ask("hello", system="", tools=[], max_tokens=64))
    body = messages_stub.requests[0].body
    assert "system" not in body and "tools" not in body
    assert body["model"] == "claude-haiku-4-5-20251001" and body["max_tokens"] == 64


def test_model_aliases_map_to_current_ids_unless_overridden(messages_stub, make_backend, monkeypatch) -> None:
    monkeypatch.setenv("DEASSIST_MODEL_HAIKU", "claude-haiku-4-5")
    messages_stub.script(Reply.text("a"), Reply.text("b"))
    make_backend().complete(ask("q", model_alias="haiku"))
    make_backend().complete(ask("q", model_alias="claude-opus-4-8"))
    assert [r.body["model"] for r in messages_stub.requests] == ["claude-haiku-4-5", "claude-opus-4-8"]


def test_cost_prices_dated_ids_as_their_family_and_unknown_models_as_zero() -> None:
    usage = TurnUsage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert cost_usd("claude-haiku-4-5-20251001", usage) == pytest.approx(6.0)
    assert cost_usd("claude-sonnet-5-5", usage) == pytest.approx(12.0)
    assert cost_usd("some-other-model", usage) == 0.0


def test_the_key_and_base_url_come_from_the_environment(messages_stub, monkeypatch) -> None:
    from assistant.backends import get_backend

    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", messages_stub.url)
    monkeypatch.delenv("DEASSIST_MODEL", raising=False)
    messages_stub.script(Reply.text("from the stub"))
    assert get_backend(None).complete(ask("q")).content == [TextBlock("from the stub")]
    assert len(messages_stub.requests) == 1


@pytest.mark.parametrize("value", ["soon", "-1"])
def test_a_bad_retry_setting_is_a_usage_error(monkeypatch, value: str) -> None:
    from assistant.backends.anthropic import AnthropicBackend

    monkeypatch.setenv("DEASSIST_MODEL_RETRIES", value)
    with pytest.raises(DeassistError) as caught:
        AnthropicBackend(api_key=API_KEY)
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-CONFIG", 2)
    assert "DEASSIST_MODEL_RETRIES" in caught.value.message
