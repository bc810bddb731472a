"""`deassist ask` and `deassist agents`: thin shells over the session and the roster."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from tools.errors import FAILURE, USAGE, DeassistError

# --- deassist ask ----------------------------------------------------------------------------------


@click.command()
@click.argument("request", required=False, default="")
@click.option("--data", "sources", multiple=True, metavar="SRC", help="A file, folder, database or DSN (repeats).")
@click.option("--model", default=None, help="offline, anthropic or anthropic:<model> (default: anthropic with a key).")
@click.option(
    "--session", "session_name", default=None, metavar="NAME", help="Continue (or start) a named conversation."
)
@click.option("--yes", "auto_approve", is_flag=True, help="Approve running queries and writing files without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of streaming.")
def ask(
    request: str,
    sources: tuple[str, ...],
    model: str | None,
    session_name: str | None,
    auto_approve: bool,
    as_json: bool,
) -> None:
    """Ask the agents a one-shot question (progress on stderr, the answer on stdout)."""
    import sys

    from assistant.cli.ask_render import AskRenderer
    from assistant.session import Session, SessionConfig

    if not request.strip():
        raise DeassistError("DEA-ASK-EMPTY", 'the request is empty: deassist ask "what you want"', exit_code=USAGE)
    session = Session(SessionConfig(model, list(sources), session_name, auto_approve, Path.cwd()))
    renderer = AskRenderer(as_json=as_json, interactive=sys.stdin.isatty() and not as_json)
    try:
        for event in session.ask(request, approve=renderer.approve):
            renderer.handle(event)
    finally:
        session.close()
    renderer.finish(session)
    if renderer.error is not None:
        raise DeassistError(renderer.error.code, renderer.error.message, exit_code=renderer.error.exit_code)
    if renderer.failed_validation:
        raise DeassistError(
            "DEA-ASK-SQL-INVALID", "SQL in the answer did not pass validation after 3 repairs", exit_code=FAILURE
        )


# --- deassist agents -------------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def agents(ctx: click.Context, fmt: str) -> None:
    """List the agents on the roster: builtin, ~/.claude/agents/ and the repository's .claude/agents/."""
    if ctx.invoked_subcommand is not None:
        return
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


@agents.command("export")
@click.option("--claude", "claude", is_flag=True, required=True, help="Write Claude Code agent files.")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace agent files that exist with other content.")
def export_agents(claude: bool, folder: Path | None, force: bool) -> None:
    """Write the roster as Claude Code agent files (default .claude/agents/) that use the deassist MCP tools."""
    from assistant.mcp.export import export_roster
    from assistant.mcp.server import CHECK_COMMIT_MESSAGE
    from assistant.roster import load_roster, repository_root
    from assistant.toolbox import toolbox

    root = repository_root(Path.cwd()) or Path.cwd()
    target = folder if folder is not None else root / ".claude" / "agents"
    tool_names = [*toolbox(), CHECK_COMMIT_MESSAGE.name]
    for path in export_roster(load_roster(repository_root(Path.cwd())), tool_names, target, force=force):
        click.echo(str(path))
