"""`deassist agents` through the installed console script, in a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

from tests.agents.conftest import agent_text


def test_agents_lists_the_roster_with_where_each_came_from(run_cli, home: Path, repo: Path, write_agent) -> None:
    write_agent(home, "dbt-reviewer.md", agent_text("dbt-reviewer", description="Reviews dbt models for style."))
    write_agent(repo, "warehouse-expert.md", agent_text("warehouse-expert", model="opus"))
    (repo / "models").mkdir()
    done = run_cli("agents", cwd=repo / "models", env={"HOME": str(home)})
    assert done.code == 0, done.err
    rows = {line.split()[0]: line.split()[1:3] for line in done.out.splitlines()}
    assert rows["data-engineer"] == ["builtin", "sonnet"]
    assert rows["coordinator"] == ["builtin", "haiku"]
    assert rows["dbt-reviewer"] == ["user", "sonnet"]
    assert rows["warehouse-expert"] == ["repository", "opus"]
    assert "Reviews dbt models for style." in done.out


def test_agents_json_describes_every_persona(run_cli, home: Path, repo: Path, write_agent) -> None:
    write_agent(repo, "warehouse-expert.md", agent_text("warehouse-expert", collaborators="[data-engineer]"))
    done = run_cli("agents", "--format", "json", cwd=repo, env={"HOME": str(home)})
    assert done.code == 0, done.err
    agents = {row["name"]: row for row in json.loads(done.out)["agents"]}
    lead = agents["data-engineer"]
    assert lead["translations"] == ["ko", "zh-TW"]
    assert lead["temperature"] == 0.2 and len(lead["collaborators"]) == 6
    assert "Kafka" in lead["description"]
    expert = agents["warehouse-expert"]
    assert (expert["origin"], expert["collaborators"], expert["tools"]) == ("repository", ["data-engineer"], None)
    assert Path(expert["path"]) == (repo / ".claude" / "agents" / "warehouse-expert.md").resolve()


def test_a_bad_agent_file_is_one_line_on_stderr_and_exit_2(run_cli, home: Path, repo: Path, write_agent) -> None:
    write_agent(repo, "broken.md", "---\nname: broken\ndescription: [unclosed\n---\nbody\n")
    done = run_cli("agents", cwd=repo, env={"HOME": str(home)})
    assert done.code == 2
    assert done.out == ""
    assert done.err.startswith("error DEA-AGENT-FILE: ") and "broken.md" in done.err
    assert done.err.count("\n") == 1 and "Traceback" not in done.err


def test_listing_the_agents_does_not_load_the_llm_stack(home: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys, json\n"
        "from assistant.cli import main\n"
        "main(['agents', '--format', 'json'])\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'anthropic', 'langgraph', 'textual'})))\n"
    )
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
