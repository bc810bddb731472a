"""Model backends: `anthropic:<model>` and `offline`, chosen by name (see `get_backend`).

Each backend is one module imported only when it is asked for: importing the anthropic SDK alone
costs more than a second, which `deassist --help`, the offline planner and the git hook never pay.
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
}


def get_backend(name: str | None = None) -> ModelBackend:
    """The backend called `name`: "offline", "anthropic" or "anthropic:<model id or alias>".

    None means configuration decides: $DEASSIST_MODEL when set, else anthropic when
    ANTHROPIC_API_KEY is set, else the offline planner.
    """
    if name is None or not name.strip():
        name = os.environ.get("DEASSIST_MODEL") or ("anthropic" if os.environ.get("ANTHROPIC_API_KEY") else "offline")
    kind, _, argument = name.strip().partition(":")
    if kind not in BACKENDS:
        raise DeassistError(
            "DEA-MODEL-UNKNOWN",
            f"unknown model {name!r}: use offline, anthropic or anthropic:<model> (sonnet, opus, haiku or a model id)",
        )
    if kind == "offline" and argument:
        raise DeassistError("DEA-MODEL-UNKNOWN", f"unknown model {name!r}: the offline planner takes no model name")
    module_name, class_name = BACKENDS[kind].split(":")
    backend_class = getattr(import_module(module_name), class_name)
    return backend_class(argument.strip() or None) if kind != "offline" else backend_class()
