"""Memory keeps no personal data and no secrets, and never repeats them when it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools.errors import DeassistError
from tools.memory import MemoryStore, MemorySnapshot, check_storable
from tools.memory.model import Entity, Observation, Relation

CASES = yaml.safe_load((Path(__file__).parent / "storable.yaml").read_text())


@pytest.mark.parametrize("case", CASES["refused"] + CASES["refused_forms"], ids=lambda c: c["text"][:40])
def test_refused_with_its_code_and_without_the_value(case: dict):
    with pytest.raises(DeassistError) as exc:
        check_storable(case["text"], "observation on orders_etl")
    assert exc.value.code == case["code"]
    assert case["hidden"] not in str(exc.value)
    assert "\n" not in exc.value.message and exc.value.message.startswith("observation on orders_etl")


@pytest.mark.parametrize("text", CASES["kept"] + CASES["kept_forms"], ids=lambda t: t[:40])
def test_ordinary_engineering_facts_are_kept(text: str):
    check_storable(text, "observation")


def test_the_store_refuses_pii_and_secrets_anywhere_and_writes_nothing(store: MemoryStore):
    attempts = [
        lambda: store.add("ada@example.com", type="dataset"),
        lambda: store.add("orders_etl", type="data_pipeline", observations=["ok", "owner ada@example.com"]),
        lambda: store.add("orders_etl", type="data_pipeline", relations=[("feeds_data_to", "AKIAIOSFODNN7EXAMPLE")]),
    ]
    for attempt in attempts:
        with pytest.raises(DeassistError) as exc:
            attempt()
        assert exc.value.code in {"DEA-MEMORY-PII", "DEA-MEMORY-SECRET"}
    assert store.names() == []


def test_an_import_with_a_secret_writes_nothing(platform: MemoryStore):
    before = platform.export_snapshot()
    poisoned = MemorySnapshot(
        [Entity("new_job", "data_pipeline", [Observation(0, "new_job", "password=hunter2", "2026-11-02")])],
        [Relation("new_job", "feeds_data_to", "warehouse.orders")],
    )
    with pytest.raises(DeassistError) as exc:
        platform.import_snapshot(poisoned)
    assert exc.value.code == "DEA-MEMORY-SECRET" and "hunter2" not in str(exc.value)
    assert platform.export_snapshot() == before
