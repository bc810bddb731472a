"""What memory says about a request: the known entities it mentions, as a compact block for an agent's context."""

from __future__ import annotations

from collections.abc import Iterable

from tools.memory.model import Entity
from tools.memory.store import MemoryStore
from tools.words import split_words

# Newest observations kept per entity in an agent's context; the rest are a `memory search` away.
OBSERVATIONS_PER_ENTITY = 5
MAX_CONTEXT_CHARS = 4000


def mentioned_entities(request: str, names: Iterable[str]) -> list[str]:
    """Known entity names the request mentions, in order of first mention.

    A name matches when its words appear together in the request, however they are joined:
    `orders_etl` is mentioned by "orders_etl", "orders-etl" and "the orders ETL".
    """
    words = split_words(request)
    found: list[tuple[int, int, str]] = []
    for name in names:
        parts = split_words(name)
        if not parts:
            continue
        for start in range(len(words) - len(parts) + 1):
            if words[start : start + len(parts)] == parts:
                found.append((start, -len(parts), name))
    # A longer name wins over a shorter one at the same place (warehouse.orders over orders).
    found.sort()
    taken: set[int] = set()
    result = []
    for start, negative_length, name in found:
        span = set(range(start, start - negative_length))
        if span & taken:
            continue
        taken |= span
        if name not in result:
            result.append(name)
    return result


def memory_context(store: MemoryStore, request: str, *, limit: int = MAX_CONTEXT_CHARS) -> str:
    """The memory about the entities `request` mentions, as text; empty when it mentions none."""
    with store.reading():
        names = mentioned_entities(request, store.names())
        blocks = [format_entity(store.entity(name), store) for name in names]
    if not blocks:
        return ""
    text = "Project memory (facts recorded earlier; dates are when they were observed):\n" + "\n".join(blocks)
    if len(text) > limit:
        text = text[: limit - 30].rsplit("\n", 1)[0] + "\n... (more in `deassist memory show`)"
    return text


def format_entity(entity: Entity, store: MemoryStore) -> str:
    """One entity as a few lines: type, newest observations, relations, and its transitive lineage."""
    lines = [f"- {entity.name} ({entity.type})"]
    for o in entity.observations[-OBSERVATIONS_PER_ENTITY:]:
        lines.append(f"  - {o.date}: {o.text}")
    hidden = len(entity.observations) - OBSERVATIONS_PER_ENTITY
    if hidden > 0:
        lines.append(f"  - ({hidden} older observations)")
    for r in entity.relations:
        lines.append(f"  - {r.source} {r.relation} {r.target}")
    upstream = sorted({e.up for e in store.flow_edges(entity.name, direction="up")} - {entity.name})
    downstream = sorted({e.down for e in store.flow_edges(entity.name, direction="down")} - {entity.name})
    if upstream:
        lines.append(f"  - upstream: {', '.join(upstream)}")
    if downstream:
        lines.append(f"  - downstream: {', '.join(downstream)}")
    return "\n".join(lines)
