"""Export and import as JSON: a round trip keeps everything; imports merge unless told to replace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.errors import DeassistError
from tools.memory import MemoryStore
from tools.memory.store import snapshot_from_json


def test_round_trip_through_json_into_a_new_file_keeps_everything(platform: MemoryStore, tmp_path: Path):
    document = json.loads(json.dumps(platform.export_snapshot().to_json()))
    copy = MemoryStore(tmp_path / "other" / ".deassist" / "memory.duckdb")
    copy.import_snapshot(snapshot_from_json(document))
    assert copy.export_snapshot().to_json() == document

    def content(store: MemoryStore) -> list[tuple]:
        return [(e.name, e.type, [(o.text, o.date) for o in e.observations], e.relations) for e in store.entities()]

    assert content(copy) == content(platform)


def test_the_export_has_the_documented_shape(platform: MemoryStore):
    document = platform.export_snapshot().to_json()
    assert set(document) == {"version", "entities", "relations"} and document["version"] == 1
    etl = next(e for e in document["entities"] if e["name"] == "orders_etl")
    assert etl == {
        "name": "orders_etl",
        "type": "data_pipeline",
        "observations": [
            {"text": "processes 50 GB a day from 15 sources", "date": "2026-11-02"},
            {"text": "Spark on EMR, 2-hour SLA", "date": "2026-11-02"},
        ],
    }
    assert {"source": "orders_etl", "relation": "feeds_data_to", "target": "warehouse.orders"} in document["relations"]


def test_importing_twice_changes_nothing_and_replace_starts_over(platform: MemoryStore):
    document = platform.export_snapshot().to_json()
    platform.import_snapshot(snapshot_from_json(document))
    assert platform.export_snapshot().to_json() == document
    small = {"entities": [{"name": "only_this", "type": "dataset"}], "relations": []}
    merged = platform.import_snapshot(snapshot_from_json(small))
    assert len(merged.entities) == len(document["entities"]) + 1
    replaced = platform.import_snapshot(snapshot_from_json(small), replace=True)
    assert [e.name for e in replaced.entities] == ["only_this"] and replaced.relations == []


def test_replace_with_the_same_content_keeps_it(platform: MemoryStore):
    document = platform.export_snapshot().to_json()
    platform.import_snapshot(snapshot_from_json(document), replace=True)
    assert platform.export_snapshot().to_json() == document


@pytest.mark.parametrize(
    "document, where",
    [
        ([], "the document"),
        ({"version": 2, "entities": []}, '"version"'),
        ({"entities": [{"name": "x"}]}, "entities[0]"),
        ({"entities": [{"name": "x", "type": "dataset", "observations": ["text"]}]}, "entities[0].observations[0]"),
        ({"entities": [], "relations": [{"source": "a", "target": "b"}]}, "relations[0]"),
        ({"entities": [], "relations": {}}, '"relations"'),
    ],
)
def test_a_wrong_shape_names_where(document: object, where: str):
    with pytest.raises(DeassistError) as exc:
        snapshot_from_json(document)
    assert exc.value.code == "DEA-MEMORY-BAD-IMPORT" and exc.value.message.startswith(where)
