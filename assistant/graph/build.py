"""Build the coordinator graph.

coordinator -> (Send, in parallel) collaborator x N -> gather -> (Send) lead -> finish.
Each agent is the same subgraph: `model` (one backend turn) and `tools` (run the tool calls, each
needing approval behind a LangGraph interrupt) in a loop, until the agent ends its turn with text
whose SQL validates (or has been sent back for repair three times).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant import events
from assistant.backends.base import ModelBackend, ModelRequest, TextBlock, ToolSpec, ToolUseBlock
from assistant.graph import messages as msg
from assistant.graph.briefs import agent_brief, coordinator_brief
from assistant.graph.sqlcheck import MAX_REPAIRS, check_text, failure_note, repair_request
from assistant.graph.state import AgentInput, AgentOutput, AgentState, GraphState
from assistant.roster import COORDINATOR, Persona
from assistant.toolbox import AgentTool, ToolContext, call_tool
from assistant.toolbox.memory import context_for
from tools.errors import FAILURE, DeassistError

LEAD = "data-engineer"
MAX_TURNS = 10
MAX_COLLABORATORS = 3
HISTORY_TURNS = 3
COMMIT_LABEL = {"en": "Proposed commit message:", "zh-TW": "建議的提交訊息：", "ko": "제안하는 커밋 메시지:"}


@dataclass
class GraphDeps:
    """What the nodes use but the checkpointer must not store: the backend, roster, tools, and context."""

    backend: ModelBackend
    roster: Mapping[str, Persona]
    tools: Mapping[str, AgentTool]
    context: ToolContext
    auto_approve: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)  # tools share DuckDB connections

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise DeassistError("DEA-ASK-CANCELLED", "the request was cancelled", exit_code=FAILURE)


def route_tool(roster: Mapping[str, Persona]) -> ToolSpec:
    names = sorted(n for n in roster if n != COORDINATOR)
    return ToolSpec(
        "route",
        "Choose the lead agent and the collaborators the request needs (often none, rarely more than two).",
        {
            "type": "object",
            "properties": {
                "lead": {"type": "string", "enum": names},
                "collaborators": {"type": "array", "items": {"type": "string", "enum": names}},
                "reason": {"type": "string"},
            },
            "required": ["lead", "collaborators"],
        },
    )


def parse_route(content: list[Any], roster: Mapping[str, Persona]) -> tuple[str, list[str], str]:
    """(lead, collaborators, reason) from the coordinator's route call or JSON reply; unknown names dropped."""
    chosen: dict[str, Any] = {}
    for block in content:
        if isinstance(block, ToolUseBlock) and block.name == "route":
            chosen = block.input
            break
    else:
        text = "".join(b.text for b in content if isinstance(b, TextBlock))
        found = re.search(r"\{.*\}", text, re.DOTALL)
        if found:
            try:
                chosen = json.loads(found.group(0))
            except json.JSONDecodeError:
                chosen = {}
    agents = [n for n in roster if n != COORDINATOR]
    lead = chosen.get("lead") if chosen.get("lead") in agents else (LEAD if LEAD in agents else agents[0])
    collaborators = []
    for name in chosen.get("collaborators") or []:
        if name in agents and name != lead and name not in collaborators:
            collaborators.append(name)
    return lead, collaborators[:MAX_COLLABORATORS], str(chosen.get("reason") or "")


def agent_tools(persona: Persona, tools: Mapping[str, AgentTool]) -> dict[str, AgentTool]:
    """The persona's tools; an agent file naming only tools deassist lacks (Read, Bash) gets them all."""
    if persona.tools is None:
        return dict(tools)
    chosen = {name: tool for name, tool in tools.items() if name in persona.tools}
    return chosen or dict(tools)


