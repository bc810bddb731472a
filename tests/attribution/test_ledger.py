"""The ledger against real repositories: what it records, and what matches what is staged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.attribution.conftest import GitRepo
from tools.attribution.ledger import agents_for_staged, blob_id, read_ledger, record_write


@pytest.fixture(autouse=True)
def _git_env(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    # agents_for_staged runs git in this process's environment: give it the test repo's.
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in repo.env.items():
        monkeypatch.setenv(key, value)


def _agent_writes(repo: GitRepo, relative: str, agent: str, text: str) -> None:
    path = repo.write(relative, text)
    assert record_write(path, agent, text.encode()) is not None


def test_record_write_appends_an_entry_in_the_git_dir(repo: GitRepo) -> None:
    path = repo.write("models/orders.sql", "select 1\n")
    entry = record_write(path, "@data-engineer", b"select 1\n")
    assert entry is not None
    assert entry.path == "models/orders.sql"
    assert entry.agent == "data-engineer"
    assert entry.time.endswith("Z")
    assert entry.blob == repo.git("hash-object", "models/orders.sql").stdout.strip()
    lines = (repo.root / ".git" / "deassist" / "ledger.jsonl").read_text().splitlines()
    assert [json.loads(line)["path"] for line in lines] == ["models/orders.sql"]
    assert read_ledger(repo.root) == [entry]


def test_outside_a_work_tree_nothing_is_recorded(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    assert record_write(loose / "x.sql", "data-engineer", b"x") is None
    assert read_ledger(loose) == []
    assert agents_for_staged(loose) == []


def test_blob_id_is_gits() -> None:
    assert blob_id(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_staged_content_the_agent_wrote_is_attributed_before_the_first_commit(repo: GitRepo) -> None:
    _agent_writes(repo, "a.sql", "data-engineer", "select 1\n")
    _agent_writes(repo, "b.sql", "database-admin", "select 2\n")
    _agent_writes(repo, "c.sql", "security-auditor", "select 3\n")
    repo.git("add", "a.sql", "b.sql")
    assert agents_for_staged(repo.root) == ["data-engineer", "database-admin"]


def test_content_changed_after_the_agent_wrote_it_is_not_the_agents(repo: GitRepo) -> None:
    _agent_writes(repo, "a.sql", "data-engineer", "select 1\n")
    repo.write("a.sql", "select 1 -- edited by hand\n")
    repo.git("add", "a.sql")
    assert agents_for_staged(repo.root) == []


def test_only_files_that_change_in_the_next_commit_count(repo: GitRepo) -> None:
    _agent_writes(repo, "a.sql", "data-engineer", "select 1\n")
    repo.git("add", "a.sql")
    repo.git("commit", "-q", "--no-verify", "-m", "feat: a")
    assert agents_for_staged(repo.root) == []  # committed already, nothing staged
    _agent_writes(repo, "a.sql", "database-admin", "select 2\n")
    repo.git("add", "a.sql")
    assert agents_for_staged(repo.root) == ["database-admin"]
    repo.git("rm", "-q", "--cached", "a.sql")
    assert agents_for_staged(repo.root) == []  # a deletion is nobody's content


def test_duplicates_collapse_and_the_same_content_by_two_agents_names_both(repo: GitRepo) -> None:
    for agent in ("data-engineer", "data-engineer", "cloud-architect"):
        _agent_writes(repo, "infra/main.tf", agent, "resource {}\n")
    repo.git("add", ".")
    assert agents_for_staged(repo.root) == ["cloud-architect", "data-engineer"]


def test_a_torn_line_is_skipped(repo: GitRepo) -> None:
    _agent_writes(repo, "a.sql", "data-engineer", "select 1\n")
    ledger = repo.root / ".git" / "deassist" / "ledger.jsonl"
    with ledger.open("a") as handle:
        handle.write('{"path": "b.sql", "agent": \n')
    _agent_writes(repo, "b.sql", "database-admin", "select 2\n")
    assert [entry.agent for entry in read_ledger(repo.root)] == ["data-engineer", "database-admin"]


def test_linked_worktrees_keep_their_own_ledger(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("README", "x\n")
    repo.git("add", "README")
    repo.git("commit", "-q", "--no-verify", "-m", "docs: readme")
    other = tmp_path / "other"
    repo.git("worktree", "add", "-q", str(other), "-b", "other")
    path = other / "x.sql"
    path.write_text("select 9\n")
    entry = record_write(path, "data-engineer", b"select 9\n")
    assert entry is not None and entry.path == "x.sql"
    assert read_ledger(repo.root) == []
    assert read_ledger(other) == [entry]
    GitRepo(other, repo.home).git("add", "x.sql")
    assert agents_for_staged(other) == ["data-engineer"]


def test_the_index_git_is_committing_is_the_one_read(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    _agent_writes(repo, "a.sql", "data-engineer", "select 1\n")
    repo.git("add", "a.sql")
    other_index = repo.root / ".git" / "other-index"
    monkeypatch.setenv("GIT_INDEX_FILE", str(other_index))
    assert agents_for_staged(repo.root) == []


def test_sha256_repositories_get_sha256_blob_ids(tmp_path: Path, repo: GitRepo) -> None:
    other = GitRepo(tmp_path / "sha256", repo.home)
    other.root.mkdir()
    if other.git("init", "-q", "--object-format=sha256", check=False).returncode != 0:
        pytest.skip("this git cannot make SHA-256 repositories")
    path = other.write("a.sql", "select 1\n")
    entry = record_write(path, "data-engineer", path.read_bytes())
    assert entry is not None
    assert entry.blob == other.git("hash-object", "a.sql").stdout.strip()
    assert len(entry.blob) == 64
