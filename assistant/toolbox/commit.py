"""The commit tool: propose a Conventional Commits message attributed to every contributing agent."""

from __future__ import annotations

from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required


def attributed_message(
    type_: str, scope: str | None, description: str, agents: list[str], body: str | None = None
) -> str:
    """`type(scope): description - @agent ...` through the attribution convention's own formatter."""
    try:
        from tools.attribution import format_message
    except ImportError:
        raise ToolError("the attribution convention (tools.attribution) is not installed") from None
    return format_message(type_, scope, description, agents, body=body)


def propose_commit_message(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    extra = arguments.get("agents") or []
    agents = sorted({*context.agents, *(str(a) for a in extra)})
    message = attributed_message(
        str(required(arguments, "type")),
        arguments.get("scope") or None,
        str(required(arguments, "description")),
        agents,
        arguments.get("body") or None,
    )
    return ToolOutput({"message": message, "agents": agents})


TOOLS = [
    AgentTool(
        ToolSpec(
            "propose_commit_message",
            "A Conventional Commits message (`type(scope): description - @agent ...`) attributed to every agent"
            " contributing to this answer. Proposes only; nothing is committed.",
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "description": "feat, fix, docs, refactor, test, chore, ..."},
                    "scope": {"type": "string"},
                    "description": {"type": "string", "description": "imperative, lower case, no final period"},
                    "body": {"type": "string"},
                    "agents": {"type": "array", "items": {"type": "string"}, "description": "more contributors"},
                },
                "required": ["type", "description"],
            },
        ),
        propose_commit_message,
    ),
]
