"""Real git repositories in temporary folders, with a private HOME and a fixed identity."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Ada Tester",
        GIT_AUTHOR_EMAIL="ada@example.com",
        GIT_COMMITTER_NAME="Ada Tester",
        GIT_COMMITTER_EMAIL="ada@example.com",
        GIT_EDITOR="true",
        NO_COLOR="1",
    )
    env.pop("ANTHROPIC_API_KEY", None)
    return env


class GitRepo:
    """A work tree in a tmp dir; `git(...)` runs real git there with the private environment."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        self.env = git_env(home)

    def git(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["git", *args], check=False, cwd=self.root, capture_output=True, text=True, env={**self.env, **(env or {})}
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def head_message(self) -> str:
        return self.git("log", "-1", "--format=%B").stdout.rstrip("\n")

    def deassist(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """The installed console script, run in this repository as a user would."""
        script = str(Path(sys.executable).with_name("deassist"))
        return subprocess.run(
            [script, *args], input=input, check=False, cwd=self.root, capture_output=True, text=True, env=self.env
        )

    def editor(self, name: str, script: str) -> dict[str, str]:
        """An env whose GIT_EDITOR runs `script` (sh, the message file is $1)."""
        path = self.home / name
        path.write_text("#!/bin/sh\n" + script + "\n")
        path.chmod(0o755)
        return {"GIT_EDITOR": str(path)}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def repo(tmp_path: Path, home: Path) -> GitRepo:
    root = tmp_path / "work"
    root.mkdir()
    made = GitRepo(root, home)
    made.git("init", "-q", "-b", "main")
    return made


AGENT_FILE = "---\nname: {name}\ndescription: test agent\n---\nYou help.\n"


@pytest.fixture
def hooked(repo: GitRepo) -> GitRepo:
    """A repository with two agent files, a first commit, and deassist's hooks installed."""
    for name in ("data-engineer", "database-admin"):
        repo.write(f".claude/agents/{name}.md", AGENT_FILE.format(name=name))
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "chore: agents - @data-engineer")
    installed = repo.deassist("hook", "install")
    assert installed.returncode == 0, installed.stderr
    return repo
