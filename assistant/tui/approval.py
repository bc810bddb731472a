"""The approval modal: exactly what would run or be written, and nothing happens before Yes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from assistant.events import ApprovalRequest

LEXERS = {"run_sql": "sql", "write_file": "diff", "commit": "text"}
ACTIONS = {"run_sql": "Run this query?", "write_file": "Write this file?", "commit": "Commit with this message?"}


class ApprovalScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, request: ApprovalRequest) -> None:
        super().__init__(id="approval")
        self.request = request

    def compose(self) -> ComposeResult:
        from rich.syntax import Syntax

        request = self.request
        with Vertical(id="approval-box") as box:
            box.border_title = f"approval · {request.agent}"
            yield Static(Text(ACTIONS.get(request.kind, "Allow this?"), style="bold"), id="approval-question")
            yield Static(Text(request.summary), id="approval-summary")
            with VerticalScroll(id="approval-detail"):
                lexer = LEXERS.get(request.kind, "text")
                yield Static(Syntax(request.detail, lexer, word_wrap=True, background_color="default", line_numbers=lexer != "text"))
            with Horizontal(id="approval-buttons"):
                yield Button("Yes (y)", id="yes", variant="success")
                yield Button("No (n)", id="no", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)
