"""One tool call, run the same way whoever asked for it: the approval question, the run, its events.

The graph asks an agent's approvals through a LangGraph interrupt and the session asks the user's
through the face's callback; both build the question and run the tool here, so every face sees one
kind of event for a call, and a tool's safeguards (approval, masking) hold for the user too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from assistant import events
from assistant.toolbox import AgentTool, ToolContext, ToolOutput, call_tool

Write = Callable[[events.Event], None]


def approval_request(
    tool: AgentTool, context: ToolContext, call_id: str, actor: str, arguments: dict[str, Any]
) -> events.ApprovalRequest | None:
    """The question asked before `tool` runs with `arguments`; None when it needs no approval."""
    if tool.approval is None:
        return None
    summary, detail = tool.describe(context, arguments) if tool.describe else (tool.name, "")
    changes = tool.changes(context, arguments) if tool.changes else []
    return events.ApprovalRequest(call_id, actor, tool.approval, summary, detail, changes)


def run_call(
    write: Write, actor: str, tool: AgentTool, context: ToolContext, arguments: dict[str, Any], lock: threading.Lock
) -> tuple[ToolOutput, list[str]]:
    """Run an approved call and write the ValidationResult events of the SQL it checked or ran.

    Returns the output (the caller writes its ToolResult) and the SQL that passed validation.
    """
    with lock:  # tools share the context's DuckDB connections
        output = call_tool(tool, context, arguments)
    return output, _validations(write, actor, tool.name, arguments, output.data, context.dialect)


def _validations(
    write: Write, actor: str, name: str, arguments: dict[str, Any], data: Any, context_dialect: str
) -> list[str]:
    """ValidationResult events for the SQL in validate_sql and run_sql calls; the SQL that passed."""
    if name not in {"validate_sql", "run_sql"} or not isinstance(data, dict):
        return []
    sql = str(arguments.get("sql", ""))
    report = data.get("validation", data) if name == "run_sql" else data
    if name == "run_sql" and data.get("ran"):
        write(events.ValidationResult(actor, sql, context_dialect, True, []))
        return [sql]
    if "valid" not in report:
        return []
    write(
        events.ValidationResult(
            actor, sql, str(report.get("dialect", "")), bool(report["valid"]), report.get("diagnostics", [])
        )
    )
    return [sql] if report["valid"] else []


__all__ = ["Write", "approval_request", "run_call"]