def build_graph(deps: GraphDeps, checkpointer: Any) -> Any:
    from langgraph.graph import END, START, StateGraph

    agent = _agent_subgraph(deps)

    def coordinator(state: GraphState) -> dict[str, Any]:
        from langgraph.config import get_stream_writer

        deps.check_cancel()
        write = get_stream_writer()
        write(events.AgentStarted(COORDINATOR, "coordinator"))
        persona = deps.roster.get(COORDINATOR)
        request = ModelRequest(
            system=persona.system_prompt if persona else "Route the request to the agents it needs.",
            messages=[msg.to_message(msg.user_text(coordinator_brief(state["request"], _agents(deps.roster))))],
            tools=[route_tool(deps.roster)],
            model_alias=persona.model if persona else "haiku",
            temperature=persona.temperature if persona else 0.0,
            max_tokens=512,
        )
        turn = deps.backend.complete(request)
        write(_usage(turn))
        lead, collaborators, reason = parse_route(turn.content, deps.roster)
        call = next((b for b in turn.content if isinstance(b, ToolUseBlock) and b.name == "route"), None)
        if call is not None:
            write(events.ToolCall(COORDINATOR, call.id, "route", call.input))
            write(events.ToolResult(COORDINATOR, call.id, "route", {"lead": lead, "collaborators": collaborators}))
        write(events.AgentFinished(COORDINATOR))
        deps.context.agents[:] = [lead, *collaborators]
        return {"lead": lead, "collaborators": collaborators, "route_reason": reason}

    def fan_out(state: GraphState) -> Any:
        from langgraph.types import Send

        if not state["collaborators"]:
            return send_lead(state)
        return [Send("collaborator", _payload(state, name, "collaborator")) for name in state["collaborators"]]

    def send_lead(state: GraphState) -> Any:
        from langgraph.types import Send

        # In the order the coordinator named them, whichever finished first.
        order = {name: i for i, name in enumerate(state["collaborators"])}
        notes = sorted(
            (n for n in state.get("notes") or [] if n["role"] == "collaborator"),
            key=lambda n: order.get(n["agent"], 99),
        )
        return [Send("lead", _payload(state, state["lead"], "lead", notes))]

    def _payload(state: GraphState, name: str, role: str, notes: list[dict[str, Any]] | None = None) -> AgentInput:
        brief = agent_brief(
            request=state["request"],
            role=role,
            lead=state["lead"],
            language=state["language"],
            catalog=deps.context.catalog,
            notes=notes,
            collaborators=state["collaborators"] if role == "lead" else None,
            dialect=deps.context.dialect,
            memory=context_for(deps.context.workdir, state["request"]),
        )
        history: list[dict[str, Any]] = []
        for turn in (state.get("history") or [])[-HISTORY_TURNS:]:
            history += [
                msg.user_text(turn["request"]),
                {"role": "assistant", "content": [{"type": "text", "text": turn["answer"]}]},
            ]
        return {"agent": name, "role": role, "language": state["language"], "brief": brief, "history": history}

    def gather(state: GraphState) -> dict[str, Any]:
        return {}

    def finish(state: GraphState) -> dict[str, Any]:
        lead_notes = [n for n in state.get("notes") or [] if n["role"] == "lead"]
        answer = lead_notes[-1]["text"] if lead_notes else ""
        noted = {n["agent"] for n in state.get("notes") or [] if n["role"] == "collaborator"}
        agents = [state["lead"], *(name for name in state["collaborators"] if name in noted)]
        commits = state.get("commits") or []
        commit_message = commits[-1] if commits else _files_commit(deps.context, agents)
        if commit_message and commit_message not in answer:
            label = COMMIT_LABEL.get(state["language"], COMMIT_LABEL["en"])
            answer += f"\n\n{label}\n\n```text\n{commit_message}\n```"
        validated = list(dict.fromkeys(state.get("validated") or []))
        return {
            "answer": answer,
            "agents": agents,
            "validated_sql": validated,
            "failed_sql": list(dict.fromkeys(state.get("failed") or [])),
            "commit_message": commit_message,
            "history": [{"request": state["request"], "answer": answer, "agents": agents, "validated_sql": validated}],
        }

    graph = StateGraph(GraphState)
    graph.add_node("coordinator", coordinator)
    graph.add_node("collaborator", agent)
    graph.add_node("gather", gather)
    graph.add_node("lead", agent)
    graph.add_node("finish", finish)
    graph.add_edge(START, "coordinator")
    graph.add_conditional_edges("coordinator", fan_out, ["collaborator", "lead"])
    graph.add_edge("collaborator", "gather")
    graph.add_conditional_edges("gather", send_lead, ["lead"])
    graph.add_edge("lead", "finish")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)


def _agents(roster: Mapping[str, Persona]) -> dict[str, Persona]:
    return {name: p for name, p in roster.items() if name != COORDINATOR}


def _files_commit(context: ToolContext, agents: list[str]) -> str | None:
    """Files written without a proposed message still get one, attributed to the contributors."""
    if not context.written:
        return None
    from assistant.toolbox.commit import attributed_message

    files = ", ".join(sorted(context.written)[:3]) + (" ..." if len(context.written) > 3 else "")
    return attributed_message("feat", None, f"add {files}", agents)


def _usage(turn: Any) -> events.Usage:
    u = turn.usage
    return events.Usage(
        u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.cost_usd, turn.model
    )


