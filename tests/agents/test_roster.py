"""The roster: builtin personas, agent files of the user and the repository, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.roster import load_roster
from tests.agents.conftest import agent_text
from tools.errors import DeassistError

COLLABORATORS = [
    "analytics-implementation-specialist",
    "business-intelligence-developer",
    "machine-learning-engineer",
    "database-admin",
    "cloud-architect",
    "security-auditor",
]


def test_the_builtin_roster_is_the_lead_its_collaborators_and_the_coordinator(home: Path) -> None:
    roster = load_roster(home=home)
    assert sorted(roster) == sorted(["data-engineer", "coordinator", *COLLABORATORS])
    assert {p.origin for p in roster.values()} == {"builtin"}
    lead = roster["data-engineer"]
    assert (lead.model, lead.temperature, lead.collaborators) == ("sonnet", 0.2, COLLABORATORS)


def test_the_lead_answers_in_the_shape_the_product_promises(home: Path) -> None:
    prompt = load_roster(home=home)["data-engineer"].system_prompt
    shape = ["Requirements", "Architecture", "Implementation", "Quality checks", "Cost and performance",
             "Governance", "Monitoring and alerting", "Documentation and runbook"]
    positions = [prompt.index(f"**{part}**") for part in shape]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", ["data-engineer", *COLLABORATORS])
def test_every_working_persona_validates_its_sql_and_answers_in_the_users_language(home: Path, name: str) -> None:
    persona = load_roster(home=home)[name]
    assert "validate_sql" in persona.system_prompt
    assert "language the user writes in" in persona.system_prompt
    assert f"@{name}" in persona.system_prompt or name == "data-engineer"


def test_translations_of_the_lead_are_attached_by_language_tag(home: Path) -> None:
    lead = load_roster(home=home)["data-engineer"]
    assert sorted(lead.translations) == ["ko", "zh-TW"]
    assert "資料工程師" in lead.prompt_for("zh-TW")
    assert "데이터 엔지니어" in lead.prompt_for("ko")
    assert lead.prompt_for("zh") == lead.translations["zh-TW"]
    assert lead.prompt_for("fr") == lead.system_prompt
    assert lead.prompt_for(None) == lead.system_prompt
    for translated in lead.translations.values():
        assert "validate_sql" in translated and "@data-engineer" in translated


def test_claude_code_agent_files_of_the_user_and_the_repository_join(home: Path, repo: Path, write_agent) -> None:
    write_agent(home, "dbt-reviewer.md", agent_text("dbt-reviewer", tools="Read, Grep, validate_sql", model="inherit"))
    write_agent(repo, "warehouse-expert.md", agent_text("warehouse-expert", model="opus", temperature="0.5"))
    roster = load_roster(repo, home)
    reviewer, expert = roster["dbt-reviewer"], roster["warehouse-expert"]
    assert (reviewer.origin, reviewer.tools, reviewer.model, reviewer.temperature) == (
        "user", ["Read", "Grep", "validate_sql"], "sonnet", 0.2)
    assert (expert.origin, expert.model, expert.temperature, expert.tools) == ("repository", "opus", 0.5, None)
    assert expert.system_prompt == "You review dbt models."


def test_the_repository_overrides_the_user_which_overrides_builtin(home: Path, repo: Path, write_agent) -> None:
    write_agent(home, "data-engineer.md", agent_text("data-engineer", body="user prompt"))
    write_agent(home, "linter.md", agent_text("linter", body="user linter"))
    write_agent(repo, "linter.md", agent_text("linter", body="repository linter"))
    roster = load_roster(repo, home)
    assert (roster["data-engineer"].origin, roster["data-engineer"].system_prompt) == ("user", "user prompt")
    assert (roster["linter"].origin, roster["linter"].system_prompt) == ("repository", "repository linter")
    assert load_roster(None, home)["linter"].origin == "user"


def test_a_translation_beside_a_repository_agent_is_attached(home: Path, repo: Path, write_agent) -> None:
    write_agent(repo, "linter.md", agent_text("linter"))
    write_agent(repo, "linter.ko.md", agent_text("linter", body="당신은 dbt 모델을 검토합니다."))
    assert load_roster(repo, home)["linter"].prompt_for("ko") == "당신은 dbt 모델을 검토합니다."


BAD_FILES = [
    ("no front matter", "You are an agent.\n", "no YAML front matter"),
    ("unclosed", "---\nname: x\ndescription: y\n", "not closed"),
    ("not yaml", "---\nname: [x\n---\nbody\n", "not YAML"),
    ("not a mapping", "---\n- a\n- b\n---\nbody\n", "not a mapping"),
    ("no description", "---\nname: quiet\n---\nbody\n", "no description"),
    ("no body", "---\nname: empty\ndescription: d\n---\n", "no system prompt"),
    ("bad name", agent_text("Data Engineer!"), "lower case letters"),
    ("bad temperature", agent_text("hot", temperature="2.5"), "temperature must be a number from 0 to 1"),
    ("text temperature", agent_text("hot", temperature="warm"), "temperature must be a number"),
    ("bad collaborators", agent_text("x", collaborators="{a: 1}"), "collaborators must be a list"),
    ("unknown collaborator", agent_text("x", collaborators="[data-engineer, nobody]"), "not on the roster: nobody"),
    ("bad model", agent_text("x", model="[1, 2]"), "model must be"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD_FILES, ids=[case for case, _, _ in BAD_FILES])
def test_a_bad_agent_file_is_one_line_naming_the_file(home: Path, repo: Path, write_agent, case: str, text: str, message: str) -> None:
    path = write_agent(repo, "broken.md", text)
    with pytest.raises(DeassistError) as caught:
        load_roster(repo, home)
    assert caught.value.code == "DEA-AGENT-FILE"
    assert message in caught.value.message
    assert str(path) in caught.value.message
    assert "\n" not in caught.value.message
