"""A conversation with the agents: the graph, its SQLite checkpointer, approvals, and the event stream.

Faces (CLI, TUI, eval runner) call `Session.ask` and consume the events it yields; they never see a
model backend. Approvals pause the graph (a LangGraph interrupt) until the face's `approve` answers.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import events
from assistant.language import detect_language
from tools.catalog.model import Catalog
from tools.errors import DeassistError

if TYPE_CHECKING:
    from assistant.backends.base import ModelBackend
    from assistant.graph.state import Turn

SESSIONS_FILE = "sessions.sqlite"
# Checkpoints are written when a run pauses (an approval) or ends, not after every step: a turn is
# short, and a checkpoint per step costs more than the rest of an offline answer.
DURABILITY = "exit"


@dataclass
class SessionConfig:
    model: str | None = None  # passed to get_backend
    sources: list[str] = field(default_factory=list)  # catalog sources (tools.catalog.load_catalog)
    session: str | None = None  # conversation name persisted by the checkpointer
    auto_approve: bool = False  # --yes
    workdir: Path = field(default_factory=Path.cwd)  # where drafted files / commits go
    home: Path | None = None  # data dir: $DEASSIST_HOME, else platformdirs user_data_dir("deassist")
    allow_privileged_role: bool = False  # --allow-privileged-role: run_sql may use a PostgreSQL superuser


def data_home(home: Path | None = None) -> Path:
    """deassist's data directory (sessions, memory): the config's, $DEASSIST_HOME, or the platform's."""
    if home is not None:
        return home
    if os.environ.get("DEASSIST_HOME"):
        return Path(os.environ["DEASSIST_HOME"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("deassist"))


class Session:
    def __init__(self, config: SessionConfig, backend: ModelBackend | None = None) -> None:
        from assistant.roster import load_roster, repository_root
        from assistant.toolbox import ToolContext, toolbox

        if backend is None:
            from assistant.backends import get_backend

            backend = get_backend(config.model)
        self.config = config
        self.backend = backend
        self.model_name = backend.name
        self.name = config.session or time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        self.home = data_home(config.home)
        self.roster = load_roster(repository_root(config.workdir))
        self.catalog = Catalog()
        from tools.sql.policy import load_sql_policy

        policy = load_sql_policy(config.workdir).allowing_privileged_role(config.allow_privileged_role)
        self._sources: list[tuple[str, Catalog]] = []  # each source as read, before names are qualified
        self._context = ToolContext(self.catalog, config.workdir, sql_policy=policy)
        self._tools = toolbox()
        self._lock = threading.Lock()  # agents' and the user's tool calls share the context's connections
        self.sources: list[str] = []
        for source in config.sources:
            self.add_source(source)
        self._graph: Any = None
        self._conn: sqlite3.Connection | None = None

    def add_source(self, source: str) -> None:
        """Read one more source into the session's catalog (a bad source is a one-line DeassistError)."""
        from tools.catalog import read_source
        from tools.catalog.readers import qualify_clashes

        self._sources.append((source, read_source(source)))
        self.sources.append(source)
        self.catalog = qualify_clashes([c for _, c in self._sources], [s for s, _ in self._sources])
        self._context.close()
        self._context.catalog = self.catalog
        self._context.dialect = self.catalog.dialect

    def ask(
        self,
        request: str,
        *,
        approve: Callable[[events.ApprovalRequest], bool] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[events.Event]:
        """Run one request through the graph, yielding events as they happen; ends with FinalAnswer or ErrorEvent."""
        if not request.strip():
            yield events.ErrorEvent("DEA-ASK-EMPTY", "the request is empty: say what you want the agents to do", 2)
            return
        yield from _errors_as_events(self._ask(request.strip(), approve, cancel or threading.Event()))

    def run_tool(
        self,
        name: str,
        arguments: dict[str, Any],
        *,
        approve: Callable[[events.ApprovalRequest], bool] | None = None,
    ) -> Iterator[events.Event]:
        """Run one toolbox tool on the user's behalf, exactly as an agent's call runs: the same
        approval, the same safeguards (run_sql masks personal data) and the same events, by `events.USER`."""
        from assistant.toolbox.calls import approval_request, run_call

        tool = self._tools[name]  # faces name the tools they offer; an unknown name is a bug, not input
        call_id = f"{events.USER}-{secrets.token_hex(4)}"
        yield events.ToolCall(events.USER, call_id, name, arguments)
        request = approval_request(tool, self._context, call_id, events.USER, arguments)
        if request is not None and not (yield from self._asked(request, approve)):
            yield events.ToolResult(events.USER, call_id, name, "declined: nothing ran", is_error=True)
            return
        written: list[events.Event] = []
        output, _ = run_call(written.append, events.USER, tool, self._context, arguments, self._lock)
        yield from written
        yield events.ToolResult(events.USER, call_id, name, output.data, output.is_error)

    def resume(
        self,
        *,
        approve: Callable[[events.ApprovalRequest], bool] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[events.Event]:
        """Continue a request left waiting for approval (the process stopped, or the face went away)."""
        graph = self._compiled(cancel or threading.Event())
        snapshot = graph.get_state(self._thread())
        pending = list(snapshot.interrupts)
        if not pending:
            yield events.ErrorEvent(
                "DEA-ASK-NOTHING-PENDING", f"session {self.name!r} has no request waiting for approval"
            )
            return
        yield from _errors_as_events(self._resume(graph, pending, snapshot.values, approve, cancel or threading.Event()))

    def pending(self) -> list[events.ApprovalRequest]:
        """The approvals this session's last request is stranded at (empty when none is)."""
        snapshot = self._compiled(threading.Event()).get_state(self._thread())
        return [events.ApprovalRequest(**interrupt.value) for interrupt in snapshot.interrupts]

    def waiting_sessions(self) -> list[str]:
        """The names of the sessions in this data directory stranded at an approval, the most recent first."""
        graph = self._compiled(threading.Event())
        assert self._conn is not None
        rows = self._conn.execute(
            "SELECT thread_id FROM checkpoints GROUP BY thread_id ORDER BY max(checkpoint_id) DESC"
        ).fetchall()
        return [name for (name,) in rows if graph.get_state({"configurable": {"thread_id": name}}).interrupts]

    def _resume(
        self,
        graph: Any,
        pending: list[Any],
        values: dict[str, Any],
        approve: Callable[[events.ApprovalRequest], bool] | None,
        cancel: threading.Event,
    ) -> Iterator[events.Event]:
        for source in values.get("sources") or []:  # the tools that run now need what the request could see
            if source not in self.sources:
                self.add_source(source)
        answers = yield from self._decide(pending, approve)
        yield from self._run(graph, self._resume_command(answers), approve, cancel)

    def _ask(
        self, request: str, approve: Callable[[events.ApprovalRequest], bool] | None, cancel: threading.Event
    ) -> Iterator[events.Event]:
        self._context.written.clear()  # files written by this request, for its commit message
        payload: Any = {
            "request": request,
            "sources": list(self.sources),
            "language": detect_language(request),
            "notes": None,
            "validated_sql": None,
            "failed_sql": None,
            "commit_message": None,
        }
        yield from self._run(self._compiled(cancel), payload, approve, cancel)

    def _run(
        self,
        graph: Any,
        payload: Any,
        approve: Callable[[events.ApprovalRequest], bool] | None,
        cancel: threading.Event,
    ) -> Iterator[events.Event]:
        config = self._thread() | {"recursion_limit": 200}
        while True:
            pending: list[Any] = []
            for namespace, mode, data in graph.stream(
                payload, config, stream_mode=["custom", "updates"], subgraphs=True, durability=DURABILITY
            ):
                if cancel.is_set():
                    yield events.ErrorEvent("DEA-ASK-CANCELLED", "the request was cancelled")
                    return
                if mode == "custom":
                    yield data
                elif namespace == () and "__interrupt__" in data:
                    pending.extend(data["__interrupt__"])
            if not pending:
                break
            answers = yield from self._decide(pending, approve)
            payload = self._resume_command(answers)
        state = graph.get_state(config).values
        yield events.FinalAnswer(
            text=state.get("answer", ""),
            agents=list(state.get("agents") or []),
            validated_sql=list(state.get("validated_sql") or []),
            commit_message=state.get("commit_message"),
            failed_sql=list(state.get("failed_sql") or []),
            truncated=bool(state.get("truncated")),
            **_verdict_fields(state.get("verdict")),
        )

    def _decide(
        self, pending: list[Any], approve: Callable[[events.ApprovalRequest], bool] | None
    ) -> Generator[events.Event, None, dict[str, bool]]:
        """An ApprovalRequest and its ApprovalDecision per interrupt; returns interrupt id -> approved."""
        answers: dict[str, bool] = {}
        for interrupt in pending:
            answers[interrupt.id] = yield from self._asked(events.ApprovalRequest.from_payload(interrupt.value), approve)
        return answers

    def _asked(
        self, request: events.ApprovalRequest, approve: Callable[[events.ApprovalRequest], bool] | None
    ) -> Generator[events.Event, None, bool]:
        """The request and its decision as events; --yes answers yes, no face to ask answers no."""
        yield request
        approved = bool(self.config.auto_approve or (approve is not None and approve(request)))
        yield events.ApprovalDecision(request.approval_id, approved)
        return approved

    @staticmethod
    def _resume_command(answers: dict[str, bool]) -> Any:
        from langgraph.types import Command

        return Command(resume=answers)

    def _thread(self) -> dict[str, Any]:
        return {"configurable": {"thread_id": self.name}}

    def history(self) -> list[Turn]:
        """The turns of this conversation so far (request, answer, agents), as the checkpointer keeps them."""
        graph = self._compiled(threading.Event())
        return list(graph.get_state(self._thread()).values.get("history") or [])

    def _compiled(self, cancel: threading.Event) -> Any:
        from assistant.graph.build import GraphDeps, build_graph

        if self._graph is None:
            from langgraph.checkpoint.sqlite import SqliteSaver

            self.home.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.home / SESSIONS_FILE, check_same_thread=False)
            self._deps = GraphDeps(
                self.backend, self.roster, self._tools, self._context, self.config.auto_approve, lock=self._lock
            )
            self._graph = build_graph(self._deps, SqliteSaver(self._conn))
        self._deps.cancel = cancel
        return self._graph

    def close(self) -> None:
        self._context.close()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._graph = None


def _errors_as_events(stream: Iterator[events.Event]) -> Iterator[events.Event]:
    """A user-facing failure inside the graph ends the stream as one ErrorEvent, never a traceback."""
    try:
        yield from stream
    except DeassistError as exc:
        yield events.ErrorEvent(exc.code, exc.message, exc.exit_code)
    except RecursionError:  # LangGraph's step budget (recursion_limit) ran out
        yield events.ErrorEvent("DEA-ASK-TOO-LONG", "the agents did not finish within their step budget")


__all__ = ["Session", "SessionConfig", "data_home"]


def _verdict_fields(data: dict[str, Any] | None) -> dict[str, Any]:
    from assistant.reading import Verdict

    verdict = Verdict.from_dict(data)
    return {"outcome": verdict.outcome, "declined_reason": verdict.declined_reason, "reading": verdict.reading}
