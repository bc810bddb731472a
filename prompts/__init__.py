"""Persona files (Markdown with YAML front matter, Claude Code's agent-file format) shipped with deassist."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent
