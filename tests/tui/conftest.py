"""The chat app under Pilot: the real app, the real Session, the offline backend, fixed names and sizes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT

SHOP = "assistant/examples/shop"  # relative to ROOT, so what the catalog shows does not depend on the checkout
SIZE = (120, 40)


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """A ChatApp over the shop example; sessions are kept in a temporary home, without an API key."""
    from assistant.session import SessionConfig
    from assistant.tui.app import ChatApp

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)

    def make(*, sources: tuple[str, ...] = (SHOP,), session: str = "test", model: str = "offline", workdir: Path | None = None) -> ChatApp:
        config = SessionConfig(model=model, sources=list(sources), session=session, home=tmp_path / "home", workdir=workdir or tmp_path)
        return ChatApp(config, cursor_blink=False)

    return make


async def until(pilot, predicate: Callable[[], object], what: str, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until `predicate` holds; `limit` only stops a hung test, it is not a speed check."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"the app never showed {what}")
        await pilot.pause(0.05)


def shown_text(app) -> str:  # type: ignore[no-untyped-def]
    """Everything the conversation shows as plain text: notes, Markdown sources, tool blocks, table cells."""
    from textual.widgets import Collapsible, DataTable, Markdown, Static
    from textual.widgets._markdown import MarkdownBlock

    parts: list[str] = []
    for widget in app.conversation.walk_children():
        if isinstance(widget, Markdown):
            parts.append(widget.source)
        elif isinstance(widget, Collapsible):
            parts.append(widget.title)
        elif isinstance(widget, DataTable):
            parts.append(" | ".join(str(c.label) for c in widget.columns.values()))
            parts.extend(" | ".join(str(cell) for cell in widget.get_row_at(i)) for i in range(widget.row_count))
        elif isinstance(widget, Static) and not isinstance(widget, MarkdownBlock):
            parts.append(str(widget.content))
    return "\n".join(parts)


from tests.backends.stub_server import messages_stub  # noqa: F401 - the scripted Messages API, as a fixture here
