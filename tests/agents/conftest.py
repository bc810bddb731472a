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


# --- sessions driven through the graph ------------------------------------------------------------


@pytest.fixture
def ask(tmp_path: Path):
    """ask(request, sources=[...], backend=None, approve=None, **config) -> list of events, through a real Session."""
    from assistant.backends.offline import OfflineBackend
    from assistant.session import Session, SessionConfig

    def run(request: str, sources: list[str] | None = None, *, backend=None, approve=None, **config):  # noqa: ANN001, ANN202
        config.setdefault("home", tmp_path / "deassist-home")
        config.setdefault("workdir", tmp_path)
        session = Session(SessionConfig(sources=[str(s) for s in sources or []], **config), backend=backend or OfflineBackend())
        try:
            return list(session.ask(request, approve=approve))
        finally:
            session.close()

    return run


def final(events_: list) -> object:  # noqa: ANN001
    from assistant.events import FinalAnswer

    answers = [e for e in events_ if isinstance(e, FinalAnswer)]
    assert answers, f"no FinalAnswer in {[type(e).__name__ for e in events_]}"
    return answers[-1]


class RecordingBackend:
    """The offline planner, keeping every ModelRequest it was sent (to assert on what agents were told)."""

    name = "offline"

    def __init__(self) -> None:
        from assistant.backends.offline import OfflineBackend

        self.inner = OfflineBackend()
        self.requests: list = []

    def complete(self, request, on_text=None):  # noqa: ANN001, ANN201
        self.requests.append(request)
        return self.inner.complete(request, on_text)
