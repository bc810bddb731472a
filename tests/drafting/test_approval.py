"""The approval of a draft, in the real chat app under Pilot and in `deassist ask`: every file the
draft would create or change, its +/- lines, and (in the app) its diff, before anything is written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.tui.approval import ApprovalScreen
from tests.drafting.conftest import deassist, git_repo

REQUEST = "build a dbt project with staging and marts for the orders"


async def _until(pilot, predicate, what: str, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit  # only stops a hung test; not a speed check
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"the app never showed {what}")
        await pilot.pause(0.05)


def _app(shop_dir: Path, workdir: Path, home: Path):  # type: ignore[no-untyped-def]
    from assistant.session import SessionConfig
    from assistant.tui.app import ChatApp

    config = SessionConfig(model="offline", sources=[str(shop_dir)], session="t", home=home, workdir=workdir)
    return ChatApp(config, cursor_blink=False)


async def test_the_app_lists_each_file_and_opens_its_diff_before_anything_is_written(
    shop_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    repo = git_repo(tmp_path / "repo")
    app = _app(shop_dir, repo, tmp_path / "home")
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.session is not None, "the open session")
        app.prompt.load_text(REQUEST)
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval modal")
        screen = app.screen
        changes = screen.request.changes
        assert changes and {c.action for c in changes} == {"create"}
        assert "dbt_project/models/staging/stg_orders.sql" in {c.path for c in changes}
        assert not (repo / "dbt_project").exists(), "nothing may be written before Yes"
        files = screen.query_one("#approval-files")
        assert files.option_count == len(changes)
        await _until(pilot, lambda: screen.focused is files, "the file list focused")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        chosen = changes[files.highlighted]
        assert files.highlighted > 0 and screen.shown == chosen
        assert chosen.diff.startswith("--- /dev/null") and f"+{chosen.added}" in str(files.get_option_at_index(files.highlighted).prompt)
        await pilot.press("up", "d")  # the highlighted one, by its key
        await pilot.pause()
        assert screen.shown == changes[files.highlighted] != chosen
        await pilot.press("y")
        await _until(pilot, lambda: not isinstance(app.screen, ApprovalScreen) and not app.status.busy, "the answer")
    assert {f"dbt_project/{p.relative_to(repo / 'dbt_project').as_posix()}" for p in (repo / "dbt_project").rglob("*") if p.is_file()} == {
        c.path for c in changes
    }


def test_ask_lists_the_files_and_says_which_edits_it_kept(shop_dir: Path, tmp_path: Path, deassist_bin: str) -> None:
    repo = git_repo(tmp_path / "repo")
    home = tmp_path / "home"
    first = deassist(deassist_bin, "ask", "--data", str(shop_dir), REQUEST, "--yes", cwd=repo, home=home)
    assert first.returncode == 0, first.stderr
    assert "create dbt_project/models/staging/stg_orders.sql  +" in first.stderr
    edited = repo / "dbt_project" / "models" / "staging" / "stg_orders.sql"
    edited.write_text(edited.read_text() + "-- mine\n")
    again = deassist(deassist_bin, "ask", "--data", str(shop_dir), REQUEST, "--yes", cwd=repo, home=home)
    assert again.returncode == 0, again.stderr
    assert "beside dbt_project/models/staging/stg_orders.sql.deassist-new  +0 -1 (yours is kept" in again.stderr
    assert edited.read_text().endswith("-- mine\n")
    assert "`dbt_project/models/staging/stg_orders.sql` (changed since deassist wrote it)" in again.stdout
