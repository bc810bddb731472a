"""The conversation: what you asked, agents' text streaming as Markdown, tool calls as collapsible blocks."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from assistant.events import (
    ApprovalDecision,
    FinalAnswer,
    ToolCall,
    ToolResult,
    ValidationResult,
)

if TYPE_CHECKING:
    from textual.widgets import DataTable
    from textual.widgets._markdown import MarkdownStream

# Markdown (markdown-it), DataTable and Syntax (pygments) are imported where first used: the first
# paint of the chat needs none of them.

# Inputs that are code, and the lexer that highlights them.
CODE_INPUTS = {"sql": "sql", "query": "sql", "content": "text", "diff": "diff"}
TABLE_ROWS_SHOWN = 200


class AgentText(Vertical):
    """One agent's run of streamed text, rendered as Markdown as it arrives."""

    def __init__(self, agent: str) -> None:
        from textual.widgets import Markdown

        super().__init__(classes="agent-text")
        self.agent = agent
        self.markdown = Markdown()
        self.stream: MarkdownStream | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(self.agent, style="bold"), classes="speaker")
        yield self.markdown

    async def write(self, text: str) -> None:
        if self.stream is None:
            self.stream = self.markdown.get_stream(self.markdown)
        await self.stream.write(text)

    async def finish(self) -> None:
        if self.stream is not None:
            await self.stream.stop()
            self.stream = None


class ToolBlock(Collapsible):
    """A tool call: its input (SQL highlighted), then validation, approval and the result as they come."""

    def __init__(self, call: ToolCall) -> None:
        super().__init__(*_input_widgets(call.input), title=f"{call.agent} · {call.name}", collapsed=False, classes="tool")
        self.call = call
        self.validations: set[tuple[str, str, bool]] = set()

    def _append(self, *widgets: Widget) -> None:
        self.query_one(Collapsible.Contents).mount(*widgets)

    def show_validation(self, result: ValidationResult) -> None:
        """Shown once per block: the same SQL is often validated again before it runs."""
        seen = (result.sql, result.dialect, result.valid)
        if seen not in self.validations:
            self.validations.add(seen)
            self._append(_validation_widget(result))

    def show_decision(self, decision: ApprovalDecision) -> None:
        label = "approved" if decision.approved else "rejected: nothing ran or was written"
        self._append(Static(Text(label, style="green" if decision.approved else "yellow"), classes="decision"))

    def show_result(self, result: ToolResult) -> None:
        self.title = f"{self.call.agent} · {self.call.name}" + (" · error" if result.is_error else "")
        widgets = _output_widgets(result)
        self._append(*widgets)
        # Reads and lookups fold away once done; rows, files, errors and diagnostics stay open.
        if all(w.has_class("tool-output") for w in widgets) and not self.query(".diagnostics, .decision"):
            self.collapsed = True


def _input_widgets(tool_input: dict[str, Any]) -> list[Static]:
    from rich.syntax import Syntax

    widgets: list[Static] = []
    plain: dict[str, Any] = {}
    for key, value in tool_input.items():
        if key in CODE_INPUTS and isinstance(value, str):
            widgets.append(Static(Syntax(value, CODE_INPUTS[key], word_wrap=True, background_color="default"), classes="code"))
        else:
            plain[key] = value
    if plain:
        lines = [f"{key}: {_short(value)}" for key, value in plain.items()]
        widgets.insert(0, Static(Text("\n".join(lines), style="dim"), classes="tool-input"))
    return widgets


def _validation_widget(result: ValidationResult) -> Static:
    if result.valid and not result.diagnostics:
        return Static(Text(f"valid ({result.dialect})", style="green"), classes="diagnostics")
    text = Text()
    text.append("valid" if result.valid else "invalid", style="green" if result.valid else "bold red")
    text.append(f" ({result.dialect})\n")
    for diagnostic in result.diagnostics:
        severity = str(diagnostic.get("severity", "error"))
        text.append(
            f"{diagnostic.get('line', 1)}:{diagnostic.get('column', 1)} {severity} {diagnostic.get('code', '')}",
            style="red" if severity == "error" else "yellow",
        )
        text.append(f": {diagnostic.get('message', '')}\n")
        if diagnostic.get("suggestion"):
            text.append(f"  hint: {diagnostic['suggestion']}\n", style="green")
    return Static(text.rstrip() or text, classes="diagnostics")


def _output_widgets(result: ToolResult) -> list[Widget]:
    output = _decoded(result.output)
    if _validation_report(output):
        return []  # valid or not, its ValidationResult event already showed it
    if result.is_error:
        return [Static(Text(_short(output, 2000), style="red"), classes="tool-error")]
    if isinstance(output, dict) and isinstance(output.get("columns"), list) and isinstance(output.get("rows"), list):
        return [result_table(output["columns"], output["rows"]), *_truncation_note(output)]
    files = _file_paths(output)
    if files:
        return [Static(Text("\n".join(f"wrote {path}" for path in files), style="cyan"), classes="files")]
    if isinstance(output, dict) and isinstance(output.get("tables"), list):
        names = [f"{t.get('name')} ({t.get('row_count')} rows)" if isinstance(t, dict) else str(t) for t in output["tables"]]
        return [Static(Text(f"{len(names)} tables: " + ", ".join(names), style="dim"), classes="tool-output")]
    return [Static(Text(_short(output, 600), style="dim"), classes="tool-output")]


