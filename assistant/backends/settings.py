"""Which model, on which server: the project's deassist configuration, then the user's config file.

The project's is `.deassist.toml` (top level) or `[tool.deassist]` in pyproject.toml at the root of
the work tree, as the attribution settings are; the user's is `$DEASSIST_CONFIG`, else `config.toml`
in the platform's config folder. The first that sets a key wins (.deassist.toml, pyproject.toml, user)::

    model = "ollama:qwen3"                 # the default backend when --model is not given
    [backends.ollama]                      # [tool.deassist.backends.ollama] in pyproject.toml
    base-url = "http://gpu-box:11434/v1"

API keys are never read from these files: they stay in the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import DeassistError
from tools.project_config import project_settings, read_settings_file

CODE = "DEA-MODEL-CONFIG"
BACKEND_KEYS = {"base-url"}


@dataclass(frozen=True)
class ModelSettings:
    model: str | None = None
    base_urls: dict[str, str] = field(default_factory=dict)  # backend name -> base URL
    model_from: Path | None = None  # the file that set `model`


def user_config_file() -> Path:
    if os.environ.get("DEASSIST_CONFIG"):
        return Path(os.environ["DEASSIST_CONFIG"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("deassist")) / "config.toml"


def load_settings(start: Path | None = None) -> ModelSettings:
    """The model settings for the project enclosing `start` (the working directory by default)."""
    from assistant.roster import repository_root

    folder = start or Path.cwd()
    root = repository_root(folder) or folder
    model: str | None = None
    base_urls: dict[str, str] = {}
    model_from: Path | None = None
    user_file = user_config_file()
    user = read_settings_file(user_file, CODE)
    for path, data in [*project_settings(root, CODE), *([(str(user_file), user)] if user is not None else [])]:
        if model is None and "model" in data:
            if not isinstance(data["model"], str) or not data["model"].strip():
                raise DeassistError(CODE, f"{path}: model must be a name such as \"ollama:qwen3\"")
            model, model_from = data["model"].strip(), Path(path)
        for name, url in _base_urls(path, data.get("backends", {})).items():
            base_urls.setdefault(name, url)
    return ModelSettings(model, base_urls, model_from)


def _base_urls(path: str, table: Any) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise DeassistError(CODE, f"{path}: backends must hold one table per backend, e.g. [backends.ollama]")
    urls = {}
    for name, settings in table.items():
        unknown = sorted(set(settings) - BACKEND_KEYS)
        if unknown:
            raise DeassistError(CODE, f"{path}: unknown setting backends.{name}.{unknown[0]} (known: base-url)")
        url = settings.get("base-url")
        if url is not None:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise DeassistError(CODE, f"{path}: backends.{name}.base-url must be an http(s) URL, not {url!r}")
            urls[name] = url.rstrip("/")
    return urls

