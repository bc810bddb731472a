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
from assistant.backends.base import ModelBackend, ModelRequest, ModelTurn, TextBlock, ToolSpec, ToolUseBlock
from assistant.backends.brief import AgentBrief
from assistant.graph import messages as msg
from assistant.graph.briefs import agent_brief, coordinator_brief, render_brief
from assistant.graph.sqlcheck import MAX_REPAIRS, check_text, failure_note, repair_request
from assistant.graph.state import AgentInput, AgentNote, AgentOutput, AgentState, GraphState, Role, Turn
from assistant.roster import COORDINATOR, Persona
from assistant.routing.route import LEAD, MAX_COLLABORATORS
from assistant.toolbox import AgentTool, ToolContext
from assistant.toolbox.calls import approval_request, run_call
from assistant.toolbox.memory import context_for
from tools.errors import FAILURE, DeassistError

MAX_TURNS = 10
HISTORY_TURNS = 3
# A reply cut at the output limit is asked to go on this many times before it is marked truncated.
MAX_CONTINUATIONS = 2
CONTINUE = "Your reply was cut at the output limit. Continue exactly where it stopped, without repeating anything."
# What the coordinator sees of earlier answers: enough to know what a follow-up refers to.
ROUTE_ANSWER_CHARS = 600
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

    def coordinator(state: GraphState) -> GraphState:
        from langgraph.config import get_stream_writer

        deps.check_cancel()
        write = get_stream_writer()
        write(events.AgentStarted(COORDINATOR, "coordinator"))
        persona = deps.roster.get(COORDINATOR)
        brief = msg.user_text(coordinator_brief(state["request"], _agents(deps.roster)))
        request = ModelRequest(
            system=persona.system_prompt if persona else "Route the request to the agents it needs.",
            messages=[msg.to_message(m) for m in [*_recent_turns(state, ROUTE_ANSWER_CHARS), brief]],
            tools=[route_tool(deps.roster)],
            model_alias=persona.model if persona else "haiku",
            temperature=persona.temperature if persona else 0.0,
            max_tokens=512,
        )
        turn = deps.backend.complete(request)
        _after_turn(write, COORDINATOR, turn)
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

    def _payload(state: GraphState, name: str, role: Role, notes: list[AgentNote] | None = None) -> AgentInput:
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
            history=(state.get("history") or [])[-HISTORY_TURNS:],
        )
        return {
            "agent": name,
            "role": role,
            "language": state["language"],
            "brief": render_brief(brief),
            "facts": brief.facts(),
            "history": _recent_turns(state),
        }

    def gather(state: GraphState) -> GraphState:
        return {}

    def finish(state: GraphState) -> GraphState:
        lead_notes = [n for n in state.get("notes") or [] if n["role"] == "lead"]
        answer = lead_notes[-1]["text"] if lead_notes else ""
        truncated = bool(lead_notes and lead_notes[-1]["truncated"])
        verdict = lead_notes[-1]["verdict"] if lead_notes else None
        noted = {n["agent"] for n in state.get("notes") or [] if n["role"] == "collaborator"}
        agents = [state["lead"], *(name for name in state["collaborators"] if name in noted)]
        commit_message = state.get("commit_message") or _files_commit(deps.context, agents)
        if commit_message and commit_message not in answer:
            label = COMMIT_LABEL.get(state["language"], COMMIT_LABEL["en"])
            answer += f"\n\n{label}\n\n```text\n{commit_message}\n```"
        validated = state.get("validated_sql") or []
        turn = Turn(request=state["request"], answer=answer, agents=agents, validated_sql=validated, verdict=verdict)
        return {
            "answer": answer,
            "truncated": truncated,
            "agents": agents,
            "commit_message": commit_message,
            "verdict": verdict,
            "history": [turn],
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
    from assistant.toolbox.commit import files_message

    return files_message(context, agents)


def _recent_turns(state: GraphState, answer_chars: int | None = None) -> list[msg.MessageDict]:
    """The conversation's last turns as messages; answers cut to `answer_chars` where only their gist matters."""
    messages: list[msg.MessageDict] = []
    for turn in (state.get("history") or [])[-HISTORY_TURNS:]:
        answer = turn["answer"]
        if answer_chars is not None and len(answer) > answer_chars:
            answer = answer[:answer_chars] + " …"
        messages += [msg.user_text(turn["request"]), {"role": "assistant", "content": [{"type": "text", "text": answer}]}]
    return messages


def _after_turn(write: Any, agent: str, turn: ModelTurn) -> None:
    """Count the turn, pass on what the backend noted, and stop on a refusal: it is shown, never dressed as an answer."""
    write(events.Usage(turn.usage, turn.model))
    for note in turn.notes:
        write(events.Notice(agent, note))
    if turn.stop_reason == "refusal":
        said = " ".join("".join(b.text for b in turn.content if isinstance(b, TextBlock)).split())
        said = f' ("{said[:200]}{"…" if len(said) > 200 else ""}")' if said else ""
        raise DeassistError(
            "DEA-MODEL-REFUSED",
            f"{turn.model or 'the model'} declined to answer{said}: rephrase the request to say what the data work is"
            " for, or ask another model with --model",
            exit_code=FAILURE,
        )


def _agent_subgraph(deps: GraphDeps) -> Any:
    from langgraph.graph import END, START, StateGraph

    def model(state: AgentState) -> AgentState:
        from langgraph.config import get_stream_writer

        deps.check_cancel()
        write = get_stream_writer()
        name = state["agent"]
        persona = deps.roster[name]
        new: list[msg.MessageDict] = []
        if not state.get("messages"):
            write(events.AgentStarted(name, state["role"]))  # type: ignore[arg-type]
            new.append(msg.user_text(state["brief"]))
        history = [*state["history"], *(state.get("messages") or []), *new]
        turns = state.get("turns", 0) + 1
        tools = agent_tools(persona, deps.tools)
        spent = turns > MAX_TURNS
        if spent:
            # The tools stay declared: the history holds tool_use blocks, which the API refuses without them.
            new.append(msg.user_text("The tool budget for this request is spent: write your answer now, call no tool."))
            history.append(new[-1])
        request = ModelRequest(
            system=persona.prompt_for(state["language"]),
            messages=[msg.to_message(m) for m in history],
            tools=[t.spec for t in tools.values()],
            model_alias=persona.model,
            temperature=persona.temperature,
            brief=AgentBrief.from_facts(state["facts"], deps.context.catalog),
        )
        turn = deps.backend.complete(request, on_text=lambda text: write(events.TextDelta(name, text)))
        _after_turn(write, name, turn)
        reply = msg.to_dict("assistant", turn.content)
        text = state.get("partial", "") + msg.text_of(reply)
        continued = state.get("continued", 0)
        truncated = turn.stop_reason == "max_tokens"
        if truncated and continued < MAX_CONTINUATIONS and msg.text_of(reply):
            # Tool calls cut mid-input are dropped: only the text goes back, to be continued.
            new += [msg.to_dict("assistant", [TextBlock(msg.text_of(reply))]), msg.user_text(CONTINUE)]
            return {"messages": new, "turns": turns, "continued": continued + 1, "partial": text, "next": "model"}
        new.append(reply)
        calls = msg.tool_uses(reply)
        if calls and turn.stop_reason == "tool_use" and tools:
            if spent:
                raise DeassistError(
                    "DEA-ASK-TOO-LONG",
                    f"{name} still wanted tools after {MAX_TURNS} turns; ask a narrower question",
                    exit_code=FAILURE,
                )
            for call in calls:
                write(events.ToolCall(name, call["id"], call["name"], call["input"]))
            return {"messages": new, "turns": turns, "partial": "", "continued": 0, "next": "tools"}
        with deps.lock:
            checks = check_text(deps.context, text)
        for check in checks:
            write(events.ValidationResult(name, check.sql, check.dialect, check.valid, check.diagnostics))
        failed = [c for c in checks if not c.valid]
        repairs = state.get("repairs", 0)
        if failed and repairs < MAX_REPAIRS and not truncated:
            new.append(msg.user_text(repair_request(failed, repairs + 1)))
            return {"messages": new, "turns": turns, "repairs": repairs + 1, "partial": "", "continued": 0, "next": "model"}
        if failed:
            text += "\n" + failure_note(failed, state["language"])
        if truncated:
            text = text.rstrip() + f"\n\n[truncated: the reply reached the model's output limit ({continued} continuation"
            text += f"{'s' * (continued != 1)} asked for); ask for the rest, or for a shorter answer]"
        write(events.AgentFinished(name))
        return {
            "messages": new,
            "turns": turns,
            "next": END,
            "notes": [
                AgentNote(
                    agent=name,
                    role=state["role"],
                    text=text.strip(),
                    truncated=truncated,
                    verdict=turn.verdict.to_dict() if turn.verdict else None,
                )
            ],
            "validated_sql": [c.sql for c in checks if c.valid],
            "failed_sql": [c.sql for c in failed],
        }

    def tools(state: AgentState) -> AgentState:
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
            request = approval_request(tool, deps.context, call["id"], name, call["input"]) if tool else None
            if request is None:
                continue
            if deps.auto_approve:
                write(request)
                write(events.ApprovalDecision(call["id"], True))
                decisions[call["id"]] = True
            else:
                decisions[call["id"]] = bool(interrupt(request.to_payload()))
        results: list[msg.Part] = []
        validated: list[str] = []
        commits: list[str] = []
        for call in calls:
            tool = available.get(call["name"])
            if tool is None:
                output_data, is_error = f"no tool named {call['name']!r}; the tools are: {', '.join(available)}", True
            elif decisions.get(call["id"]) is False:
                output_data, is_error = "the user declined this step: it did not run. Answer without it.", True
            else:
                output, passed = run_call(write, name, tool, deps.context, call["input"], deps.lock)
                output_data, is_error = output.data, output.is_error
                validated += passed
                if call["name"] == "propose_commit_message" and not is_error:
                    commits.append(output_data["message"])
            write(events.ToolResult(name, call["id"], call["name"], output_data, is_error))
            content = (
                output_data
                if isinstance(output_data, str)
                else json.dumps(output_data, default=str, ensure_ascii=False)
            )
            results.append({"type": "tool_result", "tool_use_id": call["id"], "content": content, "is_error": is_error})
        proposed = {"commit_message": commits[-1]} if commits else {}
        return {"messages": [{"role": "user", "content": results}], "validated_sql": validated, **proposed}

    def after_model(state: AgentState) -> str:
        return state["next"]

    graph = StateGraph(AgentState, input_schema=AgentInput, output_schema=AgentOutput)
    graph.add_node("model", model)
    graph.add_node("tools", tools)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", after_model, ["model", "tools", END])
    graph.add_edge("tools", "model")
    return graph.compile()


