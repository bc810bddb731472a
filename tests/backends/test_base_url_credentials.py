"""Credentials in ANTHROPIC_BASE_URL (user:password@, token query parameters) never appear in an error."""

from __future__ import annotations

import socket

import pytest

from tests.backends.stub_server import Reply, StubMessagesAPI

SECRETS = ["ada-user", "pa55w0rd-xyz", "tok-123456789", "sig-abcdef"]


def _with_credentials(url: str, query: bool) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://ada-user:pa55w0rd-xyz@{rest.rstrip('/')}" + ("/?token=tok-123456789&sig=sig-abcdef" if query else "")


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize("failure", ["network", "http"])
def test_errors_name_the_server_without_its_credentials(failure: str, run_cli) -> None:
    with StubMessagesAPI() as stub:
        stub.script(Reply.error(500, "api_error", "boom"))
        url = _with_credentials(stub.url, False) if failure == "http" else _with_credentials(_closed_port_url(), True)
        env = {"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": url, "DEASSIST_MODEL_RETRIES": "0"}
        done = run_cli("ask", "hi", "--model", "anthropic:haiku", env=env)
    assert done.code == 1
    last = done.err.strip().splitlines()[-1]
    assert last.startswith("error DEA-MODEL-NETWORK:" if failure == "network" else "error DEA-MODEL-API:")
    assert "127.0.0.1" in done.err or failure == "http"
    for secret in SECRETS:
        assert secret not in done.err and secret not in done.out


@pytest.mark.parametrize(
    ("message", "url", "expected"),
    [
        (
            "cannot reach http://ada-user:pa55w0rd-xyz@db:8080/v1: refused",
            "http://ada-user:pa55w0rd-xyz@db:8080/v1",
            "cannot reach http://db:8080/v1: refused",
        ),
        (
            "GET /v1/models?token=tok-123456789&x=1 failed for user ada-user",
            "https://ada-user@llm.internal/v1?token=tok-123456789&x=1",
            "GET /v1/models?*** failed for user ***",
        ),
        ("no reply from https://api.anthropic.com in time", "https://api.anthropic.com", "no reply from https://api.anthropic.com in time"),
        ("port 1 of 127.0.0.1 refused", "http://127.0.0.1:1/?x=1", "port 1 of 127.0.0.1 refused"),
    ],
)
def test_redact_endpoint(message: str, url: str, expected: str) -> None:
    from assistant.backends.endpoint import redact_endpoint

    assert redact_endpoint(message, url) == expected


def test_the_models_listing_shows_servers_without_credentials(run_cli) -> None:
    url = _with_credentials(_closed_port_url(), True)
    done = run_cli("models", env={"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": url})
    assert "127.0.0.1" in done.out
    for secret in SECRETS:
        assert secret not in done.out and secret not in done.err
