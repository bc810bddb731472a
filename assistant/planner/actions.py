"""What the planner decides at each turn: call a tool, or reply with the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.reading import Verdict


@dataclass
class Call:
    name: str
    input: dict[str, Any]


@dataclass
class Reply:
    text: str
    verdict: Verdict | None = None  # set by the analytic path: answered with its reading, or declined


Action = Call | Reply
