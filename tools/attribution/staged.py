"""Who wrote what is staged: the part of the ledger the commit hooks read on every commit.

Kept apart from `tools.attribution.ledger` (the writing side, with its dataclass and pathlib API)
so the hooks match the ledger against the index with nothing heavier than json and subprocess.
"""

from __future__ import annotations

import os

from tools.attribution.repository import Repository, StrPath, find_repository, run_git

# One ledger line: (path, agent, time, blob).
LedgerLine = tuple[str, str, str, str]


def ledger_file(repo: Repository) -> str:
    """Where the attribution ledger of `repo` lives: `$(git rev-parse --git-dir)/deassist/ledger.jsonl`."""
    return os.path.join(repo.git_dir, "deassist", "ledger.jsonl")


def read_lines(path: str) -> list[LedgerLine]:
    """The entries of a ledger file, oldest first; a torn or hand-edited line is skipped."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return []
    import json  # only in repositories that have a ledger

    lines: list[LedgerLine] = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            lines.append((str(data["path"]), str(data["agent"]), str(data["time"]), str(data["blob"])))
        except (ValueError, KeyError, TypeError):
            continue  # must not stop a commit
    return lines


def staged_blobs(repo: StrPath) -> dict[str, str]:
    """Path -> blob id of every file the next commit adds or changes (deletions have no blob).

    Uses the index git is committing: `GIT_INDEX_FILE`, which git sets for `git commit -a` and
    `git commit PATH`, is inherited by the child process. Works before the first commit too.
    """
    out = run_git(repo, "diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-color", "--no-ext-diff")
    blobs: dict[str, str] = {}
    fields = out.split("\0")
    # Each entry is ":oldmode newmode oldsha newsha STATUS" then the path, both NUL-terminated.
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        parts = meta.split()
        if len(parts) == 5 and not parts[4].startswith("D"):
            blobs[path] = parts[3]
    return blobs


def staged_writes(repo: StrPath) -> dict[str, list[str]]:
    """Agent -> the staged paths whose content is exactly what the agent recorded writing."""
    found = find_repository(repo)
    if found is None:
        return {}
    lines = read_lines(ledger_file(found))
    if not lines:
        return {}
    staged = staged_blobs(found.root)
    writes: dict[str, set[str]] = {}
    for path, agent, _, blob in lines:
        if staged.get(path) == blob:
            writes.setdefault(agent, set()).add(path)
    return {agent: sorted(paths) for agent, paths in sorted(writes.items())}
