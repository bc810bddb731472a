"""The roster as Claude Code agent files that use the deassist MCP server and the attribution convention."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.roster import COORDINATOR, Persona
from tools.errors import DeassistError

SERVER_NAME = "deassist"

MCP_NOTE = """
## Working through deassist
Use the `{server}` MCP tools for anything that touches the user's data or SQL: `inspect` and
`profile` before you write SQL, `validate_sql` on every statement you show (in the user's dialect),
`transpile_sql` to move SQL between engines, `run_sql` only for read-only questions the user asked.
Draft dbt projects and pipelines with `draft_dbt_project` and `draft_pipeline` so that what you hand
over builds. Every commit you contribute to follows `type(scope): description - @agent1 @agent2`:
get it from `propose_commit_message` and check it with `check_commit_message`.
"""


def claude_agent_file(persona: Persona, tool_names: list[str]) -> str:
    """One agent file in Claude Code's format: YAML front matter, then the persona's prompt."""
    allowed = [name for name in tool_names if persona.tools is None or name in persona.tools]
    front = {
        "name": persona.name,
        "description": persona.description,
        "tools": ", ".join(f"mcp__{SERVER_NAME}__{name}" for name in allowed),
        "model": persona.model if persona.model in ("sonnet", "opus", "haiku") else "inherit",
    }
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100).strip()
    return f"---\n{header}\n---\n{persona.system_prompt.rstrip()}\n{MCP_NOTE.format(server=SERVER_NAME)}"


def export_roster(roster: dict[str, Persona], tool_names: list[str], folder: Path, *, force: bool) -> list[Path]:
    """Write every agent file; a file that exists with other content is kept unless `force`."""
    files = {folder / f"{p.name}.md": claude_agent_file(p, tool_names) for p in roster.values() if p.name != COORDINATOR}
    clashes = [path for path, text in files.items() if path.exists() and path.read_text(encoding="utf-8") != text]
    if clashes and not force:
        raise DeassistError(
            "DEA-AGENT-EXPORT-EXISTS",
            f"{', '.join(str(p) for p in clashes)} exist with other content; pass --force to replace them",
        )
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return sorted(files)
