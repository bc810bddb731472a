"""Memory tools: recall what the project's memory holds, and remember new facts (a write: it needs approval).

Memory is the project's own `.deassist/memory.duckdb` (`tools.memory`), found from the session's work
directory. `context_for` is what enters an agent's brief when the request mentions a known entity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.backends.base import ToolSpec
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, required
from tools.errors import DeassistError
from tools.memory import MemoryStore, memory_context

# A brief does not wait long on a memory file another process holds: it goes without memory instead.
CONTEXT_LOCK_TIMEOUT = 2.0
SEARCH_LIMIT = 10


def context_for(workdir: Path, request: str) -> str:
    """The memory about the known entities `request` mentions; empty when none, or when memory cannot be read."""
    try:
        return memory_context(MemoryStore.for_project(workdir, lock_timeout=CONTEXT_LOCK_TIMEOUT), request)
    except DeassistError:
        return ""


def recall_tool(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    store = MemoryStore.for_project(context.workdir)
    if arguments.get("entity"):
        with store.reading():
            entity = store.entity(str(arguments["entity"]))
            upstream = {e.up for e in store.flow_edges(entity.name, direction="up")}
            downstream = {e.down for e in store.flow_edges(entity.name, direction="down")}
        return ToolOutput(
            entity.to_json()
            | {"upstream": sorted(upstream - {entity.name}), "downstream": sorted(downstream - {entity.name})}
        )
    if arguments.get("query"):
        return ToolOutput({"hits": [h.to_json() for h in store.search(str(arguments["query"]), limit=SEARCH_LIMIT)]})
    return ToolOutput({"entities": [{"name": e.name, "type": e.type} for e in store.entities()]})


def _relations(arguments: dict[str, Any]) -> list[tuple[str, str]]:
    links = []
    for item in arguments.get("relations") or []:
        if not isinstance(item, dict) or not item.get("relation") or not item.get("target"):
            raise ToolError('each relation is {"relation": "feeds_data_to", "target": "warehouse.orders"}')
        links.append((str(item["relation"]), str(item["target"])))
    return links


def _observations(arguments: dict[str, Any]) -> list[str]:
    observations = arguments.get("observations") or []
    if isinstance(observations, str):
        observations = [observations]
    return [str(o) for o in observations]


def remember_tool(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    entity = MemoryStore.for_project(context.workdir).add(
        str(required(arguments, "entity")),
        type=arguments.get("type") or None,
        observations=_observations(arguments),
        relations=_relations(arguments),
    )
    return ToolOutput(entity.to_json())


def _describe_remember(context: ToolContext, arguments: dict[str, Any]) -> tuple[str, str]:
    path = MemoryStore.for_project(context.workdir).path
    name = str(arguments.get("entity", ""))
    kind = f" ({arguments['type']})" if arguments.get("type") else ""
    lines = [f"observe: {o}" for o in _observations(arguments)]
    lines += [f"{item.get('relation')} -> {item.get('target')}" for item in arguments.get("relations") or [] if isinstance(item, dict)]
    return f"remember {name}{kind} in {path}", "\n".join(lines)


ENTITY_INPUT = {"type": "string", "description": "the entity's name, e.g. orders_etl or warehouse.orders"}

TOOLS = [
    AgentTool(
        ToolSpec(
            "recall",
            "What the project's memory holds. With `entity`: its type, dated observations, relations and everything"
            " upstream and downstream of it. With `query`: observations matching the words. With neither: every"
            " entity. Memory about entities the request names is already in your brief under <memory>.",
            {
                "type": "object",
                "properties": {"entity": ENTITY_INPUT, "query": {"type": "string", "description": "words to search"}},
            },
        ),
        recall_tool,
    ),
    AgentTool(
        ToolSpec(
            "remember",
            "Record lasting facts about the user's platform in the project's memory: an entity (pipeline, stream,"
            " dataset, dashboard, feature store, ...), observations about it, and its relations (feeds_data_to,"
            " streams_features_to, depends_on, reads_from, owned_by, ...). Never personal data or secrets: they are"
            " refused. Writes the project's memory file, so it needs the user's approval.",
            {
                "type": "object",
                "properties": {
                    "entity": ENTITY_INPUT,
                    "type": {"type": "string", "description": "needed for a new entity: data_pipeline, dataset, ..."},
                    "observations": {"type": "array", "items": {"type": "string"}, "description": "facts, one each"},
                    "relations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"relation": {"type": "string"}, "target": {"type": "string"}},
                            "required": ["relation", "target"],
                        },
                    },
                },
                "required": ["entity"],
            },
        ),
        remember_tool,
        approval="write_file",
        describe=_describe_remember,
    ),
]
