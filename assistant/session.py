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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import events
from assistant.language import detect_language
from tools.catalog.model import Catalog
from tools.errors import DeassistError
from tools.sql.run import ENGINE_DIALECT

if TYPE_CHECKING:
    from assistant.backends.base import ModelBackend

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
        self._context = ToolContext(self.catalog, config.workdir)
        self._tools = toolbox()
        for source in config.sources:
            self.add_source(source)
        self._graph: Any = None
        self._conn: sqlite3.Connection | None = None

    def add_source(self, source: str) -> None:
        """Read one more source into the session's catalog (a bad source is a one-line DeassistError)."""
        from tools.catalog import read_source

        self.catalog = self.catalog.merge(read_source(source))
        self._context.close()
        self._context.catalog = self.catalog
        kinds = {t.source.kind for t in self.catalog.tables}
        self._context.dialect = ENGINE_DIALECT[next(iter(kinds))] if len(kinds) == 1 else "duckdb"

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

    def resume(
        self,
        *,
        approve: Callable[[events.ApprovalRequest], bool] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[events.Event]:
        """Continue a request left waiting for approval (the process stopped, or the face went away)."""
        graph = self._compiled(cancel or threading.Event())
        pending = list(graph.get_state(self._thread()).interrupts)
        if not pending:
            yield events.ErrorEvent(
                "DEA-ASK-NOTHING-PENDING", f"session {self.name!r} has no request waiting for approval"
            )
            return
        yield from _errors_as_events(self._resume(graph, pending, approve, cancel or threading.Event()))

    def _resume(
        self,
        graph: Any,
        pending: list[Any],
        approve: Callable[[events.ApprovalRequest], bool] | None,
        cancel: threading.Event,
    ) -> Iterator[events.Event]:
        answers = yield from self._decide(pending, approve)
        yield from self._run(graph, self._resume_command(answers), approve, cancel)

    def _ask(
        self, request: str, approve: Callable[[events.ApprovalRequest], bool] | None, cancel: threading.Event
    ) -> Iterator[events.Event]:
        self._context.written.clear()  # files written by this request, for its commit message
        payload: Any = {
            "request": request,
            "language": detect_language(request),
            "notes": None,
            "validated": None,
            "failed": None,
            "commits": None,
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
        )

    def _decide(
        self, pending: list[Any], approve: Callable[[events.ApprovalRequest], bool] | None
    ) -> Iterator[events.Event]:
        """An ApprovalRequest and its ApprovalDecision per interrupt; returns interrupt id -> approved."""
        answers: dict[str, bool] = {}
        for interrupt in pending:
            request = events.ApprovalRequest.from_payload(interrupt.value)
            yield request
            approved = bool(self.config.auto_approve or (approve is not None and approve(request)))
            yield events.ApprovalDecision(request.approval_id, approved)
            answers[interrupt.id] = approved
        return answers

    @staticmethod
    def _resume_command(answers: dict[str, bool]) -> Any:
        from langgraph.types import Command

        return Command(resume=answers)

    def _thread(self) -> dict[str, Any]:
        return {"configurable": {"thread_id": self.name}}

    def history(self) -> list[dict[str, Any]]:
        """The turns of this conversation so far (request, answer, agents), as the checkpointer keeps them."""
        graph = self._compiled(threading.Event())
        return list(graph.get_state(self._thread()).values.get("history") or [])

    def _compiled(self, cancel: threading.Event) -> Any:
        from assistant.graph.build import GraphDeps, build_graph

        if self._graph is None:
            from langgraph.checkpoint.sqlite import SqliteSaver

            self.home.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.home / SESSIONS_FILE, check_same_thread=False)
            self._deps = GraphDeps(self.backend, self.roster, self._tools, self._context, self.config.auto_approve)
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
