"""Slash commands of the chat: what exists, how a line parses, and what completes it.

Pure Python (no Textual) so parsing and completion are tested without an app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tools.errors import DeassistError

Argument = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class SlashCommand:
    name: str
    usage: str
    help: str
    argument: Argument


COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("agents", "/agents", "list the agents on the roster", "none"),
    SlashCommand("data", "/data SRC", "add a source (file, folder, glob, database, postgresql:// URL)", "required"),
    SlashCommand("schema", "/schema [TABLE]", "show the columns of a table, or of every table", "optional"),
    SlashCommand("validate", "/validate SQL", "validate SQL against the session's sources", "required"),
    SlashCommand("run", "/run SQL", "run one read-only query and show the rows", "required"),
    SlashCommand(
        "commit",
        "/commit [MESSAGE]",
        "draft the attributed commit message for the staged changes, confirm, commit through the hooks",
        "optional",
    ),
    SlashCommand("session", "/session [NAME]", "show the session, or switch to (or start) session NAME", "optional"),
    SlashCommand("clear", "/clear", "clear the conversation view (the saved session is kept)", "none"),
    SlashCommand("help", "/help", "list commands and key bindings", "none"),
)
BY_NAME = {c.name: c for c in COMMANDS}


@dataclass(frozen=True)
class CommandLine:
    """A parsed `/name argument` line; `argument` keeps its inner newlines (multi-line SQL)."""

    command: SlashCommand
    argument: str


def is_command(text: str) -> bool:
    return text.lstrip().startswith("/")


def parse_command(text: str) -> CommandLine:
    """The command a `/...` line names; unknown commands and missing arguments are errors saying what to type."""
    match = re.match(r"(\S*)\s*(.*)", text.strip()[1:], re.DOTALL)
    assert match is not None  # the pattern matches every string
    name, argument = match.group(1).lower(), match.group(2).strip()
    command = BY_NAME.get(name)
    if command is None:
        known = ", ".join(f"/{c.name}" for c in COMMANDS)
        raise DeassistError("DEA-TUI-UNKNOWN-COMMAND", f"/{name}: no such command (try {known})")
    if command.argument == "required" and not argument:
        raise DeassistError("DEA-TUI-USAGE", f"usage: {command.usage}")
    if command.argument == "none" and argument:
        raise DeassistError("DEA-TUI-USAGE", f"/{name} takes no argument (usage: {command.usage})")
    return CommandLine(command, argument)


def complete(text: str, tables: Iterable[str] = ()) -> list[str]:
    """Full lines the text typed so far can complete to: command names, then table names for /schema."""
    if not is_command(text) or "\n" in text:
        return []
    body = text.lstrip()[1:]
    if " " not in body:
        prefix = body.lower()
        return [f"/{c.name}" + ("" if c.argument == "none" else " ") for c in COMMANDS if c.name.startswith(prefix)]
    name, _, partial = body.partition(" ")
    if name.lower() == "schema" and " " not in partial:
        lowered = partial.lower()
        return [f"/schema {t}" for t in sorted(set(tables)) if t.lower().startswith(lowered)]
    return []


def common_prefix(candidates: list[str]) -> str:
    """The longest text every candidate starts with: what Tab can insert without choosing."""
    if not candidates:
        return ""
    first, last = min(candidates), max(candidates)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:size]
