"""How `deassist ask` shows the event stream: progress on stderr, the answer on stdout, or one JSON document."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from assistant import events
from assistant.reading import DECLINED as OUTCOME_DECLINED
from assistant.backends.base import TurnUsage

if TYPE_CHECKING:
    from assistant.session import Session


class AskRenderer:
    def __init__(self, *, as_json: bool, interactive: bool, verbose: bool = False) -> None:
        self.as_json = as_json
        self.verbose = verbose
        self.interactive = interactive
        self.answer: events.FinalAnswer | None = None
        self.error: events.ErrorEvent | None = None
        self.failed_validation = False
        self.declined = False
        self.tool_calls: list[dict[str, Any]] = []
        self.approvals: list[dict[str, Any]] = []
        self.usage = TurnUsage()  # the request's total
        self._calls: dict[str, dict[str, Any]] = {}
        self._written: dict[str, int] = {}
        self._noticed: set[events.Notice] = set()
        self._status: Any = None
        if not as_json and sys.stderr.isatty():
            from rich.console import Console

            # On a terminal a status line streams what the agents are writing as it arrives.
            self._status = Console(stderr=True).status("thinking")
            self._status.start()

    def approve(self, request: events.ApprovalRequest) -> bool:
        """Ask on the terminal; without one (or with --json) the answer is no: only --yes approves blind."""
        if not self.interactive:
            self._progress(f"  not approved (no terminal; pass --yes): {request.summary}")
            return False
        if self._status is not None:
            self._status.stop()
        click.echo(f"\n{request.agent} wants to {request.summary}:\n{request.detail}", err=True)
        approved = click.confirm("Approve?", default=False, err=True)
        if self._status is not None:
            self._status.start()
        return approved

    def handle(self, event: events.Event) -> None:
        if isinstance(event, events.TextDelta) and self._status is not None:
            self._written[event.agent] = self._written.get(event.agent, 0) + len(event.text)
            self._status.update(f"{event.agent} is writing: {self._written[event.agent]:,} characters")
        elif isinstance(event, events.AgentStarted):
            self._progress(f"▸ {event.agent} ({event.role})")
        elif isinstance(event, events.ToolCall):
            entry = {"agent": event.agent, "id": event.call_id, "name": event.name, "input": event.input}
            self._calls[event.call_id] = entry
            self.tool_calls.append(entry)
            self._progress(f"  {event.agent} → {event.name}")
        elif isinstance(event, events.ToolResult):
            entry = self._calls.get(event.call_id)
            if entry is not None:
                entry["is_error"] = event.is_error
            if event.is_error:
                self._progress(f"  {event.agent} ← {event.name}: error")
        elif isinstance(event, events.ValidationResult):
            self._progress(f"  {event.agent} validated SQL ({event.dialect}): {'valid' if event.valid else 'invalid'}")
        elif isinstance(event, events.ApprovalRequest) and event.changes:
            self._progress(f"  {event.agent} asks to {event.summary}")
            for line in change_lines(event.changes):
                self._progress(line)
        elif isinstance(event, events.ApprovalDecision):
            self.approvals.append({"id": event.approval_id, "approved": event.approved})
        elif isinstance(event, events.Usage):
            self.usage += event.usage
        elif isinstance(event, events.FinalAnswer):
            self.answer = event
            self.failed_validation = bool(event.failed_sql)
            self.declined = event.outcome == OUTCOME_DECLINED
        elif isinstance(event, events.ErrorEvent):
            self.error = event
        elif isinstance(event, events.Notice) and self.verbose and event not in self._noticed:
            self._noticed.add(event)  # a backend notes the same thing on every turn: say it once
            if self.as_json:  # stdout holds the document; notices still go to stderr
                click.echo(f"{event.agent}: {event.text}", err=True)
            else:
                self._progress(f"  {event.agent}: {event.text}")

    def finish(self, session: Session) -> None:
        if self._status is not None:
            self._status.stop()
        if self.error is not None or self.answer is None:
            return
        if self.as_json:
            document = {
                "answer": self.answer.text,
                "agents": self.answer.agents,
                "tool_calls": self.tool_calls,
                "validated_sql": self.answer.validated_sql,
                "failed_sql": self.answer.failed_sql,
                "truncated": self.answer.truncated,
                "commit_message": self.answer.commit_message,
                "outcome": self.answer.outcome,
                "declined_reason": self.answer.declined_reason,
                "reading": self.answer.reading.to_dict() if self.answer.reading else None,
                "approvals": self.approvals,
                "usage": asdict(self.usage) | {"cost_usd": round(self.usage.cost_usd, 6)},
                "model": session.model_name,
                "session": session.name,
            }
            click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))
            return
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.markdown import Markdown

            Console().print(Markdown(self.answer.text))
        else:
            click.echo(self.answer.text)
        if self.answer.truncated:
            self._progress("the answer is truncated: it reached the model's output limit")
        self._progress(f"agents: {', '.join(self.answer.agents)} · session {session.name}")

    def _progress(self, line: str) -> None:
        if self._status is not None:
            self._status.console.print(line, style="dim", markup=False, highlight=False)
        elif not self.as_json:
            click.echo(click.style(line, dim=True), err=True)


ACTION_WORDS = {"create": "create", "update": "change", "beside": "beside"}


def change_lines(changes: list[events.PlannedChange]) -> list[str]:
    """One line per file an approval would create or change: what happens, the path, +added -removed."""
    lines = []
    for change in changes:
        note = f" (yours is kept: {change.note})" if change.action == "beside" else ""
        lines.append(f"  {ACTION_WORDS[change.action]:<6} {change.path}  +{change.added} -{change.removed}{note}")
    return lines


__all__ = ["AskRenderer", "change_lines"]
