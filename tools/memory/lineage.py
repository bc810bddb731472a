"""Lineage from memory: what is upstream and downstream of an entity, as a tree and as Mermaid text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tools.memory.model import FLOWS_BACKWARD, FlowEdge
from tools.memory.store import MemoryStore

# How a backward relation reads along the direction data moves (`a depends_on b` draws b --> a).
_ALONG_THE_FLOW = {"depends_on": "needed by", "reads_from": "read by", "consumes": "consumed by", "derived_from": "source of"}


@dataclass
class LineageNode:
    """One entity in a lineage tree. `repeat` marks an entity already shown higher up (a cycle or a diamond)."""

    name: str
    type: str
    relation: str | None = None  # the relation linking it to its parent
    repeat: bool = False
    children: list[LineageNode] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "relation": self.relation,
            "repeat": self.repeat,
            "children": [c.to_json() for c in self.children],
        }


@dataclass
class Lineage:
    """Upstream and downstream trees of `root` (or, with `root` None, downstream of every source),
    and the distinct edges they were built from."""

    root: LineageNode | None
    upstream: list[LineageNode]
    downstream: list[LineageNode]
    edges: list[FlowEdge]
    types: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root.name if self.root else None,
            "upstream": [n.to_json() for n in self.upstream],
            "downstream": [n.to_json() for n in self.downstream],
            "edges": [{"up": e.up, "down": e.down, "relation": e.relation} for e in self.edges],
        }


def lineage_tree(store: MemoryStore, name: str | None = None, *, depth: int | None = None) -> Lineage:
    """The lineage of one entity, or of the whole memory when `name` is None."""
    with store.reading():
        return _lineage(store, name, depth)


def _lineage(store: MemoryStore, name: str | None, depth: int | None) -> Lineage:
    types = store.types()
    if name is None:
        edges = store.flow_edges()
        down = _adjacency(edges, "down")
        has_upstream = {e.down for e in edges}
        tops = sorted({e.up for e in edges} - has_upstream)
        seen: set[str] = set()
        forest: list[LineageNode] = []
        # Sources first; whatever sits only on cycles gets a tree of its own afterwards.
        for top in [*tops, *sorted({e.up for e in edges})]:
            if top not in seen:
                forest.append(_grow(top, None, down, types, seen, depth))
        return Lineage(None, [], forest, edges, types)
    name = store.resolve(name)
    downstream_edges = store.flow_edges(name, direction="down")
    upstream_edges = store.flow_edges(name, direction="up")
    down = _grow(name, None, _adjacency(downstream_edges, "down"), types, set(), depth)
    up = _grow(name, None, _adjacency(upstream_edges, "up"), types, set(), depth)
    edges = sorted(set(downstream_edges) | set(upstream_edges), key=lambda e: (e.up, e.down, e.relation))
    return Lineage(LineageNode(name, types.get(name, "unknown")), up.children, down.children, edges, types)


def _adjacency(edges: list[FlowEdge], direction: str) -> dict[str, list[tuple[str, str]]]:
    nexts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in edges:
        if direction == "down":
            nexts[e.up].append((e.down, e.relation))
        else:
            nexts[e.down].append((e.up, e.relation))
    return nexts


def _grow(
    start: str,
    relation: str | None,
    nexts: dict[str, list[tuple[str, str]]],
    types: dict[str, str],
    seen: set[str],
    depth: int | None,
) -> LineageNode:
    """A breadth-first tree: each entity is expanded once, where it is nearest the start."""
    root = LineageNode(start, types.get(start, "unknown"), relation)
    seen.add(start)
    level = [root]
    steps = 0
    while level and (depth is None or steps < depth):
        steps += 1
        following = []
        for node in level:
            for child_name, child_relation in sorted(nexts.get(node.name, [])):
                child = LineageNode(child_name, types.get(child_name, "unknown"), child_relation, child_name in seen)
                node.children.append(child)
                if not child.repeat:
                    seen.add(child_name)
                    following.append(child)
        level = following
    return root


def render_mermaid(lineage: Lineage) -> str:
    """A Mermaid flowchart, left to right in the direction data moves; the entity asked about is highlighted."""
    names = sorted({e.up for e in lineage.edges} | {e.down for e in lineage.edges} | ({lineage.root.name} if lineage.root else set()))
    ids = {name: f"n{i}" for i, name in enumerate(names)}
    lines = ["flowchart LR"]
    for name in names:
        label = f"{name}<br/>{lineage.types.get(name, 'unknown')}"
        lines.append(f'    {ids[name]}["{_mermaid_text(label)}"]')
    for e in lineage.edges:
        label = _ALONG_THE_FLOW.get(e.relation, e.relation) if e.relation in FLOWS_BACKWARD else e.relation
        arrow = "-.->" if e.relation in FLOWS_BACKWARD else "-->"
        lines.append(f"    {ids[e.up]} {arrow}|{_mermaid_text(label)}| {ids[e.down]}")
    if lineage.root:
        lines.append(f"    style {ids[lineage.root.name]} stroke-width:3px")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid labels in quotes cannot hold a raw double quote; its entity code is #quot;
    return text.replace('"', "#quot;").replace("|", "#124;")
