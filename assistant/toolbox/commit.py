"""The commit tool: propose a Conventional Commits message attributed to every contributing agent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolOutput, required


def attributed_message(
    type_: str, scope: str | None, description: str, agents: list[str], body: str | None = None
) -> str:
    """`type(scope): description - @agent ...` through the attribution convention's own formatter."""
    from tools.attribution import format_message

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
    problems = check(context, message)
    return ToolOutput({"message": message, "agents": agents, "problems": problems}, is_error=bool(problems))


def check(context: ToolContext, message: str) -> list[dict[str, str]]:
    """What the repository's commit-msg hook would reject in `message` (its types, its agents)."""
    from tools.attribution import check_message, load_config

    result = check_message(message, load_config(_repository(context.workdir)))
    return [{"code": p.code, "message": p.message} for p in result.problems]


def _repository(workdir: Path) -> Path | None:
    from assistant.roster import repository_root

    return repository_root(workdir)


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
