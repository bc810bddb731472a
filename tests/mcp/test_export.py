"""`deassist agents export --claude`: the roster as Claude Code agent files that use the MCP tools."""

from __future__ import annotations

from pathlib import Path

import yaml


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_every_agent_but_the_coordinator_is_written_with_the_mcp_tools(run_cli, tmp_path: Path):
    done = run_cli("agents", "export", "--claude", str(tmp_path / "agents"))
    assert done.code == 0, done.err
    files = sorted((tmp_path / "agents").glob("*.md"))
    assert {p.stem for p in files} >= {"data-engineer", "cloud-architect", "security-auditor"}
    assert "coordinator" not in {p.stem for p in files}
    meta = front_matter(tmp_path / "agents" / "data-engineer.md")
    assert meta["name"] == "data-engineer" and "mcp__deassist__validate_sql" in meta["tools"]
    body = (tmp_path / "agents" / "data-engineer.md").read_text(encoding="utf-8")
    assert "type(scope): description - @agent1 @agent2" in body


def test_the_default_folder_is_the_repositorys_claude_agents_and_the_roster_reads_them(run_cli, tmp_path: Path):
    (tmp_path / ".git").mkdir()
    assert run_cli("agents", "export", "--claude", cwd=tmp_path).code == 0
    listed = run_cli("agents", "--format", "json", cwd=tmp_path)
    assert '"origin": "repository"' in listed.out and (tmp_path / ".claude" / "agents" / "data-engineer.md").is_file()


def test_a_hand_edited_agent_file_is_kept_unless_forced(run_cli, tmp_path: Path):
    folder = tmp_path / "agents"
    assert run_cli("agents", "export", "--claude", str(folder)).code == 0
    (folder / "cloud-architect.md").write_text("my own version\n", encoding="utf-8")
    refused = run_cli("agents", "export", "--claude", str(folder))
    assert refused.code == 2 and refused.err.startswith("error DEA-AGENT-EXPORT-EXISTS:")
    assert (folder / "cloud-architect.md").read_text(encoding="utf-8") == "my own version\n"
    assert run_cli("agents", "export", "--claude", str(folder), "--force").code == 0
    assert front_matter(folder / "cloud-architect.md")["name"] == "cloud-architect"


def test_a_bad_http_address_is_one_line(run_cli):
    done = run_cli("mcp", "--http", "localhost:http")
    assert done.code == 2 and done.err.strip().startswith("error DEA-MCP-ADDRESS:") and len(done.err.splitlines()) == 1
