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
