"""Agent files written into a temporary home and repository, as a user would place them."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

AgentWriter = Callable[..., Path]


def agent_text(name: str, description: str = "Reviews dbt models.", body: str = "You review dbt models.", **meta: str) -> str:
    lines = ["---", f"name: {name}", f"description: {description}", *(f"{k}: {v}" for k, v in meta.items()), "---", body]
    return "\n".join(lines) + "\n"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.fixture
def write_agent() -> AgentWriter:
    """write_agent(folder_root, filename, text): an agent file in `<root>/.claude/agents/`."""

    def write(root: Path, filename: str, text: str) -> Path:
        folder = root / ".claude" / "agents"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / filename
        path.write_text(text, encoding="utf-8")
        return path

    return write
