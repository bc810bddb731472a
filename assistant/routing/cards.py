"""Routing cards: what routing knows of a persona in one language (its description, example requests).

The coordinator's brief carries the cards as JSON inside `<roster>`, one object a line, so a model
reads them and the offline backend parses them back as data, not prose.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RoutingCard:
    name: str
    language: str  # "en", "zh-TW", "ko"
    description: str
    examples: tuple[str, ...] = ()


def cards_to_lines(cards: list[RoutingCard]) -> str:
    return "\n".join(json.dumps({**asdict(c), "examples": list(c.examples)}, ensure_ascii=False) for c in cards)


def cards_from_lines(text: str) -> list[RoutingCard]:
    """Cards from `cards_to_lines` output; lines that are not a card (a model's listing) are skipped."""
    cards = []
    for line in text.splitlines():
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(raw, dict) and isinstance(raw.get("name"), str) and isinstance(raw.get("description"), str):
            examples = tuple(str(e) for e in raw.get("examples") or [])
            cards.append(RoutingCard(raw["name"], str(raw.get("language") or "en"), raw["description"], examples))
    return cards