def _validation_report(output: Any) -> bool:
    """validate_sql's report, or run_sql's when the query failed validation and did not run."""
    if isinstance(output, dict) and output.get("ran") is False:
        output = output.get("validation")
    return isinstance(output, dict) and "valid" in output and "diagnostics" in output


def result_table(columns: list[Any], rows: list[Any]) -> DataTable:
    from textual.widgets import DataTable

    table: DataTable = DataTable(zebra_stripes=True, cursor_type="row", classes="result")
    table.add_columns(*(str(c) for c in columns))
    for row in rows[:TABLE_ROWS_SHOWN]:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    return table


def _truncation_note(output: dict[str, Any]) -> list[Static]:
    shown, total = min(len(output["rows"]), TABLE_ROWS_SHOWN), len(output["rows"])
    more = output.get("truncated") or total > shown
    return [Static(Text(f"{shown} rows shown, more not fetched", style="dim"))] if more else []


def _file_paths(output: Any) -> list[str]:
    """Paths a drafting tool reports writing: `{"path": ...}`, `{"files": [...]}` or `{"written": [...]}`."""
    if not isinstance(output, dict):
        return []
    if isinstance(output.get("path"), str):
        return [output["path"]]
    for key in ("files", "written"):
        items = output.get(key)
        if isinstance(items, list):
            return [str(item.get("path", item)) if isinstance(item, dict) else str(item) for item in items]
    return []


def _decoded(output: Any) -> Any:
    """Tool outputs often travel as JSON text: read them back so tables and paths can be shown."""
    if isinstance(output, str) and output[:1] in "{[":
        try:
            return json.loads(output)
        except ValueError:
            return output
    return output


def _short(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Conversation(VerticalScroll):
    """Everything said in the session's turns, newest at the bottom, kept in view while it streams."""

    def __init__(self) -> None:
        super().__init__(id="conversation")
        self.current: AgentText | None = None
        self.tools: dict[str, ToolBlock] = {}
        self.streamed_this_turn = ""

    def on_mount(self) -> None:
        self.anchor()

    async def add_user(self, text: str) -> None:
        await self.end_text()
        self.streamed_this_turn = ""
        await self.mount(Static(Text(text), classes="user"))
        self.anchor()

    async def add_text(self, agent: str, text: str) -> None:
        if self.current is None or self.current.agent != agent:
            await self.end_text()
            self.current = AgentText(agent)
            await self.mount(self.current)
        self.streamed_this_turn += text
        await self.current.write(text)

    async def end_text(self) -> None:
        if self.current is not None:
            await self.current.finish()
            self.current = None

    async def add_tool_call(self, call: ToolCall) -> None:
        await self.end_text()
        block = ToolBlock(call)
        self.tools[call.call_id] = block
        await self.mount(block)

    def block_for_sql(self, agent: str, sql: str) -> ToolBlock | None:
        """The latest block of `agent` whose input holds this SQL (validation arrives apart from its call)."""
        for block in reversed(list(self.tools.values())):
            if block.call.agent == agent and sql.strip() in {str(v).strip() for v in block.call.input.values()}:
                return block
        return None

    def latest_block(self) -> ToolBlock | None:
        return next(reversed(self.tools.values()), None)

    async def add_answer(self, answer: FinalAnswer) -> None:
        """The final answer, unless it was already streamed word for word; then who contributed."""
        await self.end_text()
        if answer.text.strip() and answer.text.strip() not in self.streamed_this_turn:
            from textual.widgets import Markdown

            await self.mount(Markdown(answer.text, classes="answer"))
        footer = "agents: " + ", ".join(answer.agents) if answer.agents else ""
        if answer.commit_message:
            footer += f"\ncommit message: {answer.commit_message}"
        if footer:
            await self.mount(Static(Text(footer.strip(), style="dim"), classes="answer-footer"))

    async def add_note(self, text: str | Text, *, classes: str = "note") -> None:
        await self.end_text()
        await self.mount(Static(text, classes=classes))

    async def add_markdown(self, text: str) -> None:
        from textual.widgets import Markdown

        await self.end_text()
        await self.mount(Markdown(text, classes="reply"))

    async def add_error(self, code: str, message: str) -> None:
        await self.add_note(Text(f"error {code}: {message}", style="bold red"), classes="error")

    async def clear(self) -> None:
        await self.end_text()
        self.tools.clear()
        await self.remove_children()
