"""`/commit`: a Conventional Commits message for what is staged, attributed to the agents that wrote it.

The agents come from the attribution ledger (`tools.attribution.agents_for_staged`), the header from
the convention's one drafter (`tools.attribution.message.draft_message`, fitted to the repository's
header limit); type, scope and description are summarized from the staged paths unless
the user gives them (`/commit fix(etl): handle late rows` or just `/commit handle late rows`); the
draft is checked by the convention's own checker, so what the hook would reject is said up front.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tools.errors import FAILURE, DeassistError


@dataclass(frozen=True)
class CommitDraft:
    message: str
    agents: list[str]
    staged: list[str]  # "A  path" lines, as git reports them
    problems: list[str]  # what the commit-msg hook will object to, said before asking


def draft_commit(repo: Path, given: str = "") -> CommitDraft:
    """The attributed message for the staged changes of `repo`, checked as the hook will; nothing staged is an error."""
    from tools.attribution import check_message, load_config, parse_message
    from tools.attribution.ledger import agents_for_staged
    from tools.attribution.message import ChangeSummary, draft_message, summarize_paths

    changes = _staged(repo)
    if not changes:
        raise DeassistError("DEA-TUI-NOTHING-STAGED", "nothing is staged: git add the files to commit first", exit_code=FAILURE)
    config = load_config(repo)
    written_by = agents_for_staged(repo)
    parsed = parse_message(given, known_agents=config.agents | set(written_by))
    agents = [*parsed.agents, *(a for a in written_by if a not in parsed.agents)]
    if parsed.type:
        summary = ChangeSummary(parsed.type, parsed.scope, parsed.description)
    else:
        drafted = summarize_paths(changes)
        summary = ChangeSummary(drafted.type, drafted.scope, parsed.description or drafted.description)
    message = draft_message(summary, agents, limit=config.header_max_length, breaking=parsed.breaking)
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
