"""Model backends, chosen by name (see `get_backend`): `offline`, `anthropic[:<model>]`, and the
OpenAI-compatible `openai:<model>`, `ollama:<model>` and `vllm:<model>`.

Each backend is one module imported only when it is asked for: importing an SDK alone costs more
than a second, which `deassist --help`, the offline planner and the git hook never pay.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING

from tools.errors import DeassistError

if TYPE_CHECKING:
    from assistant.backends.base import ModelBackend

# backend name -> "module:class"; the class takes the text after "name:" (or None) as its argument.
BACKENDS: dict[str, str] = {
    "anthropic": "assistant.backends.anthropic:AnthropicBackend",
    "offline": "assistant.backends.offline:OfflineBackend",
    "openai": "assistant.backends.openai:OpenAIBackend",
    "ollama": "assistant.backends.openai:OpenAIBackend",
    "vllm": "assistant.backends.openai:OpenAIBackend",
}
# The backends that speak the OpenAI Chat Completions API, told which server they talk to.
OPENAI_COMPATIBLE = {"openai", "ollama", "vllm"}
NAMES = "offline, anthropic[:<model>], openai:<model>, ollama:<model> or vllm:<model>"


def default_model() -> tuple[str, str]:
    """The backend name used when none is given, and why: $DEASSIST_MODEL, the config files, a key, or offline."""
    if os.environ.get("DEASSIST_MODEL", "").strip():
        return os.environ["DEASSIST_MODEL"].strip(), "$DEASSIST_MODEL"
    from assistant.backends.settings import load_settings

    settings = load_settings()
    if settings.model:
        return settings.model, str(settings.model_from)
    if os.environ.get("ANTHROPIC_API_KEY"):
        return "anthropic", "ANTHROPIC_API_KEY is set"
    return "offline", "no model configured and no ANTHROPIC_API_KEY"


def get_backend(name: str | None = None) -> ModelBackend:
    """The backend called `name` (see NAMES); None means configuration decides (`default_model`)."""
    if name is None or not name.strip():
        name = default_model()[0]
    kind, _, argument = name.strip().partition(":")
    if kind not in BACKENDS:
        raise DeassistError("DEA-MODEL-UNKNOWN", f"unknown model {name!r}: use {NAMES}")
    if kind == "offline" and argument:
        raise DeassistError("DEA-MODEL-UNKNOWN", f"unknown model {name!r}: the offline planner takes no model name")
    module_name, class_name = BACKENDS[kind].split(":")
    backend_class = getattr(import_module(module_name), class_name)
    if kind == "offline":
        return backend_class()
    if kind in OPENAI_COMPATIBLE:
        return backend_class(argument.strip() or None, provider=kind)
    return backend_class(argument.strip() or None)
