"""`deassist models`: backends, their models, which servers answer now, and the default."""

from __future__ import annotations

import json
import socket

from tests.backends.openai_stub import StubChatAPI
from tests.backends.stub_server import StubMessagesAPI


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_models_lists_each_backend_probes_the_configured_servers_and_names_the_default(run_cli, tmp_path) -> None:
    port = _closed_port()
    with StubChatAPI(models=["qwen3", "llama3.1"]) as ollama, StubMessagesAPI() as claude:
        (tmp_path / ".deassist.toml").write_text(
            f'model = "ollama:qwen3"\n[backends.ollama]\nbase-url = "{ollama.url}"\n'
            f'[backends.vllm]\nbase-url = "http://127.0.0.1:{port}/v1"\n')
        env = {"DEASSIST_CONFIG": str(tmp_path / "none.toml"), "ANTHROPIC_API_KEY": "sk-ant-test",
               "ANTHROPIC_BASE_URL": claude.url, "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
        done = run_cli("models", "--json", "--timeout", "2", env=env)
        probed = [(r.method, r.path) for r in ollama.requests]
        text = run_cli("models", "--timeout", "2", env=env)
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["default"] == "ollama:qwen3" and document["default_from"].endswith(".deassist.toml")
    backends = {b["name"]: b for b in document["backends"]}
    assert list(backends) == ["offline", "anthropic", "openai", "ollama", "vllm"]
    assert backends["offline"]["reachable"] is True
    assert backends["ollama"]["reachable"] is True and backends["ollama"]["models"] == ["llama3.1", "qwen3"]
    assert probed == [("GET", "/v1/models")]
    assert backends["vllm"]["reachable"] is False and backends["vllm"]["base_url"] == f"http://127.0.0.1:{port}/v1"
    assert backends["anthropic"]["reachable"] is True and "sonnet = claude-sonnet-5-5" in backends["anthropic"]["models"]
    assert backends["openai"]["reachable"] is False and backends["openai"]["detail"] == "no OPENAI_API_KEY"
    assert "ollama at " in text.out and "  ollama:qwen3" in text.out and text.out.rstrip().endswith(
        f"default: ollama:qwen3 ({tmp_path / '.deassist.toml'})")


def test_models_imports_no_sdk() -> None:
    from tests.test_architecture import HEAVY, _modules_loaded_by

    assert not _modules_loaded_by(["models", "--timeout", "0.2"]) & {*HEAVY, "openai", "httpx", "httpx2"}
