"""`deassist ask` and `deassist agents`: thin shells over the session and the roster."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click


# --- deassist agents -------------------------------------------------------------------------------


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def agents(fmt: str) -> None:
    """List the agents on the roster: builtin, ~/.claude/agents/ and the repository's .claude/agents/."""
    from assistant.roster import load_roster, repository_root

    roster = load_roster(repository_root(Path.cwd()))
    if fmt == "json":
        rows = [
            {
                "name": p.name,
                "origin": p.origin,
                "model": p.model,
                "temperature": p.temperature,
                "collaborators": p.collaborators,
                "tools": p.tools,
                "translations": sorted(p.translations),
                "path": str(p.path),
                "description": p.description,
            }
            for p in roster.values()
        ]
        click.echo(json.dumps({"agents": rows}, indent=2, ensure_ascii=False))
        return
    name_width = max(len(name) for name in roster)
    model_width = max(len(p.model) for p in roster.values())
    for p in roster.values():
        summary = textwrap.shorten(p.description, width=90, placeholder=" ...")
        click.echo(f"{p.name:<{name_width}}  {p.origin:<10}  {p.model:<{model_width}}  {summary}")
