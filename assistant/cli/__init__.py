"""The `deassist` console script: a thin shell over library calls.

Sub-commands are registered by import path and imported only when invoked, so `deassist --help`
and the git hook never pay for anthropic, langgraph or textual. Errors a user can cause are turned
into one line on stderr and an exit status here, and only here.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click

from tools.errors import FAILURE, USAGE, DeassistError

# The --model help every command shares (assistant.backends.get_backend reads the name).
MODEL_HELP = (
    "offline, anthropic[:<model>], openai:<model>, ollama:<model> or vllm:<model>"
    " (default: $DEASSIST_MODEL, the config's model, anthropic with a key, else offline)."
)

# name -> "module:attribute" of a click command; one line per command, imported on use.
COMMANDS: dict[str, str] = {
    "validate": "assistant.cli.sql_commands:validate",
    "transpile": "assistant.cli.sql_commands:transpile",
    "run": "assistant.cli.sql_commands:run",
    "inspect": "assistant.cli.catalog_commands:inspect",
    "profile": "assistant.cli.catalog_commands:profile",
    "hook": "assistant.cli.attribution_commands:hook",
    "commit-msg": "assistant.cli.attribution_commands:commit_msg",
    "ask": "assistant.cli.ask_commands:ask",
    "agents": "assistant.cli.ask_commands:agents",
    "draft": "assistant.cli.drafting_commands:draft",
    "pipeline": "assistant.cli.drafting_commands:pipeline",
    "quality": "assistant.cli.drafting_commands:quality",
    "chat": "assistant.cli.chat_command:chat",
    "eval": "evals.cli:eval_command",
    "memory": "assistant.cli.memory_commands:memory",
    "models": "assistant.cli.models_command:models",
    "mcp": "assistant.cli.mcp_command:mcp",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported only when they run (or when help lists them)."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attr = self.lazy[name].split(":")
            return getattr(import_module(module_name), attr)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing help must not import every command module: use the first docstring line we keep here.
        rows = [(name, HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# One-line summaries shown by `deassist --help` without importing the command modules.
HELP: dict[str, str] = {
    "validate": "Check SQL against a schema in the dialect you write.",
    "transpile": "Translate SQL between dialects and check the output in the target.",
    "run": "Run a read-only query against a local source.",
    "inspect": "Show the tables and columns of files and databases.",
    "profile": "Profile columns: nulls, distincts, ranges, semantic types, PII, keys.",
    "hook": "Install, remove or run the commit attribution hooks.",
    "commit-msg": "Check or suggest an attributed commit message.",
    "ask": "Ask the agents a one-shot question.",
    "agents": "List the agents on the roster and where each came from.",
    "draft": "Draft a dbt project or a medallion pipeline that builds.",
    "pipeline": "Run a drafted pipeline.",
    "quality": "Generate and run data-quality checks on a source.",
    "chat": "Open the chat TUI.",
    "eval": "Run the offline eval suite.",
    "memory": "Add, search and show what the agents remember about your platform.",
    "models": "List the model backends, their models, which are reachable now, and the default.",
    "mcp": "Serve the checked tools, tables and personas to MCP clients.",
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="deassist")
def cli() -> None:
    """deassist: a terminal assistant for data engineers.

    Inspect and profile data, draft and validate SQL in the dialect you write, draft pipelines and
    dbt projects, and keep commits attributed to the agents that helped.
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: every user error ends as one line and an exit status."""
    try:
        cli.main(args=argv, prog_name="deassist", standalone_mode=False)
    except DeassistError as exc:
        click.echo(f"error {exc.code}: {exc.message}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        message = exc.format_message().replace("\n", " ")
        click.echo(f"error DEA-USAGE: {message}", err=True)
        return USAGE
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback for a user
        if os.environ.get("DEASSIST_DEBUG"):
            raise
        click.echo(
            f"error DEA-INTERNAL: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            " (set DEASSIST_DEBUG=1 for the traceback)",
            err=True,
        )
        return FAILURE
    return 0


def run() -> None:
    sys.exit(main())
