"""The chat app: one session's event stream rendered live, slash commands, approvals in a modal.

The session runs in a thread worker and hands every event to the app as a message; its `approve`
callback blocks that thread until the modal is answered, so nothing runs or is written before Yes.
The session is opened after the first paint, so start-up does not wait for the LLM stack.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from dataclasses import replace
from functools import partial
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Static, TextArea

from assistant.events import (
    USER,
    AgentFinished,
    AgentStarted,
    ApprovalDecision,
    ApprovalRequest,
    ErrorEvent,
    Event,
    FinalAnswer,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
    ValidationResult,
)
from assistant.tui.approval import ApprovalScreen
from assistant.tui.commands import (
    COMMANDS,
    CommandLine,
    SlashCommand,
    is_command,
    parse_command,
)
from assistant.tui.conversation import Conversation
from assistant.tui.palette import SlashCommands
from assistant.tui.panels import AgentsPanel, CatalogTree, StatusLine
from assistant.tui.prompt import PromptInput
from tools.catalog.model import Catalog
from tools.errors import DeassistError

if TYPE_CHECKING:
    from assistant.session import Session, SessionConfig

SQL_TOOLS = {"validate": "validate_sql", "run": "run_sql"}  # slash command -> the toolbox tool it runs
NARROW, TINY = 110, 80  # below these widths the agents panel, then the catalog, are hidden


class SessionEvent(Message):
    """One event of the session's stream, handed from the worker thread to the app."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class TurnEnded(Message):
    def __init__(self, cancelled: bool) -> None:
        super().__init__()
        self.cancelled = cancelled


class ApprovalAsked(Message):
    """A worker thread waits on `answer` until the modal for `request` is answered."""

    def __init__(self, request: ApprovalRequest, answer: Future[bool]) -> None:
        super().__init__()
        self.request = request
        self.answer = answer


class CommandFinished(Message):
    def __init__(self, catalog_changed: bool) -> None:
        super().__init__()
        self.catalog_changed = catalog_changed


class StartupFailed(Message):
    def __init__(self, error: DeassistError) -> None:
        super().__init__()
        self.error = error


class SessionOpened(Message):
    """The session is open; `earlier` holds the turns a resumed session already had, `waiting` the
    approvals its last request was stranded at (the process stopped before they were answered)."""

    def __init__(self, session: Session, earlier: list[dict[str, Any]], waiting: list[ApprovalRequest]) -> None:
        super().__init__()
        self.session = session
        self.earlier = earlier
        self.waiting = waiting


