"""Find a git repository from a path, and ask git what is staged, without paying for it when unneeded.

The hook runs on every commit, so the work tree and git directory are found by walking up to
`.git` (a folder, or a file `gitdir: ...` in linked worktrees and submodules) instead of starting
`git rev-parse`, with `os.path` rather than pathlib, and `subprocess` is imported only when git
really has to be asked.
"""

from __future__ import annotations

import os

from tools.attribution.records import record
from tools.errors import FAILURE, DeassistError

StrPath = str | os.PathLike[str]


@record
class Repository:
    """A non-bare repository: its work tree, its (per-worktree) git directory and the shared one,
    as absolute paths."""

    root: str
    git_dir: str
    common_dir: str


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _gitfile_target(dotgit: str) -> str | None:
    text = _read(dotgit)
    if text is None or not text.startswith("gitdir:"):
        return None
    target = text[len("gitdir:") :].strip()
    return os.path.normpath(os.path.join(os.path.dirname(dotgit), target))


def _common_dir(git_dir: str) -> str:
    text = _read(os.path.join(git_dir, "commondir"))
    return os.path.normpath(os.path.join(git_dir, text.strip())) if text else git_dir


def find_repository(start: StrPath) -> Repository | None:
    """The repository whose work tree holds `start` (a file or folder), or None outside any.

    `GIT_DIR` (which git exports to hooks in some set-ups) wins over the walk, as it does for git.
    """
    env_dir = os.environ.get("GIT_DIR")
    if env_dir:
        git_dir = os.path.abspath(env_dir)
        return Repository(
            os.path.abspath(os.environ.get("GIT_WORK_TREE") or os.getcwd()), git_dir, _common_dir(git_dir)
        )
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        dotgit = os.path.join(folder, ".git")
        if os.path.isdir(dotgit):
            return Repository(folder, dotgit, _common_dir(dotgit))
        if os.path.isfile(dotgit):
            git_dir = _gitfile_target(dotgit)
            if git_dir is not None and os.path.isdir(git_dir):
                return Repository(folder, git_dir, _common_dir(git_dir))
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def run_git(repo: StrPath, *args: str) -> str:
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


def git_config(repo: StrPath, key: str) -> str | None:
    """One git configuration value as git resolves it (all files, includes), or None when unset."""
    try:
        return run_git(repo, "config", "--get", key).rstrip("\n")
    except DeassistError:
        return None
