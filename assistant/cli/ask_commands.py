"""`deassist ask` and `deassist agents`: thin shells over the session and the roster."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli import MODEL_HELP
from tools.errors import DECLINED, FAILURE, USAGE, DeassistError

if TYPE_CHECKING:
    from assistant.session import Session

# --- deassist ask ----------------------------------------------------------------------------------


@click.command()
@click.argument("request", required=False, default="")
@click.option("--data", "sources", multiple=True, metavar="SRC", help="A file, folder, database or DSN (repeats).")
@click.option("--model", default=None, help=MODEL_HELP)
@click.option(
    "--session", "session_name", default=None, metavar="NAME", help="Continue (or start) a named conversation."
)
@click.option(
    "--resume", default=None, is_flag=False, flag_value="", metavar="[SESSION]",
    help="Finish a request left waiting for approval (the most recent such session when none is named).",
)
@click.option("--yes", "auto_approve", is_flag=True, help="Approve running queries and writing files without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of streaming.")
@click.option("--verbose", "-v", is_flag=True, help="Also say what the backend changed or left out of a request.")
@click.option(
    "--allow-privileged-role",
    is_flag=True,
    help="Let queries run on PostgreSQL as a superuser or a server-file role (functions are still checked).",
)
def ask(
    request: str,
    sources: tuple[str, ...],
    model: str | None,
    session_name: str | None,
    resume: str | None,
    auto_approve: bool,
    as_json: bool,
    verbose: bool,
    allow_privileged_role: bool,
) -> None:
    """Ask the agents a one-shot question (progress on stderr, the answer on stdout).

    Exits 0 when answered, 3 when the answer declines (it says what it could not answer), 1 when SQL
    in the answer failed validation, 2 for bad usage.
    """
    import sys

    from assistant.cli.ask_render import AskRenderer
    from assistant.session import Session, SessionConfig

    if resume is not None and (request.strip() or session_name):
        raise DeassistError("DEA-USAGE", "--resume takes no request and no --session: it finishes the one waiting")
    if resume is None and not request.strip():
        raise DeassistError("DEA-ASK-EMPTY", 'the request is empty: deassist ask "what you want"', exit_code=USAGE)
    config = SessionConfig(
        model, list(sources), resume or session_name, auto_approve, Path.cwd(), allow_privileged_role=allow_privileged_role
    )
    session = Session(config)
    renderer = AskRenderer(as_json=as_json, interactive=sys.stdin.isatty() and not as_json, verbose=verbose)
    try:
        if resume == "":
            session = _waiting_session(session)
        stream = session.resume(approve=renderer.approve) if resume is not None else session.ask(request, approve=renderer.approve)
        for event in stream:
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


def _waiting_session(probe: Session) -> Session:
    """The most recent session stranded at an approval, opened with `probe`'s settings; `probe` is closed."""
    from dataclasses import replace

    from assistant.session import Session

    waiting = probe.waiting_sessions()
    probe.close()
    if not waiting:
        raise DeassistError("DEA-ASK-NOTHING-PENDING", "no session is waiting for approval", exit_code=USAGE)
    return Session(replace(probe.config, session=waiting[0]), backend=probe.backend)


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