class ChatApp(App[None]):
    TITLE = "deassist chat"
    COMMANDS = App.COMMANDS | {SlashCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "cancel_turn", "Cancel turn", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+b", "toggle_catalog", "Catalog"),
        Binding("ctrl+l", "clear", "Clear"),
    ]
    CSS = """
    #main { height: 1fr; }
    #catalog { width: 32; border: round $primary-darken-2; }
    #catalog.hidden { display: none; }
    #center { width: 1fr; }
    #agents { width: 30; height: 1fr; border: round $primary-darken-2; padding: 0 1; }
    #conversation { height: 1fr; padding: 0 1; }
    #prompt { height: auto; min-height: 3; max-height: 10; border: round $accent; }
    #hint { height: auto; padding: 0 1; color: $text-muted; display: none; }
    #hint.visible { display: block; }
    #status { height: 1; background: $panel; }
    ChatApp.-narrow #agents { display: none; }
    ChatApp.-tiny #catalog { display: none; }
    .user { margin: 1 0 0 0; padding: 0 1; background: $boost; border-left: thick $accent; }
    .agent-text { height: auto; margin: 1 0 0 0; }
    .speaker { color: $secondary; }
    .note { color: $text-muted; margin: 1 0 0 0; }
    .error { margin: 1 0 0 0; }
    .answer-footer { margin: 0 0 1 0; }
    .tool { margin: 1 0 0 0; }
    DataTable.result { height: auto; max-height: 14; }
    ApprovalScreen { align: center middle; }
    #approval-box { width: 90%; max-width: 120; height: auto; max-height: 90%; border: thick $warning;
                    background: $surface; padding: 1 2; }
    #approval-detail { height: auto; max-height: 24; margin: 1 0; }
    #approval-buttons { height: auto; align: right middle; }
    #approval-buttons Button { margin-left: 2; }
    """

    def __init__(self, config: SessionConfig, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self.config = config
        self.session: Session | None = None
        self.startup_error: DeassistError | None = None  # a session that cannot open ends the app with it
        self.cancel: threading.Event | None = None  # set while a turn runs
        self.pending: list[str] = []  # questions asked before the session was open
        self.quitting = False
        self._approval: tuple[ApprovalScreen, Future[bool]] | None = None
        self._ids = count(1)
        # Kept by reference: while a modal is up, `query_one` would search the modal, not the chat.
        self.catalog_tree = CatalogTree()
        self.conversation = Conversation()
        self.hint = Static(id="hint")
        self.prompt = PromptInput(self.table_names, cursor_blink=cursor_blink)
        self.agents = AgentsPanel()
        self.status = StatusLine()

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield self.catalog_tree
            with Vertical(id="center"):
                yield self.conversation
                yield self.hint
                yield self.prompt
            yield self.agents
        yield self.status
        yield Footer()

    def on_mount(self) -> None:
        self.status.session = self.config.session or "new"
        self.catalog_tree.show_catalog(Catalog())
        self.prompt.focus()
        # After the first paint: the session's imports (LangGraph) would otherwise hold up the screen.
        self.call_after_refresh(self.open_session, self.config, True)

    def on_resize(self, event: events.Resize) -> None:
        """Side panels give way on small terminals so the conversation keeps room to read."""
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.width < TINY, "-tiny")

    @property
    def turn_running(self) -> bool:
        return self.cancel is not None

    def table_names(self) -> list[str]:
        return [t.name for t in self.session.catalog.tables] if self.session else []

    # -- the session --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def open_session(self, config: SessionConfig, first: bool = False) -> None:
        from assistant.session import Session

        try:
            session = Session(config)
        except DeassistError as exc:
            if first:  # a bad --data or --model ends `deassist chat` with its one-line error
                self._hand_over(StartupFailed(exc))
            else:
                self._hand_over(SessionEvent(ErrorEvent(exc.code, exc.message)))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the conversation; the app keeps running
            self._hand_over(SessionEvent(ErrorEvent("DEA-INTERNAL", f"the session did not open: {type(exc).__name__}: {exc}")))
            return
        try:
            earlier, waiting = session.history(), session.pending()
        except DeassistError as exc:
            self._hand_over(SessionEvent(ErrorEvent(exc.code, exc.message)))
            earlier, waiting = [], []
        self._hand_over(SessionOpened(session, earlier, waiting))

    def on_startup_failed(self, message: StartupFailed) -> None:
        self.startup_error = message.error
        self.exit(return_code=message.error.exit_code)

    async def on_session_opened(self, message: SessionOpened) -> None:
        self.session = message.session
        self.status.session = message.session.name
        self.status.model = message.session.model_name
        self.catalog_tree.show_catalog(message.session.catalog)
        for turn in message.earlier:
            await self.conversation.add_user(str(turn.get("request", "")))
            await self.conversation.add_answer(FinalAnswer(str(turn.get("answer", "")), list(turn.get("agents") or [])))
        if message.earlier:
            turns = len(message.earlier)
            await self.conversation.add_note(f"resumed session {message.session.name}: {turns} earlier turn{'s' * (turns != 1)}")
        if message.waiting:
            # Its question is asked again in the modal; the answer lets the stranded request finish.
            await self.conversation.add_note(f"a request of this session is waiting for your approval: {message.waiting[0].summary}")
            self._begin_turn(None)
        pending, self.pending = self.pending, []
        for text in pending:
            await self.start_turn(text, echoed=True)

    async def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        self._show_hint([])
        if is_command(message.text):
            await self.run_command(message.text)
        else:
            await self.start_turn(message.text)

    async def start_turn(self, text: str, *, echoed: bool = False) -> None:
        """Ask the session; `echoed` when the question is already shown (asked before the session opened)."""
        if self.turn_running:
            await self.conversation.add_note("a turn is running: wait for it, or Ctrl+C to cancel it")
            self.prompt.load_text(text)
            return
        if self.session is None:
            self.pending.append(text)
            await self.conversation.add_user(text)
            await self.conversation.add_note("opening the session…")
            return
        if not echoed:
            await self.conversation.add_user(text)
        self._begin_turn(text)

    def _begin_turn(self, text: str | None) -> None:
        assert self.session is not None
        self.cancel = threading.Event()
        self.status.busy = True
        self.agents.new_turn()
        self.run_turn(self.session, text, self.cancel)

    @work(thread=True, group="turn", exit_on_error=False)
    def run_turn(self, session: Session, text: str | None, cancel: threading.Event) -> None:
        """Ask `text`, or with None resume the request the session was stranded at."""
        def approve(request: ApprovalRequest) -> bool:
            return self._approve_in_thread(request, cancel)

        try:
            stream = session.resume(approve=approve, cancel=cancel) if text is None else session.ask(text, approve=approve, cancel=cancel)
            for event in stream:
                self._hand_over(SessionEvent(event))
        except DeassistError as exc:
            self._hand_over(SessionEvent(ErrorEvent(exc.code, exc.message)))
        except Exception as exc:  # noqa: BLE001 - a failing turn is shown, and the app keeps running
            self._hand_over(SessionEvent(ErrorEvent("DEA-INTERNAL", f"{type(exc).__name__}: {exc}")))
        finally:
            self._hand_over(TurnEnded(cancel.is_set()))

    def _hand_over(self, message: Message) -> None:
        """Post from a worker thread without waiting; once the app has closed there is nobody to tell."""
        with suppress(RuntimeError):
            self.post_message(message)

    def _approve_in_thread(self, request: ApprovalRequest, cancel: threading.Event) -> bool:
        """Ask through the modal from a worker thread and block until it is answered.

        A cancelled turn or a closing app answers No, so the thread never outlives the app waiting.
        """
        answer: Future[bool] = Future()
        self._hand_over(ApprovalAsked(request, answer))
        while True:
            try:
                return answer.result(timeout=0.1)
            except FutureTimeout:
                if cancel.is_set() or not self.is_running:
                    _settle(answer, False)
                    self._hand_over(ApprovalAsked(request, answer))  # the app takes the answered modal down
                    return False

    def on_approval_asked(self, message: ApprovalAsked) -> None:
        if message.answer.done():
            self._withdraw_approval()
            return
        screen = ApprovalScreen(message.request)
        self._approval = (screen, message.answer)

        def answered(approved: bool | None) -> None:
            self._approval = None
            _settle(message.answer, bool(approved))

        self.agents.set_state(message.request.agent, "waiting for you")
        self.push_screen(screen, answered)

    def _withdraw_approval(self) -> None:
        """A cancelled turn takes its open question with it: the answer is No."""
        if self._approval is not None:
            screen, answer = self._approval
            self._approval = None
            _settle(answer, False)
            if screen.is_current:
                screen.dismiss(False)

    def on_unmount(self) -> None:
        """However the app ends, a running turn is told to stop and an open question is answered No."""
        if self.cancel is not None:
            self.cancel.set()
        if self._approval is not None:
            _settle(self._approval[1], False)

    async def on_session_event(self, message: SessionEvent) -> None:
        await self.show_event(message.event)

    async def show_event(self, event: Event) -> None:
        """Render one event of the stream; events this face does not know are skipped."""
        conversation = self.conversation
        if isinstance(event, TextDelta):
            await conversation.add_text(event.agent, event.text)
        elif isinstance(event, AgentStarted):
            self.agents.set_state(event.agent, "working", event.role)
        elif isinstance(event, AgentFinished):
            self.agents.set_state(event.agent, "done")
        elif isinstance(event, ToolCall):
            self.agents.set_state(event.agent, "working")
            await conversation.add_tool_call(event)
        elif isinstance(event, ToolResult):
            block = conversation.tools.get(event.call_id)
            if block is None:
                await conversation.add_tool_call(ToolCall(event.agent, event.call_id, event.name, {}))
                block = conversation.tools[event.call_id]
            block.show_result(event)
        elif isinstance(event, ValidationResult):
            block = conversation.block_for_sql(event.agent, event.sql)
            if block is None:
                await conversation.add_tool_call(ToolCall(event.agent, f"validation-{next(self._ids)}", "validate", {"sql": event.sql}))
                block = conversation.latest_block()
            assert block is not None
            block.show_validation(event)
        elif isinstance(event, ApprovalDecision):
            block = conversation.tools.get(event.approval_id) or conversation.latest_block()
            if block is not None:
                block.show_decision(event)
        elif isinstance(event, Usage):
            usage = event.usage
            self.status.input_tokens += usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
            self.status.output_tokens += usage.output_tokens
            self.status.cost += usage.cost_usd
            if event.model:
                self.status.model = event.model
        elif isinstance(event, FinalAnswer):
            await conversation.add_answer(event)
        elif isinstance(event, ErrorEvent):
            await conversation.add_error(event.code, event.message)

    async def on_turn_ended(self, message: TurnEnded) -> None:
        await self.conversation.end_text()
        if message.cancelled:
            await self.conversation.add_note("turn cancelled")
        self.agents.end_turn("cancelled" if message.cancelled else "done")
        self.cancel = None
        self.status.busy = False
        if self.quitting:
            self.exit()

    # -- key bindings -------------------------------------------------------------------------

    async def action_cancel_turn(self) -> None:
        if self.cancel is None:
            self.notify("no turn is running (Ctrl+Q quits)", timeout=3)
            return
        self.cancel.set()
        self._withdraw_approval()
        await self.conversation.add_note("cancelling the turn…")

    async def action_quit(self) -> None:
        """Quitting mid-turn stops the turn first, so the session saves what it did."""
        if self.cancel is None:
            self.exit()
            return
        self.quitting = True
        self.cancel.set()
        self._withdraw_approval()
        await self.conversation.add_note("stopping the turn before quitting…")

    def action_toggle_catalog(self) -> None:
        self.catalog_tree.toggle_class("hidden")

    async def action_clear(self) -> None:
        await self.conversation.clear()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is self.prompt:
            self._show_hint(self.prompt.completions())

    def _show_hint(self, candidates: list[str]) -> None:
        hint = self.hint
        hint.update("  ".join(c.strip() for c in candidates[:12]) + ("  …" if len(candidates) > 12 else ""))
        hint.set_class(bool(candidates), "visible")

    def choose_command(self, command: SlashCommand) -> None:
        """From the command palette: run a command that takes nothing, else start typing it."""
        if command.argument == "none":
            self.call_later(self.run_command, f"/{command.name}")
        else:
            self.prompt.load_text(f"/{command.name} ")
            self.prompt.move_cursor(self.prompt.document.end)
            self.prompt.focus()

    # -- slash commands -----------------------------------------------------------------------

    async def run_command(self, text: str) -> None:
        try:
            line = parse_command(text)
        except DeassistError as exc:
            await self.conversation.add_error(exc.code, exc.message)
            return
        await self.conversation.add_user(text)
        name = line.command.name
        if name in {"help", "clear", "session", "schema", "agents"}:
            await getattr(self, f"_command_{name}")(line)
            return
        if self.session is None:
            await self.conversation.add_note("the session is still opening: try again in a moment")
            return
        if self.turn_running:
            await self.conversation.add_note("a turn is running: wait for it, or Ctrl+C to cancel it")
            return
        self.status.busy = True
        self.run_tool_command(self.session, line)

    async def _command_help(self, line: CommandLine) -> None:
        rows = [f"| `{c.usage}` | {c.help} |" for c in COMMANDS]
        keys = [f"| `{b.key}` | {b.description} |" for b in self.BINDINGS if isinstance(b, Binding)]
        await self.conversation.add_markdown(
            "\n".join(
                [
                    "| command | what it does |",
                    "| --- | --- |",
                    *rows,
                    "",
                    "| key | what it does |",
                    "| --- | --- |",
                    "| `enter` | send |",
                    "| `ctrl+j` / `shift+enter` | new line |",
                    "| `up` / `down` | history (at the first / last line) |",
                    "| `tab` | complete a slash command or table name |",
                    *keys,
                ]
            )
        )

    async def _command_clear(self, line: CommandLine) -> None:
        await self.conversation.clear()

    async def _command_session(self, line: CommandLine) -> None:
        if not line.argument:
            name = self.session.name if self.session else "(opening)"
            await self.conversation.add_note(f"session {name} · model {self.status.model}")
            return
        if self.turn_running:
            await self.conversation.add_note("a turn is running: wait for it, or Ctrl+C to cancel it")
            return
        if self.session is not None:
            self.session.close()
        self.session = None
        self.config = replace(self.config, session=line.argument)
        self.status.session = line.argument
        self.status.input_tokens = self.status.output_tokens = 0
        self.status.cost = 0.0
        await self.conversation.clear()
        await self.conversation.add_note(f"session {line.argument}")
        self.open_session(self.config)

    async def _command_schema(self, line: CommandLine) -> None:
        from tools.catalog.render import render_catalog

        catalog = self.session.catalog if self.session else Catalog()
        if not catalog.tables:
            await self.conversation.add_error("DEA-TUI-NO-SOURCES", "no sources in this session: add one with /data SRC")
            return
        if line.argument:
            table = catalog.table(line.argument)
            if table is None:
                names = ", ".join(t.name for t in catalog.tables)
                await self.conversation.add_error("DEA-TUI-UNKNOWN-TABLE", f"{line.argument}: no such table (tables: {names})")
                return
            catalog = Catalog([table])
        await self.conversation.add_markdown(render_catalog(catalog, "markdown"))

    async def _command_agents(self, line: CommandLine) -> None:
        from assistant.roster import load_roster, repository_root

        try:
            roster = load_roster(repository_root(self.config.workdir))
        except DeassistError as exc:
            await self.conversation.add_error(exc.code, exc.message)
            return
        rows = [f"| {p.name} | {p.model} | {p.origin} | {p.description.splitlines()[0] if p.description else ''} |" for p in roster.values()]
        await self.conversation.add_markdown("\n".join(["| agent | model | from | what |", "| --- | --- | --- | --- |", *rows]))

    @work(thread=True, group="command", exit_on_error=False)
    def run_tool_command(self, session: Session, line: CommandLine) -> None:
        """Commands that touch data or git run off the UI thread; their output arrives as events.

        /validate and /run are the agents' validate_sql and run_sql, run through the session: the
        same approval, the same masking of personal data, the same events.
        """
        name = line.command.name
        catalog_changed = False
        try:
            if name == "data":
                session.add_source(line.argument)
                catalog_changed = True
                self._hand_over(SessionEvent(ToolResult(USER, f"command-{next(self._ids)}", name, f"added {line.argument}")))
            elif name in SQL_TOOLS:
                approve = partial(self._approve_in_thread, cancel=threading.Event())
                for event in session.run_tool(SQL_TOOLS[name], {"sql": line.argument}, approve=approve):
                    self._hand_over(SessionEvent(event))
            elif name == "commit":
                self._commit(line.argument)
        except DeassistError as exc:
            self._hand_over(SessionEvent(ErrorEvent(exc.code, exc.message)))
        finally:
            self._hand_over(CommandFinished(catalog_changed))

    def on_command_finished(self, message: CommandFinished) -> None:
        self.status.busy = False
        if message.catalog_changed and self.session is not None:
            self.catalog_tree.show_catalog(self.session.catalog)

    def _commit(self, given: str) -> None:
        """Draft the attributed message for what is staged, ask, then commit through git (and its hooks)."""
        from assistant.tui.commit import commit, draft_commit

        draft = draft_commit(self.config.workdir, given)
        warnings = [f"the commit-msg hook will object: {problem}" for problem in draft.problems]
        detail = "\n".join([draft.message, "", *draft.staged, *([""] + warnings if warnings else [])])
        request = ApprovalRequest(f"commit-{next(self._ids)}", USER, "commit", "git commit with this message", detail)
        if not self._approve_in_thread(request, threading.Event()):
            self._hand_over(SessionEvent(ErrorEvent("DEA-TUI-COMMIT-DECLINED", "not committed")))
            return
        head = commit(self.config.workdir, draft.message)
        self._hand_over(SessionEvent(FinalAnswer(f"committed `{head}`", draft.agents)))


def _settle(answer: Future[bool], approved: bool) -> None:
    """Answer once: the modal, a cancel and a closing app may all try."""
    with suppress(InvalidStateError):
        answer.set_result(approved)

