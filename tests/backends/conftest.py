"""The scripted Messages and Chat Completions stubs, and a backend of each pointed at its stub."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.backends.openai_stub import StubChatAPI, chat_stub  # noqa: F401 - the fixture, re-exported
from tests.backends.stub_server import StubMessagesAPI, messages_stub  # noqa: F401 - the fixture, re-exported

API_KEY = "sk-ant-test-0123456789-secret"


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff delays the backend asked for, in order."""
    return []


@pytest.fixture
def make_backend(messages_stub: StubMessagesAPI, sleeps: list[float]) -> Callable[..., object]:
    from assistant.backends.anthropic import AnthropicBackend

    def make(model: str | None = None, **options: object) -> AnthropicBackend:
        options = {"api_key": API_KEY, "base_url": messages_stub.url, "retries": 3, "backoff": 0.001, **options}
        return AnthropicBackend(model, sleep=lambda seconds: sleeps.append(seconds), **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_openai_backend(chat_stub: StubChatAPI, sleeps: list[float]) -> Callable[..., object]:
    from assistant.backends.openai import OpenAIBackend

    def make(model: str = "qwen3", provider: str = "ollama", **options: object) -> OpenAIBackend:
        options = {"base_url": chat_stub.url, "retries": 3, "backoff": 0.001, **options}
        return OpenAIBackend(model, provider=provider, sleep=lambda seconds: sleeps.append(seconds), **options)  # type: ignore[arg-type]

    return make
