"""The observation folds the session's events into what the graders read."""

from __future__ import annotations

from pathlib import Path

from assistant import events as ev
from assistant.backends.base import TurnUsage
from evals.observation import Observation


def test_events_fold_into_agents_tools_usage_and_the_answer() -> None:
    obs = Observation(workdir=Path("."))
    for event in [
        ev.AgentStarted("coordinator", "coordinator"),
        ev.AgentStarted("data-engineer", "lead"),
        ev.ToolCall("data-engineer", "c1", "run_sql", {"sql": "SELECT 1"}),
        ev.ToolCall("database-admin", "c2", "inspect", {}),
        ev.ToolResult("database-admin", "c2", "inspect", "2 tables"),
        ev.ToolResult("data-engineer", "c1", "run_sql", {"rows": [[1]]}),
        ev.TextDelta("data-engineer", "streamed words"),
        ev.ApprovalRequest("a1", "data-engineer", "write_file", "write models/x.sql", "select 1"),
        ev.Usage(TurnUsage(input_tokens=100, output_tokens=20, cost_usd=0.01), model="m"),
        ev.Usage(TurnUsage(input_tokens=50, output_tokens=5, cost_usd=0.002), model="m"),
        ev.FinalAnswer("## Answer", ["data-engineer", "database-admin"], ["SELECT 1"], "feat: x - @data-engineer"),
    ]:
        obs.add(event)
    assert obs.finished and obs.agents == ["coordinator", "data-engineer", "database-admin"]
    assert [(u.name, u.output) for u in obs.tool_uses] == [("run_sql", {"rows": [[1]]}), ("inspect", "2 tables")]
    assert (obs.input_tokens, obs.output_tokens, round(obs.cost_usd, 3)) == (150, 25, 0.012)
    assert (obs.validated_sql, obs.commit_message) == (["SELECT 1"], "feat: x - @data-engineer")
    transcript = obs.transcript()
    assert all(part in transcript for part in ["streamed words", "2 tables", "write models/x.sql", '"rows"'])


def test_an_error_event_leaves_the_run_unfinished() -> None:
    obs = Observation(workdir=Path("."))
    obs.add(ev.ErrorEvent("DEA-ASK-CANCELLED", "the request was cancelled"))
    assert not obs.finished and obs.error == "DEA-ASK-CANCELLED: the request was cancelled"
