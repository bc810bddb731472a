"""What memory holds: typed entities with dated observations, and named relations between entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Relations that carry data from their source to their target: the target is downstream.
FLOWS_FORWARD = frozenset({"feeds_data_to", "streams_features_to", "streams_to", "writes_to", "publishes_to"})
# Relations that carry data from their target to their source: `a depends_on b` puts b upstream of a.
FLOWS_BACKWARD = frozenset({"depends_on", "reads_from", "consumes", "derived_from"})
# Everything else (owned_by, documented_in, ...) links entities without being lineage.


@dataclass(frozen=True)
class Observation:
    """One dated fact about an entity. `id` is local to one memory file (export leaves it out)."""

    id: int
    entity: str
    text: str
    date: str  # ISO date, YYYY-MM-DD

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "date": self.date}


@dataclass(frozen=True)
class Relation:
    source: str
    relation: str
    target: str

    @property
    def is_lineage(self) -> bool:
        return self.relation in FLOWS_FORWARD or self.relation in FLOWS_BACKWARD

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "relation": self.relation, "target": self.target}


@dataclass(frozen=True)
class Entity:
    name: str
    type: str
    observations: list[Observation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)  # both directions: where it is source or target

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "observations": [o.to_json() for o in self.observations],
            "relations": [r.to_json() for r in self.relations],
        }


@dataclass(frozen=True)
class SearchHit:
    """An observation (or an entity by its name, `observation` None) matching a text search."""

    entity: str
    type: str
    observation: Observation | None
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "type": self.type,
            "observation": self.observation.to_json() if self.observation else None,
            "score": self.score,
        }


@dataclass(frozen=True)
class MemorySnapshot:
    """The whole memory as the export/import JSON carries it (format version 1)."""

    entities: list[Entity]
    relations: list[Relation]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "entities": [
                {
                    "name": e.name,
                    "type": e.type,
                    "observations": [{"text": o.text, "date": o.date} for o in e.observations],
                }
                for e in self.entities
            ],
            "relations": [r.to_json() for r in self.relations],
        }


@dataclass(frozen=True)
class FlowEdge:
    """A lineage edge in the direction data moves: `up` feeds `down`, whichever way the relation was said."""

    up: str
    down: str
    relation: str
