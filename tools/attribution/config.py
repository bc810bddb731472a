"""What a repository allows: commit types, header length, skipped messages, and the known agents.

Known agents are the persona and agent files (`tools.agentfiles.agent_names`: prompts/,
`~/.claude/agents/`, the repository's `.claude/agents/`) plus `agents = [...]` from the
repository's deassist configuration: `[tool.deassist]` in pyproject.toml or the top level of
`.deassist.toml` (which wins). Attribution settings live in the `attribution` table beside it.
"""

from __future__ import annotations

import marshal
import os
import re

from tools.attribution.records import record
from tools.errors import DeassistError
from tools.project_config import PROJECT_FILES, project_settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from tools.attribution.repository import Repository

DEFAULT_TYPES = (
    "feat",
    "fix",
    "docs",
    "style",
    "refactor",
    "perf",
    "test",
    "build",
    "ci",
    "chore",
    "revert",
    "config",
)
SKIPPABLE = ("merge", "revert", "fixup", "squash", "amend")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TYPE = re.compile(r"^[A-Za-z][\w-]*$")


@record
class AttributionConfig:
    """`skip` lists the kinds of message git writes itself that are not checked; `skip_patterns`
    are regular expressions: a header matching one is not checked either."""

    types: tuple[str, ...] = DEFAULT_TYPES
    agents: frozenset[str] = frozenset()
    header_max_length: int = 100
    skip: frozenset[str] = frozenset(SKIPPABLE)
    skip_patterns: tuple[str, ...] = ()
    require_agents: bool = True
    comment_char: str = "#"


CONFIG = "DEA-ATTR-CONFIG"


def _fail(source: str, message: str) -> DeassistError:
    return DeassistError(CONFIG, f"{source}: {message}")


def _strings(source: str, key: str, value: Any, pattern: re.Pattern[str] | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(source, f"{key} must be a list of strings")
    for item in value:
        if pattern is not None and not pattern.match(item):
            raise _fail(source, f"{key}: {item!r} is not a valid name")
    return value


_KEYS = {"types", "header-max-length", "skip", "skip-patterns", "require-agents"}


def _apply(settings: dict[str, Any], source: str, data: dict[str, Any]) -> None:
    if "agents" in data:
        settings["agents"] |= set(_strings(source, "agents", data["agents"], _NAME))
    table = data.get("attribution", {})
    if not isinstance(table, dict):
        raise _fail(source, "attribution must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise _fail(source, f"unknown attribution setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    if "types" in table:
        types = _strings(source, "attribution.types", table["types"], _TYPE)
        if not types:
            raise _fail(source, "attribution.types must name at least one type")
        settings["types"] = tuple(types)
    if "header-max-length" in table:
        length = table["header-max-length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 10:
            raise _fail(source, "attribution.header-max-length must be an integer of at least 10")
        settings["header_max_length"] = length
    if "skip" in table:
        skip = _strings(source, "attribution.skip", table["skip"])
        bad = [kind for kind in skip if kind not in SKIPPABLE]
        if bad:
            raise _fail(source, f"attribution.skip: {bad[0]!r} is not one of {', '.join(SKIPPABLE)}")
        settings["skip"] = frozenset(skip)
    if "skip-patterns" in table:
        patterns = _strings(source, "attribution.skip-patterns", table["skip-patterns"])
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _fail(source, f"attribution.skip-patterns: {pattern!r} is not a regular expression ({exc})")
        settings["skip_patterns"] = tuple(patterns)
    if "require-agents" in table:
        if not isinstance(table["require-agents"], bool):
            raise _fail(source, "attribution.require-agents must be true or false")
        settings["require_agents"] = table["require-agents"]


def load_config(repo: Path | None = None, home: Path | None = None) -> AttributionConfig:
    """The attribution rules for `repo` (its work tree root); bad settings are DEA-ATTR-CONFIG."""
    from tools.agentfiles import agent_names

    settings: dict[str, Any] = {"agents": set(agent_names(repo, home))}
    if repo is not None:
        for path, data in reversed(project_settings(repo, CONFIG)):  # the file that wins is applied last
            _apply(settings, path, data)
    settings["agents"] = frozenset(settings["agents"])
    return AttributionConfig(**settings)


# The hook's cache of `load_config`: valid while every file it was read from is unchanged.
_CACHE_FORMAT = 1
_SOURCES = (__file__, *(os.path.join(os.path.dirname(os.path.dirname(__file__)), f) for f in ("agentfiles.py", "project_config.py")))


def _fingerprint(root: str, home: str, folders: list[str]) -> tuple[object, ...]:
    stats: list[object] = [root, home]
    files = [*_SOURCES, *(os.path.join(root, name) for name in PROJECT_FILES)]
    for folder in folders:
        try:
            files += sorted(entry.path for entry in os.scandir(folder) if entry.name.endswith(".md"))
        except OSError:
            pass
        files.append(folder)
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            stats.append((path, None))
        else:
            stats.append((path, stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


def repository_config(repo: Repository) -> AttributionConfig:
    """`load_config` for the hook: read from a cache in the git dir unless a source file changed.

    Listing agent files and parsing TOML would cost the hook more than the check itself; a cache
    hit costs a few `stat` calls (every agent file, both settings files, deassist's own reader).
    """
    home = os.path.expanduser("~")
    cache = os.path.join(repo.git_dir, "deassist", "config.cache")
    try:
        with open(cache, "rb") as handle:
            fmt, key, folders, fields = marshal.load(handle)
        if fmt == _CACHE_FORMAT and key == _fingerprint(repo.root, home, folders):
            return AttributionConfig(*fields)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    from pathlib import Path

    from tools.agentfiles import agent_dirs

    folders = [str(folder) for folder, _ in agent_dirs(Path(repo.root), Path(home))]
    key = _fingerprint(repo.root, home, folders)  # before reading, so a change made meanwhile misses next time
    config = load_config(Path(repo.root), Path(home))
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        partial = f"{cache}.{os.getpid()}"
        with open(partial, "wb") as handle:
            marshal.dump((_CACHE_FORMAT, key, folders, tuple(config)), handle)
        os.replace(partial, cache)
    except OSError:
        pass  # a read-only git dir only costs speed
    return config
