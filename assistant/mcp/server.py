"""deassist as a Model Context Protocol server: the agents' checked tools, the sources' tables and the personas.

The tools are the same `AgentTool`s the agents call in `ask` (same JSON Schemas, same JSON results,
same sandbox and personal-data masking). Tools that read the data are offered only with
`allow_run`, tools that write only with `allow_write`; a client that can elicit is asked to confirm
each such call, otherwise the flag is the approval. Tool calls are serialized: the session's
validators hold DuckDB connections, which one thread at a time may use.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from assistant.backends.base import ToolSpec
from assistant.roster import Persona, load_roster, repository_root
from assistant.toolbox import AgentTool, ToolContext, ToolError, ToolOutput, call_tool, required, toolbox
from assistant.toolbox.commit import check as check_commit
from tools.catalog.model import Catalog
from tools.errors import DeassistError

NOT_ALLOWED = "DEA-MCP-NOT-ALLOWED"
DECLINED = "DEA-MCP-DECLINED"
UNKNOWN = "DEA-MCP-UNKNOWN"
TABLE_URI = "deassist://tables/"
MEMORY_URI = "deassist://memory"


def _check_commit_message(context: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    problems = check_commit(context, str(required(arguments, "message")))
    return ToolOutput({"valid": not problems, "problems": problems}, is_error=bool(problems))


CHECK_COMMIT_MESSAGE = AgentTool(
    ToolSpec(
        "check_commit_message",
        "Check a commit message against the repository's attribution convention"
        " (`type(scope): description - @agent1 @agent2`), as its commit-msg hook would.",
        {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]},
    ),
    _check_commit_message,
)


@dataclass(frozen=True)
class McpOptions:
    sources: tuple[str, ...] = ()
    allow_run: bool = False
    allow_write: bool = False
    workdir: Path = field(default_factory=Path.cwd)


class DeassistMcp:
    """The state one server keeps: the sources' catalog, the offered tools and the roster."""

    def __init__(self, options: McpOptions) -> None:
        from tools.catalog import load_catalog

        self.options = options
        self.catalog = load_catalog(options.sources) if options.sources else Catalog()
        from tools.sql.policy import load_sql_policy

        policy = load_sql_policy(options.workdir)  # the project's [tool.deassist.sql], as in ask
        self.context = ToolContext(self.catalog, options.workdir, dialect=self.catalog.dialect, sql_policy=policy)
        every = {**toolbox(), CHECK_COMMIT_MESSAGE.name: CHECK_COMMIT_MESSAGE}
        self.tools = {name: tool for name, tool in every.items() if self._allowed(tool)}
        self.refused = {name: tool for name, tool in every.items() if name not in self.tools}
        self.roster = load_roster(repository_root(options.workdir))
        self._lock = threading.Lock()

    def _allowed(self, tool: AgentTool) -> bool:
        if tool.approval == "run_sql":
            return self.options.allow_run
        if tool.approval in ("write_file", "commit"):
            return self.options.allow_write
        return True

    def call(self, name: str, arguments: dict[str, Any]) -> ToolOutput:
        """Run one tool, one call at a time; a refused or unknown tool is an error result, never a crash."""
        if name in self.refused:
            flag = "--allow-run" if self.refused[name].approval == "run_sql" else "--allow-write"
            return ToolOutput(f"{NOT_ALLOWED}: {name} is offered only when the server is started with {flag}", True)
        if name not in self.tools:
            return ToolOutput(f"{UNKNOWN}: no tool {name!r}; the server offers {', '.join(sorted(self.tools))}", True)
        with self._lock:
            output = call_tool(self.tools[name], self.context, arguments)
            if self.tools[name].approval == "write_file":
                self.context.written.clear()  # what one client wrote is not another's business
            return output

    def describe(self, name: str, arguments: dict[str, Any]) -> str:
        tool = self.tools[name]
        if tool.describe is None:
            return f"deassist wants to run {name}."
        summary, detail = tool.describe(self.context, arguments)
        return f"{summary}\n\n{detail}".strip()

    # -- resources ------------------------------------------------------------------------------

    def table_resources(self) -> list[types.Resource]:
        return [
            types.Resource(
                uri=f"{TABLE_URI}{table.name}",
                name=table.name,
                description=f"{table.name}: {len(table.columns)} columns, from {table.source.display}",
                mime_type="application/json",
            )
            for table in self.catalog.tables
        ]

    def read_table(self, name: str) -> dict[str, Any]:
        """The table's schema; its profile summary too when the server may read data (`--allow-run`)."""
        table = self.context.table(name)
        document: dict[str, Any] = {"table": table.to_dict()}
        if self.options.allow_run:
            with self._lock:
                document["profile"] = call_tool(self.tools["profile"], self.context, {"tables": [name]}).data
        else:
            document["profile"] = "not read: start the server with --allow-run to include the profile"
        return document

    def memory_graph(self) -> dict[str, Any]:
        from tools.memory import MemoryStore

        store = MemoryStore.for_project(self.options.workdir)
        if not store.path.exists():
            return {"entities": [], "note": f"no project memory at {store.path}"}
        return store.export_snapshot().to_json()

    # -- prompts --------------------------------------------------------------------------------

    def prompts(self) -> dict[str, tuple[Persona, str | None]]:
        """Every persona in every language it has: `data-engineer`, `data-engineer.zh-TW`, ..."""
        prompts: dict[str, tuple[Persona, str | None]] = {}
        for persona in self.roster.values():
            prompts[persona.name] = (persona, None)
            for language in persona.translations:
                prompts[f"{persona.name}.{language}"] = (persona, language)
        return prompts

    def close(self) -> None:
        self.context.close()


