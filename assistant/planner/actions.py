"""What the planner decides at each turn: call a tool, or reply with the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Call:
    name: str
    input: dict[str, Any]


@dataclass
class Reply:
    text: str


Action = Call | Reply
