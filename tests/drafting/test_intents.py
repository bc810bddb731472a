"""Intent, not verbs: any request to make an artifact drafts it, in English, zh-TW and Korean (fixtures/intents.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.planner.draft import drafting_tool

FIXTURES = Path(__file__).parent / "fixtures"


def _cases(name: str) -> list[tuple[str, str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [tuple(part.strip() for part in line.rsplit("|", 1)) for line in lines if line.strip() and not line.startswith("#")]  # type: ignore[misc]


@pytest.mark.parametrize(("request_text", "tool"), _cases("intents.txt"))
def test_the_artifact_asked_for_is_drafted_whatever_the_verb(request_text: str, tool: str) -> None:
    assert (drafting_tool(request_text) or "none") == tool
