"""Claude through the official anthropic SDK: streaming, tool use, prompt caching, retries, cost.

The SDK's own retries are switched off (`max_retries=0`) so that one loop here covers both the
HTTP errors the SDK would retry (429, 5xx, 529 overloaded, connection failures) and the `error`
events that arrive inside a 200 streaming reply, which the SDK cannot retry. A reply is retried
only while nothing of it has reached `on_text`, so the user never sees text twice.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import anthropic

try:
    from httpx2 import TimeoutException, TransportError
except ImportError:  # SDKs before 2.x are built on httpx
    from httpx import TimeoutException, TransportError  # type: ignore[assignment]

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
from assistant.backends.endpoint import redact_endpoint
from assistant.backends.models import ANTHROPIC_BASE_URL, resolve_model
from assistant.backends.retry import backoff_delay, env_number, env_seconds
from tools.errors import FAILURE, USAGE, DeassistError

@dataclass(frozen=True)
class Price:
    """USD per million tokens; `cache_write` is the 5-minute cache write."""

    input: float
    output: float
    cache_write: float
    cache_read: float


# List prices when this table was written (platform.claude.com model pages); a model missing here costs 0.
PRICES: dict[str, Price] = {
    "claude-opus-5-5": Price(4.00, 20.00, 5.00, 0.20),
    "claude-sonnet-5-5": Price(2.00, 10.00, 2.50, 0.20),
    "claude-haiku-5-5": Price(0.10, 0.50, 0.125, 0.01),
    "claude-opus-5": Price(5.00, 25.00, 6.25, 0.50),
    "claude-sonnet-5": Price(2.00, 10.00, 2.50, 0.20),
    "claude-opus-4-8": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-7": Price(5.00, 25.00, 6.25, 0.50),
    "claude-opus-4-6": Price(5.00, 25.00, 6.25, 0.50),
    "claude-sonnet-4-6": Price(3.00, 15.00, 3.75, 0.30),
    "claude-haiku-4-5": Price(1.00, 5.00, 1.25, 0.10),
}

STOP_REASONS = {"end_turn", "tool_use", "max_tokens", "stop_sequence", "refusal"}
# Error types a streaming reply can carry in an `error` event that are worth another attempt.
RETRYABLE_STREAM_ERRORS = {"overloaded_error", "rate_limit_error", "api_error"}
EPHEMERAL = {"type": "ephemeral"}
CACHEABLE_BLOCKS = {"text", "tool_use", "tool_result"}


def cost_usd(model: str, usage: TurnUsage) -> float:
    """What a turn cost at list price; dated ids (`claude-haiku-4-5-20251001`) price as their family."""
    price = PRICES.get(model) or next((p for m, p in PRICES.items() if model.startswith(m + "-")), None)
    if price is None:
        return 0.0
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * price.cache_write
        + usage.cache_read_tokens * price.cache_read
    ) / 1_000_000


class AnthropicBackend:
    """`anthropic` (each persona's own model) or `anthropic:<model>` (one model for every agent)."""

    def __init__(
        self,
        model: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("ANTHROPIC_API_KEY", "")
        if not key.strip():
            raise DeassistError(
                "DEA-MODEL-NO-KEY",
                "the anthropic backend needs ANTHROPIC_API_KEY; set it, or use --model offline",
                exit_code=USAGE,
            )
        self.model = resolve_model(model) if model else None
        self.name = f"anthropic:{self.model}" if self.model else "anthropic"
        self.base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or ANTHROPIC_BASE_URL
        self.timeout = timeout if timeout is not None else env_seconds("DEASSIST_MODEL_TIMEOUT", 120.0)
        self.retries = retries if retries is not None else int(env_number("DEASSIST_MODEL_RETRIES", 4))
        self.backoff = backoff if backoff is not None else env_number("DEASSIST_MODEL_BACKOFF", 0.5)
        self._key = key.strip()
        self._sleep = sleep
        self._client = anthropic.Anthropic(
            api_key=self._key,
            base_url=self.base_url,
            timeout=anthropic.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            max_retries=0,
        )
        # Thinking blocks must go back with the assistant turn they came in; the protocol's blocks
        # carry no thinking, so the raw turn is kept here, keyed by its tool_use ids.
        # Collaborators run in parallel on one backend, hence the lock.
        self._raw_turns: OrderedDict[tuple[str, ...], list[dict[str, Any]]] = OrderedDict()
        self._raw_lock = threading.Lock()

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
                return self._noted(self._stream(params, emit), request, params)
            except anthropic.APIStatusError as exc:
                retryable = _retryable(exc)
                failure: Exception = exc
            except (anthropic.APIConnectionError, TransportError) as exc:
                # TransportError: the connection broke while the events were being read.
                retryable, failure = True, exc
            if not retryable or streamed or attempt >= self.retries:
                raise self._error(failure, params["model"], broke_off=streamed) from None
            self._sleep(self._delay(attempt, failure))
            attempt += 1

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        """The Messages API request: cache breakpoints on the system prompt, the last tool and the last block.

        A persona's temperature is not sent: the API version this SDK speaks has no sampling
        parameters (the SDK refuses them; the API answers a 400), so the turn notes it for --verbose.
        """
        model = self.model or resolve_model(request.model_alias)
        params: dict[str, Any] = {
            "model": model,
            "max_tokens": request.max_tokens,
            "messages": [self._message(message) for message in request.messages],
        }
        if request.system.strip():
            params["system"] = [{"type": "text", "text": request.system, "cache_control": EPHEMERAL}]
        if request.tools:
            tools = [{"name": t.name, "description": t.description, "input_schema": t.input_schema} for t in request.tools]
            tools[-1]["cache_control"] = EPHEMERAL
            params["tools"] = tools
        last = params["messages"][-1]["content"] if params["messages"] else []
        if last and last[-1]["type"] in CACHEABLE_BLOCKS:
            last[-1]["cache_control"] = EPHEMERAL
        return params

    @staticmethod
    def _noted(turn: ModelTurn, request: ModelRequest, params: dict[str, Any]) -> ModelTurn:
        note = f"{params['model']} takes no temperature: the persona's {request.temperature:g} was not sent"
        return replace(turn, notes=(*turn.notes, note))

    def _message(self, message: Message) -> dict[str, Any]:
        tool_ids = tuple(block.id for block in message.content if isinstance(block, ToolUseBlock))
        with self._raw_lock:
            raw = self._raw_turns.get(tool_ids) if message.role == "assistant" and tool_ids else None
        if raw is not None:
            return {"role": "assistant", "content": [dict(block) for block in raw]}
        return {"role": message.role, "content": [_block_param(block) for block in message.content]}

    def _stream(self, params: dict[str, Any], emit: Callable[[str], None]) -> ModelTurn:
        try:
            with self._client.messages.stream(**params) as stream:
                for event in stream:
                    if event.type == "text" and event.text:
                        emit(event.text)
                message = stream.get_final_message()
        except ValueError as exc:
            # The SDK raises ValueError when a tool_use block's streamed input is not JSON.
            if "tool parameter JSON" not in str(exc):
                raise
            raise DeassistError(
                "DEA-MODEL-TOOL-INPUT",
                f"{params['model']} sent tool input that is not JSON ({str(exc).splitlines()[0][:160]})",
                exit_code=FAILURE,
            ) from None
        return self._turn(message)

    def _turn(self, message: Any) -> ModelTurn:
        content: list[Block] = []
        raw: list[dict[str, Any]] = []
        for block in message.content:
            if block.type == "text":
                content.append(TextBlock(block.text))
                raw.append({"type": "text", "text": block.text})
            elif block.type == "tool_use":
                if not isinstance(block.input, dict):
                    raise DeassistError(
                        "DEA-MODEL-TOOL-INPUT",
                        f"{message.model} sent tool input for {block.name} that is not a JSON object",
                        exit_code=FAILURE,
                    )
                content.append(ToolUseBlock(block.id, block.name, dict(block.input)))
                raw.append({"type": "tool_use", "id": block.id, "name": block.name, "input": dict(block.input)})
            elif block.type == "thinking":
                raw.append({"type": "thinking", "thinking": block.thinking, "signature": block.signature})
            elif block.type == "redacted_thinking":
                raw.append({"type": "redacted_thinking", "data": block.data})
        tool_ids = tuple(block.id for block in content if isinstance(block, ToolUseBlock))
        if tool_ids and any(block["type"] != "text" and block["type"] != "tool_use" for block in raw):
            with self._raw_lock:
                self._raw_turns[tool_ids] = raw
                while len(self._raw_turns) > 256:
                    self._raw_turns.popitem(last=False)
        usage = message.usage
        counted = TurnUsage(
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            cache_read_tokens=usage.cache_read_input_tokens or 0,
            cache_write_tokens=usage.cache_creation_input_tokens or 0,
        )
        stop = message.stop_reason or "end_turn"
        if stop == "model_context_window_exceeded":
            stop = "max_tokens"
        return ModelTurn(
            content=content,
            stop_reason=stop if stop in STOP_REASONS else "end_turn",
            usage=replace(counted, cost_usd=cost_usd(message.model, counted)),
            model=message.model,
        )

    def _delay(self, attempt: int, failure: Exception) -> float:
        response = getattr(failure, "response", None)
        after = response.headers.get("retry-after") if response is not None and response.status_code != 200 else None
        return backoff_delay(attempt, self.backoff, after)

    def _error(self, exc: Exception, model: str, *, broke_off: bool) -> DeassistError:
        """One line, stable code; the API key never appears (it is masked should a server echo it)."""
        code, message, exit_code = _describe(exc, model, self.base_url)
        if broke_off:
            message = f"the reply broke off after it began streaming: {message}"
        return DeassistError(code, redact_endpoint(message.replace(self._key, "***"), self.base_url), exit_code=exit_code)


def _block_param(block: Block) -> dict[str, Any]:
    if isinstance(block, TextBlock):
        return {"type": "text", "text": block.text}
    if isinstance(block, ToolUseBlock):
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    if isinstance(block, ToolResultBlock):
        return {"type": "tool_result", "tool_use_id": block.tool_use_id, "content": block.content, "is_error": block.is_error}
    raise TypeError(f"not a message block: {block!r}")


def _retryable(exc: anthropic.APIStatusError) -> bool:
    if exc.status_code == 200:  # an `error` event inside a streaming reply
        return exc.type in RETRYABLE_STREAM_ERRORS
    return exc.status_code in (408, 409, 429) or exc.status_code >= 500


def _describe(exc: Exception, model: str, base_url: str) -> tuple[str, str, int]:
    if isinstance(exc, anthropic.APITimeoutError | TimeoutException):
        return "DEA-MODEL-TIMEOUT", f"no reply from {base_url} in time", FAILURE
    if isinstance(exc, anthropic.APIConnectionError | TransportError):
        cause = exc if isinstance(exc, TransportError) else exc.__cause__ or exc.__context__
        reason = str(cause).splitlines()[0] if cause and str(cause) else "connection failed"
        return "DEA-MODEL-NETWORK", f"cannot reach {base_url}: {reason}", FAILURE
    assert isinstance(exc, anthropic.APIStatusError)
    detail = (exc.api_message or "").splitlines()[0][:200] if exc.api_message else f"HTTP {exc.status_code}"
    kind = exc.type or ""
    if exc.status_code == 401 or kind == "authentication_error":
        return "DEA-MODEL-AUTH", f"the API key was rejected: {detail}", USAGE
    if exc.status_code == 403 or kind == "permission_error":
        return "DEA-MODEL-AUTH", f"the API key may not use {model}: {detail}", USAGE
    if exc.status_code == 404 or kind == "not_found_error":
        return "DEA-MODEL-NOT-FOUND", f"{model}: {detail}", USAGE
    if exc.status_code == 429 or kind == "rate_limit_error":
        return "DEA-MODEL-RATE-LIMIT", f"rate limited, retries exhausted: {detail}", FAILURE
    if exc.status_code == 529 or kind == "overloaded_error":
        return "DEA-MODEL-OVERLOADED", f"the API is overloaded, retries exhausted: {detail}", FAILURE
    if exc.status_code == 400 or kind == "invalid_request_error":
        return "DEA-MODEL-REQUEST", f"the API rejected the request: {detail}", FAILURE
    return "DEA-MODEL-API", f"the API failed (HTTP {exc.status_code}{', ' + kind if kind else ''}): {detail}", FAILURE

