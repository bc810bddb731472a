"""Repository settings and known agents, and the hook's cache of them."""

from __future__ import annotations

import pytest

from tests.attribution.conftest import GitRepo
from tools.attribution.config import DEFAULT_TYPES, load_config, repository_config
from tools.attribution.repository import find_repository
from tools.errors import DeassistError


def test_agents_come_from_agent_files_and_settings(repo: GitRepo) -> None:
    repo.write(".claude/agents/dbt-reviewer.md", "---\nname: dbt-reviewer\n---\nReview.\n")
    (repo.home / ".claude" / "agents").mkdir(parents=True)
    (repo.home / ".claude" / "agents" / "mine.md").write_text("---\nname: my-helper\n---\nHelp.\n")
    repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.deassist]\nagents = ["from-pyproject"]\n')
    repo.write(".deassist.toml", 'agents = ["from-dotfile"]\n')
    agents = load_config(repo.root, repo.home).agents
    assert {"dbt-reviewer", "my-helper", "from-pyproject", "from-dotfile"} <= agents


def test_attribution_settings(repo: GitRepo) -> None:
    repo.write(
        "pyproject.toml",
        "[tool.deassist.attribution]\n"
        'types = ["feat", "fix", "data"]\nheader-max-length = 72\nskip = ["merge"]\n'
        'skip-patterns = ["^Release "]\nrequire-agents = false\n',
    )
    config = load_config(repo.root, repo.home)
    assert config.types == ("feat", "fix", "data")
    assert (config.header_max_length, config.skip, config.skip_patterns, config.require_agents) == (
        72,
        frozenset({"merge"}),
        ("^Release ",),
        False,
    )
    repo.write(".deassist.toml", "[attribution]\nheader-max-length = 120\n")
    assert load_config(repo.root, repo.home).header_max_length == 120  # the dotfile wins
    assert load_config(None, repo.home).types == DEFAULT_TYPES


def test_every_area_reads_the_same_files_with_the_same_precedence(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Attribution, the SQL policy and the model settings each read their table; .deassist.toml wins in all."""
    from assistant.backends.settings import load_settings
    from tools.sql.policy import load_sql_policy

    monkeypatch.setenv("DEASSIST_CONFIG", str(repo.home / "none.toml"))
    repo.write(
        "pyproject.toml",
        '[tool.deassist]\nmodel = "ollama:a"\n[tool.deassist.attribution]\nheader-max-length = 72\n'
        "[tool.deassist.sql]\nallow-privileged-role = true\nallowed-functions = [\"f\"]\n",
    )
    repo.write(".deassist.toml", 'model = "ollama:b"\n[attribution]\nheader-max-length = 90\n[sql]\nallow-privileged-role = false\n')
    assert load_config(repo.root, repo.home).header_max_length == 90
    policy = load_sql_policy(repo.root)
    assert (policy.allow_privileged_role, policy.allowed_functions) == (False, frozenset({"f"}))
    assert load_settings(repo.root).model == "ollama:b"
    repo.write("pyproject.toml", "tool.deassist = 3\n")
    readers = {
        "DEA-ATTR-CONFIG": lambda: load_config(repo.root, repo.home),
        "DEA-SQL-CONFIG": lambda: load_sql_policy(repo.root),
        "DEA-MODEL-CONFIG": lambda: load_settings(repo.root),
    }
    for code, read in readers.items():
        with pytest.raises(DeassistError) as caught:
            read()
        assert (caught.value.code, caught.value.message) == (code, f"{repo.root / 'pyproject.toml'}: [tool.deassist] must be a table")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[attribution]\ntypes = []\n", "attribution.types must name at least one type"),
        ('[attribution]\ntypes = ["has space"]\n', "attribution.types: 'has space' is not a valid name"),
        (
            "[attribution]\nheader-max-length = true\n",
            "attribution.header-max-length must be an integer of at least 10",
        ),
        (
            '[attribution]\nskip = ["wip"]\n',
            "attribution.skip: 'wip' is not one of merge, revert, fixup, squash, amend",
        ),
        ('[attribution]\nskip-patterns = ["("]\n', "attribution.skip-patterns: '(' is not a regular expression"),
        ('agents = "data-engineer"\n', "agents must be a list of strings"),
        ("agents = [\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(repo: GitRepo, text: str, message: str) -> None:
    repo.write(".deassist.toml", text)
    with pytest.raises(DeassistError) as caught:
        load_config(repo.root, repo.home)
    assert caught.value.code == "DEA-ATTR-CONFIG"
    assert caught.value.message.startswith(f"{repo.root / '.deassist.toml'}: {message}")


def test_the_hooks_cache_sees_every_change(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(repo.home))
    found = find_repository(repo.root)
    assert found is not None
    assert "late-agent" not in repository_config(found).agents
    assert (repo.root / ".git" / "deassist" / "config.cache").is_file()
    repo.write(".claude/agents/late.md", "---\nname: late-agent\n---\nx\n")
    assert "late-agent" in repository_config(found).agents
    repo.write(".claude/agents/late.md", "---\nname: renamed-agent\n---\nx\n")
    assert "renamed-agent" in repository_config(found).agents
    repo.write(".deassist.toml", "[attribution]\nheader-max-length = 50\n")
    assert repository_config(found).header_max_length == 50
    (repo.home / ".claude" / "agents").mkdir(parents=True)
    (repo.home / ".claude" / "agents" / "u.md").write_text("---\nname: user-agent\n---\nx\n")
    assert "user-agent" in repository_config(found).agents
    (repo.root / ".git" / "deassist" / "config.cache").write_bytes(b"garbage")
    assert repository_config(found) == load_config(repo.root, repo.home)
