"""The approval modal: exactly what would run or be written, and nothing happens before Yes.

A write lists every file it would create or change with its +/- line counts; choosing a file
(enter, a click, or `d` on the highlighted one) opens its diff in the detail pane.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from assistant.events import ApprovalRequest, PlannedChange

LEXERS = {"run_sql": "sql", "write_file": "diff", "commit": "text"}
ACTIONS = {"run_sql": "Run this query?", "write_file": "Write this file?", "commit": "Commit with this message?"}


class ApprovalScreen(ModalScreen[bool]):
    DEFAULT_CSS = "#approval-files { height: auto; max-height: 12; margin-top: 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
        Binding("d", "open_diff", "Diff", show=False),
    ]

    def __init__(self, request: ApprovalRequest) -> None:
        super().__init__(id="approval")
        self.request = request
        self.shown: PlannedChange | None = None  # the file whose diff the detail pane shows

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(id="approval-box") as box:
            box.border_title = f"approval · {request.agent}"
            yield Static(Text(ACTIONS.get(request.kind, "Allow this?"), style="bold"), id="approval-question")
            yield Static(Text(request.summary), id="approval-summary")
            if request.changes:
                yield OptionList(*(Option(change_label(c), id=str(i)) for i, c in enumerate(request.changes)), id="approval-files")
            with VerticalScroll(id="approval-detail"):
                yield Static(_syntax(request.detail, LEXERS.get(request.kind, "text")), id="approval-detail-text")
            with Horizontal(id="approval-buttons"):
                yield Button("Yes (y)", id="yes", variant="success")
                yield Button("No (n)", id="no", variant="error")

    def on_mount(self) -> None:
        # a write's file list takes the keys (up/down, enter opens a diff); y and n answer from anywhere
        (self.query_one("#approval-files", OptionList) if self.request.changes else self.query_one("#no", Button)).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.show_diff(self.request.changes[event.option_index])

    def action_open_diff(self) -> None:
        if not self.request.changes:
            return
        highlighted = self.query_one("#approval-files", OptionList).highlighted
        self.show_diff(self.request.changes[highlighted or 0])

    def show_diff(self, change: PlannedChange) -> None:
        """The file's diff in the detail pane (what it would hold, against what it holds now)."""
        self.shown = change
        self.query_one("#approval-detail-text", Static).update(_syntax(change.diff or "(no textual difference)", "diff"))
        self.query_one("#approval-detail", VerticalScroll).scroll_home(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)


def change_label(change: PlannedChange) -> Text:
    """`create  path  +12 -0`, and for a file kept beside the user's, why."""
    label = Text(f"{change.action:<7}", style="bold")
    label.append(change.path)
    label.append(f"  +{change.added}", style="green")
    label.append(f" -{change.removed}", style="red")
    if change.note:
        label.append(f"  (yours is kept: {change.note})", style="dim")
    return label


def _syntax(text: str, lexer: str):  # noqa: ANN202 - a rich Syntax, imported here to keep start-up lazy
    from rich.syntax import Syntax

    return Syntax(text, lexer, word_wrap=True, background_color="default", line_numbers=lexer != "text")
