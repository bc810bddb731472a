"""Real `git commit` runs in temporary repositories with deassist's hooks installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.attribution.conftest import GitRepo
from tests.conftest import ROOT
from tools.attribution.ledger import record_write


def _commit(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return repo.git("commit", "-q", *args, check=False, env=env)


def test_an_attributed_message_is_accepted(hooked: GitRepo) -> None:
    hooked.write("models/orders.sql", "select 1\n")
    hooked.git("add", ".")
    done = _commit(hooked, "-m", "feat(etl): add orders load - @data-engineer @database-admin")
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "feat(etl): add orders load - @data-engineer @database-admin"


def test_a_rejected_message_is_kept_with_the_way_back(hooked: GitRepo) -> None:
    hooked.write("a.sql", "select 1\n")
    hooked.git("add", ".")
    head = hooked.git("rev-parse", "HEAD").stdout
    done = _commit(hooked, "-m", "feature(etl): add orders load - @data-enginer\n\nWhy it matters.")
    assert done.returncode != 0
    assert hooked.git("rev-parse", "HEAD").stdout == head
    assert "DEA-ATTR-TYPE-UNKNOWN" in done.stderr and "did you mean @data-engineer?" in done.stderr
    assert "    feat(etl): add orders load - @data-engineer" in done.stderr
    kept = hooked.root / ".git" / "COMMIT_EDITMSG"
    assert kept.read_text().startswith("feature(etl): add orders load - @data-enginer")
    assert f"git commit -e -F {kept}" in done.stderr
    suggestion = hooked.root / ".git" / "deassist" / "COMMIT_SUGGESTION"
    assert f"git commit -e -F {suggestion}" in done.stderr
    again = _commit(hooked, "-F", str(suggestion))
    assert again.returncode == 0, again.stderr
    assert hooked.head_message() == "feat(etl): add orders load - @data-engineer\n\nWhy it matters."


def test_reusing_the_kept_message_after_editing(hooked: GitRepo) -> None:
    hooked.write("a.sql", "select 1\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "add orders load").returncode != 0
    fix = hooked.editor("fix.sh", "sed -i '1s/.*/feat: add orders load - @database-admin/' \"$1\"")
    kept = hooked.root / ".git" / "COMMIT_EDITMSG"
    done = _commit(hooked, "-e", "-F", str(kept), env=fix)
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "feat: add orders load - @database-admin"


def test_merge_commits_are_not_checked(hooked: GitRepo) -> None:
    hooked.git("checkout", "-q", "-b", "side")
    hooked.write("side.sql", "select 2\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "feat: side - @data-engineer").returncode == 0
    hooked.git("checkout", "-q", "main")
    hooked.write("main.sql", "select 3\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "feat: main - @data-engineer").returncode == 0
    merged = hooked.git("merge", "--no-ff", "--no-edit", "side", check=False)
    assert merged.returncode == 0, merged.stderr
    assert hooked.head_message().startswith("Merge branch 'side'")


def test_a_conflicted_merge_concludes_with_any_message(hooked: GitRepo) -> None:
    hooked.write("x.sql", "select 0\n")
    hooked.git("add", ".")
    _commit(hooked, "-m", "feat: x - @data-engineer")
    hooked.git("checkout", "-q", "-b", "side")
    hooked.write("x.sql", "select 1\n")
    hooked.git("commit", "-q", "-am", "fix: one - @data-engineer")
    hooked.git("checkout", "-q", "main")
    hooked.write("x.sql", "select 2\n")
    hooked.git("commit", "-q", "-am", "fix: two - @data-engineer")
    assert hooked.git("merge", "side", check=False).returncode != 0
    hooked.write("x.sql", "select 3\n")
    hooked.git("add", "x.sql")
    done = _commit(hooked, "-m", "settle the conflict in x")
    assert done.returncode == 0, done.stderr
    assert len(hooked.git("log", "-1", "--format=%P").stdout.split()) == 2


def test_revert_fixup_squash_and_amend_messages_pass(hooked: GitRepo) -> None:
    hooked.write("a.sql", "select 1\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "feat: a - @data-engineer").returncode == 0
    reverted = hooked.git("revert", "--no-edit", "HEAD", check=False)
    assert reverted.returncode == 0, reverted.stderr
    assert hooked.head_message().startswith('Revert "feat: a - @data-engineer"')
    hooked.write("b.sql", "select 2\n")
    hooked.git("add", ".")
    assert _commit(hooked, "--fixup", "HEAD").returncode == 0
    hooked.write("c.sql", "select 3\n")
    hooked.git("add", ".")
    assert _commit(hooked, "--squash", "HEAD~1", "--no-edit").returncode == 0
    hooked.write("d.sql", "select 4\n")
    hooked.git("add", ".")
    done = _commit(hooked, "--fixup=amend:HEAD~2", "--no-edit")
    assert done.returncode == 0, done.stderr
    assert [line.split("!")[0] for line in hooked.git("log", "-3", "--format=%s").stdout.splitlines()] == [
        "amend",
        "squash",
        "fixup",
    ]


def test_amend_is_checked_like_any_commit(hooked: GitRepo) -> None:
    hooked.write("a.sql", "select 1\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "feat: a - @data-engineer").returncode == 0
    assert _commit(hooked, "--amend", "-m", "a, reworded").returncode != 0
    assert hooked.head_message() == "feat: a - @data-engineer"
    done = _commit(hooked, "--amend", "-m", "feat: add a - @data-engineer")
    assert done.returncode == 0, done.stderr
    assert _commit(hooked, "--amend", "--no-edit").returncode == 0


def test_verbose_commits_ignore_the_diff_below_the_scissors(hooked: GitRepo) -> None:
    hooked.write("a.sql", "-- Please add me\nselect 1\n")
    hooked.git("add", ".")
    bad = hooked.editor("bad.sh", "sed -i '1s/^/Add a/' \"$1\"")
    rejected = _commit(hooked, "-v", env=bad)
    assert rejected.returncode != 0
    assert "suggested message:\n    feat: add a - @AGENT\n" in rejected.stderr
    assert "diff --git" not in rejected.stderr.split("suggested message:")[1].split("your message")[0]
    good = hooked.editor("good.sh", "sed -i '1s/^/feat: add a - @data-engineer/' \"$1\"")
    done = _commit(hooked, "-v", env=good)
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "feat: add a - @data-engineer"


def test_a_custom_comment_char(hooked: GitRepo) -> None:
    hooked.git("config", "core.commentChar", ";")
    hooked.write("a.sql", "select 1\n")
    hooked.git("add", ".")
    # git's template puts its "; Please enter ..." lines right under the header line
    edit = hooked.editor("edit.sh", "sed -i '1s/^/feat: add a - @data-engineer/' \"$1\"")
    done = _commit(hooked, env=edit)
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "feat: add a - @data-engineer"
    hooked.git("config", "core.commentChar", "auto")
    hooked.write("b.sql", "select 2\n")
    hooked.git("add", ".")
    edit = hooked.editor("edit2.sh", "sed -i '1s/^/feat: add b - @data-engineer/' \"$1\"")
    done = _commit(hooked, env=edit)
    assert done.returncode == 0, done.stderr


def test_core_hooks_path_is_honoured(repo: GitRepo) -> None:
    repo.write(".claude/agents/data-engineer.md", "---\nname: data-engineer\n---\nx\n")
    repo.git("config", "core.hooksPath", ".githooks")
    installed = repo.deassist("hook", "install")
    assert installed.returncode == 0, installed.stderr
    assert (repo.root / ".githooks" / "commit-msg").is_file()
    assert not (repo.root / ".git" / "hooks" / "commit-msg").exists()
    repo.git("add", ".")
    assert _commit(repo, "-m", "add agents").returncode != 0
    assert _commit(repo, "-m", "chore: add agents - @data-engineer").returncode == 0


def test_an_existing_hook_is_chained_and_restored(repo: GitRepo) -> None:
    repo.write(".claude/agents/data-engineer.md", "---\nname: data-engineer\n---\nx\n")
    original = '#!/bin/sh\necho "ran $1" >> "$HOME/previous.log"\ngrep -q NOPE "$1" && exit 3\nexit 0\n'
    hook = repo.root / ".git" / "hooks" / "commit-msg"
    hook.write_text(original)
    hook.chmod(0o755)
    assert "chained:" in repo.deassist("hook", "install").stdout
    repo.git("add", ".")
    assert _commit(repo, "-m", "add agents").returncode == 1  # ours rejects
    assert _commit(repo, "-m", "chore: NOPE - @data-engineer").returncode != 0  # the previous one rejects
    assert _commit(repo, "-m", "chore: add agents - @data-engineer").returncode == 0
    assert (repo.home / "previous.log").read_text().count("ran ") == 3
    removed = repo.deassist("hook", "uninstall")
    assert "restored:" in removed.stdout
    assert hook.read_text() == original
    assert not (repo.root / ".git" / "hooks" / "prepare-commit-msg").exists()


def test_force_replaces_and_uninstall_still_restores(repo: GitRepo) -> None:
    hook = repo.root / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 7\n")
    hook.chmod(0o755)
    assert "replaced:" in repo.deassist("hook", "install", "--force").stdout
    repo.write(".claude/agents/data-engineer.md", "---\nname: data-engineer\n---\nx\n")
    repo.git("add", ".")
    assert _commit(repo, "-m", "chore: add agents - @data-engineer").returncode == 0
    assert "updated:" in repo.deassist("hook", "install").stdout  # idempotent
    repo.deassist("hook", "uninstall")
    assert hook.read_text() == "#!/bin/sh\nexit 7\n"


def test_uninstall_leaves_a_hook_that_is_not_ours(repo: GitRepo) -> None:
    hook = repo.root / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 0\n")
    assert "left:" in repo.deassist("hook", "uninstall").stdout
    assert hook.exists()


def test_the_ledger_fills_in_the_agents(hooked: GitRepo) -> None:
    for relative, agent in (("models/orders.sql", "data-engineer"), ("models/index.sql", "database-admin")):
        path = hooked.write(relative, f"-- {agent}\nselect 1\n")
        record_write(path, agent, path.read_bytes())
    hooked.git("add", "models/orders.sql")
    done = _commit(hooked, "-m", "feat(etl): add orders model")
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "feat(etl): add orders model - @data-engineer"
    hooked.git("add", "models/index.sql")
    edit = hooked.editor("edit.sh", "sed -i '1s/^/perf(etl): index orders/' \"$1\"")
    done = _commit(hooked, env=edit)
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "perf(etl): index orders - @database-admin"


def test_leaving_out_a_ledger_agent_is_rejected(hooked: GitRepo) -> None:
    path = hooked.write("models/orders.sql", "select 1\n")
    record_write(path, "database-admin", path.read_bytes())
    hooked.git("add", ".")
    drop = hooked.editor("drop.sh", "sed -i '1s/.*/feat: add orders - @data-engineer/' \"$1\"")
    done = _commit(hooked, env=drop)
    assert done.returncode != 0
    assert "DEA-ATTR-AGENT-NOT-CREDITED: @database-admin wrote models/orders.sql" in done.stderr
    assert "    feat: add orders - @data-engineer @database-admin" in done.stderr
    # edited by hand after the agent wrote it: no longer the agent's content
    hooked.write("models/orders.sql", "select 1 -- mine\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "feat: add orders - @data-engineer").returncode == 0


def test_pre_commit_runs_the_check_at_the_commit_msg_stage(repo: GitRepo) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed")
    (manifest,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert manifest["stages"] == ["commit-msg"]
    script = Path(sys.executable).with_name("deassist")
    local = {**manifest, "language": "system", "entry": manifest["entry"].replace("deassist", str(script), 1)}
    (repo.root / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    repo.write(".claude/agents/data-engineer.md", "---\nname: data-engineer\n---\nx\n")
    env = {"PRE_COMMIT_HOME": str(repo.home / "pre-commit"), "PATH": os.environ["PATH"]}
    validated = subprocess.run(
        [str(pre_commit), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    installed = subprocess.run(
        [str(pre_commit), "install", "--hook-type", "commit-msg"],
        cwd=repo.root,
        env={**repo.env, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    repo.git("add", ".")
    rejected = _commit(repo, "-m", "add pre-commit", env=env)
    assert rejected.returncode != 0
    assert "DEA-ATTR-HEADER-FORMAT" in rejected.stdout + rejected.stderr
    accepted = _commit(repo, "-m", "ci: add pre-commit - @data-engineer", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_the_ledger_sees_what_commit_a_and_commit_paths_stage(hooked: GitRepo) -> None:
    for name in ("a.sql", "b.sql"):
        hooked.write(name, "select 0\n")
    hooked.git("add", ".")
    assert _commit(hooked, "-m", "feat: tables - @data-engineer").returncode == 0
    for name, agent in (("a.sql", "database-admin"), ("b.sql", "data-engineer")):
        path = hooked.write(name, f"select 1 -- {agent}\n")
        record_write(path, agent, path.read_bytes())
    done = _commit(hooked, "-m", "fix: only a", "a.sql")  # git commits from a temporary index
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "fix: only a - @database-admin"
    done = _commit(hooked, "-a", "-m", "fix: the rest")  # not staged before: `-a` stages it
    assert done.returncode == 0, done.stderr
    assert hooked.head_message() == "fix: the rest - @data-engineer"


def test_a_message_that_is_not_utf8_keeps_its_bytes(hooked: GitRepo) -> None:
    path = hooked.write("a.sql", "select 1\n")
    record_write(path, "data-engineer", path.read_bytes())
    hooked.git("add", ".")
    hooked.git("config", "i18n.commitEncoding", "ISO-8859-1")
    message = hooked.root / "latin1.txt"
    message.write_bytes("feat: add caf\xe9\n".encode("latin-1"))
    done = _commit(hooked, "-F", str(message))
    assert done.returncode == 0, done.stderr
    raw = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=hooked.root, capture_output=True, check=True).stdout
    assert b"encoding ISO-8859-1" in raw
    assert raw.endswith("feat: add caf\xe9 - @data-engineer\n".encode("latin-1"))  # not re-encoded, not damaged
