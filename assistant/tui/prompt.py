"""The multi-line prompt: Enter sends, Ctrl+J (or Shift+Enter where the terminal tells it apart) adds a line,
Up and Down at the first and last line walk the history, Tab completes slash commands."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from assistant.tui.commands import common_prefix, complete

NEWLINE_KEYS = {"ctrl+j", "shift+enter", "alt+enter"}


class PromptInput(TextArea):
    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, tables: Callable[[], list[str]], *, cursor_blink: bool = True) -> None:
        super().__init__(id="prompt", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.cursor_blink = cursor_blink
        self.border_title = "ask, or /help — Enter sends, Ctrl+J new line"
        self.tables = tables
        self.sent: list[str] = []
        self._history_index: int | None = None  # None: editing a new line, not browsing history
        self._draft = ""

    def completions(self) -> list[str]:
        return complete(self.text, self.tables())

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self._stop(event)
            self._submit()
        elif event.key in NEWLINE_KEYS:
            self._stop(event)
            self.insert("\n")
        elif event.key == "tab" and self.completions():
            self._stop(event)
            self._complete()
        elif event.key == "up" and self.cursor_location[0] == 0 and self.sent:
            self._stop(event)
            self._browse(-1)
        elif event.key == "down" and self.cursor_location[0] == self.document.line_count - 1 and self._history_index is not None:
            self._stop(event)
            self._browse(+1)
        else:
            await super()._on_key(event)

    @staticmethod
    def _stop(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def _submit(self) -> None:
        text = self.text.strip()
        if not text:
            return
        if not self.sent or self.sent[-1] != text:
            self.sent.append(text)
        self._history_index = None
        self.clear()
        self.post_message(self.Submitted(text))

    def _complete(self) -> None:
        candidates = self.completions()
        choice = candidates[0] if len(candidates) == 1 else common_prefix(candidates)
        if len(choice) > len(self.text):
            self.load_text(choice)
            self.move_cursor(self.document.end)

    def _browse(self, step: int) -> None:
        if self._history_index is None:
            self._draft = self.text
            index = len(self.sent) - 1
        else:
            index = self._history_index + step
        if index >= len(self.sent):
            self._history_index = None
            self.load_text(self._draft)
        else:
            self._history_index = max(0, index)
            self.load_text(self.sent[self._history_index])
        self.move_cursor(self.document.end)
