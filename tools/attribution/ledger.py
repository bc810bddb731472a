"""The attribution ledger: which agent wrote which content, kept inside the repository's git dir.

Every write an agent makes is one JSON line (path, agent, time, blob id) in
`$(git rev-parse --git-dir)/deassist/ledger.jsonl`. The commit hooks compare the recorded blob ids
with the blobs git is about to commit, so a file the user changed afterwards no longer counts as
the agent's and nothing has to be hashed at commit time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tools.attribution.repository import Repository, find_repository
from tools.attribution.staged import ledger_file, read_lines, staged_writes

__all__ = [
    "LedgerEntry",
    "agents_for_staged",
    "blob_id",
    "last_written",
    "read_ledger",
    "record_write",
    "staged_writes",
]


@dataclass(frozen=True)
class LedgerEntry:
    path: str  # repository-relative POSIX path
    agent: str  # e.g. "data-engineer"
    time: str  # ISO-8601 UTC
    blob: str  # git blob id of the content written


def blob_id(content: bytes, object_format: str = "sha1") -> str:
    """The id git gives a blob of `content` (`git hash-object`), in the repository's hash."""
    digest = hashlib.new(object_format)
    digest.update(b"blob %d\0" % len(content))
    digest.update(content)
    return digest.hexdigest()


def _object_format(repo: Repository) -> str:
    try:
        config = (Path(repo.common_dir) / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "sha1"
    return "sha256" if re.search(r"(?im)^\s*objectformat\s*=\s*sha256\s*$", config) else "sha1"


def record_write(path: Path, agent: str, content: bytes) -> LedgerEntry | None:
    """Record that `agent` wrote `content` to `path` (absolute); None when `path` is in no work tree."""
    path = Path(path).absolute()
    repo = find_repository(path.parent)
    if repo is None:
        return None
    try:
        relative = path.relative_to(repo.root)
    except ValueError:
        return None
    if relative.parts and relative.parts[0] == ".git":
        return None
    entry = LedgerEntry(
        path=relative.as_posix(),
        agent=agent.lstrip("@"),
        time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        blob=blob_id(content, _object_format(repo)),
    )
    target = Path(ledger_file(repo))
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode("utf-8")
    # One O_APPEND write per entry keeps lines whole when several agents write at once.
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def last_written(path: Path) -> tuple[str, str] | None:
    """(blob id deassist last wrote to `path`, the path's blob id now) or None when the ledger has no
    write to `path` (never written by an agent, or in no work tree). Equal ids: unchanged since."""
    path = Path(path).absolute()
    repo = find_repository(path.parent)
    if repo is None:
        return None
    try:
        relative = path.relative_to(repo.root).as_posix()
    except ValueError:
        return None
    recorded = [line[3] for line in read_lines(ledger_file(repo)) if line[0] == relative]
    if not recorded:
        return None
    current = blob_id(path.read_bytes(), _object_format(repo)) if path.is_file() else ""
    return recorded[-1], current


def read_ledger(repo: Path) -> list[LedgerEntry]:
    """Every entry recorded for the repository holding `repo`, oldest first ([] when none)."""
    found = find_repository(repo)
    return [LedgerEntry(*line) for line in read_lines(ledger_file(found))] if found is not None else []


def agents_for_staged(repo: Path) -> list[str]:
    """Agents whose recorded blob matches a staged blob (see `staged_writes`), sorted, unique."""
    return list(staged_writes(repo))
