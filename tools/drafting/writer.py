"""The one way drafting writes files: inside the target directory, never over the user's work, and
every file recorded in the attribution ledger under the agent that wrote it.

A re-draft replaces a file only while it is exactly what deassist last wrote there (the ledger's
blob id equals the file's). A file the user changed since, or that deassist never wrote, is left
alone and the new version goes beside it as `<name>.deassist-new`; `plan_changes` says which, with
a diff summary, before anything is written (the approval shows it).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tools.attribution.ledger import last_written, record_write
from tools.errors import DeassistError

DEFAULT_AGENT = "data-engineer"
BESIDE = ".deassist-new"
DIFF_LINES = 400  # a diff shown for approval is cut here; the counts are always whole

Action = Literal["create", "update", "unchanged", "beside"]


@dataclass(frozen=True)
class FileChange:
    """What writing one drafted file does: create it, update deassist's own copy, nothing (same
    content), or write it beside a file the user changed (`reason` says how)."""

    path: str  # relative to the target directory, as drafted
    action: Action
    added: int  # lines, against the file there now
    removed: int
    diff: str = ""  # unified diff against the file there now, cut at DIFF_LINES
    reason: str = ""

    @property
    def written_as(self) -> str:
        return self.path + BESIDE if self.action == "beside" else self.path


@dataclass(frozen=True)
class WrittenFile:
    path: Path  # absolute
    bytes: int
    recorded: bool  # entered in the attribution ledger (False outside a git work tree)
    change: FileChange


def _encode(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _resolve(target: Path, files: Mapping[str, str | bytes]) -> tuple[Path, list[tuple[str, Path, bytes]]]:
    """Every path checked before anything is read or written: none may leave `target`."""
    root = target.resolve()
    if root.exists() and not root.is_dir():
        raise DeassistError("DEA-DRAFT-TARGET", f"{target}: exists and is not a directory")
    resolved = []
    for relative, content in files.items():
        path = (root / relative).resolve()
        if Path(relative).is_absolute() or not path.is_relative_to(root) or path == root:
            raise DeassistError("DEA-DRAFT-OUTSIDE", f"{relative}: refused, it is outside the target directory {target}")
        resolved.append((relative, path, _encode(content)))
    return root, resolved


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)


def _change(relative: str, path: Path, data: bytes, *, overwrite: bool) -> FileChange:
    if not path.exists():
        return FileChange(relative, "create", len(_lines(data)), 0, "".join(difflib.unified_diff([], _lines(data), "/dev/null", relative)))
    current = path.read_bytes()
    if current == data:
        return FileChange(relative, "unchanged", 0, 0)
    old, new = _lines(current), _lines(data)
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    added = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag in {"insert", "replace"})
    removed = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag in {"delete", "replace"})
    text = "".join(list(difflib.unified_diff(old, new, relative, relative))[:DIFF_LINES])
    if overwrite:
        return FileChange(relative, "update", added, removed, text)
    written = last_written(path)
    if written is None:
        return FileChange(relative, "beside", added, removed, text, "deassist did not write it")
    if written[0] != written[1]:
        return FileChange(relative, "beside", added, removed, text, "changed since deassist wrote it")
    return FileChange(relative, "update", added, removed, text)


def plan_changes(target: Path, files: Mapping[str, str | bytes], *, overwrite: bool = False) -> list[FileChange]:
    """What `write_files(target, files)` would do to each file, without writing anything."""
    _, resolved = _resolve(target, files)
    return [_change(relative, path, data, overwrite=overwrite) for relative, path, data in resolved]


def write_files(
    target: Path,
    files: Mapping[str, str | bytes],
    *,
    agent: str = DEFAULT_AGENT,
    force: bool = False,
    keep_edits: bool = False,
) -> list[WrittenFile]:
    """Write `files` (paths relative to `target`) and record each in the ledger; unchanged files are skipped.

    A `target` that already holds files is refused unless `keep_edits` (re-draft: files the user
    changed, or deassist did not write, get the new version beside them) or `force` (the named
    files are replaced whoever wrote them; nothing else in the directory is touched).
    """
    root, resolved = _resolve(target, files)
    if not (force or keep_edits) and root.exists() and any(root.iterdir()):
        raise DeassistError(
            "DEA-DRAFT-EXISTS", f"{target}: already holds files; nothing was written (pass --force to overwrite)"
        )
    written = []
    for relative, path, data in resolved:
        change = _change(relative, path, data, overwrite=force)
        if change.action == "unchanged":
            continue
        destination = root / change.written_as
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        entry = record_write(destination, agent, data)
        written.append(WrittenFile(destination, len(data), entry is not None, change))
    return written
