"""The attribution ledger: which agent wrote which content, kept inside the repository's git dir.

Every write an agent makes is one JSON line (path, agent, time, blob id) in
`$(git rev-parse --git-dir)/deassist/ledger.jsonl`. The commit hooks compare the recorded blob ids
with the blobs git is about to commit, so a file the user changed afterwards no longer counts as
the agent's and nothing has to be hashed at commit time.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.attribution.repository import Repository, find_repository, staged_blobs

LEDGER_NAME = "ledger.jsonl"


@dataclass(frozen=True)
class LedgerEntry:
    path: str  # repository-relative POSIX path
    agent: str  # e.g. "data-engineer"
    time: str  # ISO-8601 UTC
    blob: str  # git blob id of the content written


def ledger_path(repo: Repository) -> Path:
    return repo.git_dir / "deassist" / LEDGER_NAME


def blob_id(content: bytes, object_format: str = "sha1") -> str:
    """The id git gives a blob of `content` (`git hash-object`), in the repository's hash."""
    import hashlib  # here and below: the hook imports this module and needs none of them

    digest = hashlib.new(object_format)
    digest.update(b"blob %d\0" % len(content))
    digest.update(content)
    return digest.hexdigest()


def _object_format(repo: Repository) -> str:
    try:
        config = (repo.common_dir / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "sha1"
    return "sha256" if re.search(r"(?im)^\s*objectformat\s*=\s*sha256\s*$", config) else "sha1"


def record_write(path: Path, agent: str, content: bytes) -> LedgerEntry | None:
    """Record that `agent` wrote `content` to `path` (absolute); None when `path` is in no work tree."""
    import json
    from datetime import UTC, datetime

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
    target = ledger_path(repo)
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode("utf-8")
    # One O_APPEND write per entry keeps lines whole when several agents write at once.
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def _entries(target: Path) -> list[LedgerEntry]:
    import json

    try:
        text = target.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    entries: list[LedgerEntry] = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            entries.append(LedgerEntry(str(data["path"]), str(data["agent"]), str(data["time"]), str(data["blob"])))
        except (ValueError, KeyError, TypeError):
            continue  # a torn or hand-edited line must not stop a commit
    return entries


def read_ledger(repo: Path) -> list[LedgerEntry]:
    """Every entry recorded for the repository holding `repo`, oldest first ([] when none)."""
    found = find_repository(Path(repo))
    return _entries(ledger_path(found)) if found is not None else []


def staged_writes(repo: Path) -> dict[str, list[str]]:
    """Agent -> the staged paths whose content is exactly what the agent last recorded writing."""
    found = find_repository(Path(repo))
    if found is None or not ledger_path(found).is_file():
        return {}
    entries = _entries(ledger_path(found))
    if not entries:
        return {}
    staged = staged_blobs(found.root)
    writes: dict[str, set[str]] = {}
    for entry in entries:
        if staged.get(entry.path) == entry.blob:
            writes.setdefault(entry.agent, set()).add(entry.path)
    return {agent: sorted(paths) for agent, paths in sorted(writes.items())}


def agents_for_staged(repo: Path) -> list[str]:
    """Agents whose recorded blob matches a staged blob (see `staged_writes`), sorted, unique."""
    return list(staged_writes(repo))
