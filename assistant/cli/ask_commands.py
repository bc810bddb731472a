"""`deassist ask` and `deassist agents`: thin shells over the session and the roster."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from tools.errors import DECLINED, FAILURE, USAGE, DeassistError

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
    """Ask the agents a one-shot question (progress on stderr, the answer on stdout).

    Exits 0 when answered, 3 when the answer declines (it says what it could not answer), 1 when SQL
    in the answer failed validation, 2 for bad usage.
    """
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
    if renderer.declined:
        raise SystemExit(DECLINED)


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
