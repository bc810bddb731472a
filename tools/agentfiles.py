"""Agent files in Claude Code's format: where they live and what their front matter says.

The roster (assistant) and the attribution check (the git hook) both need the names of the known
agents. The hook runs on every commit, so `agent_names` reads only the `name:` line of each file;
`read_agent_file` parses the whole YAML front matter for the roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from prompts import PROMPTS_DIR
from tools.errors import DeassistError

Origin = Literal["builtin", "repository", "user"]


@dataclass(frozen=True)
class AgentFileRef:
    """An agent file found on disk, before its front matter is parsed."""

    path: Path
    origin: Origin


@dataclass(frozen=True)
class AgentFile:
    name: str
    description: str
    body: str
    path: Path
    origin: Origin
    meta: dict[str, Any] = field(default_factory=dict)


def agent_dirs(repo: Path | None = None, home: Path | None = None) -> list[tuple[Path, Origin]]:
    """Folders searched for agent files, in precedence order (later ones override earlier names)."""
    home = home if home is not None else Path.home()
    dirs: list[tuple[Path, Origin]] = [(PROMPTS_DIR, "builtin"), (home / ".claude" / "agents", "user")]
    if repo is not None:
        dirs.append((repo / ".claude" / "agents", "repository"))
    return dirs


def find_agent_files(repo: Path | None = None, home: Path | None = None) -> list[AgentFileRef]:
    """Every `*.md` agent file, skipping translations (`data-engineer.ko.md`) which share a name."""
    refs: list[AgentFileRef] = []
    for folder, origin in agent_dirs(repo, home):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            if path.stem.count(".") == 0:
                refs.append(AgentFileRef(path, origin))
    return refs


def front_matter_name(path: Path) -> str | None:
    """The `name:` of an agent file's front matter, read without YAML (the hook must stay fast)."""
    try:
        with path.open(encoding="utf-8") as handle:
            if handle.readline().strip() != "---":
                return None
            for line in handle:
                if line.strip() == "---":
                    return None
                if line.startswith("name:"):
                    return line[5:].strip().strip("'\"") or None
    except (OSError, UnicodeDecodeError):
        return None
    return None


def agent_names(repo: Path | None = None, home: Path | None = None) -> dict[str, Origin]:
    """Known agent names and where each came from; a file without a name is named after itself."""
    names: dict[str, Origin] = {}
    for ref in find_agent_files(repo, home):
        names[front_matter_name(ref.path) or ref.path.stem] = ref.origin
    return names


def read_agent_file(path: Path, origin: Origin = "builtin") -> AgentFile:
    """Parse an agent file: YAML front matter between `---` lines, then the system prompt."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeassistError("DEA-AGENT-FILE", f"{path}: cannot read agent file ({exc})") from exc
    if not text.startswith("---"):
        raise DeassistError("DEA-AGENT-FILE", f"{path}: no YAML front matter (a first line of ---)")
    _, _, rest = text.partition("\n")
    head, sep, body = rest.partition("\n---")
    if not sep:
        raise DeassistError("DEA-AGENT-FILE", f"{path}: front matter is not closed by a --- line")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise DeassistError("DEA-AGENT-FILE", f"{path}: front matter is not YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(meta, dict):
        raise DeassistError("DEA-AGENT-FILE", f"{path}: front matter is not a mapping")
    name = str(meta.get("name") or path.name.split(".")[0])
    return AgentFile(
        name=name,
        description=str(meta.get("description") or ""),
        body=body.partition("\n")[2].strip(),
        path=path,
        origin=origin,
        meta=meta,
    )
