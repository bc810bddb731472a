"""Every working persona carries the memory protocol: what to record, when, and in memory's shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.roster import load_roster
from tests.agents.test_roster import COLLABORATORS


@pytest.mark.parametrize("name", ["data-engineer", *COLLABORATORS])
def test_the_persona_says_what_to_record_when_and_in_which_shape(home: Path, name: str) -> None:
    prompt = load_roster(home=home)[name].system_prompt
    section = re.search(r"^## Memory\n(.*?)(?=^## )", prompt, re.MULTILINE | re.DOTALL)
    assert section, f"{name} has no Memory section"
    text = " ".join(section.group(1).split())
    assert "`remember`" in text and "`recall`" in text and "<memory>" in text
    assert all(word in text for word in ("observation", "relations", "`dataset`", "`data_pipeline`", "`owned_by`"))
    assert "Never personal data" in text or "**Never**: personal data" in text
    assert "states a fact" in text  # when: a fact the user states, or one the work taught
