"""Choosing a backend by name, and importing it only when it is chosen."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.backends import get_backend
from tests.conftest import ROOT
from tools.errors import DeassistError


@pytest.fixture(autouse=True)
def no_model_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("ANTHROPIC_API_KEY", "DEASSIST_MODEL", "DEASSIST_MODEL_SONNET", "DEASSIST_MODEL_OPUS",
                 "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEASSIST_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.chdir(tmp_path)


def test_anthropic_names_pin_a_model_or_leave_it_to_each_persona(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    assert get_backend("anthropic").name == "anthropic"
    assert get_backend("anthropic:opus").name == "anthropic:claude-opus-5-5"
    assert get_backend("anthropic:claude-sonnet-4-6").name == "anthropic:claude-sonnet-4-6"
    monkeypatch.setenv("DEASSIST_MODEL_OPUS", "claude-opus-4-8")
    assert get_backend("anthropic:opus").name == "anthropic:claude-opus-4-8"


def test_with_a_key_and_no_name_the_default_is_anthropic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    assert get_backend(None).name == "anthropic"
    monkeypatch.setenv("DEASSIST_MODEL", "anthropic:haiku")
    assert get_backend(None).name == "anthropic:claude-haiku-5-5"


def test_anthropic_without_a_key_is_a_usage_error() -> None:
    with pytest.raises(DeassistError) as caught:
        get_backend("anthropic:sonnet")
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-NO-KEY", 2)
    assert "ANTHROPIC_API_KEY" in caught.value.message


@pytest.mark.parametrize("name", ["gpt-5", "openai", "ollama:", "llama:qwen3", "offline:fast", "Anthropic"])
def test_an_unknown_backend_is_a_usage_error(name: str) -> None:
    with pytest.raises(DeassistError) as caught:
        get_backend(name)
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-UNKNOWN", 2)
    assert repr(name) in caught.value.message or f"--model {name.rstrip(':')}:<model>" in caught.value.message


def test_without_a_key_the_default_is_the_offline_planner() -> None:
    pytest.importorskip("assistant.backends.offline", reason="the offline planner lands on the agents-graph branch")
    assert get_backend(None).name == "offline"
    assert get_backend("offline").name == "offline"


def test_choosing_a_backend_imports_nothing_heavy_until_it_is_the_anthropic_one() -> None:
    code = (
        "import sys, json\n"
        "from assistant.backends import get_backend\n"
        "from tools.errors import DeassistError\n"
        "try:\n    get_backend('nonsense')\nexcept DeassistError:\n    pass\n"
        "before = 'anthropic' in sys.modules\n"
        "import os; os.environ['ANTHROPIC_API_KEY'] = 'sk-test'\n"
        "get_backend('anthropic')\n"
        "print(json.dumps([before, 'anthropic' in sys.modules]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout) == [False, True]


@pytest.mark.parametrize(("name", "base_url"), [
    ("ollama:qwen3", "http://localhost:11434/v1"),
    ("vllm:Qwen/Qwen3-8B", "http://localhost:8000/v1"),
])
def test_local_shorthands_need_no_key_and_know_their_server(name: str, base_url: str) -> None:
    backend = get_backend(name)
    assert backend.name == name and backend.base_url == base_url  # type: ignore[attr-defined]


def test_openai_takes_its_server_and_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert get_backend("openai:gpt-5").base_url == "https://api.openai.com/v1"  # type: ignore[attr-defined]
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1234/v1/")
    backend = get_backend("openai:local-model")  # LM Studio, llama.cpp: no key needed
    assert backend.base_url == "http://127.0.0.1:1234/v1"  # type: ignore[attr-defined]


def test_the_project_and_user_config_choose_the_model_and_base_urls(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.backends import default_model

    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / "sub").mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.deassist]\nmodel = "vllm:from-pyproject"\n'
        '[tool.deassist.backends.vllm]\nbase-url = "http://gpu:8000/v1"\n')
    user = tmp_path / "user.toml"
    user.write_text('model = "ollama:from-user"\n[backends.ollama]\nbase-url = "http://box:11434/v1"\n')
    monkeypatch.setenv("DEASSIST_CONFIG", str(user))
    monkeypatch.chdir(project / "sub")
    assert default_model() == ("vllm:from-pyproject", str(project / "pyproject.toml"))
    assert get_backend(None).base_url == "http://gpu:8000/v1"  # type: ignore[attr-defined]
    assert get_backend("ollama:x").base_url == "http://box:11434/v1"  # type: ignore[attr-defined]
    (project / ".deassist.toml").write_text('model = "ollama:from-dotfile"\n')
    assert default_model()[0] == "ollama:from-dotfile"
    monkeypatch.setenv("DEASSIST_MODEL", "offline")
    assert default_model() == ("offline", "$DEASSIST_MODEL")


@pytest.mark.parametrize(("text", "fragment"), [
    ("model = 3\n", "model must be a name"),
    ('[backends.ollama]\nbase-url = "localhost:11434"\n', "must be an http(s) URL"),
    ('[backends.ollama]\nurl = "http://x"\n', "unknown setting backends.ollama.url"),
    ("model = \n", "not valid TOML"),
])
def test_a_bad_config_file_is_one_line(tmp_path, monkeypatch: pytest.MonkeyPatch, text: str, fragment: str) -> None:
    (tmp_path / ".deassist.toml").write_text(text)
    with pytest.raises(DeassistError) as caught:
        get_backend(None)
    assert caught.value.code == "DEA-MODEL-CONFIG" and fragment in caught.value.message


def test_the_openai_sdk_is_imported_only_for_an_openai_compatible_backend() -> None:
    code = (
        "import sys, json\n"
        "from assistant.backends import get_backend\n"
        "get_backend('offline')\n"
        "before = 'openai' in sys.modules\n"
        "get_backend('ollama:qwen3')\n"
        "print(json.dumps([before, 'openai' in sys.modules, 'anthropic' in sys.modules]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout) == [False, True, False]
