"""`/commit`: a Conventional Commits message for what is staged, attributed to the agents that wrote it.

The agents come from the attribution ledger (`tools.attribution.agents_for_staged`), the header from
the convention's own formatter; type, scope and description are drafted from the staged paths unless
the user gives them (`/commit fix(etl): handle late rows` or just `/commit handle late rows`); the
draft is checked by the convention's own checker, so what the hook would reject is said up front.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools.errors import FAILURE, DeassistError

VERBS = {"A": "add", "M": "update", "D": "remove", "R": "rename", "C": "copy", "T": "update"}
DOC_SUFFIXES = {".md", ".rst", ".txt"}


@dataclass(frozen=True)
class CommitDraft:
    message: str
    agents: list[str]
    staged: list[str]  # "A  path" lines, as git reports them
    problems: list[str]  # what the commit-msg hook will object to, said before asking


def draft_commit(repo: Path, given: str = "") -> CommitDraft:
    """The attributed message for the staged changes of `repo`, checked as the hook will; nothing staged is an error."""
    from tools.attribution import (
        check_message,
        format_message,
        load_config,
        parse_message,
    )
    from tools.attribution.ledger import agents_for_staged

    changes = _staged(repo)
    if not changes:
        raise DeassistError("DEA-TUI-NOTHING-STAGED", "nothing is staged: git add the files to commit first", exit_code=FAILURE)
    paths = [PurePosixPath(path) for _, path in changes]
    config = load_config(repo)
    written_by = agents_for_staged(repo)
    parsed = parse_message(given, known_agents=config.agents | set(written_by))
    agents = [*parsed.agents, *(a for a in written_by if a not in parsed.agents)]
    if parsed.type:
        message = format_message(parsed.type, parsed.scope, parsed.description, agents, breaking=parsed.breaking)
    else:
        message = format_message(_type(changes), _scope(paths), parsed.description or _describe(changes), agents)
    check = check_message(message, config, required_agents=written_by)
    problems = [f"{problem.code}: {problem.message}" for problem in check.problems]
    return CommitDraft(message, agents, [f"{status}  {path}" for status, path in changes], problems)


def commit(repo: Path, message: str) -> str:
    """`git commit` with the message, through the repository's hooks; the new commit's `hash subject`."""
    proc = subprocess.run(["git", "commit", "-q", "-F", "-"], cwd=repo, input=message, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        reason = " ".join(line.strip() for line in (proc.stderr or proc.stdout).strip().splitlines())
        raise DeassistError("DEA-TUI-COMMIT-FAILED", reason or "git commit failed", exit_code=FAILURE)
    return _git(repo, "log", "-1", "--format=%h %s").strip()


def _staged(repo: Path) -> list[tuple[str, str]]:
    out = _git(repo, "diff", "--cached", "--name-status", "--no-renames")
    return [(line[0], line.split("\t", 1)[1]) for line in out.splitlines() if "\t" in line]


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DeassistError("DEA-TUI-NOT-A-REPOSITORY", f"{repo}: {proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else 'git failed'}")
    return proc.stdout


def _type(changes: list[tuple[str, str]]) -> str:
    paths = [PurePosixPath(path) for _, path in changes]
    if all(p.parts[0] == "tests" or p.name.startswith("test_") for p in paths):
        return "test"
    if all(p.suffix in DOC_SUFFIXES or p.parts[0] == "docs" for p in paths):
        return "docs"
    return "feat" if any(status == "A" for status, _ in changes) else "chore"


def _scope(paths: list[PurePosixPath]) -> str | None:
    """The innermost folder every path shares, else the one file's stem, else none."""
    folders = [p.parent.parts for p in paths]
    shared: list[str] = []
    for parts in zip(*folders, strict=False):
        if len(set(parts)) != 1:
            break
        shared.append(parts[0])
    if shared:
        return shared[-1]
    return paths[0].stem if len(paths) == 1 else None


def _describe(changes: list[tuple[str, str]]) -> str:
    verbs = {VERBS.get(status, "update") for status, _ in changes}
    verb = verbs.pop() if len(verbs) == 1 else "change"
    names = [PurePosixPath(path).name for _, path in changes]
    return f"{verb} {', '.join(names)}" if len(names) <= 3 else f"{verb} {len(names)} files"
