"""`deassist commit-msg check/suggest` and `deassist hook check` through the installed console script."""

from __future__ import annotations

import json

from tests.attribution.conftest import GitRepo
from tools.attribution.ledger import record_write


def test_check_accepts_and_rejects_with_codes(hooked: GitRepo) -> None:
    ok = hooked.deassist("commit-msg", "check", "feat(etl): add orders load - @data-engineer")
    assert (ok.returncode, ok.stdout.strip()) == (0, "ok")
    skipped = hooked.deassist("commit-msg", "check", "Merge branch 'x'")
    assert (skipped.returncode, skipped.stdout.strip()) == (0, "ok (not checked: merge)")
    bad = hooked.deassist("commit-msg", "check", "Add orders load - @data-enginer")
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[:2] == [
        (
            'error DEA-ATTR-HEADER-FORMAT: the header does not start with "type: " or "type(scope): " '
            "(feat, fix, docs, style, refactor, perf, test, build, ci, chore, revert, config)"
        ),
        "error DEA-ATTR-AGENT-UNKNOWN: unknown agent @data-enginer; did you mean @data-engineer?",
    ]
    assert bad.stdout.rstrip().endswith("suggested message:\nfeat: add orders load - @data-engineer")


def test_check_json(hooked: GitRepo) -> None:
    done = hooked.deassist("commit-msg", "check", "--format", "json", "feat(etl)!: drop x - @database-admin\n\nWhy.")
    data = json.loads(done.stdout)
    assert done.returncode == 0
    assert data["ok"] is True and data["problems"] == [] and data["skipped"] is None
    assert data["parsed"] == {
        "kind": "conventional",
        "header": "feat(etl)!: drop x - @database-admin",
        "type": "feat",
        "scope": "etl",
        "breaking": True,
        "description": "drop x",
        "agents": ["database-admin"],
        "body": "Why.",
        "trailers": [],
    }
    bad = json.loads(hooked.deassist("commit-msg", "check", "--format", "json", "feat: x").stdout)
    assert [p["code"] for p in bad["problems"]] == ["DEA-ATTR-AGENTS-MISSING"]
    assert bad["suggestion"] == "feat: x - @AGENT"


def test_check_reads_stdin_and_the_ledger(hooked: GitRepo) -> None:
    path = hooked.write("a.sql", "select 1\n")
    record_write(path, "database-admin", path.read_bytes())
    hooked.git("add", "a.sql")
    proc = hooked.deassist("commit-msg", "check", "-", input="feat: add a - @data-engineer\n")
    assert proc.returncode == 1
    assert (
        "error DEA-ATTR-AGENT-NOT-CREDITED: @database-admin wrote a.sql (deassist ledger) but is not credited"
        in proc.stdout
    )


def test_suggest(hooked: GitRepo) -> None:
    done = hooked.deassist("commit-msg", "suggest", "Fix the orders model - @data-enginer")
    assert (done.returncode, done.stdout) == (0, "fix: fix the orders model - @data-engineer\n")
    credited = hooked.deassist("commit-msg", "suggest", "--agent", "database-admin", "docs: explain the load")
    assert (credited.returncode, credited.stdout) == (0, "docs: explain the load - @database-admin\n")
    unknown = hooked.deassist("commit-msg", "suggest", "docs: explain the load")
    assert unknown.returncode == 1
    assert unknown.stdout == "docs: explain the load - @AGENT\n"
    assert "DEA-ATTR-AGENTS-MISSING: replace @AGENT" in unknown.stderr
    empty = hooked.deassist("commit-msg", "suggest", "")
    assert empty.returncode == 1
    assert empty.stderr.strip() == "error DEA-ATTR-EMPTY: nothing to build a suggestion on: the commit message is empty"


def test_hook_check_is_the_commit_msg_check(hooked: GitRepo) -> None:
    message = hooked.root / "msg.txt"
    message.write_text("feat: x - @data-engineer\n# comment\n")
    assert hooked.deassist("hook", "check", str(message)).returncode == 0
    message.write_text("x\n")
    rejected = hooked.deassist("hook", "check", str(message))
    assert rejected.returncode == 1
    assert rejected.stderr.startswith("deassist: commit message rejected\n")
    assert f"git commit -e -F {message}" in rejected.stderr


def test_errors_are_one_line(repo: GitRepo, tmp_path) -> None:
    missing = repo.deassist("hook", "check", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("error DEA-HOOK-MESSAGE-FILE: cannot read the commit message file")
    assert missing.stderr.count("\n") == 1
    outside = GitRepo(tmp_path, repo.home).deassist("hook", "install", "--repo", str(tmp_path))
    assert (outside.returncode, outside.stderr.split(":")[0]) == (2, "error DEA-HOOK-NO-REPO")
    repo.write(".deassist.toml", "[attribution]\nheader-length = 72\n")
    bad = repo.deassist("commit-msg", "check", "feat: x - @a")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        f"error DEA-ATTR-CONFIG: {repo.root / '.deassist.toml'}: unknown attribution setting 'header-length' "
        "(known: header-max-length, require-agents, skip, skip-patterns, types)"
    )
