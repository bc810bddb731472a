"""Project memory: a small knowledge graph of a team's pipelines, datasets and how data flows between them.

Kept per project in `.deassist/memory.duckdb`; the CLI, the TUI and the agents read and write it.
"""

from tools.memory.guard import check_storable
from tools.memory.lineage import Lineage, LineageNode, lineage_tree, render_mermaid
from tools.memory.model import Entity, MemorySnapshot, Observation, Relation, SearchHit
from tools.memory.recall import memory_context, mentioned_entities
from tools.memory.store import MemoryStore, project_root

__all__ = [
    "Entity",
    "Lineage",
    "LineageNode",
    "MemorySnapshot",
    "MemoryStore",
    "Observation",
    "Relation",
    "SearchHit",
    "check_storable",
    "lineage_tree",
    "memory_context",
    "mentioned_entities",
    "project_root",
    "render_mermaid",
]
