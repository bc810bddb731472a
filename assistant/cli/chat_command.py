"""`deassist chat`: the Textual TUI over a session. Textual is imported here, when the command runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from assistant.cli import MODEL_HELP
from tools.errors import DeassistError


@click.command()
@click.option("--data", "sources", multiple=True, metavar="SRC", help="A source for the session's catalog (repeat).")
@click.option("--model", default=None, help=MODEL_HELP)
@click.option("--session", default=None, help="Resume or start the named session.")
def chat(sources: tuple[str, ...], model: str | None, session: str | None) -> None:
    """Open the chat TUI."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise DeassistError("DEA-TUI-NO-TERMINAL", "deassist chat needs a terminal; use deassist ask in scripts")
    # Textual believes COLUMNS/LINES over the terminal; stale ones (tmux exports the size a pane started
    # with) would pin the app to that size and defeat resizing.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)
    from assistant.session import SessionConfig
    from assistant.tui.app import ChatApp

    app = ChatApp(SessionConfig(model=model, sources=list(sources), session=session, workdir=Path.cwd()))
    app.run()
    if app.startup_error is not None:
        raise app.startup_error
