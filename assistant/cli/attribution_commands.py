"""`deassist hook ...` and `deassist commit-msg ...`: thin shells over `tools.attribution`.

The installed hooks do not come through here (they run `tools.attribution.hook` directly, without
click); `deassist hook check FILE` runs the same check for pre-commit and for scripts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tools.attribution import CheckResult, check_message, load_config
from tools.attribution.hook import check_file
from tools.attribution.install import install_hooks, uninstall_hooks
from tools.attribution.ledger import staged_writes
from tools.attribution.repository import find_repository
from tools.errors import FAILURE, DeassistError

_REPO = click.option(
    "--repo",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Any folder inside the repository.",
)


@click.group()
def hook() -> None:
    """Install, remove or run the commit attribution hooks."""


@hook.command()
@_REPO
@click.option(
    "--force", is_flag=True, help="Replace existing hooks instead of chaining them (uninstall still restores them)."
)
def install(repo: Path, force: bool) -> None:
    """Install the commit-msg and prepare-commit-msg hooks (honours core.hooksPath)."""
    for change in install_hooks(repo, force=force):
        click.echo(f"{change.action}: {change.path}")


@hook.command()
@_REPO
def uninstall(repo: Path) -> None:
    """Remove deassist's hooks and restore the hooks they chained or replaced."""
    for change in uninstall_hooks(repo):
        note = " (not installed by deassist, left alone)" if change.action == "left" else ""
        click.echo(f"{change.action}: {change.path}{note}")


@hook.command("check")
@click.argument("message_file", type=click.Path(path_type=Path))
def hook_check(message_file: Path) -> None:
    """Check a commit message file as the commit-msg hook does (exit 1 when rejected)."""
    sys.exit(check_file(message_file))


@click.group("commit-msg")
def commit_msg() -> None:
    """Check or suggest an attributed commit message."""


def _message(message: str) -> str:
    return sys.stdin.read() if message == "-" else message


def _check(message: str, repo: Path, extra_agents: tuple[str, ...] = ()) -> CheckResult:
    found = find_repository(repo)
    config = load_config(Path(found.root) if found else None)
    required: dict[str, list[str]] = staged_writes(found.root) if found else {}
    for agent in extra_agents:
        required.setdefault(agent.lstrip("@"), [])
    return check_message(_message(message), config, required_agents=required)


def result_json(result: CheckResult) -> dict[str, object]:
    parsed = result.parsed._asdict()
    keep = ("kind", "header", "type", "scope", "breaking", "description", "agents", "body", "trailers")
    return {
        "ok": result.ok,
        "skipped": result.skipped,
        "problems": [problem._asdict() for problem in result.problems],
        "suggestion": result.suggestion,
        "parsed": {key: parsed[key] for key in keep},
    }


@commit_msg.command("check")
@click.argument("message")
@_REPO
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_command(message: str, repo: Path, fmt: str) -> None:
    """Check MESSAGE (`-` reads stdin) with the repository's rules and ledger. Exit 1 when it fails."""
    result = _check(message, repo)
    if fmt == "json":
        click.echo(json.dumps(result_json(result), indent=2))
    elif result.ok:
        click.echo(f"ok (not checked: {result.skipped})" if result.skipped else "ok")
    else:
        for problem in result.problems:
            click.echo(f"error {problem.code}: {problem.message}")
        if result.suggestion is not None:
            click.echo("suggested message:\n" + result.suggestion)
    sys.exit(0 if result.ok else FAILURE)


@commit_msg.command()
@click.argument("message")
@_REPO
@click.option("--agent", "agents", multiple=True, help="Credit this agent too (repeatable).")
def suggest(message: str, repo: Path, agents: tuple[str, ...]) -> None:
    """Print MESSAGE (`-` reads stdin) corrected: exit 0 when the result passes, 1 when it still needs a hand."""
    result = _check(message, repo, agents)
    if result.suggestion is None:
        first = result.problems[0]
        raise DeassistError(first.code, f"nothing to build a suggestion on: {first.message}", exit_code=FAILURE)
    click.echo(result.suggestion)
    remaining = _check(result.suggestion, repo, agents) if not result.ok else result
    for problem in remaining.problems:
        click.echo(f"error {problem.code}: {problem.message}", err=True)
    sys.exit(0 if remaining.ok else FAILURE)
