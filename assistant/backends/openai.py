"""Any OpenAI-compatible server through the official openai SDK: OpenAI, Ollama, vLLM, llama.cpp, LM Studio.

The Chat Completions API carries what the Messages API does in another shape: the system prompt is
a message, tool calls are `tool_calls` on the assistant message (arguments as a JSON string) and
each tool result is a `tool` message of its own. This module translates both ways, so the graph,
its tools and its approval and validation gates stay as they are.

As for Claude, the SDK's own retries are off: one loop retries 408/409/429/5xx and broken
connections, only while nothing of the reply has reached `on_text`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import openai

from assistant.backends.base import (
    Block,
    Message,
    ModelRequest,
    ModelTurn,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    TurnUsage,
)
from assistant.backends.models import PROVIDERS, base_url_for
from assistant.backends.endpoint import redact_endpoint
from assistant.backends.retry import backoff_delay, env_number, env_seconds
from tools.errors import FAILURE, USAGE, DeassistError


# What a local server is sent as a key: the SDK insists on one, the server ignores it.
LOCAL_KEY = "local"

FINISH_REASONS: dict[str, str] = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "content_filter": "refusal",
}
# How servers say a model cannot call tools (Ollama: "... does not support tools"; vLLM without
# --enable-auto-tool-choice: '"auto" tool choice requires ...').
NO_TOOLS_HINTS = ("does not support tools", "tool choice requires", "tools are not supported", "does not support function")


class OpenAIBackend:
    """`openai:<model>`, `ollama:<model>` or `vllm:<model>`: one model for every agent."""

    def __init__(
        self,
        model: str | None,
        *,
        provider: str = "openai",
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.provider = PROVIDERS[provider]
        if not model:
            raise DeassistError(
                "DEA-MODEL-UNKNOWN", f"{provider} needs a model name: --model {provider}:<model>, e.g. {provider}:qwen3"
            )
        self.model = model
        self.name = f"{provider}:{model}"
        if base_url is None:
            from assistant.backends.settings import load_settings

            base_url = base_url_for(self.provider, load_settings().base_urls)
        self.base_url = base_url.rstrip("/")
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        if not key.strip() and self.provider.needs_key and self.base_url == self.provider.base_url:
            raise DeassistError(
                "DEA-MODEL-NO-KEY",
                f"{self.name} needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server); or use --model offline",
                exit_code=USAGE,
            )
        self.timeout = timeout if timeout is not None else env_seconds("DEASSIST_MODEL_TIMEOUT", 120.0)
        self.retries = retries if retries is not None else int(env_number("DEASSIST_MODEL_RETRIES", 4))
        self.backoff = backoff if backoff is not None else env_number("DEASSIST_MODEL_BACKOFF", 0.5)
        self._key = key.strip() or LOCAL_KEY
        self._sleep = sleep
        self._client = openai.OpenAI(
            api_key=self._key,
            base_url=self.base_url,
            timeout=openai.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            max_retries=0,
        )

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelTurn:
        params = self._params(request)
        attempt = 0
        while True:
            streamed = False

            def emit(text: str) -> None:
                nonlocal streamed
                streamed = True
                if on_text is not None:
                    on_text(text)

            try:
                return self._stream(params, emit)
            except openai.APIStatusError as exc:
                retryable = exc.status_code in (408, 409, 429) or exc.status_code >= 500
                failure: Exception = exc
            except openai.APIConnectionError as exc:
                retryable, failure = True, exc
            except openai.APIError as exc:  # an `error` inside a 200 streaming reply
                retryable, failure = True, exc
            if not retryable or streamed or attempt >= self.retries:
                raise self._error(failure, has_tools=bool(request.tools), broke_off=streamed) from None
            response = getattr(failure, "response", None)
            after = response.headers.get("retry-after") if response is not None else None
            self._sleep(backoff_delay(attempt, self.backoff, after))
            attempt += 1

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        messages: list[dict[str, Any]] = [{"role": "system", "content": request.system}] if request.system.strip() else []
        for message in request.messages:
            messages += chat_messages(message)
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            params["tools"] = [
                {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.input_schema}}
                for t in request.tools
            ]
        return params

    def _stream(self, params: dict[str, Any], emit: Callable[[str], None]) -> ModelTurn:
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}  # index -> id, name, arguments as streamed
        finish = None
        usage = None
        model = self.model
        with self._client.chat.completions.create(**params) as stream:
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta is not None and delta.content:
                        text.append(delta.content)
                        emit(delta.content)
                    for call in (delta.tool_calls or []) if delta is not None else []:
                        entry = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                        entry["id"] = call.id or entry["id"]
                        if call.function is not None:
                            entry["name"] += call.function.name or ""
                            entry["arguments"] += call.function.arguments or ""
                    finish = choice.finish_reason or finish
        content: list[Block] = [TextBlock("".join(text))] if text else []
        for index in sorted(calls):
            content.append(self._tool_use(index, calls[index]))
        # Some servers finish a tool-calling reply with "stop": the calls themselves say what it is.
        stop = "tool_use" if calls and finish in (None, "stop") else FINISH_REASONS.get(finish or "stop", "end_turn")
        counted = TurnUsage()
        if usage is not None:
            details = getattr(usage, "prompt_tokens_details", None)
            cached = (getattr(details, "cached_tokens", 0) or 0) if details is not None else 0
            counted = TurnUsage(input_tokens=(usage.prompt_tokens or 0) - cached, output_tokens=usage.completion_tokens or 0,
                                cache_read_tokens=cached)
        return ModelTurn(content=content, stop_reason=stop, usage=counted, model=model)  # type: ignore[arg-type]

    def _tool_use(self, index: int, call: dict[str, str]) -> ToolUseBlock:
        try:
            arguments = json.loads(call["arguments"]) if call["arguments"].strip() else {}
        except json.JSONDecodeError as exc:
            raise DeassistError(
                "DEA-MODEL-TOOL-INPUT", f"{self.name} sent arguments for {call['name']} that are not JSON ({exc.msg})",
                exit_code=FAILURE,
            ) from None
        if not isinstance(arguments, dict):
            raise DeassistError(
                "DEA-MODEL-TOOL-INPUT", f"{self.name} sent arguments for {call['name']} that are not a JSON object",
                exit_code=FAILURE,
            )
        # Local servers may leave the id out; the next request must still pair each result with its call.
        return ToolUseBlock(call["id"] or f"call_{index}_{len(call['arguments'])}", call["name"], arguments)

    def _error(self, exc: Exception, *, has_tools: bool, broke_off: bool) -> DeassistError:
        """One line, stable code; the API key never appears (masked should a server echo it)."""
        code, message, exit_code = self._describe(exc, has_tools)
        if broke_off:
            message = f"the reply broke off after it began streaming: {message}"
        if self._key != LOCAL_KEY:
            message = message.replace(self._key, "***")
        return DeassistError(code, redact_endpoint(message, self.base_url), exit_code=exit_code)

    def _describe(self, exc: Exception, has_tools: bool) -> tuple[str, str, int]:
        if isinstance(exc, openai.APITimeoutError):
            return "DEA-MODEL-TIMEOUT", f"no reply from {self.base_url} in time", FAILURE
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc.__context__
            reason = str(cause).splitlines()[0] if cause and str(cause) else "connection failed"
            return "DEA-MODEL-NETWORK", f"cannot reach {self.base_url}: {reason}", FAILURE
        assert isinstance(exc, openai.APIError)
        detail = _detail(exc)
        if not isinstance(exc, openai.APIStatusError):
            return "DEA-MODEL-API", f"{self.base_url} sent an error inside its reply: {detail}", FAILURE
        status = exc.status_code
        if has_tools and status in (400, 422, 500) and any(hint in detail.lower() for hint in NO_TOOLS_HINTS):
            return (
                "DEA-MODEL-NO-TOOLS",
                f"{self.model} cannot call tools, which deassist's agents need: pick a model with tool support ({detail})",
                USAGE,
            )
        if status == 401:
            return "DEA-MODEL-AUTH", f"the API key was rejected by {self.base_url}: {detail}", USAGE
        if status == 403:
            return "DEA-MODEL-AUTH", f"the API key may not use {self.model}: {detail}", USAGE
        if status == 404:
            return "DEA-MODEL-NOT-FOUND", f"{self.model} is not served at {self.base_url}: {detail}", USAGE
        if status == 429:
            return "DEA-MODEL-RATE-LIMIT", f"rate limited, retries exhausted: {detail}", FAILURE
        if status in (400, 422):
            return "DEA-MODEL-REQUEST", f"{self.base_url} rejected the request: {detail}", FAILURE
        return "DEA-MODEL-API", f"{self.base_url} failed (HTTP {status}): {detail}", FAILURE


def chat_messages(message: Message) -> list[dict[str, Any]]:
    """One protocol message as Chat Completions messages: tool results first, each a `tool` message."""
    if message.role == "assistant":
        text = "".join(b.text for b in message.content if isinstance(b, TextBlock))
        calls = [
            {"id": b.id, "type": "function", "function": {"name": b.name, "arguments": json.dumps(b.input)}}
            for b in message.content
            if isinstance(b, ToolUseBlock)
        ]
        out: dict[str, Any] = {"role": "assistant", "content": text or None}
        if calls:
            out["tool_calls"] = calls
        return [out]
    results = [
        {"role": "tool", "tool_call_id": b.tool_use_id, "content": ("error: " if b.is_error else "") + b.content}
        for b in message.content
        if isinstance(b, ToolResultBlock)
    ]
    text = "\n\n".join(b.text for b in message.content if isinstance(b, TextBlock))
    return [*results, *([{"role": "user", "content": text}] if text else [])]


def _detail(exc: openai.APIError) -> str:
    """The server's own message; the SDK has already unwrapped `{"error": ...}` (a dict, or Ollama's string)."""
    body = exc.body
    if isinstance(body, dict):
        body = body.get("message") or body.get("error")
        body = body.get("message") if isinstance(body, dict) else body
    if isinstance(body, str) and body.strip():
        return body.strip().splitlines()[0][:200]
    return exc.message.splitlines()[0][:200] if exc.message else "no message"