def _agent_subgraph(deps: GraphDeps) -> Any:
    from langgraph.graph import END, START, StateGraph

    def model(state: AgentState) -> dict[str, Any]:
        from langgraph.config import get_stream_writer

        deps.check_cancel()
        write = get_stream_writer()
        name = state["agent"]
        persona = deps.roster[name]
        new: list[dict[str, Any]] = []
        if not state.get("messages"):
            write(events.AgentStarted(name, state["role"]))  # type: ignore[arg-type]
            new.append(msg.user_text(state["brief"]))
        history = [*state["history"], *(state.get("messages") or []), *new]
        turns = state.get("turns", 0) + 1
        tools = agent_tools(persona, deps.tools)
        if turns > MAX_TURNS:
            tools = {}
            new.append(msg.user_text("The tool budget for this request is spent: write your answer now."))
            history.append(new[-1])
        request = ModelRequest(
            system=persona.prompt_for(state["language"]),
            messages=[msg.to_message(m) for m in history],
            tools=[t.spec for t in tools.values()],
            model_alias=persona.model,
            temperature=persona.temperature,
        )
        turn = deps.backend.complete(request, on_text=lambda text: write(events.TextDelta(name, text)))
        write(_usage(turn))
        reply = msg.to_dict("assistant", turn.content)
        new.append(reply)
        calls = msg.tool_uses(reply)
        if calls and turn.stop_reason == "tool_use" and tools:
            for call in calls:
                write(events.ToolCall(name, call["id"], call["name"], call["input"]))
            return {"messages": new, "turns": turns, "next": "tools"}
        text = msg.text_of(reply)
        with deps.lock:
            checks = check_text(deps.context, text)
        for check in checks:
            write(events.ValidationResult(name, check.sql, check.dialect, check.valid, check.diagnostics))
        failed = [c for c in checks if not c.valid]
        repairs = state.get("repairs", 0)
        if failed and repairs < MAX_REPAIRS:
            new.append(msg.user_text(repair_request(failed, repairs + 1)))
            return {"messages": new, "turns": turns, "repairs": repairs + 1, "next": "model"}
        if failed:
            text += "\n" + failure_note(failed, state["language"])
        write(events.AgentFinished(name))
        return {
            "messages": new,
            "turns": turns,
            "next": END,
            "notes": [{"agent": name, "role": state["role"], "text": text.strip()}],
            "validated": [c.sql for c in checks if c.valid],
            "failed": [c.sql for c in failed],
        }

    def tools(state: AgentState) -> dict[str, Any]:
        from langgraph.config import get_stream_writer
        from langgraph.types import interrupt

        deps.check_cancel()
        write = get_stream_writer()
        name = state["agent"]
        available = agent_tools(deps.roster[name], deps.tools)
        calls = msg.tool_uses(state["messages"][-1])
        # Every approval is asked before anything runs, so a resumed node repeats no side effect.
        decisions: dict[str, bool] = {}
        for call in calls:
            tool = available.get(call["name"])
            if tool is None or tool.approval is None:
                continue
            summary, detail = tool.describe(deps.context, call["input"]) if tool.describe else (tool.name, "")
            request = events.ApprovalRequest(call["id"], name, tool.approval, summary, detail)
            if deps.auto_approve:
                write(request)
                write(events.ApprovalDecision(call["id"], True))
                decisions[call["id"]] = True
            else:
                decisions[call["id"]] = bool(interrupt(_approval_payload(request)))
        results = []
        validated: list[str] = []
        commits: list[str] = []
        for call in calls:
            tool = available.get(call["name"])
            if tool is None:
                output_data, is_error = f"no tool named {call['name']!r}; the tools are: {', '.join(available)}", True
            elif decisions.get(call["id"]) is False:
                output_data, is_error = "the user declined this step: it did not run. Answer without it.", True
            else:
                with deps.lock:
                    output = call_tool(tool, deps.context, call["input"])
                output_data, is_error = output.data, output.is_error
                validated += _validations(write, name, call, output_data, deps.context.dialect)
                if call["name"] == "propose_commit_message" and not is_error:
                    commits.append(output_data["message"])
            write(events.ToolResult(name, call["id"], call["name"], output_data, is_error))
            content = (
                output_data
                if isinstance(output_data, str)
                else json.dumps(output_data, default=str, ensure_ascii=False)
            )
            results.append({"type": "tool_result", "tool_use_id": call["id"], "content": content, "is_error": is_error})
        return {"messages": [{"role": "user", "content": results}], "validated": validated, "commits": commits}

    def after_model(state: AgentState) -> str:
        return state["next"]

    graph = StateGraph(AgentState, input_schema=AgentInput, output_schema=AgentOutput)
    graph.add_node("model", model)
    graph.add_node("tools", tools)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", after_model, ["model", "tools", END])
    graph.add_edge("tools", "model")
    return graph.compile()


def _approval_payload(request: events.ApprovalRequest) -> dict[str, str]:
    return {
        "approval_id": request.approval_id,
        "agent": request.agent,
        "kind": request.kind,
        "summary": request.summary,
        "detail": request.detail,
    }


def _validations(write: Any, agent: str, call: dict[str, Any], data: Any, context_dialect: str) -> list[str]:
    """ValidationResult events for the SQL in validate_sql and run_sql calls; the SQL that passed."""
    if call["name"] not in {"validate_sql", "run_sql"} or not isinstance(data, dict):
        return []
    sql = str(call["input"].get("sql", ""))
    report = data.get("validation", data) if call["name"] == "run_sql" else data
    if call["name"] == "run_sql" and data.get("ran"):
        write(events.ValidationResult(agent, sql, context_dialect, True, []))
        return [sql]
    if "valid" not in report:
        return []
    write(
        events.ValidationResult(
            agent, sql, str(report.get("dialect", "")), bool(report["valid"]), report.get("diagnostics", [])
        )
    )
    return [sql] if report["valid"] else []
