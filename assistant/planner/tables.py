"""Which catalog tables a request names, in the words prose uses for them (plural or singular, spaced)."""

from __future__ import annotations

import re

from tools.words import singular


def _forms(table: str) -> list[str]:
    """How a table's rows are named in prose: `order_items` -> order items, order item, order_item."""
    spaced = table.lower().replace("_", " ")
    *head, last = spaced.split(" ")
    one = " ".join([*head, singular(last)])
    return list(dict.fromkeys([spaced, one, table.lower(), one.replace(" ", "_")]))


def named_tables(text: str, tables: list[str]) -> list[str]:
    """The catalog tables the text names (plural or singular, spaces or underscores), longest names first."""
    lowered = text.lower()
    found = []
    for table in sorted(tables, key=len, reverse=True):
        for form in _forms(table):
            pattern = rf"\b{re.escape(form)}\b"
            if re.search(pattern, lowered):
                found.append(table)
                lowered = re.sub(pattern, " ", lowered)  # `order items` must not also count as `orders`
                break
    return found
