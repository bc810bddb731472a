"""`/commit` in a real repository with deassist's hooks installed: draft, confirm, commit through git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from assistant.tui.approval import ApprovalScreen
from tests.tui.conftest import SIZE, shown_text, until
from tools.attribution.ledger import record_write


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)


@pytest.fixture
def repo(tmp_path: Path, run_cli) -> Path:
    """A repository with the attribution hooks installed and one staged file, written (per the ledger) by an agent."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Ada")
    git(repo, "config", "user.email", "ada@example.com")
    installed = run_cli("hook", "install", "--repo", str(repo))
    assert installed.code == 0, installed.err
    model = repo / "models" / "stg_orders.sql"
    model.parent.mkdir()
    content = b"select order_id, customer_id, amount from {{ source('shop', 'orders') }}\n"
    model.write_bytes(content)
    record_write(model, "data-engineer", content)
    git(repo, "add", "models/stg_orders.sql")
    return repo


async def commit_command(pilot, app, line: str = "/commit") -> ApprovalScreen:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.session is not None, "the open session")
    app.prompt.load_text(line)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the commit confirmation")
    return app.screen


async def test_commit_drafts_the_attributed_message_and_commits_after_yes(make_app, repo: Path) -> None:
    app = make_app(workdir=repo)
    async with app.run_test(size=SIZE) as pilot:
        modal = await commit_command(pilot, app)
        assert modal.request.kind == "commit"
        assert modal.request.detail.startswith("feat(models): add stg_orders.sql - @data-engineer\n")
        assert "A  models/stg_orders.sql" in modal.request.detail
        assert "will object" not in modal.request.detail
        assert git(repo, "rev-parse", "--verify", "-q", "HEAD").returncode != 0, "nothing is committed before Yes"
        await pilot.press("y")
        await until(pilot, lambda: "committed" in shown_text(app), "the commit")
    assert git(repo, "log", "-1", "--format=%s").stdout.strip() == "feat(models): add stg_orders.sql - @data-engineer"


async def test_a_description_given_to_commit_keeps_the_ledgers_agents(make_app, repo: Path) -> None:
    app = make_app(workdir=repo)
    async with app.run_test(size=SIZE) as pilot:
        modal = await commit_command(pilot, app, "/commit feat(staging): stage the shop orders")
        assert modal.request.detail.startswith("feat(staging): stage the shop orders - @data-engineer\n")
        await pilot.press("y")
        await until(pilot, lambda: "committed" in shown_text(app), "the commit")
    assert git(repo, "log", "-1", "--format=%s").stdout.strip() == "feat(staging): stage the shop orders - @data-engineer"


async def test_no_means_nothing_is_committed(make_app, repo: Path) -> None:
    app = make_app(workdir=repo)
    async with app.run_test(size=SIZE) as pilot:
        await commit_command(pilot, app)
        await pilot.press("n")
        await until(pilot, lambda: "DEA-TUI-COMMIT-DECLINED" in shown_text(app), "the declined commit")
    assert git(repo, "rev-parse", "--verify", "-q", "HEAD").returncode != 0


async def test_the_installed_hook_has_the_last_word(make_app, repo: Path) -> None:
    (repo / "notes.md").write_text("written by hand, no agent in the ledger\n")
    git(repo, "reset", "-q")
    git(repo, "add", "notes.md")
    app = make_app(workdir=repo)
    async with app.run_test(size=SIZE) as pilot:
        modal = await commit_command(pilot, app)
        assert modal.request.detail.startswith("docs(notes): add notes.md\n")
        assert "the commit-msg hook will object: DEA-ATTR-AGENTS-MISSING" in modal.request.detail
        await pilot.press("y")
        await until(pilot, lambda: "DEA-TUI-COMMIT-FAILED" in shown_text(app), "the hook's rejection")
        assert "DEA-ATTR-AGENTS-MISSING" in shown_text(app)
    assert git(repo, "rev-parse", "--verify", "-q", "HEAD").returncode != 0


async def test_commit_with_nothing_staged_says_so(make_app, repo: Path) -> None:
    git(repo, "reset", "-q")
    app = make_app(workdir=repo)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.session is not None, "the open session")
        app.prompt.load_text("/commit")
        await pilot.press("enter")
        await until(pilot, lambda: "DEA-TUI-NOTHING-STAGED" in shown_text(app), "the error")
