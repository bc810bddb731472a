"""The model names and servers each backend knows, importable without any SDK (`deassist models` reads them)."""

from __future__ import annotations

import os
from dataclasses import dataclass

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
# Persona aliases -> the current model of each family; DEASSIST_MODEL_SONNET (etc.) overrides.
MODEL_ALIASES: dict[str, str] = {
    "sonnet": "claude-sonnet-5-5",
    "opus": "claude-opus-5-5",
    "haiku": "claude-haiku-5-5",
}


def resolve_model(alias_or_id: str) -> str:
    """The model id for a persona's `model`: an alias maps to MODEL_ALIASES or $DEASSIST_MODEL_<ALIAS>."""
    alias = alias_or_id.strip().lower()
    if alias in MODEL_ALIASES:
        return os.environ.get(f"DEASSIST_MODEL_{alias.upper()}") or MODEL_ALIASES[alias]
    return alias_or_id.strip()


def alias_ids() -> dict[str, str]:
    """Each alias and the model it means now."""
    return {alias: resolve_model(alias) for alias in MODEL_ALIASES}


@dataclass(frozen=True)
class Provider:
    """An OpenAI-compatible backend's name on the command line and where its server is by default."""

    name: str
    base_url: str
    needs_key: bool  # a hosted API rejects requests without a key; local servers take any


PROVIDERS: dict[str, Provider] = {
    "openai": Provider("openai", "https://api.openai.com/v1", needs_key=True),
    "ollama": Provider("ollama", "http://localhost:11434/v1", needs_key=False),
    "vllm": Provider("vllm", "http://localhost:8000/v1", needs_key=False),
}


def base_url_for(provider: Provider, configured: dict[str, str] | None = None) -> str:
    """OPENAI_BASE_URL (for `openai` only), else the configured base URL, else the provider's default."""
    if provider.name == "openai" and os.environ.get("OPENAI_BASE_URL"):
        return os.environ["OPENAI_BASE_URL"].rstrip("/")
    return (configured or {}).get(provider.name) or provider.base_url