def build_server(state: DeassistMcp) -> Server[Any]:
    """The low-level MCP server over `state`; the transports (stdio, streamable HTTP) run it."""

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(name=name, description=tool.spec.description, input_schema=tool.spec.input_schema)
                for name, tool in state.tools.items()
            ]
        )

    async def call_tool_handler(
        ctx: Any, params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        arguments = dict(params.arguments or {})
        tool = state.tools.get(params.name)
        if tool is not None and tool.approval:
            approval = await _approval(ctx, params, state.describe(params.name, arguments))
            if isinstance(approval, types.InputRequiredResult):
                return approval
            if not approval:
                return _result(ToolOutput(f"{DECLINED}: the user did not approve {params.name}", True))
        output = await anyio.to_thread.run_sync(state.call, params.name, arguments)
        return _result(output)

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        memory = types.Resource(
            uri=MEMORY_URI, name="project memory", description="what the agents remember", mime_type="application/json"
        )
        return types.ListResourcesResult(resources=[*state.table_resources(), memory])

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        uri = str(params.uri)
        if uri != MEMORY_URI and not uri.startswith(TABLE_URI):
            raise MCPError(types.INVALID_PARAMS, f"{UNKNOWN}: no resource {uri}")
        try:
            if uri == MEMORY_URI:
                document = await anyio.to_thread.run_sync(state.memory_graph)
            else:
                document = await anyio.to_thread.run_sync(state.read_table, uri.removeprefix(TABLE_URI))
        except (DeassistError, ToolError) as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from None
        text = json.dumps(document, default=str, ensure_ascii=False, indent=2)
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type="application/json", text=text)]
        )

    async def list_prompts(ctx: Any, params: Any) -> types.ListPromptsResult:
        return types.ListPromptsResult(
            prompts=[
                types.Prompt(name=name, description=persona.description)
                for name, (persona, _language) in state.prompts().items()
            ]
        )

    async def get_prompt(ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        found = state.prompts().get(params.name)
        if found is None:
            raise MCPError(types.INVALID_PARAMS, f"{UNKNOWN}: no prompt {params.name!r}")
        persona, language = found
        message = types.PromptMessage(role="user", content=types.TextContent(text=persona.prompt_for(language)))
        return types.GetPromptResult(description=persona.description, messages=[message])

    return Server(
        "deassist",
        instructions="Validate SQL against the user's real dialect, inspect and profile sources, draft dbt"
        " projects and pipelines that build, and keep commits attributed (`type(scope): description -"
        " @agent1 @agent2`).",
        on_list_tools=list_tools,
        on_call_tool=call_tool_handler,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
    )


APPROVAL_KEY = "approve"
APPROVAL_SCHEMA = {"type": "object", "properties": {"approve": {"type": "boolean", "title": "Approve"}}, "required": ["approve"]}


async def _approval(ctx: Any, params: types.CallToolRequestParams, question: str) -> bool | types.InputRequiredResult:
    """Ask the user through the client when it can elicit; otherwise the server's flag was the approval.

    On 2026-07-28 connections the question goes back as an `InputRequiredResult` and the answer
    arrives with the retried call; on older ones it is an `elicitation/create` request.
    """
    if params.input_responses and APPROVAL_KEY in params.input_responses:
        return _approved(params.input_responses[APPROVAL_KEY])
    capabilities = ctx.session.client_capabilities
    if capabilities is None or capabilities.elicitation is None:
        return True
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        request = types.ElicitRequest(params=types.ElicitRequestFormParams(message=question, requested_schema=APPROVAL_SCHEMA))
        return types.InputRequiredResult(input_requests={APPROVAL_KEY: request})
    return _approved(await ctx.session.elicit_form(question, APPROVAL_SCHEMA, related_request_id=ctx.request_id))


def _approved(answer: object) -> bool:
    return (
        isinstance(answer, types.ElicitResult)
        and answer.action == "accept"
        and bool((answer.content or {}).get(APPROVAL_KEY))
    )


def _result(output: ToolOutput) -> types.CallToolResult:
    structured = output.data if isinstance(output.data, dict) else None
    return types.CallToolResult(
        content=[types.TextContent(text=output.content)], structured_content=structured, is_error=output.is_error
    )
