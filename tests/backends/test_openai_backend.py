"""The OpenAI-compatible backend end to end through the real openai SDK against the local Chat Completions stub."""

from __future__ import annotations

import json
import socket

import pytest

from assistant.backends.base import Message, ModelRequest, TextBlock, ToolResultBlock, ToolSpec, ToolUseBlock
from tests.backends.openai_stub import Reply
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


def test_a_streamed_answer_reaches_on_text_and_the_request_is_complete(chat_stub, make_openai_backend) -> None:
    answer = "Orders per customer: use a GROUP BY on customer_id."
    chat_stub.script(Reply.text(answer, prompt_tokens=1200, completion_tokens=40, cached_tokens=200))
    deltas: list[str] = []
    turn = make_openai_backend("qwen3").complete(ask("How many orders per customer?", temperature=0.3), deltas.append)

    assert len(deltas) > 1 and "".join(deltas) == answer
    assert turn.content == [TextBlock(answer)] and turn.stop_reason == "end_turn" and turn.model == "qwen3"
    usage = turn.usage
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cost_usd) == (1000, 40, 200, 0.0)
    [sent] = chat_stub.requests
    assert sent.path == "/v1/chat/completions"
    body = sent.body
    assert body["model"] == "qwen3" and body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["temperature"] == 0.3 and body["max_tokens"] == 4096
    assert body["messages"] == [{"role": "system", "content": SYSTEM},
                                {"role": "user", "content": "How many orders per customer?"}]
    assert body["tools"][1] == {"type": "function", "function": {
        "name": "validate_sql", "description": "Validate SQL against the schema.", "parameters": TOOLS[1].input_schema}}


def test_tool_call_deltas_become_tool_use_blocks_and_results_go_back_as_tool_messages(chat_stub, make_openai_backend) -> None:
    sql = "SELECT customer_id, count(*) AS orders FROM orders GROUP BY customer_id"
    first, second = chat_stub.call_id(), chat_stub.call_id()
    chat_stub.script(
        Reply.calls((first, "validate_sql", {"sql": sql, "dialect": "duckdb"}), (second, "inspect", {}), text="Checking."),
        Reply.text("The query is valid."),
    )
    backend = make_openai_backend()
    turn = backend.complete(ask("Orders per customer?"))
    assert turn.stop_reason == "tool_use"
    assert turn.content == [TextBlock("Checking."), ToolUseBlock(first, "validate_sql", {"sql": sql, "dialect": "duckdb"}),
                            ToolUseBlock(second, "inspect", {})]

    follow = ask("Orders per customer?", messages=[
        Message("user", [TextBlock("Orders per customer?")]),
        Message("assistant", turn.content),
        Message("user", [ToolResultBlock(first, '{"valid": true}'), ToolResultBlock(second, "no source", is_error=True)]),
    ])
    assert backend.complete(follow).content == [TextBlock("The query is valid.")]
    messages = chat_stub.requests[1].body["messages"]
    assert messages[2] == {"role": "assistant", "content": "Checking.", "tool_calls": [
        {"id": first, "type": "function", "function": {"name": "validate_sql", "arguments": json.dumps({"sql": sql, "dialect": "duckdb"})}},
        {"id": second, "type": "function", "function": {"name": "inspect", "arguments": "{}"}}]}
    assert messages[3:] == [{"role": "tool", "tool_call_id": first, "content": '{"valid": true}'},
                            {"role": "tool", "tool_call_id": second, "content": "error: no source"}]


def test_a_server_that_finishes_tool_calls_with_stop_still_gets_them_run(chat_stub, make_openai_backend) -> None:
    chat_stub.script(Reply.calls(("", "inspect", {"source": "shop.duckdb"}), finish_reason="stop"))
    turn = make_openai_backend().complete(ask("What tables?"))
    assert turn.stop_reason == "tool_use"
    [call] = turn.content
    assert isinstance(call, ToolUseBlock) and call.name == "inspect" and call.id  # an id is made up when none came


@pytest.mark.parametrize(("finish", "stop"), [("length", "max_tokens"), ("content_filter", "refusal")])
def test_finish_reasons_map_to_the_protocol(chat_stub, make_openai_backend, finish, stop) -> None:
    chat_stub.script(Reply.text("Partial", finish_reason=finish))
    assert make_openai_backend().complete(ask("x")).stop_reason == stop


