"""The one way drafting writes files: inside the target directory, never over existing work
unless asked, and every file recorded in the attribution ledger under the agent that wrote it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tools.attribution.ledger import record_write
from tools.errors import DeassistError

DEFAULT_AGENT = "data-engineer"


@dataclass(frozen=True)
class WrittenFile:
    path: Path  # absolute
    bytes: int
    recorded: bool  # entered in the attribution ledger (False outside a git work tree)


def write_files(
    target: Path, files: Mapping[str, str | bytes], *, agent: str = DEFAULT_AGENT, force: bool = False
) -> list[WrittenFile]:
    """Write `files` (paths relative to `target`) and record each in the ledger.

    Every path is checked before anything is written: a path leaving `target` (absolute, `..`, or
    through a symlink) is refused, and so is a `target` that already holds files, unless `force`
    (then only the files named here are replaced; nothing else in the directory is touched).
    """
    root = target.resolve()
    if root.exists() and not root.is_dir():
        raise DeassistError("DEA-DRAFT-TARGET", f"{target}: exists and is not a directory")
    resolved: list[tuple[Path, bytes]] = []
    for relative, content in files.items():
        path = (root / relative).resolve()
        if Path(relative).is_absolute() or not path.is_relative_to(root) or path == root:
            raise DeassistError("DEA-DRAFT-OUTSIDE", f"{relative}: refused, it is outside the target directory {target}")
        resolved.append((path, content.encode("utf-8") if isinstance(content, str) else content))
    if not force and root.exists() and any(root.iterdir()):
        raise DeassistError(
            "DEA-DRAFT-EXISTS", f"{target}: already holds files; nothing was written (pass --force to overwrite)"
        )
    written = []
    for path, data in resolved:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entry = record_write(path, agent, data)
        written.append(WrittenFile(path, len(data), entry is not None))
    return written
