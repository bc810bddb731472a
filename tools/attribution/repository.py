"""Find a git repository from a path, and ask git what is staged, without paying for it when unneeded.

The hook runs on every commit, so the work tree and git directory are found by walking up to
`.git` (a folder, or a file `gitdir: ...` in linked worktrees and submodules) instead of starting
`git rev-parse`; `subprocess` is imported only when git really has to be asked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tools.errors import FAILURE, DeassistError


@dataclass(frozen=True)
class Repository:
    """A non-bare repository: its work tree, its (per-worktree) git directory and the shared one."""

    root: Path
    git_dir: Path
    common_dir: Path


def _read_gitfile(dotgit: Path) -> Path | None:
    try:
        text = dotgit.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:") :].strip())
    return target if target.is_absolute() else (dotgit.parent / target)


def _common_dir(git_dir: Path) -> Path:
    try:
        text = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    common = Path(text)
    return common if common.is_absolute() else (git_dir / common)


def find_repository(start: Path) -> Repository | None:
    """The repository whose work tree holds `start` (a file or folder), or None outside any.

    `GIT_DIR` (which git exports to hooks in some set-ups) wins over the walk, as it does for git.
    """
    env_dir = os.environ.get("GIT_DIR")
    if env_dir:
        git_dir = Path(env_dir).absolute()
        root = Path(os.environ.get("GIT_WORK_TREE") or Path.cwd()).absolute()
        return Repository(root, git_dir, _common_dir(git_dir))
    current = start.absolute()
    if not current.is_dir():
        current = current.parent
    for folder in (current, *current.parents):
        dotgit = folder / ".git"
        if dotgit.is_dir():
            return Repository(folder, dotgit, _common_dir(dotgit))
        if dotgit.is_file():
            git_dir = _read_gitfile(dotgit)
            if git_dir is not None and git_dir.is_dir():
                return Repository(folder, git_dir, _common_dir(git_dir))
    return None


def run_git(repo: Path, *args: str) -> str:
    """Run git in `repo` and return its stdout; a failure is a DeassistError with git's own words."""
    import subprocess

    try:
        proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise DeassistError("DEA-GIT-MISSING", f"cannot run git ({exc})", exit_code=FAILURE) from exc
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[0]
        raise DeassistError("DEA-GIT-FAILED", f"git {' '.join(args[:2])}: {first}", exit_code=FAILURE)
    return proc.stdout


def git_config(repo: Path, key: str) -> str | None:
    """One git configuration value as git resolves it (all files, includes), or None when unset."""
    try:
        return run_git(repo, "config", "--get", key).rstrip("\n")
    except DeassistError:
        return None


def staged_blobs(repo: Path) -> dict[str, str]:
    """Path -> blob id of every file the next commit adds or changes (deletions have no blob).

    Uses the index git is committing: `GIT_INDEX_FILE`, which git sets for `git commit -a` and
    `git commit PATH`, is inherited by the child process. Works before the first commit too.
    """
    out = run_git(repo, "diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-color", "--no-ext-diff")
    blobs: dict[str, str] = {}
    fields = out.split("\0")
    # Each entry is ":oldmode newmode oldsha newsha STATUS" then the path, both NUL-terminated.
    for meta, path in zip(fields[0::2], fields[1::2]):
        parts = meta.split()
        if len(parts) == 5 and not parts[4].startswith("D"):
            blobs[path] = parts[3]
    return blobs