@pytest.mark.parametrize("body", [
    {"error": "registry.ollama.ai/library/gemma2:2b does not support tools"},  # Ollama's shape
    {"error": {"message": '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
               "type": "BadRequestError", "code": 400}},  # vLLM's
])
def test_a_model_without_tool_support_is_one_line_naming_it(chat_stub, make_openai_backend, sleeps, body) -> None:
    chat_stub.script(Reply(status=400, body=body))
    with pytest.raises(DeassistError) as caught:
        make_openai_backend("gemma2:2b").complete(ask("What tables?"))
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-NO-TOOLS", 2)
    assert "gemma2:2b cannot call tools" in caught.value.message and "\n" not in caught.value.message
    assert sleeps == [] and len(chat_stub.requests) == 1


def test_a_429_then_a_503_are_retried_with_backoff(chat_stub, make_openai_backend, sleeps) -> None:
    chat_stub.script(Reply.error(429, "slow down", "rate_limit_exceeded"), Reply.error(503, "loading model", "server_error"),
                     Reply.text("ok"))
    assert make_openai_backend().complete(ask("x")).content == [TextBlock("ok")]
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 1.5


def test_retries_exhausted_is_one_line(chat_stub, make_openai_backend, sleeps) -> None:
    chat_stub.script(*[Reply.error(500, "boom", "server_error")] * 4)
    with pytest.raises(DeassistError) as caught:
        make_openai_backend().complete(ask("x"))
    assert caught.value.code == "DEA-MODEL-API" and "boom" in caught.value.message and len(sleeps) == 3


def test_an_error_inside_the_stream_is_retried_then_reported(chat_stub, make_openai_backend, sleeps) -> None:
    broken = Reply(chunks=[{"error": {"message": "out of memory", "type": "server_error"}}])
    chat_stub.script(broken, Reply.text("ok"))
    assert make_openai_backend().complete(ask("x")).content == [TextBlock("ok")] and len(sleeps) == 1


def test_arguments_that_are_not_json_are_a_clear_error(chat_stub, make_openai_backend) -> None:
    chat_stub.script(Reply.calls(("call_1", "validate_sql", '{"sql": "SELECT 1'),))
    with pytest.raises(DeassistError) as caught:
        make_openai_backend().complete(ask("x"))
    assert caught.value.code == "DEA-MODEL-TOOL-INPUT" and "validate_sql" in caught.value.message


def test_an_unknown_model_is_not_found_and_not_retried(chat_stub, make_openai_backend, sleeps) -> None:
    chat_stub.script(Reply(status=404, body={"error": "model 'nope' not found, try pulling it first"}))
    with pytest.raises(DeassistError) as caught:
        make_openai_backend("nope").complete(ask("x"))
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-NOT-FOUND", 2) and "pulling" in caught.value.message
    assert sleeps == []


def test_a_closed_port_is_a_one_line_network_error(make_openai_backend, sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeassistError) as caught:
        make_openai_backend(base_url=f"http://127.0.0.1:{port}/v1", retries=1).complete(ask("x"))
    assert caught.value.code == "DEA-MODEL-NETWORK" and f"127.0.0.1:{port}" in caught.value.message and len(sleeps) == 1


def test_a_slow_server_times_out(chat_stub, make_openai_backend) -> None:
    late = Reply.text("late")
    late.delay = 1.0
    chat_stub.script(late)
    with pytest.raises(DeassistError) as caught:
        make_openai_backend(timeout=0.2, retries=0).complete(ask("x"))
    assert caught.value.code == "DEA-MODEL-TIMEOUT"


def test_the_hosted_api_needs_a_key_and_the_key_never_shows(chat_stub, monkeypatch) -> None:
    from assistant.backends.openai import OpenAIBackend

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(DeassistError) as caught:
        OpenAIBackend("gpt-5", provider="openai")
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-NO-KEY", 2)

    key = "sk-test-0123456789-secret"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("OPENAI_BASE_URL", chat_stub.url)
    chat_stub.script(Reply.error(401, f"Incorrect API key provided: {key}", "invalid_api_key"))
    backend = OpenAIBackend("gpt-5", provider="openai", retries=0)
    assert backend.base_url == chat_stub.url
    with pytest.raises(DeassistError) as caught:
        backend.complete(ask("x"))
    assert caught.value.code == "DEA-MODEL-AUTH" and key not in caught.value.message and "***" in caught.value.message
    assert chat_stub.requests[0].headers["authorization"] == f"Bearer {key}"
