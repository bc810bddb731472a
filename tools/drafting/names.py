"""Names for drafted models and columns: snake_case, unique, and never a word SQL reserves."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def reserved_words() -> frozenset[str]:
    """Words DuckDB will not take as a bare column name (reserved and type/function keywords)."""
    from tools.duckdb_sandbox import connect_duckdb

    conn = connect_duckdb()
    try:
        rows = conn.execute(
            "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category IN ('reserved', 'type_function')"
        ).fetchall()
    finally:
        conn.close()
    return frozenset(r[0].lower() for r in rows)


def snake_case(name: str) -> str:
    """`Order ID` -> order_id, `customerName` -> customer_name, `2nd value` -> c_2nd_value."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    if not text:
        text = "column"
    if text[0].isdigit():
        text = f"c_{text}"
    return text


def safe_name(name: str, context: str) -> str:
    """A snake_case name; one that SQL reserves (`order`, `group`, `from`) is prefixed with its context."""
    snake = snake_case(name)
    if snake in reserved_words():
        return f"{snake_case(context)}_{snake}"
    return snake


def unique(names: list[str]) -> list[str]:
    """Make names distinct by numbering repeats (`amount`, `amount_2`)."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen[candidate] = 1
        result.append(candidate)
    return result


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
