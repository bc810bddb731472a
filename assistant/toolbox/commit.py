"""The commit tool: propose a Conventional Commits message attributed to every contributing agent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolOutput, required


def propose_commit_message(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    from tools.attribution.message import ChangeSummary, draft_message

    extra = arguments.get("agents") or []
    agents = sorted({*context.agents, *(str(a) for a in extra)})
    summary = ChangeSummary(str(required(arguments, "type")), arguments.get("scope") or None, str(required(arguments, "description")))
    message = draft_message(summary, agents, limit=_limit(context.workdir), body=arguments.get("body") or None)
    problems = check(context, message)
    return ToolOutput({"message": message, "agents": agents, "problems": problems}, is_error=bool(problems))


def files_message(context: ToolContext, agents: list[str]) -> str | None:
    """The message for the files this request wrote, by kind and scope (`feat(dbt): add staging and
    marts for trips - @...`), within the repository's header limit; None when nothing was written."""
    from tools.attribution.message import draft_message, summarize_paths

    if not context.written:
        return None
    return draft_message(summarize_paths([("A", path) for path in context.written]), agents, limit=_limit(context.workdir))


def _limit(workdir: Path) -> int:
    from tools.attribution import load_config

    return load_config(_repository(workdir)).header_max_length


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
