"""Install and remove the commit hooks, chaining whatever hook was there before.

The hook scripts are tiny shell scripts: run the previous hook (kept beside it as
`NAME.before-deassist`) when chained, then exec Python with `-I -S` on `tools.attribution.hook`
from the folder deassist is installed in, so a commit never loads site-packages or the CLI.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import tools
from tools.attribution.repository import Repository, find_repository, run_git
from tools.errors import DeassistError

HOOK_NAMES = ("prepare-commit-msg", "commit-msg")
MARKER = "# deassist hook"
BACKUP_SUFFIX = ".before-deassist"
_CHAIN = 'previous="$0' + BACKUP_SUFFIX + '"\nif [ -x "$previous" ]; then "$previous" "$@" || exit $?; fi\n'
_ENTRY = "import sys; sys.path.insert(0, sys.argv.pop(1)); from tools.attribution.hook import main; sys.exit(main(sys.argv[1:]))"


@dataclass(frozen=True)
class HookChange:
    """What happened to one hook: installed, chained (the previous one runs first), replaced
    (--force; the previous one is kept for uninstall), updated, removed, restored, absent, or
    left (not deassist's)."""

    name: str
    path: Path
    action: str


def _repository(start: Path) -> Repository:
    repo = find_repository(start)
    if repo is None:
        raise DeassistError("DEA-HOOK-NO-REPO", f"{start} is not inside a git work tree")
    return repo


def hooks_dir(repo: Repository) -> Path:
    """Where git looks for hooks: `core.hooksPath` when set (relative to the work tree), else .git/hooks."""
    path = Path(run_git(repo.root, "rev-parse", "--git-path", "hooks").strip())
    return path if path.is_absolute() else Path(repo.root) / path


def hook_script(name: str, chain: bool, python: str | None = None) -> str:
    root = Path(tools.__file__).resolve().parent.parent
    return (
        "#!/bin/sh\n"
        f"{MARKER}: {name} (from `deassist hook install`; `deassist hook uninstall` removes it)\n"
        + (_CHAIN if chain else "")
        + f'exec {shlex.quote(python or sys.executable)} -I -S -c {shlex.quote(_ENTRY)} {shlex.quote(str(root))} {name} "$@"\n'
    )


def _is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def install_hooks(start: Path, force: bool = False) -> list[HookChange]:
    """Install both hooks in the repository holding `start`; an existing hook is chained unless `force`."""
    repo = _repository(start)
    folder = hooks_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    changes: list[HookChange] = []
    for name in HOOK_NAMES:
        path = folder / name
        backup = folder / (name + BACKUP_SUFFIX)
        if path.is_file() and _is_ours(path):
            chain = backup.exists() and _CHAIN in path.read_text(encoding="utf-8") and not force
            action = "updated"
        elif path.exists():
            if backup.exists():
                raise DeassistError(
                    "DEA-HOOK-CONFLICT", f"both {path} and {backup} exist; move one away and install again"
                )
            path.rename(backup)
            chain, action = not force, ("replaced" if force else "chained")
        else:
            chain, action = False, "installed"
        path.write_text(hook_script(name, chain), encoding="utf-8")
        path.chmod(0o755)
        changes.append(HookChange(name, path, action))
    return changes


def uninstall_hooks(start: Path) -> list[HookChange]:
    """Remove deassist's hooks and put back the hooks they chained or replaced."""
    repo = _repository(start)
    folder = hooks_dir(repo)
    changes: list[HookChange] = []
    for name in HOOK_NAMES:
        path = folder / name
        backup = folder / (name + BACKUP_SUFFIX)
        if path.exists() and not _is_ours(path):
            changes.append(HookChange(name, path, "left"))
            continue
        existed = path.exists()
        if existed:
            path.unlink()
        if backup.exists():
            backup.rename(path)
            changes.append(HookChange(name, path, "restored"))
        else:
            changes.append(HookChange(name, path, "removed" if existed else "absent"))
    return changes
