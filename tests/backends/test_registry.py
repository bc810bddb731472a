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
def no_model_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "DEASSIST_MODEL", "DEASSIST_MODEL_SONNET", "DEASSIST_MODEL_OPUS"):
        monkeypatch.delenv(name, raising=False)


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


@pytest.mark.parametrize("name", ["gpt-5", "openai:gpt-5", "offline:fast", "Anthropic"])
def test_an_unknown_backend_is_a_usage_error(name: str) -> None:
    with pytest.raises(DeassistError) as caught:
        get_backend(name)
    assert (caught.value.code, caught.value.exit_code) == ("DEA-MODEL-UNKNOWN", 2)
    assert repr(name) in caught.value.message


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
